//! Batch loading of users for nested lists (recruits, merchant customers, ...).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use cogo_entities::users::user;
use cogo_kernel::{AppError, Change, ChangeFeed, KnownRows, Stale};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Loads accounts by id in one query per batch. Authorization is the caller's job: this loader answers for any id.
pub struct UserLoader {
    pub db: DatabaseConnection,
}

impl Loader<Uuid> for UserLoader {
    type Value = user::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let users = user::Entity::find().filter(user::Column::Id.is_in(keys.iter().copied())).all(&self.db).await?;
        Ok(users.into_iter().map(|u| (u.id, u)).collect())
    }
}

/// What `me` shows of the account itself: never the password hash, which stays out of memory between requests.
#[derive(Clone, Debug)]
pub struct Profile {
    pub name: String,
    pub email: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub email_verified: bool,
}

impl From<user::Model> for Profile {
    fn from(account: user::Model) -> Self {
        Self {
            name: account.name,
            email: account.email,
            created_at: account.created_at,
            email_verified: account.email_verified_at.is_some(),
        }
    }
}

/// Open accounts' profiles as this instance last read them (`me { name email }` runs on every app open). A
/// profile change publishes [`Change::UserChanged`] once committed; an erasure ends the account's sessions, and
/// PostgreSQL's trigger on `users` tells the other instances of both.
pub type KnownProfiles = KnownRows<Profile>;

/// Profiles remembered (the most recently asked).
const REMEMBERED_PROFILES: usize = 100_000;

pub fn known_profiles(changes: &ChangeFeed) -> std::sync::Arc<KnownProfiles> {
    KnownRows::new(changes, REMEMBERED_PROFILES, |change| match change {
        Change::UserChanged { user_id } | Change::SessionsEnded { user_id } => Stale::One(*user_id),
        _ => Stale::Nothing,
    })
}
