//! The bench's own database: a SQLite file in a temporary directory, or a fresh PostgreSQL database
//! `cogo_bench_<random>` on `COGO_TEST_DATABASE_URL`'s server (default `postgres://postgres@127.0.0.1:5432`),
//! dropped at the end.

use sea_orm::{ConnectionTrait, Database};
use uuid::Uuid;

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432";

pub enum BenchDatabase {
    Sqlite { url: String, dir: std::path::PathBuf },
    Postgres { url: String, admin_url: String, name: String },
}

impl BenchDatabase {
    pub async fn create(postgres: bool) -> Result<Self, String> {
        let id = Uuid::new_v4().simple().to_string();
        if !postgres {
            let dir = std::env::temp_dir().join(format!("cogo-bench-{id}"));
            std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
            return Ok(Self::Sqlite { url, dir });
        }
        let server = std::env::var("COGO_TEST_DATABASE_URL")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_POSTGRES.to_string());
        // Connection options (e.g. `?host=/var/run/postgresql`) apply to every database.
        let (server, options) = match server.split_once('?') {
            Some((server, options)) => (server.to_string(), format!("?{options}")),
            None => (server, String::new()),
        };
        let server = server.trim_end_matches('/');
        let (base, admin_db) = match server.rsplit_once('/') {
            Some((base, db)) if base.len() > "postgres://".len() && !db.contains('@') => {
                (base.to_string(), db.to_string())
            }
            _ => (server.to_string(), "postgres".to_string()),
        };
        let name = format!("cogo_bench_{}", &id[..12]);
        let admin_url = format!("{base}/{admin_db}{options}");
        let admin = Database::connect(&admin_url).await.map_err(|e| format!("PostgreSQL at {base}: {e}"))?;
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.map_err(|e| format!("{name}: {e}"))?;
        admin.close().await.ok();
        Ok(Self::Postgres { url: format!("{base}/{name}{options}"), admin_url, name })
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres { .. })
    }

    pub fn label(&self) -> &'static str {
        if self.is_postgres() { "PostgreSQL" } else { "SQLite" }
    }

    /// Removes the database (after every process using it has stopped).
    pub async fn drop_database(self) {
        match self {
            Self::Sqlite { dir, .. } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Self::Postgres { admin_url, name, .. } => {
                let dropped = match Database::connect(&admin_url).await {
                    Ok(admin) => {
                        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await
                    }
                    Err(e) => Err(e),
                };
                if let Err(e) = dropped {
                    eprintln!("could not drop the bench database {name}: {e}");
                }
            }
        }
    }
}
