//! Building and running the application: `Application::build(settings)` → `port()` → `run_until_stopped()`.

use std::{sync::Arc, time::Duration};

use cogo_kernel::{AppContext, SharedClock, SystemClock};
use poem::{
    EndpointExt, Route, get,
    listener::{Acceptor, Listener, TcpAcceptor, TcpListener},
    middleware::SizeLimit,
};
use sea_orm::DatabaseConnection;

use crate::{
    database,
    database::StatementCounter,
    http::{data_export, graphql, health, request_id::RequestId},
    modules::Modules,
    schema::{CogoSchema, build_schema},
    settings::Settings,
};

/// Large enough for a 1,000-sample step sync, small enough to refuse abuse.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub struct Application {
    acceptor: TcpAcceptor,
    port: u16,
    schema: CogoSchema,
    app: AppContext,
    modules: Modules,
    statements: StatementCounter,
    /// How often the retention purge runs; `None`: never (tests, or an external scheduler runs `cogo-api purge`).
    purge_interval: Option<Duration>,
}

impl Application {
    /// Connects and migrates the database, composes the schema and binds the listener.
    pub async fn build(settings: Settings) -> Result<Self, String> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// As [`Application::build`], with a clock tests can move.
    pub async fn build_with_clock(settings: Settings, clock: SharedClock) -> Result<Self, String> {
        let db = database::connect_and_migrate(&settings).await?;
        Self::build_with_database(settings, db, clock).await
    }

    /// The application context without a listener, for commands that run once (`cogo-api purge`).
    pub async fn context_only(settings: Settings) -> Result<AppContext, String> {
        let db = database::connect_and_migrate(&settings).await?;
        Ok(context_of(&settings, &Modules::new(&settings), db, Arc::new(SystemClock)))
    }

    pub async fn build_with_database(
        settings: Settings,
        mut db: DatabaseConnection,
        clock: SharedClock,
    ) -> Result<Self, String> {
        let statements = StatementCounter::install(&mut db);
        let modules = Modules::new(&settings);
        let app = context_of(&settings, &modules, db, clock);
        let schema = build_schema(&app, &modules, settings.limits);
        let acceptor = TcpListener::bind(settings.bind.to_string())
            .into_acceptor()
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
        let purge_interval = (settings.purge_interval_hours > 0)
            .then(|| Duration::from_secs(u64::from(settings.purge_interval_hours) * 3600));
        let port = acceptor.local_addr().first().and_then(|addr| addr.as_socket_addr().map(|a| a.port())).unwrap_or(0);
        Ok(Self { acceptor, port, schema, app, modules, statements, purge_interval })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn context(&self) -> &AppContext {
        &self.app
    }

    /// The count of SQL statements this application has sent.
    pub fn statements(&self) -> &StatementCounter {
        &self.statements
    }

    /// Serves until the process receives Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) -> Result<(), String> {
        let purge =
            self.purge_interval.map(|every| cogo_privacy::service::retention::spawn_scheduler(self.app.clone(), every));
        let routes = Route::new()
            .at("/graphql", get(graphql::graphiql_or_query).post(graphql::post.with(SizeLimit::new(MAX_BODY_BYTES))))
            .at("/privacy/export", get(data_export::export))
            .at("/healthz", get(health::healthz))
            .at("/readyz", get(health::readyz))
            .data(self.schema)
            .data(self.app.clone())
            .data(self.app.db.clone())
            .data(self.modules.users.config())
            .with(RequestId);
        tracing::info!(port = self.port, "CoGo API listening; GraphiQL at /graphql");
        let served = poem::Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(routes, shutdown_signal(), Some(Duration::from_secs(10)))
            .await
            .map_err(|e| format!("server error: {e}"));
        if let Some(purge) = purge {
            purge.abort();
        }
        served
    }
}

/// What every resolver and service gets: the database, the clock, every module's hooks and the retention periods.
fn context_of(settings: &Settings, modules: &Modules, db: DatabaseConnection, clock: SharedClock) -> AppContext {
    AppContext { db, clock, hooks: modules.hooks(), retention: settings.retention }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
