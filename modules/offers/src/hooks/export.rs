//! The offers module's section of a register extract (art. 15, 20).
//!
//! Redemptions and disclosures can grow with every unlock, so both are read page by page (keyset on time and id,
//! oldest first) and written item by item; the offers and partners a page refers to are loaded once per page.
//!
//! The idempotency keys of unlocks are not exported: a row holds a digest of a client-chosen key and the answer of
//! the user's own unlock (its redemption and the balance after it), which the redemptions and the ledger already
//! show, and it is gone after 24 hours.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use cogo_entities::offers::{disclosure, offer, partner, partner_member, redemption};
use cogo_kernel::{AppError, ExportWriter, export::EXPORT_PAGE_ROWS, pagination::oldest_first_after};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Select};
use serde_json::{Value, json};
use uuid::Uuid;

/// Writes the user's redemptions, disclosures and merchant membership; nothing when there are none.
pub async fn export_user_data(
    txn: &DatabaseTransaction,
    user_id: Uuid,
    out: &mut ExportWriter,
) -> Result<(), AppError> {
    export_redemptions(txn, user_id, out).await?;
    export_disclosures(txn, user_id, out).await?;
    if let Some(membership) = partner_member::Entity::find_by_id(user_id).one(txn).await? {
        let partners = partner_names(txn, [membership.partner_id]).await?;
        out.field(
            "merchantOf",
            &json!({
                "partnerId": membership.partner_id,
                "partner": partners.get(&membership.partner_id),
                "addedAt": membership.added_at,
            }),
        )
        .await?;
    }
    Ok(())
}

async fn export_redemptions(txn: &DatabaseTransaction, user_id: Uuid, out: &mut ExportWriter) -> Result<(), AppError> {
    let rows = redemption::Entity::find().filter(redemption::Column::UserId.eq(user_id));
    let order = (redemption::Column::UnlockedAt, redemption::Column::Id);
    let refs = |row: &redemption::Model| Refs { offer_id: row.offer_id, partner_id: row.partner_id };
    export_list(
        txn,
        out,
        "redemptions",
        rows,
        order,
        |row| (row.unlocked_at, row.id),
        refs,
        |row, offer, partner| {
            let shared = (row.customer_name.is_some() || row.customer_email.is_some())
                .then(|| json!({ "name": row.customer_name, "email": row.customer_email }));
            json!({
                "id": row.id,
                "code": row.code,
                "status": row.status,
                "unlockedAt": row.unlocked_at,
                "redeemedAt": row.redeemed_at,
                "offer": offer,
                "partner": partner,
                "sharedWithPartner": shared,
            })
        },
    )
    .await
}

async fn export_disclosures(txn: &DatabaseTransaction, user_id: Uuid, out: &mut ExportWriter) -> Result<(), AppError> {
    let rows = disclosure::Entity::find().filter(disclosure::Column::UserId.eq(user_id));
    let order = (disclosure::Column::DisclosedAt, disclosure::Column::Id);
    let refs = |row: &disclosure::Model| Refs { offer_id: row.offer_id, partner_id: row.partner_id };
    export_list(
        txn,
        out,
        "disclosures",
        rows,
        order,
        |row| (row.disclosed_at, row.id),
        refs,
        |row, offer, partner| {
            json!({
                "partner": partner,
                "offer": offer,
                "redemptionId": row.redemption_id,
                "disclosedAt": row.disclosed_at,
                "categories": row.categories.split(',').collect::<Vec<_>>(),
            })
        },
    )
    .await
}

/// The offer and partner a row refers to.
struct Refs {
    offer_id: Uuid,
    partner_id: Uuid,
}

/// Writes `rows` as the list `name`, oldest first by `order`, a page at a time, each item with the offer and the
/// partner it refers to (loaded once per page); no list at all when there are no rows. (The kernel's
/// `ExportWriter::list_oldest_first` writes an empty list and looks nothing up per page.)
#[allow(clippy::too_many_arguments)]
async fn export_list<E: EntityTrait>(
    txn: &DatabaseTransaction,
    out: &mut ExportWriter,
    name: &str,
    rows: Select<E>,
    (time, id): (E::Column, E::Column),
    key: impl Fn(&E::Model) -> (DateTime<Utc>, Uuid),
    refs: impl Fn(&E::Model) -> Refs,
    item: impl Fn(&E::Model, Option<&Value>, Option<&String>) -> Value,
) -> Result<(), AppError> {
    let mut after: Option<(DateTime<Utc>, Uuid)> = None;
    let mut listing = false;
    loop {
        let page = oldest_first_after(rows.clone(), time, id, after).limit(EXPORT_PAGE_ROWS).all(txn).await?;
        let Some(last) = page.last() else { break };
        after = Some(key(last));
        let offers = offer_titles(txn, page.iter().map(|row| refs(row).offer_id)).await?;
        let partners = partner_names(txn, page.iter().map(|row| refs(row).partner_id)).await?;
        if !listing {
            out.begin_list(name)?;
            listing = true;
        }
        for row in &page {
            let Refs { offer_id, partner_id } = refs(row);
            out.item(&item(row, offers.get(&offer_id), partners.get(&partner_id))).await?;
        }
        if (page.len() as u64) < EXPORT_PAGE_ROWS {
            break;
        }
    }
    if listing {
        out.end_list()?;
    }
    Ok(())
}

/// `{ id, title, kind }` of the offers with these ids.
async fn offer_titles(
    txn: &DatabaseTransaction,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, Value>, AppError> {
    let rows = offer::Entity::find().filter(offer::Column::Id.is_in(distinct(ids))).all(txn).await?;
    Ok(rows.into_iter().map(|o| (o.id, json!({ "id": o.id, "title": o.title, "kind": o.kind }))).collect())
}

/// Names of the partners with these ids.
async fn partner_names(
    txn: &DatabaseTransaction,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>, AppError> {
    let rows = partner::Entity::find().filter(partner::Column::Id.is_in(distinct(ids))).all(txn).await?;
    Ok(rows.into_iter().map(|p| (p.id, p.name)).collect())
}

fn distinct(ids: impl IntoIterator<Item = Uuid>) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = ids.into_iter().collect();
    ids.sort();
    ids.dedup();
    ids
}
