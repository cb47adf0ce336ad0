//! Building and running the application: `Application::build(settings)` → `port()` → `run_until_stopped()`.

use std::{sync::Arc, time::Duration};

use cogo_kernel::{AppContext, ChangeFeed, SharedClock, SystemClock};
use poem::{EndpointExt, Route, get, http::Method, listener::BoxAcceptor, middleware::Cors};
use sea_orm::DatabaseConnection;

use crate::{
    change_listener, database,
    database::StatementCounter,
    http::{
        auth, data_export, graphql, health, live, panics::catch_http_panics, request_id::RequestId,
        security_headers::SecurityHeaders, timeout::RequestTimeout, tls, web_pages,
    },
    metrics::{HttpMetrics, Metrics, metrics_endpoint},
    modules::Modules,
    rate_limit::{PerIpLimit, RateLimiter, TrustedProxies},
    schema::{CogoSchema, build_schema},
    settings::{Exposure, HttpSettings, LiveSettings, MetricsExposure, Settings},
};

pub struct Application {
    acceptor: BoxAcceptor,
    port: u16,
    http: HttpSettings,
    metrics: Metrics,
    /// The listener of `/metrics` when it is served apart from the API (`COGO_METRICS_BIND`).
    metrics_acceptor: Option<BoxAcceptor>,
    schema: CogoSchema,
    app: AppContext,
    modules: Modules,
    statements: StatementCounter,
    rate_limiter: RateLimiter,
    /// How often the retention purge runs; `None`: never (tests, or an external scheduler runs `cogo-api purge`).
    purge_interval: Option<Duration>,
    /// The pool as the mail sender uses it: without the statement counter, so its polls are no request's
    /// statements.
    mail_db: DatabaseConnection,
    /// Whether `GET /graphql` serves GraphiQL (introspection is settled in the schema).
    exposure: Exposure,
    /// How many live-update sockets an address and a user may hold.
    live: LiveSettings,
    /// Whose `X-Forwarded-For` names the client (`COGO_TRUSTED_PROXIES`).
    trusted_proxies: TrustedProxies,
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
        // A command that runs once keeps no caches: a feed that is never live.
        let changes = ChangeFeed::shared_database();
        let clock: SharedClock = Arc::new(SystemClock);
        Ok(context_of(&settings, &Modules::new(&settings, &clock)?, db, clock, changes))
    }

    pub async fn build_with_database(
        mut settings: Settings,
        mut db: DatabaseConnection,
        clock: SharedClock,
    ) -> Result<Self, String> {
        let mail_db = db.clone();
        let statements = StatementCounter::install(&mut db);
        // Bound first: a provider sign-in's callback needs the port when no public URL is configured.
        let acceptor = tls::bind(settings.bind, settings.http.tls.as_ref()).await?;
        let port = tls::port_of(&acceptor);
        if settings.oidc.public_url.is_none() {
            settings.oidc.public_url = Some(local_url(&settings, port));
        }
        let modules = Modules::new(&settings, &clock)?;
        let changes = change_listener::change_feed(&db).await;
        let app = context_of(&settings, &modules, db, clock, changes);
        let rate_limiter = RateLimiter::new(&settings.rate_limits)?;
        let metrics = Metrics::new(rate_limiter.clone(), statements.clone())?;
        metrics.count_live_receivers_of(app.changes.clone());
        let schema = build_schema(&app, &modules, &settings, &rate_limiter, &metrics);
        let metrics_acceptor = match settings.http.metrics {
            MetricsExposure::Separate(addr) => Some(tls::bind(addr, None).await?),
            MetricsExposure::Off | MetricsExposure::MainPort => None,
        };
        let purge_interval = (settings.purge_interval_hours > 0)
            .then(|| Duration::from_secs(u64::from(settings.purge_interval_hours) * 3600));
        Ok(Self {
            acceptor,
            port,
            http: settings.http,
            metrics,
            metrics_acceptor,
            schema,
            app,
            modules,
            statements,
            rate_limiter,
            purge_interval,
            mail_db,
            exposure: settings.exposure,
            live: settings.live,
            trusted_proxies: settings.rate_limits.trusted_proxies.clone(),
            shutdown_grace: settings.faults.shutdown_grace,
        })
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
    /// connections are refused), requests in flight get up to the grace period to finish, and so do a retention
    /// purge and a batch of mails that are running; live-update sockets are closed with `1001` (going away), so
    /// their clients reconnect to another instance.
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
        let mail_sender = {
            let mut stop_requested = stop_requested.clone();
            let stop = async move {
                let _ = stop_requested.wait_for(|stop| *stop).await;
            };
            self.modules.mail.spawn_sender_until(self.mail_db.clone(), stop)
        };
        let timeout = RequestTimeout(self.http.request_timeout);
        let metrics_server = self.metrics_acceptor.map(|acceptor| {
            let routes =
                Route::new().at("/metrics", get(metrics_endpoint)).data(self.metrics.clone()).data(self.app.db.clone());
            tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(routes))
        });
        let sockets = live::SocketLimits::new(self.live.max_per_ip, self.live.max_per_user);
        let mut routes = Route::new()
            .at("/graphql", get(graphql::graphiql_or_query).post(graphql::post).with(timeout))
            // Live updates: long-lived by design, so outside the request timeout.
            .at("/graphql/ws", get(live::graphql_ws))
            // Not under the request timeout: the file is sent after the handler returns, with its own stall limit.
            .at("/privacy/export", get(data_export::export))
            .at("/auth/:provider/start", get(auth::start).with(RequestTimeout(self.http.request_timeout)))
            .at("/auth/:provider/callback", get(auth::callback).with(RequestTimeout(self.http.request_timeout)))
            .at("/healthz", get(health::healthz))
            .at("/readyz", get(health::readyz).with(RequestTimeout(self.http.request_timeout)))
            .nest("/portal", web_pages::portal_files());
        if self.exposure.graphiql {
            routes = routes.nest("/graphiql", web_pages::graphiql_files());
        }
        if self.http.metrics == MetricsExposure::MainPort {
            routes = routes.at("/metrics", get(metrics_endpoint));
        }
        let routes = routes
            .data(self.schema)
            .data(self.app.clone())
            .data(self.app.db.clone())
            .data(self.modules.users.config())
            .data(self.metrics.clone())
            .data(self.exposure)
            .data(self.rate_limiter.clone())
            .data(sockets.clone())
            .data(live::ShuttingDown(stop_requested.clone()))
            .with(PerIpLimit { limiter: self.rate_limiter, trusted: self.trusted_proxies })
            .with(catch_http_panics())
            // Without configured origins there is no CORS layer at all: browsers on other origins are refused.
            .with_if(!self.http.cors_origins.is_empty(), cors(&self.http.cors_origins))
            .with(SecurityHeaders::new(self.http.tls.is_some()))
            .with(HttpMetrics(self.metrics.clone()))
            .with(RequestId);
        if self.exposure.graphiql {
            tracing::info!(port = self.port, "CoGo API listening; GraphiQL at /graphql");
        } else {
            tracing::info!(port = self.port, "CoGo API listening at /graphql (GraphiQL off)");
        }
        let served = poem::Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(routes, signal, Some(self.shutdown_grace))
            .await
            .map_err(|e| format!("server error: {e}"));
        // Live-update sockets were told to go away when the signal came; their close frames go out before the
        // process ends (within the grace).
        let closed = tokio::time::timeout(self.shutdown_grace, sockets.all_closed()).await;
        if closed.is_err() {
            tracing::warn!("live-update sockets still open at the end of the grace");
        }
        if let Some(mut purge) = purge
            && tokio::time::timeout(self.shutdown_grace, &mut purge).await.is_err()
        {
            // Its transaction rolls back with the connection; the next start purges again.
            purge.abort();
            tracing::warn!("retention purge cut short by the shutdown");
        }
        let mut mail_sender = mail_sender;
        if tokio::time::timeout(self.shutdown_grace, &mut mail_sender).await.is_err() {
            // A mail the server accepted but that was not yet marked sent goes out again once its lease runs out.
            mail_sender.abort();
            tracing::warn!("mail sender cut short by the shutdown");
        }
        if let Some(metrics_server) = metrics_server {
            metrics_server.abort();
        }
        served
    }
}

/// Browsers on these exact origins may call the API; bearer tokens, not cookies, so no credentials.
fn cors(origins: &[String]) -> Cors {
    Cors::new()
        .allow_origins(origins.iter().map(String::as_str))
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers(["authorization", "content-type", "idempotency-key", "accept"])
        .expose_headers(["retry-after", "x-request-id"])
        .allow_credentials(false)
        .max_age(600)
}

/// The server's own address as seen from this machine (an unspecified bind address is reached on 127.0.0.1).
fn local_url(settings: &Settings, port: u16) -> String {
    let scheme = if settings.http.tls.is_some() { "https" } else { "http" };
    let ip = settings.bind.ip();
    let host = if ip.is_unspecified() { "127.0.0.1".to_string() } else { ip.to_string() };
    format!("{scheme}://{host}:{port}")
}

/// What every resolver and service gets: the database, the clock, every module's hooks and the retention periods.
fn context_of(
    settings: &Settings,
    modules: &Modules,
    db: DatabaseConnection,
    clock: SharedClock,
    changes: ChangeFeed,
) -> AppContext {
    AppContext { db, clock, hooks: modules.hooks(), retention: settings.retention, changes }
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
