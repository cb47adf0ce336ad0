//! The API as a separate operating-system process: this very binary, re-executed with the hidden first argument
//! [`SERVE_API`], runs `cogo-api serve` (the same `cogo_api::cli` code as the `cogo-api` binary, release build).
//! The environment is the black-box tests' (`tests/src/process.rs`): a clean one with the database, a random
//! port, a fixed secret, no purge and no rate limits.

use std::net::SocketAddr;
use std::process::{ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

use super::client::{Connection, get};

/// The hidden first argument that turns this binary into the API.
pub const SERVE_API: &str = "__serve-api";

/// At least 32 characters, as the API requires; the bench signs nothing with it itself.
const TOKEN_SECRET: &str = "bench-root-secret-bench-root-secret-0123456789";

/// Lines of the API's output kept (warnings and errors of a run; the "listening" line).
const KEPT_LINES: usize = 200;

/// `cogo-bench __serve-api <args>`: the API's command line, as `cogo_api::cli::main` runs it.
pub fn serve_api(args: Vec<String>) -> ExitCode {
    cogo_api::telemetry::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("cogo-api: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cogo_api::cli::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cogo-api: {}", cogo_api::settings::scrub_database_url_from(&message));
            ExitCode::FAILURE
        }
    }
}

pub struct ApiProcess {
    pub address: SocketAddr,
    pid: u32,
    child: Child,
    output: Arc<Mutex<Vec<String>>>,
}

impl ApiProcess {
    /// Starts the API over `database_url` and waits until it listens (it migrates the database first).
    pub async fn start(database_url: &str) -> Result<Self, String> {
        let exe = std::env::current_exe().map_err(|e| format!("the bench's own path: {e}"))?;
        let mut child = Command::new(exe)
            .args([SERVE_API, "serve"])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url)
            .env("COGO_BIND", "127.0.0.1:0")
            .env("COGO_TOKEN_SECRET", TOKEN_SECRET)
            .env("COGO_RETENTION_PURGE_INTERVAL_HOURS", "0")
            .env("COGO_RATE_LIMITS", "off")
            // Warnings and errors only, as under load in production; the start line tells the port.
            .env("RUST_LOG", "warn,cogo_api::startup=info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start the API: {e}"))?;
        let pid = child.id().ok_or("the API exited at once")?;
        let output = Arc::new(Mutex::new(Vec::new()));
        let (port_tx, mut port_rx) = tokio::sync::mpsc::unbounded_channel();
        if let Some(stdout) = child.stdout.take() {
            collect_lines(stdout, output.clone(), port_tx.clone());
        }
        if let Some(stderr) = child.stderr.take() {
            collect_lines(stderr, output.clone(), port_tx);
        }
        let port = tokio::time::timeout(Duration::from_secs(120), port_rx.recv()).await.ok().flatten();
        let Some(port) = port else {
            let _ = child.kill().await;
            let lines = output.lock().map(|l| l.join("\n")).unwrap_or_default();
            return Err(format!("the API did not start listening; its output:\n{lines}"));
        };
        Ok(Self { address: SocketAddr::from(([127, 0, 0, 1], port)), pid, child, output })
    }

    /// `cogo_db_statements_total` from `GET /metrics`; `None` when the API does not expose it.
    pub async fn statements(&self) -> Option<u64> {
        let mut connection = Connection::open(self.address).await.ok()?;
        let response = connection.exchange(&get(self.address, "/metrics")).await.ok()?;
        if response.status != 200 {
            return None;
        }
        let text = std::str::from_utf8(response.body).ok()?;
        text.lines()
            .find_map(|line| line.strip_prefix("cogo_db_statements_total "))
            .and_then(|value| value.trim().parse::<f64>().ok())
            .map(|value| value as u64)
    }

    /// A figure of the API process's `/proc/<pid>/status` in kB (`VmHWM:` peak resident set, `VmRSS:` current).
    pub fn memory_kb(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        let line = status.lines().find(|l| l.starts_with(field))?;
        line.trim_start_matches(field).trim().trim_end_matches("kB").trim().parse().ok()
    }

    /// Resets the peak resident set to the current one (Linux ≥ 4.0), so a scenario's peak is its own.
    pub fn reset_peak(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.pid), "5");
    }

    /// The warnings and errors the API logged (at most the last [`KEPT_LINES`]), without the start line.
    pub fn logged_problems(&self) -> Vec<String> {
        let lines = self.output.lock().map(|l| l.clone()).unwrap_or_default();
        lines.into_iter().filter(|l| !l.contains("listening")).collect()
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// Keeps the last lines of a stream and reports the port of the "listening" line.
fn collect_lines(
    stream: impl AsyncRead + Unpin + Send + 'static,
    output: Arc<Mutex<Vec<String>>>,
    port: tokio::sync::mpsc::UnboundedSender<u16>,
) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("listening")
                && let Some(found) = port_in(&line)
            {
                let _ = port.send(found);
            }
            if let Ok(mut kept) = output.lock() {
                if kept.len() == KEPT_LINES {
                    kept.remove(0);
                }
                kept.push(line);
            }
        }
    });
}

/// The number after `port=` (text logs) or `"port":` (JSON logs).
pub fn port_in(line: &str) -> Option<u16> {
    let start = line.find("port=").map(|i| i + 5).or_else(|| line.find("\"port\":").map(|i| i + 7))?;
    let digits: String = line[start..].chars().skip_while(|c| *c == ' ').take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}
