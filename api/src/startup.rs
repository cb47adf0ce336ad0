//! Building and running the application: `Application::build(settings)` → `port()` → `run_until_stopped()`.

use std::sync::Arc;

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
    http::{graphql, health, request_id::RequestId},
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

    pub async fn build_with_database(
        settings: Settings,
        mut db: DatabaseConnection,
        clock: SharedClock,
    ) -> Result<Self, String> {
        let statements = StatementCounter::install(&mut db);
        let modules = Modules::new(&settings);
        let app = AppContext { db, clock, hooks: modules.hooks(), retention: settings.retention };
        let schema = build_schema(&app, &modules);
        let acceptor = TcpListener::bind(settings.bind.to_string())
            .into_acceptor()
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
        let port = acceptor.local_addr().first().and_then(|addr| addr.as_socket_addr().map(|a| a.port())).unwrap_or(0);
        Ok(Self { acceptor, port, schema, app, modules, statements })
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
        let routes = Route::new()
            .at("/graphql", get(graphql::graphiql_or_query).post(graphql::post.with(SizeLimit::new(MAX_BODY_BYTES))))
            .at("/healthz", get(health::healthz))
            .at("/readyz", get(health::readyz))
            .data(self.schema)
            .data(self.app.clone())
            .data(self.app.db.clone())
            .data(self.modules.users.config())
            .with(RequestId);
        tracing::info!(port = self.port, "CoGo API listening; GraphiQL at /graphql");
        poem::Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(routes, shutdown_signal(), Some(std::time::Duration::from_secs(10)))
            .await
            .map_err(|e| format!("server error: {e}"))
    }
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
