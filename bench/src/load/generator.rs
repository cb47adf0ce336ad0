//! The concurrent load generator: N keep-alive connections, each sending its next request as soon as the previous
//! answer arrived (a closed loop, as wrk does), for a warm-up and then a measured window. It runs on a tokio
//! runtime of its own with at most two worker threads, so it never takes more of the machine than that.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;

use super::client::{Connection, find};

/// What one answer counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// HTTP 200 without `errors` (and whatever else the scenario checks).
    Ok,
    /// A refusal the scenario expects (e.g. `CONFLICT` for a sold-out offer): an answer, not a failure.
    Refused,
    Failed,
}

/// The next request of connection `n` (head and body, ready to write).
pub type RequestSource = Arc<dyn Fn(usize) -> Arc<[u8]> + Send + Sync>;
/// Judges an answer by its status and body.
pub type Judge = Arc<dyn Fn(u16, &[u8]) -> Verdict + Send + Sync>;

/// 200 and no `"errors"` in the body.
pub fn ok_without_errors() -> Judge {
    Arc::new(
        |status, body| if status == 200 && find(body, b"\"errors\"").is_none() { Verdict::Ok } else { Verdict::Failed },
    )
}

pub struct Workload {
    pub target: SocketAddr,
    pub connections: usize,
    pub warm_up: Duration,
    pub measure: Duration,
    pub request: RequestSource,
    pub judge: Judge,
}

/// What a run measured.
#[derive(Debug, Default)]
pub struct Measured {
    /// Latencies of the requests started in the measured window, in microseconds, sorted.
    pub latencies_us: Vec<u32>,
    pub window: Duration,
    pub ok: u64,
    pub refused: u64,
    pub failed: u64,
    /// Every answer, warm-up included, by verdict (the statement counter covers the warm-up too).
    pub all_ok: u64,
    pub all_refused: u64,
    pub all_failed: u64,
    /// The first failed answer (status and the start of the body, or the transport error), to show.
    pub first_failure: Option<String>,
}

impl Measured {
    pub fn requests(&self) -> u64 {
        self.latencies_us.len() as u64
    }

    pub fn all_requests(&self) -> u64 {
        self.all_ok + self.all_refused + self.all_failed
    }

    pub fn per_second(&self) -> f64 {
        self.requests() as f64 / self.window.as_secs_f64().max(1e-9)
    }

    /// The latency at quantile `q` (0–1), in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let index = ((self.latencies_us.len() as f64 - 1.0) * q).round() as usize;
        f64::from(self.latencies_us[index]) / 1000.0
    }

    pub fn max_ms(&self) -> f64 {
        self.latencies_us.last().map_or(0.0, |us| f64::from(*us) / 1000.0)
    }

    fn absorb(&mut self, other: Measured) {
        self.latencies_us.extend(other.latencies_us);
        self.ok += other.ok;
        self.refused += other.refused;
        self.failed += other.failed;
        self.all_ok += other.all_ok;
        self.all_refused += other.all_refused;
        self.all_failed += other.all_failed;
        if self.first_failure.is_none() {
            self.first_failure = other.first_failure;
        }
    }
}

/// The generator's own runtime.
pub struct Generator {
    runtime: Option<Runtime>,
}

impl Generator {
    pub fn new() -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("load")
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the load generator's runtime: {e}"))?;
        Ok(Self { runtime: Some(runtime) })
    }

    /// Runs the workload; awaited from another runtime (the connections run on the generator's).
    pub async fn run(&self, workload: &Workload) -> Measured {
        let Some(runtime) = &self.runtime else { return Measured::default() };
        let start = Instant::now();
        let measure_from = start + workload.warm_up;
        let stop_at = measure_from + workload.measure;
        let handles: Vec<_> = (0..workload.connections)
            .map(|n| {
                let (request, judge) = (workload.request.clone(), workload.judge.clone());
                runtime.spawn(drive(n, workload.target, request, judge, measure_from, stop_at))
            })
            .collect();
        let mut measured = Measured { window: workload.measure, ..Measured::default() };
        for handle in handles {
            match handle.await {
                Ok(one) => measured.absorb(one),
                Err(e) => {
                    measured.failed += 1;
                    measured.first_failure.get_or_insert_with(|| format!("a connection task failed: {e}"));
                }
            }
        }
        measured.latencies_us.sort_unstable();
        measured
    }
}

impl Drop for Generator {
    fn drop(&mut self) {
        // Dropped inside the orchestrating runtime: a blocking shutdown would panic there.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// One connection's closed loop.
async fn drive(
    n: usize,
    target: SocketAddr,
    request: RequestSource,
    judge: Judge,
    measure_from: Instant,
    stop_at: Instant,
) -> Measured {
    let mut out = Measured::default();
    let mut connection: Option<Connection> = None;
    loop {
        let started = Instant::now();
        if started >= stop_at {
            break;
        }
        let bytes = request(n);
        let verdict = match connection.as_mut() {
            Some(open) => exchange(open, &bytes, &judge, &mut out.first_failure).await,
            None => match Connection::open(target).await {
                Ok(mut open) => {
                    let verdict = exchange(&mut open, &bytes, &judge, &mut out.first_failure).await;
                    connection = Some(open);
                    verdict
                }
                Err(e) => {
                    out.first_failure.get_or_insert_with(|| format!("connect: {e}"));
                    // Do not spin on a refused connection.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    Err(())
                }
            },
        };
        let verdict = verdict.unwrap_or_else(|()| {
            // A transport error: this connection is done; the next request opens a new one.
            connection = None;
            Verdict::Failed
        });
        let took = started.elapsed();
        match verdict {
            Verdict::Ok => out.all_ok += 1,
            Verdict::Refused => out.all_refused += 1,
            Verdict::Failed => out.all_failed += 1,
        }
        if started >= measure_from {
            out.latencies_us.push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
            match verdict {
                Verdict::Ok => out.ok += 1,
                Verdict::Refused => out.refused += 1,
                Verdict::Failed => out.failed += 1,
            }
        }
    }
    out
}

/// One exchange and its verdict; `Err` for a transport error (the connection is then unusable).
async fn exchange(
    connection: &mut Connection,
    request: &[u8],
    judge: &Judge,
    first_failure: &mut Option<String>,
) -> Result<Verdict, ()> {
    match connection.exchange(request).await {
        Ok(response) => {
            let verdict = judge(response.status, response.body);
            if verdict == Verdict::Failed && first_failure.is_none() {
                let body = String::from_utf8_lossy(&response.body[..response.body.len().min(600)]).into_owned();
                *first_failure = Some(format!("HTTP {}: {body}", response.status));
            }
            Ok(verdict)
        }
        Err(e) => {
            first_failure.get_or_insert_with(|| format!("transport: {e}"));
            Err(())
        }
    }
}
