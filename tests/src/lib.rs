//! The black-box harness: the real server on a random port with a fresh database, spoken to over HTTP.
//!
//! Set `COGO_TEST_DATABASE_URL` to a PostgreSQL server URL (e.g. `postgres://postgres@127.0.0.1:5432`) to run the
//! suite on PostgreSQL: every test then gets its own freshly created database. Without it, every test gets its
//! own SQLite file.

pub mod browser;
pub mod live;
pub mod oidc;
pub mod process;
pub mod proxy;
pub mod smtp;

use std::sync::Arc;

use chrono::Duration;
use cogo_api::{Application, Settings};
use cogo_kernel::ManualClock;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use uuid::Uuid;

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub database_url: String,
    /// The running server's own context (database pool, clock, hooks), for tests that call services directly.
    pub context: cogo_kernel::AppContext,
    /// How many SQL statements the server has sent so far (read before and after a request).
    pub statements: cogo_api::database::StatementCounter,
}

/// Starts the API on a random port with a fresh, migrated database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// As [`spawn_app`], with the settings adjusted first (e.g. a small referral reward cap).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on(fresh_database_url().await, configure).await
}

/// As [`spawn_app_with`], over an existing database: a second instance beside another (e.g. one whose secrets were
/// rotated).
pub async fn spawn_app_on(database_url: String, configure: impl FnOnce(&mut Settings)) -> TestApp {
    cogo_api::telemetry::init_for_tests();
    let clock = ManualClock::new();
    let mut settings = Settings::for_database(database_url.clone());
    configure(&mut settings);
    let app = Application::build_with_clock(settings, clock.clone()).await.expect("the application builds");
    let port = app.port();
    let context = app.context().clone();
    let statements = app.statements().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client: reqwest::Client::builder().build().unwrap(),
        clock,
        database_url,
        context,
        statements,
    }
}

/// A new, empty database for one test: a PostgreSQL database on `COGO_TEST_DATABASE_URL`'s server, or a SQLite file.
pub async fn fresh_database_url() -> String {
    match std::env::var("COGO_TEST_DATABASE_URL").ok().filter(|v| !v.is_empty()) {
        Some(server) => {
            // Connection options (e.g. `?host=/var/run/postgresql` for the Unix socket) apply to every database.
            let (server, options) = match server.split_once('?') {
                Some((server, options)) => (server.to_string(), format!("?{options}")),
                None => (server, String::new()),
            };
            let server = server.trim_end_matches('/');
            let (base, admin_db) = match server.rsplit_once('/') {
                Some((base, db)) if base.contains("://") && base.len() > "postgres://".len() && !db.contains('@') => {
                    (base.to_string(), db.to_string())
                }
                _ => (server.to_string(), "postgres".to_string()),
            };
            let name = format!("cogo_test_{}", Uuid::new_v4().simple());
            let admin =
                Database::connect(format!("{base}/{admin_db}{options}")).await.expect("PostgreSQL is reachable");
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("test database is created");
            admin.close().await.ok();
            format!("{base}/{name}{options}")
        }
        None => {
            let path = std::env::temp_dir().join(format!("cogo-test-{}.db", Uuid::new_v4().simple()));
            format!("sqlite://{}?mode=rwc", path.display())
        }
    }
}

/// A signed-in user of the tests.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub name: String,
    pub email: String,
    pub password: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl TestUser {
    /// The user a successful `signUp` response (of [`SIGN_UP`] or an operation asking at least as much) created.
    pub fn from_sign_up(body: &Value, name: &str, password: &str) -> TestUser {
        let payload = &body["data"]["signUp"];
        assert!(payload.is_object(), "sign-up failed: {body}");
        TestUser {
            id: payload["user"]["id"].as_str().unwrap().to_string(),
            name: name.to_string(),
            email: payload["user"]["email"].as_str().unwrap().to_string(),
            password: password.to_string(),
            access_token: payload["accessToken"].as_str().unwrap().to_string(),
            refresh_token: payload["refreshToken"].as_str().unwrap().to_string(),
        }
    }
}

pub const SIGN_UP: &str =
    "mutation SignUp($name: String!, $email: String!, $password: String!, $referralCode: String) {
  signUp(input: { name: $name, email: $email, password: $password, referralCode: $referralCode }) {
    accessToken refreshToken user { id name email }
  }
}";

pub const LOG_IN: &str = "mutation LogIn($email: String!, $password: String!) {
  logIn(email: $email, password: $password) { accessToken refreshToken user { id name } }
}";

impl TestApp {
    /// POSTs a GraphQL request and returns the whole response body (`data` and `errors`).
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the server answers");
        assert!(response.status().is_success(), "HTTP {}", response.status());
        response.json().await.expect("the answer is JSON")
    }

    /// As a signed-in user.
    /// The same deployment reached through another instance (a server process on the same database): requests go
    /// to `address`, set-up helpers still use this instance's context.
    pub fn at(&self, address: &str) -> TestApp {
        let port = address.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(self.port);
        TestApp {
            address: address.to_string(),
            port,
            client: self.client.clone(),
            clock: self.clock.clone(),
            database_url: self.database_url.clone(),
            context: self.context.clone(),
            statements: self.statements.clone(),
        }
    }

    pub async fn gql_as(&self, user: &TestUser, query: &str, variables: Value) -> Value {
        self.graphql(Some(&user.access_token), query, variables).await
    }

    /// Without credentials.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.graphql(None, query, variables).await
    }

    /// Signs up a user with a unique e-mail address.
    pub async fn sign_up(&self, name: &str) -> TestUser {
        let email = format!("{}.{}@example.se", name.to_lowercase().replace(' ', "."), Uuid::new_v4().simple());
        self.sign_up_with(name, &email, "correct horse battery").await
    }

    pub async fn sign_up_with(&self, name: &str, email: &str, password: &str) -> TestUser {
        let body = self.gql(SIGN_UP, json!({ "name": name, "email": email, "password": password })).await;
        TestUser::from_sign_up(&body, name, password)
    }

    /// Grants a staff role the way an operator does (`cogo-api grant-role`), then logs in again so the new
    /// access token carries it.
    pub async fn grant_role(&self, user: &TestUser, role: &str) -> TestUser {
        let role = cogo_kernel::Role::parse(role).expect("a known role");
        cogo_api::cli::grant_role_on(&self.context.db, &user.email, role).await.expect("the role is granted");
        self.log_in(user).await
    }

    pub async fn log_in(&self, user: &TestUser) -> TestUser {
        let body = self.gql(LOG_IN, json!({ "email": user.email, "password": user.password })).await;
        let payload = &body["data"]["logIn"];
        assert!(payload.is_object(), "log-in failed: {body}");
        TestUser {
            access_token: payload["accessToken"].as_str().unwrap().to_string(),
            refresh_token: payload["refreshToken"].as_str().unwrap().to_string(),
            ..user.clone()
        }
    }

    /// Every module's export hooks for the user, as one document, inside `txn` (without the privacy module's
    /// request logging: for tests of one module's part).
    pub async fn hooks_export(&self, txn: &sea_orm::DatabaseTransaction, user_id: Uuid) -> Value {
        let mut out = cogo_kernel::ExportWriter::collecting();
        self.context.hooks.export_user_data(txn, user_id, &mut out).await.expect("the export hooks run");
        serde_json::from_slice(&out.finish().await.expect("the export closes")).expect("the export is JSON")
    }

    pub fn advance_clock(&self, by: Duration) {
        self.clock.advance(by);
    }
}

/// The `extensions.code` of the first error, or panics with the body.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("expected an error, got {body}"))
}

/// The data of a successful response, or panics with the errors.
pub fn data(body: &Value) -> &Value {
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    &body["data"]
}

/// Sets an account's e-mail address (verified) straight in the database, as a finished change of address leaves
/// it: for tests about what others see afterwards, not about the change itself.
pub async fn set_email_in_database(app: &TestApp, user: &TestUser, email: &str) {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let backend = app.context.db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => "UPDATE users SET email = $1, email_verified_at = $2 WHERE id = $3",
        _ => "UPDATE users SET email = ?, email_verified_at = ? WHERE id = ?",
    };
    let values: [sea_orm::Value; 3] =
        [email.into(), app.context.now().into(), Uuid::parse_str(&user.id).unwrap().into()];
    let changed = app.context.db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await.unwrap();
    assert_eq!(changed.rows_affected(), 1, "no account {}", user.id);
    // As the users module does after a change: this instance's caches forget the profile.
    let user_id = Uuid::parse_str(&user.id).unwrap();
    app.context.changes.publish(cogo_kernel::Change::UserChanged { user_id });
}

/// Marks an account's address as verified straight in the database (the mailed-code flow has its own tests).
pub async fn verify_email_in_database(app: &TestApp, user: &TestUser) {
    set_email_in_database(app, user, &user.email).await;
}

/// Credits points straight through the points service, outside any request (as a background job would): no
/// instance's cache hears of it but through the database (PostgreSQL's notification). [`credit_points`] is the
/// credit as a request makes it.
pub async fn credit_points_outside_requests(app: &TestApp, user: &TestUser, amount: i64) {
    use cogo_points::{EntryKind, service};
    use sea_orm::TransactionTrait;
    let ctx = &app.context;
    let txn = ctx.db.begin().await.unwrap();
    let movement = service::Movement {
        user_id: Uuid::parse_str(&user.id).unwrap(),
        kind: EntryKind::Adjustment,
        amount,
        description: "test points".into(),
        reference: format!("test:{}", Uuid::new_v4()),
    };
    service::credit(&txn, &ctx.hooks, ctx.now(), movement).await.unwrap();
    txn.commit().await.unwrap();
}

/// Credits points as a request would: committed, then this instance's caches told.
pub async fn credit_points(app: &TestApp, user: &TestUser, amount: i64) {
    app.context.changes.scope(credit_points_outside_requests(app, user, amount)).await;
}

/// The start of an hour-long walk that ended at least an hour before `now` and lies within one UTC day: the
/// steps module splits a walk at midnight (each day credited on its own), so a test that expects the points of
/// one walk must not straddle it, whatever the time the suite runs at.
pub fn an_hour_within_one_day(now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    let start = now - Duration::hours(2);
    let midnight = (start + Duration::hours(1)).date_naive().and_time(chrono::NaiveTime::MIN).and_utc();
    if start < midnight { midnight - Duration::hours(1) } else { start }
}
