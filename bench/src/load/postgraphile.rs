//! PostGraphile v4 (npm `postgraphile@4`, `bench/postgraphile/`) on the bench's PostgreSQL database: Node's
//! cluster with 2 workers on one port, schema `public`. The bench installs it (`npm ci`) when `node_modules` is
//! missing; nothing else needs Node.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::client::{Connection, graphql, post_json};
use super::generator::{Judge, RequestSource, ok_without_errors};
use super::server::port_in;

/// The same 50 offers as the API's list, newest first, with their partner's name (PostGraphile's generated
/// names: `allOffers`, `partnerByPartnerId`). Every seeded offer is live (published, inside its validity window,
/// unlimited) and the limited one is the oldest, so `status = PUBLISHED` in creation order is the API's list.
pub const OFFERS_QUERY: &str = "query OffersWithPartner { allOffers(first: 50, orderBy: [CREATED_AT_DESC, ID_DESC], \
    condition: { status: \"PUBLISHED\" }) { nodes { id title costPoints partnerByPartnerId { name } } } }";

pub struct PostGraphile {
    pub address: SocketAddr,
    child: Child,
}

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("postgraphile")
}

impl PostGraphile {
    pub async fn start(database_url: &str) -> Result<Self, String> {
        let dir = folder();
        if !dir.join("node_modules").exists() {
            println!("installing PostGraphile (npm ci in {})", dir.display());
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir)
                .status()
                .await
                .map_err(|e| format!("npm ci: {e} (is Node.js installed?)"))?;
            if !status.success() {
                return Err(format!("npm ci failed in {}: {status}", dir.display()));
            }
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let mut child = Command::new("node")
            .arg("server.js")
            .current_dir(&dir)
            .env("DATABASE_URL", database_url.split('?').next().unwrap_or(database_url))
            .env("PORT", port.to_string())
            .env("WORKERS", "2")
            .env("NODE_ENV", "production")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("node server.js: {e}"))?;
        let stdout = child.stdout.take().ok_or("stdout is piped")?;
        let listening = async {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("listening") && port_in(&line) == Some(port) {
                    return true;
                }
            }
            false
        };
        if !tokio::time::timeout(Duration::from_secs(60), listening).await.unwrap_or(false) {
            let _ = child.kill().await;
            return Err("PostGraphile did not start listening".into());
        }
        Ok(Self { address: SocketAddr::from(([127, 0, 0, 1], port)), child })
    }

    /// Checks through introspection that the generated names exist, then returns PostGraphile's list as
    /// [`offer_row`]s.
    pub async fn offer_rows(&self) -> Result<Vec<Value>, String> {
        let mut connection = Connection::open(self.address).await.map_err(|e| format!("connect: {e}"))?;
        let fields =
            graphql(&mut connection, None, &json!({ "query": "{ __type(name: \"Query\") { fields { name } } }" }))
                .await?;
        let has_all_offers = fields["data"]["__type"]["fields"]
            .as_array()
            .is_some_and(|fields| fields.iter().any(|f| f["name"] == "allOffers"));
        if !has_all_offers {
            return Err(format!("PostGraphile's schema has no allOffers: {fields}"));
        }
        let answer = graphql(&mut connection, None, &json!({ "query": OFFERS_QUERY })).await?;
        let nodes = answer["data"]["allOffers"]["nodes"].as_array().cloned().unwrap_or_default();
        Ok(nodes.iter().map(|n| offer_row(&n["title"], &n["costPoints"], &n["partnerByPartnerId"]["name"])).collect())
    }

    /// The offers query, the same request on every connection (PostGraphile here knows no users).
    pub fn load(&self) -> (RequestSource, Judge) {
        let body = json!({ "query": OFFERS_QUERY }).to_string().into_bytes();
        let request: Arc<[u8]> = Arc::from(post_json(self.address, "/graphql", None, &body));
        (Arc::new(move |_| request.clone()), ok_without_errors())
    }

    pub async fn stop(mut self) {
        // SIGTERM lets the primary stop its workers; a kill would leave them running.
        if let Some(pid) = self.child.id() {
            let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status().await;
        }
        if tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await.is_err() {
            let _ = self.child.kill().await;
        }
    }
}

/// An offer as both servers can show it: title, cost and partner name, as text (PostGraphile writes a `bigint`
/// as a string). Seeded titles are unique, so equal rows are the same offers.
pub fn offer_row(title: &Value, cost: &Value, partner: &Value) -> Value {
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), String::from);
    json!([text(title), text(cost), text(partner)])
}
