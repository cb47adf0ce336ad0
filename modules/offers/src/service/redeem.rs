//! Verifying a code at the till (§5.9): by a merchant of the offer's partner, exactly once.

use cogo_entities::offers::redemption;
use cogo_kernel::{Actor, AppContext, AppError, Change, after_commit};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr};

use crate::domain::{RedemptionCode, RedemptionStatus};
use crate::service::partners::require_partner;

/// Marks the redemption with this code used. The code is read case-insensitively; another partner's code (or no
/// such code) is `NOT_FOUND`; a code used before is `CONFLICT` — one conditional UPDATE decides, so two tills
/// racing with one code cannot both accept it.
// An ordinary event: the span carries no user id (logs carry no personal data).
#[tracing::instrument(skip_all)]
pub async fn redeem_code(app: &AppContext, actor: &Actor, typed: &str) -> Result<redemption::Model, AppError> {
    let now = app.now();
    let txn = app.db.begin().await?;
    let partner = require_partner(&txn, actor).await?;
    let code = RedemptionCode::normalise(typed).ok_or(AppError::NotFound("code"))?;
    let found = redemption::Entity::find()
        .filter(redemption::Column::Code.eq(code.as_str()))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("code"))?;
    // The till says why a customer's code does not work here: a code of another partner's offer is FORBIDDEN
    // (the merchant learns no more than that: not the offer, the partner or the customer).
    if found.partner_id != partner.id {
        return Err(AppError::Forbidden);
    }
    let marked = redemption::Entity::update_many()
        .col_expr(redemption::Column::Status, Expr::value(RedemptionStatus::Redeemed.as_str()))
        .col_expr(redemption::Column::RedeemedAt, Expr::value(Some(now)))
        .filter(redemption::Column::Id.eq(found.id))
        .filter(redemption::Column::Status.eq(RedemptionStatus::Unlocked.as_str()))
        .exec(&txn)
        .await?;
    if marked.rows_affected == 0 {
        return Err(AppError::Conflict("this code has already been redeemed".into()));
    }
    // The customer's phone and the partner's screens hear of it once committed.
    after_commit(Change::RedemptionChanged {
        redemption_id: found.id,
        partner_id: found.partner_id,
        user_id: found.user_id,
    });
    txn.commit().await?;
    Ok(redemption::Model { status: RedemptionStatus::Redeemed.as_str().to_string(), redeemed_at: Some(now), ..found })
}
