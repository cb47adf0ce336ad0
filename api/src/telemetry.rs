//! Logging. `RUST_LOG` chooses what is logged (default `info`); `COGO_LOG_FORMAT=json` writes one JSON object per
//! line (for log collectors); `spans` lists every span a line was written in, so each line of a request carries
//! its `request_id`. Personal data is
//! never logged: spans and events carry ids, never names, e-mail addresses or tokens.

use tracing_subscriber::{EnvFilter, fmt};

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let json = std::env::var("COGO_LOG_FORMAT").is_ok_and(|format| format.trim().eq_ignore_ascii_case("json"));
    // A second init (tests start many apps in one process) is harmless: the first subscriber stays.
    if json {
        let _ = fmt().json().with_env_filter(filter).with_current_span(true).with_span_list(true).try_init();
        return;
    }
    // Colours only on a terminal: log collectors and files get plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let _ = fmt().with_env_filter(filter).with_target(false).with_ansi(ansi).try_init();
}

/// For the test suite: output goes through the test harness (shown only for failing tests), warnings and up unless
/// `RUST_LOG` says otherwise.
pub fn init_for_tests() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = fmt().with_env_filter(filter).with_target(false).with_test_writer().try_init();
}
