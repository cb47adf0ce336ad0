//! Who outside CoGo received a user's data through offers (art. 19).

use cogo_entities::offers::{disclosure, partner};
use cogo_kernel::{AppError, DataRecipient};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

/// The kind of recipient a partner is.
const PARTNER: &str = "partner";

/// The distinct partners the disclosure log says received the user's data, by name.
pub async fn data_recipients(txn: &DatabaseTransaction, user_id: Uuid) -> Result<Vec<DataRecipient>, AppError> {
    let partner_ids: Vec<Uuid> = disclosure::Entity::find()
        .select_only()
        .column(disclosure::Column::PartnerId)
        .distinct()
        .filter(disclosure::Column::UserId.eq(user_id))
        .into_tuple()
        .all(txn)
        .await?;
    if partner_ids.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<String> = partner::Entity::find()
        .select_only()
        .column(partner::Column::Name)
        .filter(partner::Column::Id.is_in(partner_ids))
        .into_tuple()
        .all(txn)
        .await?;
    // The kernel sorts and merges every module's recipients.
    Ok(names.into_iter().map(|name| DataRecipient { name, kind: PARTNER }).collect())
}
