//! What every resolver and service needs: the database, the clock and the module hooks.

use std::sync::Arc;

use async_graphql::Context;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::{changes::ChangeFeed, clock::SharedClock, error::AppError, hooks::Hooks, retention::RetentionPolicy};

#[derive(Clone)]
pub struct AppContext {
    pub db: DatabaseConnection,
    pub clock: SharedClock,
    pub hooks: Arc<Hooks>,
    /// How long each kind of data is kept: read by the retention purge and by what users are told.
    pub retention: RetentionPolicy,
    /// What in-process caches hear changes through (this instance's and, on PostgreSQL, every other's).
    pub changes: ChangeFeed,
}

impl AppContext {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The application context of a GraphQL request.
    pub fn of<'a>(ctx: &Context<'a>) -> Result<&'a AppContext, AppError> {
        ctx.data::<AppContext>().map_err(|_| AppError::internal("AppContext missing from schema data"))
    }
}
