//! The command line of `cogo-bench load`.

use std::time::Duration;

use super::scenarios::Scenario;
use super::seed::Sizes;

pub struct Options {
    pub postgres: bool,
    pub sizes: Sizes,
    /// Users the load signs in as (signed up through the API).
    pub load_users: usize,
    pub connections: usize,
    /// The read-only scenarios again with this many connections (0: not at all).
    pub high_connections: usize,
    pub warm_up: Duration,
    pub measure: Duration,
    pub scenarios: Vec<Scenario>,
    pub compare_postgraphile: bool,
}

pub const USAGE: &str = "usage: cogo-bench load [--postgres] [--users N] [--partners N] [--offers N] [--samples N]
       [--stock N] [--load-users N] [--connections N] [--high-connections N] [--seconds S] [--warm-up S]
       [--scenarios a,b,...] [--compare-postgraphile]
  scenarios (default all): typename, typename-signed-in, me, offers, offers-partner, points-history,
    my-redemptions, sync-100, sync-1000, unlock";

impl Options {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let known_flags = ["--postgres", "--compare-postgraphile"];
        let known_values = [
            "--users",
            "--partners",
            "--offers",
            "--samples",
            "--stock",
            "--load-users",
            "--connections",
            "--high-connections",
            "--seconds",
            "--warm-up",
            "--scenarios",
        ];
        let mut i = 0;
        while i < args.len() {
            let arg = args[i].as_str();
            if known_values.contains(&arg) {
                i += 2;
            } else if known_flags.contains(&arg) {
                i += 1;
            } else {
                return Err(format!("unknown argument {arg}\n{USAGE}"));
            }
        }
        let has = |name: &str| args.iter().any(|a| a == name);
        let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
        let number = |name: &str, default: usize| -> Result<usize, String> {
            value(name)
                .map_or(Ok(default), |v| v.replace('_', "").parse().map_err(|_| format!("{name} {v}: not a number")))
        };
        let seconds = |name: &str, default: f64| -> Result<Duration, String> {
            let s = value(name)
                .map_or(Ok(default), |v| v.parse::<f64>().map_err(|_| format!("{name} {v}: not a number")))?;
            Duration::try_from_secs_f64(s).map_err(|_| format!("{name}: not a duration"))
        };
        let scenarios = match value("--scenarios") {
            None => Scenario::ALL.to_vec(),
            Some(list) => list
                .split(',')
                .map(|name| Scenario::parse(name.trim()).ok_or_else(|| format!("unknown scenario {name}\n{USAGE}")))
                .collect::<Result<_, _>>()?,
        };
        let postgres = has("--postgres") || std::env::var("COGO_TEST_DATABASE_URL").is_ok_and(|v| !v.trim().is_empty());
        let compare_postgraphile = has("--compare-postgraphile");
        if compare_postgraphile && !postgres {
            return Err("--compare-postgraphile needs --postgres (PostGraphile serves PostgreSQL only)".into());
        }
        Ok(Self {
            postgres,
            sizes: Sizes {
                users: number("--users", 10_000)?,
                partners: number("--partners", 100)?,
                offers: number("--offers", 1_000)?,
                samples: number("--samples", 1_000_000)?,
                stock: number("--stock", 1_000)?,
            },
            load_users: number("--load-users", 32)?.max(1),
            connections: number("--connections", 32)?.max(1),
            high_connections: number("--high-connections", 64)?,
            warm_up: seconds("--warm-up", 2.0)?,
            measure: seconds("--seconds", 10.0)?,
            scenarios,
            compare_postgraphile,
        })
    }
}
