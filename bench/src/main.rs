//! `cargo run --release -p cogo-bench -- [--batches N] [--users N]`
//!
//! Starts the real server in-process on a fresh database (SQLite; PostgreSQL when `COGO_TEST_DATABASE_URL` is set,
//! as for the tests), signs users up with the `health_data` consent, and sends `syncSteps` batches of 1,000 new
//! samples over HTTP. Reports samples per second, p50/p99/max batch latency and the process's peak memory.
//! It measures; it asserts nothing about time.
//!
//! `cargo run --release -p cogo-bench -- export [--samples N]` measures the data export instead (see `export.rs`).

mod export;

use std::time::{Duration, Instant};

use cogo_tests::{TestApp, TestUser, spawn_app};
use serde_json::{Value, json};

const SYNC: &str = "mutation SyncSteps($samples: [StepSampleInput!]!) {
  syncSteps(samples: $samples) { accepted duplicates rejected { externalId reason } creditedMeters pointsAwarded balance } }";
const BATCH: i64 = 1_000;

fn flag(args: &[String], name: &str, default: usize) -> usize {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == "export") {
        export::run(&args).await;
        return;
    }
    let batches = flag(&args, "--batches", 30);
    let users = flag(&args, "--users", 1).max(1);
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
