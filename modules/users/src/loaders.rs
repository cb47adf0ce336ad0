//! Batch loading of users for nested lists (recruits, merchant customers, ...).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use cogo_entities::users::user;
use cogo_kernel::AppError;
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
