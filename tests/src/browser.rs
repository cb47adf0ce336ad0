//! A real browser for the web pages: Debian's Chromium, headless, driven over WebDriver by `chromedriver` (one
//! per test, on a free port) through `fantoccini`. The browser can reach 127.0.0.1 and nothing else: every other
//! host name resolves to nothing and every other address goes to a proxy that is not there.
//!
//! Without Chromium the browser tests say so and pass, unless `COGO_BROWSER_TESTS=required` (as `.ci/run` sets),
//! where a missing browser fails them. `COGO_CHROMEDRIVER` and `COGO_CHROMIUM` override where the two are.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

pub struct Browser {
    pub client: Client,
    driver: Child,
    /// Screenshots go to `target/screenshots/<name>-<n>-<step>.png`.
    name: String,
    shots: AtomicUsize,
}

const WAIT: Duration = Duration::from_secs(15);

impl Browser {
    /// A fresh headless Chromium with an empty profile, or `None` when there is none here and none is required.
    pub async fn start(name: &str) -> Option<Browser> {
        let driver_path = std::env::var("COGO_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let chromium = std::env::var("COGO_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let required = std::env::var("COGO_BROWSER_TESTS").is_ok_and(|v| v == "required");
        let port = free_port();
        let spawned = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn();
        let driver = match spawned {
            Ok(driver) if std::path::Path::new(&chromium).exists() => driver,
            _ if required => panic!("browser tests are required but {driver_path} or {chromium} is missing"),
            _ => {
                eprintln!(
                    "skipping browser test {name}: no {driver_path} or {chromium} (set COGO_BROWSER_TESTS=required to fail instead)"
                );
                return None;
            }
        };
        let capabilities = json!({
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--window-size=1280,900",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                    "--proxy-server=http://127.0.0.1:9",
                ],
            },
        });
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!("a JSON object"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        // chromedriver takes a moment to listen.
        for _ in 0..100 {
            // Plain HTTP to chromedriver on 127.0.0.1: no TLS stack (and no second rustls provider) in the tests.
            let mut builder = ClientBuilder::new(HttpConnector::new());
            match builder.capabilities(capabilities.clone()).connect(&url).await {
                Ok(client) => return Some(Browser { client, driver, name: name.into(), shots: AtomicUsize::new(0) }),
                Err(err) => last_error = Some(err),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start a session: {last_error:?}");
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// The element once it is in the page (up to 15 s).
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} within {WAIT:?}: {e}"))
    }

    /// Waits until `script` (a function body returning a value) returns something truthy; returns it.
    pub async fn until(&self, what: &str, script: &str, args: Vec<Value>) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let value = self.client.execute(script, args.clone()).await.unwrap_or(Value::Null);
            let truthy = !matches!(&value, Value::Null | Value::Bool(false))
                && value.as_str() != Some("")
                && value.as_i64() != Some(0);
            if truthy {
                return value;
            }
            if tokio::time::Instant::now() > deadline {
                self.screenshot("timed-out").await;
                panic!("{what}: not within {WAIT:?} (last value {value})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Types into the element matched by `css`, after clearing it.
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap_or_else(|e| panic!("clear {css}: {e}"));
        field.send_keys(text).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Writes a screenshot of the page as it is now, so a person can look at each step.
    pub async fn screenshot(&self, step: &str) -> PathBuf {
        let shot = self.shots.fetch_add(1, Ordering::Relaxed) + 1;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("target/screenshots");
        let path = dir.join(format!("{}-{shot:02}-{step}.png", self.name));
        let png = self.client.screenshot().await.expect("a screenshot");
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// Every resource the page loaded (scripts, styles, fetches), by URL.
    pub async fn loaded_resources(&self) -> Vec<String> {
        let script = "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);";
        let value = self.client.execute(script, vec![]).await.expect("the resource timing list");
        value
            .as_array()
            .map(|urls| urls.iter().filter_map(|u| u.as_str().map(String::from)).collect())
            .unwrap_or_default()
    }

    /// What the page wrote to the console (Content-Security-Policy violations and script errors land here).
    pub async fn console(&self) -> Vec<Value> {
        match self.client.issue_cmd(BrowserLog).await {
            Ok(Value::Array(entries)) => entries,
            other => panic!("the browser log: {other:?}"),
        }
    }

    /// Console entries at level SEVERE: errors and refused loads.
    pub async fn console_errors(&self) -> Vec<String> {
        self.console()
            .await
            .into_iter()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    pub async fn close(self) {
        let Browser { client, mut driver, .. } = self;
        let _ = client.close().await;
        let _ = driver.kill().await;
    }
}

/// `target/screenshots/` of this workspace (or of `CARGO_TARGET_DIR`).
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("screenshots")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// ChromeDriver's log command (not in the W3C protocol): the console messages since the last call.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}
