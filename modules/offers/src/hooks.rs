//! The offers module's part in data export and erasure.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cogo_entities::offers::{offer, partner, partner_member, redemption, unlock_count};
use cogo_kernel::{AppError, ExportWriter, ModuleHooks};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr};
use serde_json::json;
use uuid::Uuid;

pub struct OffersHooks;

#[async_trait]
impl ModuleHooks for OffersHooks {
    fn module(&self) -> &'static str {
        "offers"
    }

    /// The user's redemptions (with the offer and partner they belong to) and their merchant membership, if any.
    async fn export_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        let redemptions = redemption::Entity::find()
            .filter(redemption::Column::UserId.eq(user_id))
            .order_by_asc(redemption::Column::UnlockedAt)
            .all(txn)
            .await?;
        let membership = partner_member::Entity::find_by_id(user_id).one(txn).await?;
        if redemptions.is_empty() && membership.is_none() {
            return Ok(());
        }
        let offers: HashMap<Uuid, offer::Model> = offer::Entity::find()
            .filter(offer::Column::Id.is_in(redemptions.iter().map(|r| r.offer_id)))
            .all(txn)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let partner_ids = redemptions.iter().map(|r| r.partner_id).chain(membership.iter().map(|m| m.partner_id));
        let partners: HashMap<Uuid, String> = partner::Entity::find()
            .filter(partner::Column::Id.is_in(partner_ids))
            .all(txn)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        out.fields(json!({
            "redemptions": redemptions.iter().map(|r| json!({
                "id": r.id,
                "code": r.code,
                "status": r.status,
                "unlockedAt": r.unlocked_at,
                "redeemedAt": r.redeemed_at,
                "offer": offers.get(&r.offer_id).map(|o| json!({ "id": o.id, "title": o.title, "kind": o.kind })),
                "partner": partners.get(&r.partner_id),
            })).collect::<Vec<_>>(),
            "merchantOf": membership.map(|m| json!({
                "partnerId": m.partner_id,
                "partner": partners.get(&m.partner_id),
                "addedAt": m.added_at,
            })),
        }))
        .await
    }

    /// Unlinks the user's redemptions (the partner keeps an anonymous record of the sale, without pseudonym, name
    /// or e-mail) and deletes the per-user counters and the merchant membership.
    async fn erase_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        _at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        redemption::Entity::update_many()
            .col_expr(redemption::Column::UserId, Expr::value(Option::<Uuid>::None))
            .filter(redemption::Column::UserId.eq(user_id))
            .exec(txn)
            .await?;
        unlock_count::Entity::delete_many().filter(unlock_count::Column::UserId.eq(user_id)).exec(txn).await?;
        partner_member::Entity::delete_by_id(user_id).exec(txn).await?;
        Ok(())
    }
}
