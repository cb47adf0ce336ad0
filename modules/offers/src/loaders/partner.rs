//! Batch loading of partners (an offer's `partner`).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use cogo_entities::offers::partner;
use cogo_kernel::AppError;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Loads partners by id. Partner names are public, so this loader answers for any id.
pub struct PartnerLoader {
    pub db: DatabaseConnection,
}

impl Loader<Uuid> for PartnerLoader {
    type Value = partner::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows =
            partner::Entity::find().filter(partner::Column::Id.is_in(keys.iter().copied())).all(&self.db).await?;
        Ok(rows.into_iter().map(|row| (row.id, row)).collect())
    }
}
