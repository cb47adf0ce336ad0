//! Batch loading of processing restrictions (a page of redemptions asks once, not once per row).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use cogo_kernel::AppError;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// Whether each user has restricted processing (art. 18) now; users without a restriction are absent.
pub struct RestrictionLoader {
    pub db: DatabaseConnection,
}

impl Loader<Uuid> for RestrictionLoader {
    type Value = bool;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let restricted = cogo_consent::service::restriction::restricted_among(&self.db, keys).await?;
        Ok(restricted.into_iter().map(|user_id| (user_id, true)).collect())
    }
}
