//! Several API instances on one PostgreSQL database, as behind a load balancer: the launcher the scale-out tests
//! use, for trying it by hand. `DATABASE_URL` names the database; instance n listens on port 8080 + n.
//!
//! ```sh
//! cargo build -p cogo-tests --bins && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres target/debug/cogo-instances 2
//! ```
//!
//! Every `COGO_*` variable of this environment is passed on. The instances share one root secret, so a token from
//! one works on the other: `COGO_SECRET` (or `COGO_TOKEN_SECRET`) if set, else the tests' development secret. As in
//! the tests, rate limits and the scheduled purge are off unless `COGO_RATE_LIMITS` or
//! `COGO_RETENTION_PURGE_INTERVAL_HOURS` says otherwise. Ctrl-C stops them all.

use cogo_tests::process::spawn_server_process;

#[tokio::main]
async fn main() {
    let count: u16 = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(2);
    let Ok(database_url) = std::env::var("DATABASE_URL") else {
        eprintln!("set DATABASE_URL to a PostgreSQL database (several instances need a database they can share)");
        std::process::exit(2);
    };
    // The launcher sets `COGO_TOKEN_SECRET`; a secret of the caller's, under either name, replaces it.
    let passed_on: Vec<(String, String)> = std::env::vars()
        .filter(|(name, _)| name.starts_with("COGO_"))
        .map(
            |(name, value)| {
                if name == "COGO_SECRET" { ("COGO_TOKEN_SECRET".to_string(), value) } else { (name, value) }
            },
        )
        .collect();
    let mut instances = Vec::new();
    for n in 1..=count {
        let bind = format!("127.0.0.1:{}", 8080 + n);
        let mut env: Vec<(&str, &str)> = passed_on.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        env.push(("COGO_BIND", &bind));
        let instance = spawn_server_process(&database_url, &env).await;
        println!(
            "instance {n}: {}/graphql (GraphiQL), {}/portal, ws://{bind}/graphql/ws",
            instance.address, instance.address
        );
        instances.push(instance);
    }
    println!("Ctrl-C stops them.");
    let _ = tokio::signal::ctrl_c().await;
    for instance in &instances {
        instance.terminate();
    }
}
