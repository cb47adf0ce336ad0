//! The instance's ear on PostgreSQL: `LISTEN cogo_changes` on a connection of its own, feeding what other
//! instances (and the CLI, and triggers) changed into the [`ChangeFeed`], so in-process caches stay correct with
//! several instances on one database.
//!
//! While the connection is down the feed is not live (caches read the database); once it is back, caches start
//! empty, since changes made meanwhile were not heard. A connection can also die silently (a network partition
//! sends no reset): every instance sends a heartbeat every [`propagation::HEARTBEAT`], and a listener that hears
//! nothing for [`SILENCE`] is taken for dead. How a change reaches every instance before its request answers:
//! [`propagation`].

mod propagation;

use std::sync::Arc;
use std::time::Duration;

use cogo_kernel::{ChangeFeed, changes::CHANNEL};
use sea_orm::sqlx::postgres::{PgListener, PgPool};
use sea_orm::{DatabaseConnection, DbBackend};

use propagation::Instances;

/// How long to wait between attempts to get the listening connection back.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);
/// How long start-up waits for the first connection before serving with the caches off.
const FIRST_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Hearing nothing for this long (not even the heartbeats) means the listening connection is dead, whatever the
/// socket says.
const SILENCE: Duration = Duration::from_secs(3);

/// The feed for this database: on SQLite (one process) live at once; on PostgreSQL live while a listener runs. The
/// first connection is made before this returns (or after a short timeout, then in the background), so a fresh
/// instance serves from its caches at once.
pub async fn change_feed(db: &DatabaseConnection) -> ChangeFeed {
    if db.get_database_backend() != DbBackend::Postgres {
        return ChangeFeed::single_process();
    }
    let feed = ChangeFeed::shared_database();
    let pool = db.get_postgres_connection_pool().clone();
    if pool.options().get_max_connections() < 2 {
        // The listener holds a connection for good: with a pool of one, no request would get any.
        tracing::warn!("COGO_DB_MAX_CONNECTIONS is 1: no connection to listen for changes; in-process caches stay off");
        return feed;
    }
    let instances = Instances::new(pool.clone());
    feed.set_propagation(instances.clone());
    let first = tokio::time::timeout(FIRST_CONNECT_TIMEOUT, listen(&pool)).await.ok().and_then(Result::ok);
    if first.is_some() {
        feed.listening();
    }
    tokio::spawn(propagation::send_heartbeats(instances.clone()));
    tokio::spawn(run(pool, feed.clone(), instances, first));
    feed
}

async fn listen(pool: &PgPool) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

async fn run(pool: PgPool, feed: ChangeFeed, instances: Arc<Instances>, mut listener: Option<PgListener>) {
    loop {
        let Some(active) = listener.as_mut() else {
            if pool.is_closed() {
                return;
            }
            tokio::time::sleep(RECONNECT_DELAY).await;
            if let Ok(fresh) = listen(&pool).await {
                listener = Some(fresh);
                feed.listening();
                tracing::info!("listening for changes again");
            }
            continue;
        };
        // Cancelling `try_recv` on silence is safe: the connection it reads from is then dropped as dead.
        let Ok(received) = tokio::time::timeout(SILENCE, active.try_recv()).await else {
            feed.not_listening();
            listener = None;
            tracing::warn!("the connection that listens for changes went silent; caches are off until it is back");
            continue;
        };
        match received {
            // Notifications are handled one after the other, in commit order: an instance acknowledges a barrier
            // only after every change committed before it.
            Ok(Some(notification)) => {
                if !instances.handle(notification.payload()) {
                    feed.notified(notification.payload());
                }
            }
            // The connection was lost and sqlx has already made and subscribed a new one: what changed in between
            // was not heard, so the caches start again from empty.
            Ok(None) => {
                feed.listening();
                tracing::warn!("the connection that listens for changes was replaced; caches emptied");
            }
            // No new connection (the database is away, or the pool closed at shutdown): caches off until one is made.
            Err(_) => {
                feed.not_listening();
                listener = None;
                tracing::warn!("lost the connection that listens for changes; caches are off until it is back");
            }
        }
    }
}
