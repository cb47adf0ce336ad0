//! The table: one row per run.

use super::generator::Measured;

pub struct Row {
    pub label: String,
    pub connections: usize,
    pub measured: Measured,
    /// SQL statements per request (`None`: the API does not count them, or not the API).
    pub statements: Option<f64>,
    /// The API's peak resident set during the run, kB.
    pub peak_rss_kb: Option<u64>,
}

const HEADER: &str =
    "| scenario | conns | requests | req/s | p50 ms | p99 ms | p99/p50 | max ms | failures | SQL/req | API peak RSS |";
const RULE: &str = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

pub fn header() -> String {
    format!("{HEADER}\n{RULE}")
}

impl Row {
    pub fn line(&self) -> String {
        let m = &self.measured;
        let (p50, p99) = (m.quantile_ms(0.50), m.quantile_ms(0.99));
        let ratio = if p50 > 0.0 { format!("{:.1}", p99 / p50) } else { "–".into() };
        let statements = self.statements.map_or("n/a".to_string(), |s| format!("{s:.2}"));
        let rss = self.peak_rss_kb.map_or("–".to_string(), |kb| format!("{:.0} MB", kb as f64 / 1024.0));
        format!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {} | {:.1} | {} | {} | {} |",
            self.label,
            self.connections,
            m.requests(),
            m.per_second(),
            p50,
            p99,
            ratio,
            m.max_ms(),
            m.failed,
            statements,
            rss
        )
    }
}
