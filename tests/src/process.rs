//! The API as a separate operating-system process: for what an in-process server cannot show (several instances
//! on one database, SIGTERM, the log lines the process writes).

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

/// A root secret shared by the instances a test starts, so a token issued by one is accepted by another.
pub const SHARED_SECRET: &str = "test-root-secret-test-root-secret-0123456789";

pub struct ServerProcess {
    pub address: String,
    pub port: u16,
    child: Child,
    output: Arc<Mutex<String>>,
}

/// Starts `cogo-api serve` on a random port over `database_url` (see [`crate::fresh_database_url`]), with extra
/// environment variables, and waits until it listens. Logs are at `info` unless `RUST_LOG` is among `env`.
pub async fn spawn_server_process(database_url: &str, env: &[(&str, &str)]) -> ServerProcess {
    let mut command = command(database_url, env);
    command.arg("serve").stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let mut child = command.spawn().expect("the server binary starts");
    let output = Arc::new(Mutex::new(String::new()));
    let (port_tx, mut port_rx) = tokio::sync::mpsc::unbounded_channel();
    collect_lines(child.stdout.take().expect("stdout is piped"), output.clone(), port_tx.clone());
    collect_lines(child.stderr.take().expect("stderr is piped"), output.clone(), port_tx);
    let port = tokio::time::timeout(Duration::from_secs(60), port_rx.recv())
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("the server did not start listening; its output:\n{}", output.lock().unwrap()));
    ServerProcess { address: format!("http://127.0.0.1:{port}"), port, child, output }
}

/// Runs `cogo-api <args>` over `database_url` with extra environment variables until it exits (at most a minute)
/// and returns its exit code and everything it wrote (standard output, then standard error).
pub async fn run_to_exit(database_url: &str, env: &[(&str, &str)], args: &[&str]) -> (Option<i32>, String) {
    let mut command = command(database_url, env);
    command.args(args).kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("the command ends within a minute")
        .expect("the server binary runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.code(), text)
}

/// The binary with a clean environment: the database, a random port, the shared secret, no purge, `info` logs;
/// then `env` on top.
fn command(database_url: &str, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(server_binary());
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("COGO_BIND", "127.0.0.1:0")
        .env("COGO_TOKEN_SECRET", SHARED_SECRET)
        .env("COGO_RETENTION_PURGE_INTERVAL_HOURS", "0")
        // As in-process tests: limits are off unless a test switches them on.
        .env("COGO_RATE_LIMITS", "off")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

/// The `cogo-api-under-test` binary cargo built beside the test executable (`target/<profile>/deps/api-…` →
/// `target/<profile>/cogo-api-under-test`).
fn server_binary() -> std::path::PathBuf {
    if let Some(path) = option_env!("CARGO_BIN_EXE_cogo-api-under-test") {
        return path.into();
    }
    let name = format!("cogo-api-under-test{}", std::env::consts::EXE_SUFFIX);
    let exe = std::env::current_exe().expect("the executable has a path");
    // Beside a binary of this package (the `cogo-instances` launcher), else one level up from a test in `deps/`.
    let beside = exe.parent().map(|dir| dir.join(&name)).filter(|path| path.exists());
    beside.unwrap_or_else(|| {
        let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("tests run from target/<profile>/deps");
        profile_dir.join(&name)
    })
}

/// Appends every line to `output` and reports the port of the "listening" line.
fn collect_lines(
    stream: impl AsyncRead + Unpin + Send + 'static,
    output: Arc<Mutex<String>>,
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
            let mut all = output.lock().unwrap();
            all.push_str(&line);
            all.push('\n');
        }
    });
}

/// The number after `port=` (text logs) or `"port":` (JSON logs).
fn port_in(line: &str) -> Option<u16> {
    let start = line.find("port=").map(|i| i + 5).or_else(|| line.find("\"port\":").map(|i| i + 7))?;
    let digits: String = line[start..].chars().skip_while(|c| *c == ' ').take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

impl ServerProcess {
    /// Sends a GraphQL operation to the process, signed out, and returns the JSON answer.
    pub async fn graphql(&self, query: &str, variables: serde_json::Value) -> serde_json::Value {
        let request = serde_json::json!({ "query": query, "variables": variables });
        let answer = reqwest::Client::new().post(format!("{}/graphql", self.address)).json(&request).send().await;
        answer.expect("the server answers").json().await.expect("a JSON answer")
    }

    /// Everything the process has written to stdout and stderr so far.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Sends SIGTERM (what an orchestrator sends to stop a container).
    pub fn terminate(&self) {
        let pid = self.child.id().expect("the process runs").to_string();
        let status = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
        assert!(status.success(), "kill -TERM {pid} failed");
    }

    /// Waits for the process to exit (at most `limit`) and returns its exit code; `None` if it is still running.
    pub async fn wait_for_exit(&mut self, limit: Duration) -> Option<i32> {
        match tokio::time::timeout(limit, self.child.wait()).await {
            Ok(Ok(status)) => Some(status.code().unwrap_or(-1)),
            _ => None,
        }
    }
}
