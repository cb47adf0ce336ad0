//! Batch loading of offers (a redemption's `offer`).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use cogo_entities::offers::offer;
use cogo_kernel::AppError;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Loads offers by id. Authorization is the caller's job: only ids from redemptions the caller may see reach it.
pub struct OfferLoader {
    pub db: DatabaseConnection,
}

impl Loader<Uuid> for OfferLoader {
    type Value = offer::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = offer::Entity::find().filter(offer::Column::Id.is_in(keys.iter().copied())).all(&self.db).await?;
        Ok(rows.into_iter().map(|row| (row.id, row)).collect())
    }
}
