//! `cargo run --release -p cogo-bench -- export [--samples N]`
//!
//! The data-export benchmark (GDPR art. 15/20): one user with N step samples (default 100,000, synced over HTTP in
//! batches of 1,000), then their export fetched twice — streamed from `GET /privacy/export` and whole from the
//! `myDataExport` query, both read as bytes without parsing (as a download would). Reports each export's size, time
//! and how far the process's peak memory (server and client in one process) rose above what it held before (the
//! peak is reset between the two through `/proc/self/clear_refs`).

use std::time::Instant;

use cogo_tests::{TestApp, spawn_app};
use serde_json::json;

use crate::{BATCH, batch, memory, sync, walker};

pub async fn run(args: &[String]) {
    let samples = crate::flag(args, "--samples", 100_000);
    let database = if std::env::var("COGO_TEST_DATABASE_URL").is_ok() { "PostgreSQL" } else { "SQLite" };
    let app = spawn_app().await;
    let user = walker(&app, 0).await;
    let batches = samples.div_ceil(BATCH as usize);
    for b in 0..batches {
        app.advance_clock(chrono::Duration::minutes(BATCH));
        let user = app.log_in(&user).await;
        let body = sync(&app, &user, &batch(&app, 0, b)).await;
        assert_eq!(body["data"]["syncSteps"]["accepted"], BATCH, "{body}");
    }
    let user = app.log_in(&user).await;
    println!("data export benchmark on {database}: one user with {} step samples", batches * BATCH as usize);

    let before = reset_peak();
    let t = Instant::now();
    let streamed = streamed_export(&app, &user.access_token).await;
    report("streamed (GET /privacy/export)", streamed, t.elapsed(), before);

    let before = reset_peak();
    let t = Instant::now();
    let body = app.gql_as(&user, "{ myDataExport }", json!({})).await;
    let whole = body.to_string().len();
    assert_eq!(
        body["data"]["myDataExport"]["steps"]["samples"].as_array().map(Vec::len),
        Some(batches * BATCH as usize)
    );
    drop(body);
    report("whole (myDataExport query)", whole, t.elapsed(), before);
}

/// Reads the streamed export chunk by chunk, counting bytes without keeping them (as a download to disk would).
async fn streamed_export(app: &TestApp, token: &str) -> usize {
    let mut response = app
        .client
        .get(format!("{}/privacy/export", app.address))
        .bearer_auth(token)
        .send()
        .await
        .expect("the server answers");
    assert!(response.status().is_success(), "HTTP {}", response.status());
    let mut bytes = 0;
    while let Some(chunk) = response.chunk().await.expect("the stream continues") {
        bytes += chunk.len();
    }
    bytes
}

fn reset_peak() -> u64 {
    // Writing 5 resets the peak resident set size (VmHWM) to the current one (Linux ≥ 4.0).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    memory("VmRSS:")
}

fn report(what: &str, bytes: usize, took: std::time::Duration, rss_before_kb: u64) {
    let peak = memory("VmHWM:");
    println!(
        "  {what:<32} {:>8.1} MB in {:>6.2} s; peak memory {:>7.1} MB above the {:.1} MB held before",
        bytes as f64 / 1e6,
        took.as_secs_f64(),
        peak.saturating_sub(rss_before_kb) as f64 / 1024.0,
        rss_before_kb as f64 / 1024.0
    );
}
