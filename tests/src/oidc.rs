//! The OpenID provider of the sign-in tests and the browser's part of a sign-in.
//!
//! [`MockProvider`] runs `tests/oidc/provider.mjs` — oauth2-mock-server from npm (`.ci/run` installs it with
//! `npm ci --prefix tests/oidc`): discovery, JWKS, the authorization-code flow with PKCE and RS256 ID tokens — as
//! a child process on 127.0.0.1, one per test. Its control endpoint chooses the claims of the next ID tokens and
//! spoils the next one ([`Tamper`]). Its authorize endpoint redirects straight back with a code: that is the log-in.
//!
//! [`sign_in`] is what a browser does, with redirects off: `GET /auth/<id>/start` on the API, the provider's
//! authorization URL it redirects to, then the API's callback the provider redirects to, whose `Location` carries
//! the one-time code or the error. The steps are public too, so a test can replay or change one.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cogo_api::Settings;
use cogo_api::settings::{OidcProviderSettings, OidcSettings};
use reqwest::{StatusCode, Url, redirect};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, ChildStdin, Command};

use crate::TestApp;

/// The provider's id in the API's configuration ([`configure`]).
pub const PROVIDER_ID: &str = "mock";
/// Its name in `authProviders`.
pub const DISPLAY_NAME: &str = "Mock provider";
/// The API's client id at the provider (the mock accepts any client and secret).
pub const CLIENT_ID: &str = "cogo-api-tests";

const READY: &str = "oidc-provider ready issuer=";

/// How the next ID token is spoiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// Issued for another client (`aud`).
    Audience,
    /// With a nonce the API did not send.
    Nonce,
    /// Signed by a key the provider's JWKS does not list (with a `kid` of the same form).
    UnknownKey,
    /// Expired an hour ago.
    Expired,
}

impl Tamper {
    fn mode(self) -> &'static str {
        match self {
            Tamper::Audience => "audience",
            Tamper::Nonce => "nonce",
            Tamper::UnknownKey => "unknown_key",
            Tamper::Expired => "expired",
        }
    }
}

/// oauth2-mock-server as a child process; killed when dropped.
pub struct MockProvider {
    issuer: String,
    client: reqwest::Client,
    output: Arc<Mutex<String>>,
    _child: Child,
    // Held open: the provider exits when its standard input closes, even if this process dies without dropping it.
    _stdin: ChildStdin,
}

impl MockProvider {
    /// Starts the provider on a port the system chooses and waits until it listens.
    pub async fn start() -> MockProvider {
        let dir = provider_dir();
        assert!(
            dir.join("node_modules").is_dir(),
            "the OpenID provider is not installed: run `npm ci --prefix tests/oidc` (`.ci/run` does)"
        );
        let mut child = Command::new("node")
            .arg(dir.join("provider.mjs"))
            .args(["0", "--exit-with-stdin"])
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs (the sign-in tests need Node.js)");
        let output = Arc::new(Mutex::new(String::new()));
        let (ready_tx, mut ready_rx) = tokio::sync::mpsc::unbounded_channel();
        collect_lines(child.stdout.take().expect("stdout is piped"), output.clone(), ready_tx.clone());
        collect_lines(child.stderr.take().expect("stderr is piped"), output.clone(), ready_tx);
        let stdin = child.stdin.take().expect("stdin is piped");
        let issuer =
            tokio::time::timeout(Duration::from_secs(30), ready_rx.recv()).await.ok().flatten().unwrap_or_else(|| {
                panic!("the OpenID provider did not start; its output:\n{}", output.lock().unwrap())
            });
        MockProvider { issuer, client: reqwest::Client::new(), output, _child: child, _stdin: stdin }
    }

    /// The issuer URL (`http://127.0.0.1:<port>`, no trailing slash), as the API must be configured with it.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Everything the provider has written so far.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// The claims (`sub`, `email`, `email_verified`, `name`, …) of every later ID token, until the next call.
    pub async fn next_identity(&self, claims: Value) {
        self.control("identity", &claims).await;
    }

    /// Spoils the next ID token only.
    pub async fn tamper_next(&self, tamper: Tamper) {
        self.control("tamper", &json!({ "mode": tamper.mode() })).await;
    }

    async fn control(&self, what: &str, body: &Value) {
        let response = self
            .client
            .post(format!("{}/_control/{what}", self.issuer))
            .json(body)
            .send()
            .await
            .expect("the OpenID provider answers");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::NO_CONTENT, "control {what} {body}: {text}");
    }
}

/// `tests/oidc`, beside this crate's manifest.
fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc")
}

/// Appends every line to `output` and reports the issuer of the ready line.
fn collect_lines(
    stream: impl AsyncRead + Unpin + Send + 'static,
    output: Arc<Mutex<String>>,
    ready: tokio::sync::mpsc::UnboundedSender<String>,
) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(issuer) = line.strip_prefix(READY) {
                let _ = ready.send(issuer.trim().to_string());
            }
            let mut all = output.lock().unwrap();
            all.push_str(&line);
            all.push('\n');
        }
    });
}

/// The API's OpenID Connect settings: `provider` as [`PROVIDER_ID`], and `redirect_uris` as the allow-list of where
/// a finished sign-in may return. The public URL stays unset: the API then uses `http://127.0.0.1:<its port>`.
pub fn configure(settings: &mut Settings, provider: &MockProvider, redirect_uris: &[&str]) {
    settings.oidc = OidcSettings {
        providers: vec![OidcProviderSettings {
            id: PROVIDER_ID.to_string(),
            issuer: provider.issuer().to_string(),
            client_id: CLIENT_ID.to_string(),
            client_secret: "cogo-api-tests-secret".to_string(),
            scopes: ["openid", "email", "profile"].map(String::from).to_vec(),
            display_name: DISPLAY_NAME.to_string(),
        }],
        redirect_uris: redirect_uris.iter().map(|uri| uri.to_string()).collect(),
        public_url: None,
    };
}

/// Where a finished sign-in sent the browser back to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInOutcome {
    /// `<redirect_uri>?code=…`: the one-time code for `completeSignIn`.
    Code(String),
    /// `<redirect_uri>?error=…`.
    Error(String),
}

impl SignInOutcome {
    /// The one-time code, or panics with the error.
    pub fn code(&self) -> &str {
        match self {
            SignInOutcome::Code(code) => code,
            SignInOutcome::Error(error) => panic!("the sign-in failed with error={error}"),
        }
    }
}

/// The whole browser part of a sign-in: start, the provider's log-in, the API's callback.
pub async fn sign_in(app: &TestApp, provider_id: &str, redirect_uri: &str) -> SignInOutcome {
    let authorization = start(app, provider_id, redirect_uri).await;
    let callback_url = log_in_at_provider(&authorization).await;
    callback(app, &callback_url, redirect_uri).await
}

/// A client that shows redirects instead of following them, as the tests must see each hop.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(redirect::Policy::none()).build().expect("a client without redirects builds")
}

/// `GET /auth/<provider_id>/start?redirect_uri=…`, the answer as it is.
pub async fn request_start(app: &TestApp, provider_id: &str, redirect_uri: &str) -> reqwest::Response {
    browser()
        .get(format!("{}/auth/{provider_id}/start", app.address))
        .query(&[("redirect_uri", redirect_uri)])
        .send()
        .await
        .expect("the API answers")
}

/// A start that must redirect: the provider's authorization URL (with the API's state, nonce and PKCE challenge).
pub async fn start(app: &TestApp, provider_id: &str, redirect_uri: &str) -> Url {
    redirect_target("start", request_start(app, provider_id, redirect_uri).await).await
}

/// The provider's log-in: it redirects to the API's callback with `code` and `state`; returns that callback URL.
pub async fn log_in_at_provider(authorization: &Url) -> Url {
    let response = browser().get(authorization.clone()).send().await.expect("the OpenID provider answers");
    redirect_target("the provider's authorize", response).await
}

/// `GET` the API's callback URL, the answer as it is.
pub async fn request_callback(app: &TestApp, callback_url: &Url) -> reqwest::Response {
    assert!(callback_url.as_str().starts_with(&app.address), "{callback_url} is not the API's callback");
    browser().get(callback_url.clone()).send().await.expect("the API answers")
}

/// A callback that must send the browser back to `redirect_uri`: with the one-time code or the error.
pub async fn callback(app: &TestApp, callback_url: &Url, redirect_uri: &str) -> SignInOutcome {
    let back = redirect_target("callback", request_callback(app, callback_url).await).await;
    outcome(&back, redirect_uri)
}

/// The code or error of the URL the API sent the browser back to, which must be `redirect_uri` with a query.
pub fn outcome(back: &Url, redirect_uri: &str) -> SignInOutcome {
    let rest = back.as_str().strip_prefix(redirect_uri).unwrap_or_else(|| panic!("{back} is not {redirect_uri}"));
    assert!(rest.starts_with('?'), "{back} is not {redirect_uri} with a query");
    match (query_value(back, "code"), query_value(back, "error")) {
        (Some(code), None) => SignInOutcome::Code(code),
        (None, Some(error)) => SignInOutcome::Error(error),
        _ => panic!("{back} has neither a code nor an error (or both)"),
    }
}

/// The first value of `name` in `url`'s query.
pub fn query_value(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
}

/// `url` with `name` set to `value` in its query (the other parameters kept, in order).
pub fn with_query_value(url: &Url, name: &str, value: &str) -> Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(key, old)| {
            let kept = if key == name { value.to_string() } else { old.into_owned() };
            (key.into_owned(), kept)
        })
        .collect();
    let mut changed = url.clone();
    changed.query_pairs_mut().clear().extend_pairs(pairs);
    changed
}

/// The `Location` of a response that must be a 302, or panics with the answer.
async fn redirect_target(step: &str, response: reqwest::Response) -> Url {
    if response.status() != StatusCode::FOUND {
        let status = response.status();
        panic!("{step} answered {status} instead of a redirect: {}", response.text().await.unwrap_or_default());
    }
    location(&response)
}

/// The `Location` of a redirect.
pub fn location(response: &reqwest::Response) -> Url {
    let value = response.headers().get(reqwest::header::LOCATION).expect("a redirect has a Location");
    Url::parse(value.to_str().expect("the Location is text")).expect("the Location is an absolute URL")
}
