//! HTTP hygiene and observability settings: CORS, TLS, the request timeout and where `/metrics` is served.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// `COGO_CORS_ORIGINS`, `COGO_TLS_CERT` / `COGO_TLS_KEY`, `COGO_HTTP_TIMEOUT_SECONDS`, `COGO_METRICS`,
/// `COGO_METRICS_BIND`.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    /// Exact origins (`https://portal.cogo.se`) whose browser pages may call the API; empty: no CORS headers at
    /// all, so browsers refuse every other origin.
    pub cors_origins: Vec<String>,
    /// PEM certificate chain and private key: when set, the server speaks only HTTPS (and sends HSTS).
    pub tls: Option<TlsFiles>,
    /// The longest a whole request may take before it is answered 503 (the streamed data export is exempt).
    pub request_timeout: Duration,
    /// Where `/metrics` is served.
    pub metrics: MetricsExposure,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricsExposure {
    /// No `/metrics` anywhere.
    Off,
    /// `/metrics` on the API's own port, readable by anyone who can reach that port.
    MainPort,
    /// `/metrics` only on a listener of its own (e.g. an address only the monitoring network reaches).
    Separate(SocketAddr),
}

/// Longer than the GraphQL execution timeout inside the schema, so a slow operation gets that error, with its code,
/// before the HTTP layer gives up on it.
pub const DEFAULT_HTTP_TIMEOUT_SECONDS: u64 = 30;

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            cors_origins: Vec::new(),
            tls: None,
            request_timeout: Duration::from_secs(DEFAULT_HTTP_TIMEOUT_SECONDS),
            metrics: MetricsExposure::MainPort,
        }
    }
}

impl HttpSettings {
    pub(crate) fn from_vars(var: &dyn Fn(&str) -> Option<String>) -> Result<Self, String> {
        let cors_origins = match var("COGO_CORS_ORIGINS") {
            Some(list) => {
                list.split(',').map(str::trim).filter(|o| !o.is_empty()).map(origin).collect::<Result<_, _>>()?
            }
            None => Vec::new(),
        };
        let tls = match (var("COGO_TLS_CERT"), var("COGO_TLS_KEY")) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert: cert.into(), key: key.into() }),
            (None, None) => None,
            _ => return Err("COGO_TLS_CERT and COGO_TLS_KEY must be set together".into()),
        };
        let request_timeout = match var("COGO_HTTP_TIMEOUT_SECONDS") {
            Some(text) => match text.trim().parse::<u64>() {
                Ok(seconds) if seconds > 0 => Duration::from_secs(seconds),
                _ => return Err("COGO_HTTP_TIMEOUT_SECONDS must be a whole number of seconds, at least 1".into()),
            },
            None => Duration::from_secs(DEFAULT_HTTP_TIMEOUT_SECONDS),
        };
        let enabled = match var("COGO_METRICS").map(|v| v.trim().to_ascii_lowercase()) {
            None => true,
            Some(v) if v == "true" || v == "1" => true,
            Some(v) if v == "false" || v == "0" => false,
            Some(_) => return Err("COGO_METRICS must be true or false".into()),
        };
        let metrics = match (enabled, var("COGO_METRICS_BIND")) {
            (false, _) => MetricsExposure::Off,
            (true, None) => MetricsExposure::MainPort,
            (true, Some(bind)) => MetricsExposure::Separate(
                bind.trim()
                    .parse()
                    .map_err(|_| "COGO_METRICS_BIND must be an address like 127.0.0.1:9100".to_string())?,
            ),
        };
        Ok(Self { cors_origins, tls, request_timeout, metrics })
    }
}

/// An origin as browsers send it: scheme, host and optional port, nothing else (no path, no trailing slash, no
/// wildcard: the allow-list is exact).
fn origin(text: &str) -> Result<String, String> {
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['/', '*', ' ', '?', '#']) => Ok(text.to_string()),
        _ => Err(format!("COGO_CORS_ORIGINS: {text:?} is not an origin like https://portal.example.se")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::test_env as env;

    #[test]
    fn defaults_have_no_cors_no_tls_and_metrics_on_the_main_port() {
        let settings = HttpSettings::from_vars(&env(vec![])).unwrap();
        assert!(settings.cors_origins.is_empty());
        assert_eq!(settings.tls, None);
        assert_eq!(settings.metrics, MetricsExposure::MainPort);
        assert_eq!(settings.request_timeout, Duration::from_secs(DEFAULT_HTTP_TIMEOUT_SECONDS));
    }

    #[test]
    fn cors_origins_are_exact_origins() {
        let list = env(vec![("COGO_CORS_ORIGINS", "https://portal.cogo.se, http://localhost:5173")]);
        let settings = HttpSettings::from_vars(&list).unwrap();
        assert_eq!(settings.cors_origins, ["https://portal.cogo.se", "http://localhost:5173"]);
        for bad in ["*", "https://*.cogo.se", "portal.cogo.se", "https://portal.cogo.se/"] {
            assert!(HttpSettings::from_vars(&env(vec![("COGO_CORS_ORIGINS", bad)])).is_err(), "{bad}");
        }
    }

    #[test]
    fn tls_needs_both_files_and_metrics_can_move_or_go() {
        assert!(HttpSettings::from_vars(&env(vec![("COGO_TLS_CERT", "cert.pem")])).is_err());
        let off = HttpSettings::from_vars(&env(vec![("COGO_METRICS", "false")])).unwrap();
        assert_eq!(off.metrics, MetricsExposure::Off);
        let apart = HttpSettings::from_vars(&env(vec![("COGO_METRICS_BIND", "127.0.0.1:9100")])).unwrap();
        assert_eq!(apart.metrics, MetricsExposure::Separate(SocketAddr::from(([127, 0, 0, 1], 9100))));
        assert!(HttpSettings::from_vars(&env(vec![("COGO_HTTP_TIMEOUT_SECONDS", "0")])).is_err());
    }
}
