//! `cogo-bench load`: the load benchmark of issue 11 (see the crate's doc comment for the command line).
//!
//! 1. a fresh database (SQLite file, or PostgreSQL `cogo_bench_<random>`), and the API started on it as a separate
//!    process (this binary re-executed as `cogo-api serve`, release build), which migrates it;
//! 2. the bench users signed up through the API; the bulk data inserted straight into the tables ([`seed`]); the
//!    bench users' 50 unlocks each through the API;
//! 3. each scenario driven by the built-in load generator ([`generator`]), the API's statement counter read from
//!    `/metrics` before and after, its peak memory from `/proc`;
//! 4. with `--compare-postgraphile`, PostGraphile on the same database, A B A B against the API.

mod client;
mod compare;
mod database;
mod generator;
mod operations;
mod options;
mod postgraphile;
mod report;
mod scenarios;
mod seed;
pub mod server;
mod users;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use cogo_entities::offers::{offer, redemption};
use cogo_entities::users::user;
use sea_orm::{ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use database::BenchDatabase;
use generator::{Generator, Judge, Measured, RequestSource, Workload};
use options::Options;
use report::Row;
use scenarios::Scenario;
use server::ApiProcess;
use users::BenchUser;

pub async fn run(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", options::USAGE);
        return Ok(());
    }
    let options = Options::parse(args)?;
    let database = BenchDatabase::create(options.postgres).await?;
    // Ctrl-C drops the run (the API and PostGraphile processes are killed with their handles) and still drops
    // the database.
    let result = tokio::select! {
        result = run_on(&options, &database) => result,
        _ = tokio::signal::ctrl_c() => Err("interrupted".to_string()),
    };
    database.drop_database().await;
    result
}

async fn run_on(options: &Options, database: &BenchDatabase) -> Result<(), String> {
    let s = &options.sizes;
    println!(
        "load benchmark on {}: {} users, {} partners, {} offers, {} step samples; {} bench users; {} connections \
         ({} for reads again), {:.0} s after {:.0} s of warm-up",
        database.label(),
        s.users,
        s.partners,
        s.offers,
        s.samples,
        options.load_users,
        options.connections,
        options.high_connections,
        options.measure.as_secs_f64(),
        options.warm_up.as_secs_f64()
    );
    let api = ApiProcess::start(database.url()).await?;
    let setup = set_up(options, database, &api).await;
    let setup_peak = api.memory_kb("VmHWM:");
    show_problems(&api, "setting up");
    api.stop().await;
    let setup = setup?;
    // A fresh API process for the load (the database stays): its memory is the load's own, not what the sign-ups'
    // password hashing or the unlocks left behind.
    let api = ApiProcess::start(database.url()).await?;
    let result = load(options, database, &api, setup, setup_peak).await;
    show_problems(&api, "under load");
    api.stop().await;
    result
}

fn show_problems(api: &ApiProcess, when: &str) {
    let problems = api.logged_problems();
    if !problems.is_empty() {
        println!("\nthe API logged {} warning or error line(s) {when}; the last ones:", problems.len());
        for line in problems.iter().rev().take(10).rev() {
            println!("  {line}");
        }
    }
}

/// What the setup leaves for the load.
struct SetUp {
    db: DatabaseConnection,
    users: Vec<BenchUser>,
    seeded: seed::Seeded,
    run: String,
}

/// Everything the scenarios share.
struct Bench<'a> {
    options: &'a Options,
    api: &'a ApiProcess,
    db: DatabaseConnection,
    users: Vec<BenchUser>,
    generator: Generator,
    run: String,
}

async fn set_up(options: &Options, database: &BenchDatabase, api: &ApiProcess) -> Result<SetUp, String> {
    let run = Uuid::new_v4().simple().to_string()[..8].to_string();
    let t = Instant::now();
    let users = users::sign_up(api.address, options.load_users, &run).await?;
    println!("signed up {} bench users through the API in {:.1} s", users.len(), t.elapsed().as_secs_f64());

    let t = Instant::now();
    let db = Database::connect(database.url()).await.map_err(|e| format!("the bench's connection: {e}"))?;
    let first = users.first().ok_or("no bench users")?.id;
    let hash = user::Entity::find_by_id(first)
        .one(&db)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the first bench user is missing")?
        .password_hash;
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    println!("seeding:");
    let seeded = seed::seed(&db, options.sizes, &hash, &ids).await?;
    if database.is_postgres() {
        // Statistics for the planner now, rather than from autovacuum in the middle of a run.
        db.execute_unprepared("ANALYZE").await.map_err(|e| format!("ANALYZE: {e}"))?;
    }
    println!("seeded in {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    users::unlock_offers(api.address, &users, &seeded.offers).await?;
    println!(
        "{} unlocks through the API in {:.1} s",
        users.len() * users::UNLOCKS_PER_USER.min(seeded.offers.len()),
        t.elapsed().as_secs_f64()
    );
    Ok(SetUp { db, users, seeded, run })
}

async fn load(
    options: &Options,
    database: &BenchDatabase,
    api: &ApiProcess,
    setup: SetUp,
    setup_peak: Option<u64>,
) -> Result<(), String> {
    let SetUp { db, users, seeded, run } = setup;

    let mut bench = Bench { options, api, db, users, generator: Generator::new()?, run };
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    println!("\n{}", report::header());
    for scenario in &options.scenarios {
        let mut counts = vec![options.connections];
        if scenario.read_only() && options.high_connections > 0 && options.high_connections != options.connections {
            counts.push(options.high_connections);
        }
        for connections in counts {
            let row = bench.scenario(*scenario, connections, seeded.stock_offer, &mut notes, &mut problems).await?;
            println!("{}", row.line());
            rows.push(row);
        }
    }
    if options.compare_postgraphile {
        let ratio = bench.compare_postgraphile(database, &mut rows).await?;
        notes.push(ratio);
    }

    let again = match options.high_connections {
        0 => String::new(),
        n => format!("; reads again with {n}"),
    };
    println!("\n## cogo-bench load on {} ({} connections{again})\n", database.label(), options.connections);
    println!("{}", report::header());
    for row in &rows {
        println!("{}", row.line());
    }
    println!();
    for note in &notes {
        println!("- {note}");
    }
    let peak = rows.iter().filter_map(|r| r.peak_rss_kb).max();
    println!(
        "- API peak RSS under load: {} (a fresh process after the setup); resident at the end: {}; the setup's \
         process (sign-ups, seeding, unlocks) peaked at {}",
        mb(peak),
        mb(api.memory_kb("VmRSS:")),
        mb(setup_peak)
    );
    if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
}

impl Bench<'_> {
    async fn scenario(
        &mut self,
        scenario: Scenario,
        connections: usize,
        stock_offer: Uuid,
        notes: &mut Vec<String>,
        problems: &mut Vec<String>,
    ) -> Result<Row, String> {
        let address = self.api.address;
        users::refresh(address, &mut self.users).await?;
        let tag = format!("{}-{}-{connections}", self.run, scenario.name());
        let (source, judge, note) = match scenario {
            Scenario::Sync100 => with_no_note(scenarios::sync_load(address, &self.users, 100, &tag)?),
            Scenario::Sync1000 => with_no_note(scenarios::sync_load(address, &self.users, 1_000, &tag)?),
            Scenario::Unlock => with_no_note(scenarios::unlock_load(address, &self.users, stock_offer)?),
            read => scenarios::read_load(read, address, &self.users).await?,
        };
        if let Some(note) = note {
            notes.push(format!("{} @{connections}: {note}", scenario.label()));
        }
        // The contention is over when the stock is gone: measure from the first request.
        let warm_up = if scenario == Scenario::Unlock { Duration::ZERO } else { self.options.warm_up };
        let row = self.measure(scenario.label().to_string(), address, connections, warm_up, source, judge, true).await;
        if let Some(failure) = &row.measured.first_failure {
            notes.push(format!("{} @{connections}: first failure: {failure}", scenario.label()));
        }
        if row.measured.all_failed > 0 {
            problems.push(format!("{} @{connections}: {} failed requests", scenario.label(), row.measured.all_failed));
        }
        match scenario {
            Scenario::Unlock => notes.push(self.check_stock(stock_offer, &row.measured, problems).await?),
            Scenario::Sync100 | Scenario::Sync1000 => {
                let batch = if scenario == Scenario::Sync100 { 100.0 } else { 1_000.0 };
                notes.push(format!(
                    "{} @{connections}: {:.0} samples/s",
                    scenario.label(),
                    row.measured.ok as f64 * batch / row.measured.window.as_secs_f64()
                ));
            }
            _ => {}
        }
        Ok(row)
    }

    /// One run of the generator, with the API's statements and peak memory around it (`of_api`: the target is the
    /// API, whose counters mean something).
    #[allow(clippy::too_many_arguments)]
    async fn measure(
        &self,
        label: String,
        target: SocketAddr,
        connections: usize,
        warm_up: Duration,
        request: RequestSource,
        judge: Judge,
        of_api: bool,
    ) -> Row {
        self.api.reset_peak();
        let before = if of_api { self.api.statements().await } else { None };
        let workload = Workload { target, connections, warm_up, measure: self.options.measure, request, judge };
        let measured = self.generator.run(&workload).await;
        let after = if of_api { self.api.statements().await } else { None };
        let statements =
            before.zip(after).map(|(b, a)| a.saturating_sub(b) as f64 / measured.all_requests().max(1) as f64);
        let peak_rss_kb = if of_api { self.api.memory_kb("VmHWM:") } else { None };
        Row { label, connections, measured, statements, peak_rss_kb }
    }

    /// The limited offer after the contention: never more sold than stocked, and every success is a redemption.
    async fn check_stock(
        &self,
        offer_id: Uuid,
        measured: &Measured,
        problems: &mut Vec<String>,
    ) -> Result<String, String> {
        let offer = offer::Entity::find_by_id(offer_id)
            .one(&self.db)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the limited offer is missing")?;
        let sold = redemption::Entity::find()
            .filter(redemption::Column::OfferId.eq(offer_id))
            .count(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        let stocked = offer.total_quantity.map_or(0, |q| q as u64);
        let consistent = sold <= stocked && sold == measured.all_ok && offer.unlock_count as u64 == sold;
        if !consistent {
            problems.push(format!(
                "UnlockOffer: {sold} redemptions of {stocked} units, {} successful answers, unlock_count {}",
                measured.all_ok, offer.unlock_count
            ));
        }
        Ok(format!(
            "UnlockOffer: {} unlocked, {} refused (sold out or out of points), {} failed; {sold} sold of {stocked} \
             (remaining {}): {}",
            measured.all_ok,
            measured.all_refused,
            measured.all_failed,
            offer.remaining_quantity.unwrap_or(0),
            if consistent { "never oversold" } else { "INCONSISTENT" }
        ))
    }
}

fn with_no_note((source, judge): (RequestSource, Judge)) -> (RequestSource, Judge, Option<String>) {
    (source, judge, None)
}

fn mb(kb: Option<u64>) -> String {
    kb.map_or("unknown".to_string(), |kb| format!("{:.0} MB", kb as f64 / 1024.0))
}
