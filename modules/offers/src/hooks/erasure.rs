//! Erasure of an account (art. 17) in the offers module.

use cogo_entities::offers::{disclosure, partner_member, redemption, unlock_count, unlock_request};
use cogo_kernel::AppError;
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

/// Redemptions are bookkeeping (policy §4.13, the partners' accounting): they stay, linked to the pseudonymous
/// account id only, which after erasure leads to nobody — the merchant keeps seeing the pseudonym. The name and
/// e-mail the merchant got at one-time unlocks are cleared, and the disclosure log (the privacy module has
/// recorded the recipients on the erasure request first), the per-offer counters, the idempotency keys of
/// unlocks and the merchant membership are deleted.
pub async fn erase_user_data(txn: &DatabaseTransaction, user_id: Uuid) -> Result<(), AppError> {
    redemption::Entity::update_many()
        .col_expr(redemption::Column::CustomerName, Expr::value(Option::<String>::None))
        .col_expr(redemption::Column::CustomerEmail, Expr::value(Option::<String>::None))
        .filter(redemption::Column::UserId.eq(user_id))
        .filter(
            Condition::any()
                .add(redemption::Column::CustomerName.is_not_null())
                .add(redemption::Column::CustomerEmail.is_not_null()),
        )
        .exec(txn)
        .await?;
    disclosure::Entity::delete_many().filter(disclosure::Column::UserId.eq(user_id)).exec(txn).await?;
    unlock_count::Entity::delete_many().filter(unlock_count::Column::UserId.eq(user_id)).exec(txn).await?;
    unlock_request::Entity::delete_many().filter(unlock_request::Column::UserId.eq(user_id)).exec(txn).await?;
    partner_member::Entity::delete_by_id(user_id).exec(txn).await?;
    Ok(())
}
