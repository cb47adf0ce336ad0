//! Benchmarks of the CoGo API over HTTP, against a real server on SQLite or PostgreSQL. They measure; they assert
//! nothing about time.
//!
//! ## `cargo run --release -p cogo-bench -- load [options]` — the load benchmark of issue 11
//!
//! Starts the API as a separate process (this binary re-executed as `cogo-api serve`, release build) on a fresh
//! database — a SQLite file in a temporary directory, or with `--postgres` (or `COGO_TEST_DATABASE_URL` set) a new
//! PostgreSQL database `cogo_bench_<random>` on `COGO_TEST_DATABASE_URL`'s server (default
//! `postgres://postgres@127.0.0.1:5432`), dropped at the end. It signs the bench users up through the API, seeds
//! the rest straight into the tables (10,000 users, 100 partners, 1,000 published offers, 1,000,000 step samples,
//! with the rows they imply), lets every bench user unlock 50 offers through the API, then drives each scenario
//! with its own HTTP/1.1 keep-alive load generator (2 threads) and prints one row per run: requests, req/s,
//! p50/p99/max latency, p99/p50, failures, SQL statements per request (`cogo_db_statements_total` of `/metrics`
//! before and after the run, warm-up included, divided by the requests) and the API's peak resident memory
//! (`VmHWM` of `/proc/<pid>/status`, reset before each run).
//!
//! Scenarios (operations verbatim from `clients/mobile.graphql`): `typename` and `typename-signed-in` (`{ __typename }`
//! without and with a token: the floor), `me` (`Me`), `offers` (`Offers(first: 50)`),
//! `offers-partner` (the issue's `offers(first: 50) { edges { node { id title costPoints partner { name } } } }`),
//! `points-history` (`PointsHistory(first: 50)`), `my-redemptions` (`MyRedemptions(first: 50)`), `sync-100` and
//! `sync-1000` (`SyncSteps` of 100 or 1,000 new samples per request, each user its own), `unlock` (`UnlockOffer`:
//! every bench user on one offer of `--stock` units; refusals `CONFLICT`/`INSUFFICIENT_POINTS` are answers, not
//! failures; the sold count is checked against the stock). Reads spread over the bench users (connection `n` signs
//! in as user `n mod --load-users`) and run a second time with `--high-connections` for the p99/p50 target.
//!
//! Options (defaults in brackets): `--postgres`; sizes `--users` [10000], `--partners` [100], `--offers` [1000],
//! `--samples` [1000000], `--stock` [1000]; `--load-users` [32]; `--connections` [32]; `--high-connections` [64,
//! 0: none]; `--seconds` [10] measured after `--warm-up` [2] (no warm-up for `unlock`: the contention is at the
//! start); `--scenarios me,offers,…` [all]; `--compare-postgraphile` (needs `--postgres`): PostGraphile v4 (npm
//! `postgraphile@4`, `bench/postgraphile/`, installed with `npm ci` when `node_modules` is missing; 2 Node
//! cluster workers) on the same database serves the same 50 offers with partner name; the API and PostGraphile
//! run alternately A B A B and the ratio of their mean req/s is printed.
//!
//! A quick run: `cargo run --release -p cogo-bench -- load --users 200 --samples 10000 --offers 100 --seconds 2`.
//! The full one on PostgreSQL: `cargo run --release -p cogo-bench -- load --postgres --compare-postgraphile`.
//!
//! ## `cargo run --release -p cogo-bench -- [--batches N] [--users N]` — step-sync throughput
//!
//! Starts the real server in-process on a fresh database (SQLite; PostgreSQL when `COGO_TEST_DATABASE_URL` is set,
//! as for the tests), signs users up with the `health_data` consent, and sends `syncSteps` batches of 1,000 new
//! samples over HTTP. Reports samples per second, p50/p99/max batch latency and the process's peak memory.
//!
//! ## `cargo run --release -p cogo-bench -- export [--samples N]` — the data export (see `export.rs`)

// The workspace denies `expect`; in the step-sync and export benchmarks a server that does not answer ends the
// benchmark with a message, which is what `expect` says. The load benchmark counts and reports failures instead.
#![allow(clippy::expect_used)]

mod export;
mod load;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use cogo_tests::{TestApp, TestUser, spawn_app};
use serde_json::{Value, json};

const SYNC: &str = "mutation SyncSteps($samples: [StepSampleInput!]!) {
  syncSteps(samples: $samples) { accepted duplicates rejected { externalId reason } creditedMeters pointsAwarded balance } }";
const BATCH: i64 = 1_000;

fn flag(args: &[String], name: &str, default: usize) -> usize {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == load::server::SERVE_API) {
        return load::server::serve_api(args[2..].to_vec());
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cogo-bench: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        match args.get(1).map(String::as_str) {
            Some("export") => export::run(&args).await,
            Some("load") => {
                if let Err(e) = load::run(&args[2..]).await {
                    eprintln!("cogo-bench load: {e}");
                    return ExitCode::FAILURE;
                }
            }
            _ => sync_steps(&args).await,
        }
        ExitCode::SUCCESS
    })
}

/// The step-sync throughput benchmark (the crate's doc comment).
async fn sync_steps(args: &[String]) {
    let batches = flag(args, "--batches", 30);
    let users = flag(args, "--users", 1).max(1);
    let database = if std::env::var("COGO_TEST_DATABASE_URL").is_ok() { "PostgreSQL" } else { "SQLite" };

    let app = spawn_app().await;
    let mut walkers = Vec::new();
    for i in 0..users {
        walkers.push(walker(&app, i).await);
    }
    // Warm-up: one batch per user, not measured.
    for (i, user) in walkers.iter().enumerate() {
        sync(&app, user, &batch(&app, i, batches)).await;
    }

    // The users move through the batches in step: the clock moves only while nobody is signing in or syncing.
    let barrier = tokio::sync::Barrier::new(users);
    let runs = walkers.iter().enumerate().map(|(i, user)| {
        let (app, barrier) = (&app, &barrier);
        async move {
            let mut latencies = Vec::with_capacity(batches);
            for b in 0..batches {
                barrier.wait().await;
                if i == 0 {
                    app.advance_clock(chrono::Duration::minutes(BATCH));
                }
                barrier.wait().await;
                // The clock moved past the access token's 15 minutes: sign in again (not measured).
                let user = &app.log_in(user).await;
                let samples = batch(app, i, b);
                let t = Instant::now();
                let body = sync(app, user, &samples).await;
                latencies.push(t.elapsed());
                assert_eq!(body["data"]["syncSteps"]["accepted"], BATCH, "every sample is new: {body}");
            }
            latencies
        }
    });
    let per_user: Vec<Vec<Duration>> = futures::future::join_all(runs).await;
    // Time spent syncing by the busiest user (sign-ins between batches are not counted): the wall time of the
    // syncs had they run back to back.
    let wall = per_user.iter().map(|l| l.iter().sum::<Duration>()).max().unwrap_or_default();
    let mut latencies: Vec<Duration> = per_user.into_iter().flatten().collect();
    latencies.sort();

    let samples = latencies.len() as f64 * BATCH as f64;
    println!("syncSteps benchmark on {database}: {users} user(s) × {batches} batches × {BATCH} samples");
    println!(
        "  throughput   {:>10.0} samples/s ({} batches in {:.2} s)",
        samples / wall.as_secs_f64(),
        latencies.len(),
        wall.as_secs_f64()
    );
    println!("  latency p50  {:>10.1} ms", percentile(&latencies, 0.50));
    println!("  latency p99  {:>10.1} ms", percentile(&latencies, 0.99));
    println!("  latency max  {:>10.1} ms", latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0));
    println!("  peak memory  {:>10} (VmHWM of the process: server and client)", peak_memory());
}

async fn walker(app: &TestApp, i: usize) -> TestUser {
    let user = app.sign_up(&format!("Walker {i}")).await;
    let body = app
        .gql_as(&user, "mutation { setConsent(purpose: \"health_data\", granted: true) { granted } }", json!({}))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    user
}

async fn sync(app: &TestApp, user: &TestUser, samples: &Value) -> Value {
    app.gql_as(user, SYNC, json!({ "samples": samples })).await
}

/// 1,000 back-to-back one-minute walks (50 s each, 90 steps, 70 m) that ended just now. The server's clock moves
/// on by 1,000 minutes per batch, as if the user synced every 17 hours: samples stay fresh (a sync reaches back
/// at most 7 days) and never overlap the previous batch.
fn batch(app: &TestApp, user: usize, b: usize) -> Value {
    let start = app.context.now() - chrono::Duration::minutes(BATCH + 1);
    let samples: Vec<Value> = (0..BATCH)
        .map(|i| {
            let from = start + chrono::Duration::minutes(i);
            json!({
                "externalId": format!("bench-{user}-{b}-{i}"),
                "startAt": from.to_rfc3339(),
                "endAt": (from + chrono::Duration::seconds(50)).to_rfc3339(),
                "steps": 90,
                "distanceMeters": 70.0,
                "source": if i % 2 == 0 { "iPhone" } else { "Apple Watch" },
            })
        })
        .collect();
    Value::Array(samples)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

fn peak_memory() -> String {
    format!("{} kB", memory("VmHWM:"))
}

/// A memory figure of this process from `/proc/self/status`, in kB (0 where unknown).
fn memory(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.trim_start_matches(field).trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
