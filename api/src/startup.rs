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
    http::{data_export, graphql, health, panics::catch_http_panics, request_id::RequestId},
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
    /// How long in-flight requests may take to finish after SIGTERM.
    shutdown_grace: Duration,
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
        let schema = build_schema(&app, &modules);
        let acceptor = TcpListener::bind(settings.bind.to_string())
            .into_acceptor()
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
        let purge_interval = (settings.purge_interval_hours > 0)
            .then(|| Duration::from_secs(u64::from(settings.purge_interval_hours) * 3600));
        let port = acceptor.local_addr().first().and_then(|addr| addr.as_socket_addr().map(|a| a.port())).unwrap_or(0);
        let shutdown_grace = settings.faults.shutdown_grace;
        Ok(Self { acceptor, port, schema, app, modules, statements, purge_interval, shutdown_grace })
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

    /// Serves until the process receives Ctrl-C or SIGTERM, then drains: the listener closes at once (new
    /// connections are refused), requests in flight get up to the grace period to finish, and so does a retention
    /// purge that is running.
    pub async fn run_until_stopped(self) -> Result<(), String> {
        let (stopping, stop_requested) = tokio::sync::watch::channel(false);
        let stop_signal = shutdown_signal();
        let signal = async move {
            stop_signal.await;
            let _ = stopping.send(true);
        };
        let purge = self.purge_interval.map(|every| {
            let mut stop_requested = stop_requested.clone();
            // Also stops if the server ends without a signal (the sender is dropped).
            let stop = async move {
                let _ = stop_requested.wait_for(|stop| *stop).await;
            };
            cogo_privacy::service::retention::spawn_scheduler_until(self.app.clone(), every, stop)
        });
        let routes = Route::new()
            .at("/graphql", get(graphql::graphiql_or_query).post(graphql::post.with(SizeLimit::new(MAX_BODY_BYTES))))
            .at("/privacy/export", get(data_export::export))
            .at("/healthz", get(health::healthz))
            .at("/readyz", get(health::readyz))
            .data(self.schema)
            .data(self.app.clone())
            .data(self.app.db.clone())
            .data(self.modules.users.config())
            .with(catch_http_panics())
            .with(RequestId);
        tracing::info!(port = self.port, "CoGo API listening; GraphiQL at /graphql");
        let served = poem::Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(routes, signal, Some(self.shutdown_grace))
            .await
            .map_err(|e| format!("server error: {e}"));
        if let Some(mut purge) = purge
            && tokio::time::timeout(self.shutdown_grace, &mut purge).await.is_err()
        {
            // Its transaction rolls back with the connection; the next start purges again.
            purge.abort();
            tracing::warn!("retention purge cut short by the shutdown");
        }
        tracing::info!("stopped");
        served
    }
}

/// What every resolver and service gets: the database, the clock, every module's hooks and the retention periods.
fn context_of(settings: &Settings, modules: &Modules, db: DatabaseConnection, clock: SharedClock) -> AppContext {
    AppContext { db, clock, hooks: modules.hooks(), retention: settings.retention }
}

/// Registers for SIGTERM and Ctrl-C at once, before "listening" is logged: a stop signal that arrives the moment the
/// server starts then drains it, instead of killing the process with the signal's default action.
fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (mut terminate, mut interrupt) = {
        use tokio::signal::unix::{SignalKind, signal};
        (signal(SignalKind::terminate()).ok(), signal(SignalKind::interrupt()).ok())
    };
    async move {
        #[cfg(unix)]
        {
            let terminate = async {
                match terminate.as_mut() {
                    Some(signal) => signal.recv().await,
                    None => std::future::pending().await,
                }
            };
            let interrupt = async {
                match interrupt.as_mut() {
                    Some(signal) => signal.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = terminate => {},
                _ = interrupt => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down");
    }
}
