//! A TCP proxy between the API and PostgreSQL that a test can cut and restore: a database outage for one test's
//! connections only, while the other tests keep using the same PostgreSQL server.

use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Every connection is passed through.
    Forwarding,
    /// New connections are reset at once, as by a database that is down or restarting.
    Cut,
    /// New connections are accepted and never answered, as behind a network partition.
    Stalled,
}

#[derive(Default)]
struct Connections {
    forwarded: Vec<AbortHandle>,
    stalled: Vec<TcpStream>,
}

pub struct DatabaseProxy {
    pub port: u16,
    mode: Arc<Mutex<Mode>>,
    connections: Arc<Mutex<Connections>>,
    accept_loop: AbortHandle,
}

impl DatabaseProxy {
    /// A proxy in front of the PostgreSQL server of `COGO_TEST_DATABASE_URL`; `None` on SQLite (a file: there is
    /// no server to lose) or when PostgreSQL is reached through a Unix socket.
    pub async fn for_test_server() -> Option<DatabaseProxy> {
        let server = std::env::var("COGO_TEST_DATABASE_URL").ok().filter(|v| !v.is_empty())?;
        let (_, authority, _) = split_url(&server)?;
        let (_, host_port) = authority.rsplit_once('@').unwrap_or(("", authority));
        if host_port.is_empty() || server.contains("host=") {
            return None;
        }
        let upstream = if host_port.contains(':') { host_port.to_string() } else { format!("{host_port}:5432") };
        Some(DatabaseProxy::start(upstream).await)
    }

    /// Listens on a random local port and forwards every connection to `upstream` (`host:port`).
    pub async fn start(upstream: String) -> DatabaseProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("the proxy binds");
        let port = listener.local_addr().expect("a bound address").port();
        let mode = Arc::new(Mutex::new(Mode::Forwarding));
        let connections = Arc::new(Mutex::new(Connections::default()));
        let accept_loop = tokio::spawn(accept(listener, upstream, mode.clone(), connections.clone())).abort_handle();
        DatabaseProxy { port, mode, connections, accept_loop }
    }

    /// `database_url` with its host and port replaced by the proxy's.
    pub fn route(&self, database_url: &str) -> String {
        let (scheme, authority, rest) = split_url(database_url).expect("a URL like postgres://user@host:port/db");
        let user = authority.rsplit_once('@').map(|(user, _)| format!("{user}@")).unwrap_or_default();
        format!("{scheme}://{user}127.0.0.1:{}{rest}", self.port)
    }

    /// The database goes away: every open connection is closed and new ones are reset.
    pub fn cut(&self) {
        self.switch(Mode::Cut);
    }

    /// The database stops answering: open connections are closed, new ones hang without a byte.
    pub fn stall(&self) {
        self.switch(Mode::Stalled);
    }

    /// The database is back: new connections are forwarded again.
    pub fn restore(&self) {
        self.switch(Mode::Forwarding);
    }

    fn switch(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
        let mut connections = self.connections.lock().unwrap();
        if mode != Mode::Forwarding {
            for connection in connections.forwarded.drain(..) {
                connection.abort();
            }
        }
        connections.stalled.clear();
    }
}

impl Drop for DatabaseProxy {
    fn drop(&mut self) {
        self.accept_loop.abort();
        self.switch(Mode::Cut);
    }
}

async fn accept(listener: TcpListener, upstream: String, mode: Arc<Mutex<Mode>>, connections: Arc<Mutex<Connections>>) {
    while let Ok((client, _)) = listener.accept().await {
        let current = *mode.lock().unwrap();
        match current {
            Mode::Forwarding => {
                let forwarding = tokio::spawn(forward(client, upstream.clone())).abort_handle();
                connections.lock().unwrap().forwarded.push(forwarding);
            }
            Mode::Cut => {
                // A reset rather than a polite close: what a client sees when nothing listens any more.
                let _ = client.set_zero_linger();
            }
            Mode::Stalled => connections.lock().unwrap().stalled.push(client),
        }
    }
}

async fn forward(mut client: TcpStream, upstream: String) {
    if let Ok(mut server) = TcpStream::connect(&upstream).await {
        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
    }
}

/// `scheme://authority/rest…` → (scheme, authority, "/rest…").
fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, after) = url.split_once("://")?;
    let end = after.find(['/', '?']).unwrap_or(after.len());
    Some((scheme, &after[..end], &after[end..]))
}
