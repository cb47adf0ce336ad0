//! Consent module: `marketing` (CoGo's own news, legitimate interest) split from `partner_offers` (consent), and who
//! receives each purpose's data.
//!
//! Policy §4.1 names direct marketing of CoGo's *own* services as what legitimate interest covers; e-mail about
//! partners' offers is marketing of others' products, which the Swedish Marketing Act (marknadsföringslagen
//! 2008:486) allows only with consent. So:
//!
//! - `marketing` keeps its key and basis (legitimate interest, on until the user objects) and now describes only
//!   CoGo's own news;
//! - `partner_offers` (consent, off by default) is inserted right after it; the purposes after it move down one;
//! - `consent_purposes.recipients` (a JSON array of text) says who outside CoGo receives each purpose's data.
//!
//! **Carry-over rule.** Existing choices keep their meaning:
//! - an objection to `marketing` stays an objection to `marketing` (nothing is copied: `partner_offers` is off
//!   by default anyway);
//! - a user whose *current* `marketing` choice is an explicit grant made in the app (their latest `marketing`
//!   record is `granted = true` with channel `app`) asked for news when the description still covered partner
//!   offers: that grant is carried over to `partner_offers` as a consent record and state with channel
//!   `migration`, the same time and the same policy version as the grant. The record's id is the grant's id marked
//!   as version 8 (custom), so it is unique and traceable to the grant it came from;
//! - a user who never chose anything gets no `partner_offers` consent (privacy by default).

use std::collections::HashSet;

use sea_orm::{ConnectionTrait, prelude::Uuid};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const MARKETING: &str = "marketing";
const PARTNER_OFFERS: &str = "partner_offers";
const CHANNEL_APP: &str = "app";
const CHANNEL_MIGRATION: &str = "migration";

const MARKETING_DESCRIPTION: &str = "News about CoGo's own services by e-mail, on the basis of our legitimate \
    interest. You can object at any time, and we stop (§4.1).";
const OLD_MARKETING_DESCRIPTION: &str =
    "News about CoGo and partner offers by e-mail. You can object at any time, and we stop (§4.1).";
const PARTNER_OFFERS_DESCRIPTION: &str = "News about our partners' offers by e-mail. Only with your consent \
    (marknadsföringslagen, the Swedish Marketing Act): off until you switch it on, and you can withdraw it at any \
    time.";

/// Who outside CoGo receives each purpose's data (JSON arrays; empty: no one). From the policy: §4.6 (offers),
/// §5.2 (sub-processors: e-mail provider, bookkeeping system), §5.3 (Google Analytics), §5.8 (HealthKit data is
/// never shared).
const RECIPIENTS: &[(&str, &str)] = &[
    (
        "account",
        r#"["The partner of a one-time offer you unlock: your name and e-mail address (§4.6)","The partner of any other offer you unlock: only a pseudonym, different for every partner (§4.6)"]"#,
    ),
    ("health_data", "[]"),
    (MARKETING, r#"["Our e-mail provider, as sub-processor, to send the e-mails (§5.2)"]"#),
    (PARTNER_OFFERS, r#"["Our e-mail provider, as sub-processor, to send the e-mails (§5.2)"]"#),
    ("analytics", r#"["Google Analytics, as sub-processor (§5.3)"]"#),
    ("personal_number", "[]"),
    (
        "bookkeeping",
        r#"["Our bookkeeping system, as sub-processor (§5.2)","The Swedish Tax Agency (Skatteverket), when it audits our books"]"#,
    ),
];

/// One user's latest `marketing` record before the split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestMarketingChoice {
    pub record_id: Uuid,
    pub user_id: Uuid,
    pub granted: bool,
    pub channel: String,
    pub policy_version: i32,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

/// A `partner_offers` consent to write for a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriedConsent {
    pub record_id: Uuid,
    pub user_id: Uuid,
    pub policy_version: i32,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

/// The carry-over rule (see the module doc): only a current, explicit grant made in the app becomes a
/// `partner_offers` consent. `latest` holds each user's latest `marketing` record.
pub fn carried_over(latest: &[LatestMarketingChoice]) -> Vec<CarriedConsent> {
    latest
        .iter()
        .filter(|choice| choice.granted && choice.channel == CHANNEL_APP)
        .map(|choice| CarriedConsent {
            record_id: marked_as_migrated(choice.record_id),
            user_id: choice.user_id,
            policy_version: choice.policy_version,
            recorded_at: choice.recorded_at,
        })
        .collect()
}

/// The grant's id with its version nibble set to 8 (custom): distinct from every v4/v7 id the app writes.
fn marked_as_migrated(id: Uuid) -> Uuid {
    let mut bytes = *id.as_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    Uuid::from_bytes(bytes)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ConsentPurposes::Table)
                    .add_column(ColumnDef::new(ConsentPurposes::Recipients).text().not_null().default("[]"))
                    .to_owned(),
            )
            .await?;
        manager.exec_stmt(set_description(MARKETING, MARKETING_DESCRIPTION)).await?;
        let marketing_position = position_of(manager, MARKETING).await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(ConsentPurposes::Table)
                    .value(ConsentPurposes::Position, Expr::col(ConsentPurposes::Position).add(1))
                    .and_where(Expr::col(ConsentPurposes::Position).gt(marketing_position))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(ConsentPurposes::Table)
                    .columns([
                        ConsentPurposes::Key,
                        ConsentPurposes::LegalBasis,
                        ConsentPurposes::Description,
                        ConsentPurposes::Position,
                    ])
                    .values_panic([
                        PARTNER_OFFERS.into(),
                        "CONSENT".into(),
                        PARTNER_OFFERS_DESCRIPTION.into(),
                        (marketing_position + 1).into(),
                    ])
                    .to_owned(),
            )
            .await?;
        for (key, recipients) in RECIPIENTS {
            manager
                .exec_stmt(
                    Query::update()
                        .table(ConsentPurposes::Table)
                        .value(ConsentPurposes::Recipients, *recipients)
                        .and_where(Expr::col(ConsentPurposes::Key).eq(*key))
                        .to_owned(),
                )
                .await?;
        }
        for consent in carried_over(&latest_marketing_choices(manager).await?) {
            write_carried_consent(manager, &consent).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(ConsentRecords::Table)
                    .and_where(Expr::col(ConsentRecords::PurposeKey).eq(PARTNER_OFFERS))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(ConsentStates::Table)
                    .and_where(Expr::col(ConsentStates::PurposeKey).eq(PARTNER_OFFERS))
                    .to_owned(),
            )
            .await?;
        let partner_offers_position = position_of(manager, PARTNER_OFFERS).await?;
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(ConsentPurposes::Table)
                    .and_where(Expr::col(ConsentPurposes::Key).eq(PARTNER_OFFERS))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(ConsentPurposes::Table)
                    .value(ConsentPurposes::Position, Expr::col(ConsentPurposes::Position).sub(1))
                    .and_where(Expr::col(ConsentPurposes::Position).gt(partner_offers_position))
                    .to_owned(),
            )
            .await?;
        manager.exec_stmt(set_description(MARKETING, OLD_MARKETING_DESCRIPTION)).await?;
        manager
            .alter_table(
                Table::alter().table(ConsentPurposes::Table).drop_column(ConsentPurposes::Recipients).to_owned(),
            )
            .await
    }
}

fn set_description(key: &str, description: &str) -> UpdateStatement {
    Query::update()
        .table(ConsentPurposes::Table)
        .value(ConsentPurposes::Description, description)
        .and_where(Expr::col(ConsentPurposes::Key).eq(key))
        .to_owned()
}

async fn position_of(manager: &SchemaManager<'_>, key: &str) -> Result<i32, DbErr> {
    let db = manager.get_connection();
    let query = Query::select()
        .column(ConsentPurposes::Position)
        .from(ConsentPurposes::Table)
        .and_where(Expr::col(ConsentPurposes::Key).eq(key))
        .to_owned();
    let row = db.query_one(&query).await?.ok_or_else(|| DbErr::Custom(format!("purpose '{key}' is missing")))?;
    row.try_get("", "position")
}

/// Each user's latest `marketing` record (by time, then id), oldest users' first.
async fn latest_marketing_choices(manager: &SchemaManager<'_>) -> Result<Vec<LatestMarketingChoice>, DbErr> {
    let db = manager.get_connection();
    let query = Query::select()
        .columns([
            ConsentRecords::Id,
            ConsentRecords::UserId,
            ConsentRecords::Granted,
            ConsentRecords::Channel,
            ConsentRecords::PolicyVersion,
            ConsentRecords::RecordedAt,
        ])
        .from(ConsentRecords::Table)
        .and_where(Expr::col(ConsentRecords::PurposeKey).eq(MARKETING))
        .order_by(ConsentRecords::UserId, Order::Asc)
        .order_by(ConsentRecords::RecordedAt, Order::Desc)
        .order_by(ConsentRecords::Id, Order::Desc)
        .to_owned();
    let rows = db.query_all(&query).await?;
    let mut seen = HashSet::new();
    let mut latest = Vec::new();
    for row in rows {
        let user_id: Uuid = row.try_get("", "user_id")?;
        if !seen.insert(user_id) {
            continue;
        }
        latest.push(LatestMarketingChoice {
            record_id: row.try_get("", "id")?,
            user_id,
            granted: row.try_get("", "granted")?,
            channel: row.try_get("", "channel")?,
            policy_version: row.try_get("", "policy_version")?,
            recorded_at: row.try_get("", "recorded_at")?,
        });
    }
    Ok(latest)
}

async fn write_carried_consent(manager: &SchemaManager<'_>, consent: &CarriedConsent) -> Result<(), DbErr> {
    manager
        .exec_stmt(
            Query::insert()
                .into_table(ConsentRecords::Table)
                .columns([
                    ConsentRecords::Id,
                    ConsentRecords::UserId,
                    ConsentRecords::PurposeKey,
                    ConsentRecords::Granted,
                    ConsentRecords::PolicyVersion,
                    ConsentRecords::Channel,
                    ConsentRecords::RecordedAt,
                ])
                .values_panic([
                    consent.record_id.into(),
                    consent.user_id.into(),
                    PARTNER_OFFERS.into(),
                    true.into(),
                    consent.policy_version.into(),
                    CHANNEL_MIGRATION.into(),
                    consent.recorded_at.into(),
                ])
                .to_owned(),
        )
        .await?;
    manager
        .exec_stmt(
            Query::insert()
                .into_table(ConsentStates::Table)
                .columns([
                    ConsentStates::UserId,
                    ConsentStates::PurposeKey,
                    ConsentStates::Granted,
                    ConsentStates::PolicyVersion,
                    ConsentStates::ChangedAt,
                ])
                .values_panic([
                    consent.user_id.into(),
                    PARTNER_OFFERS.into(),
                    true.into(),
                    consent.policy_version.into(),
                    consent.recorded_at.into(),
                ])
                .to_owned(),
        )
        .await?;
    Ok(())
}

#[derive(DeriveIden)]
enum ConsentPurposes {
    Table,
    Key,
    LegalBasis,
    Description,
    Position,
    Recipients,
}

#[derive(DeriveIden)]
enum ConsentRecords {
    Table,
    Id,
    UserId,
    PurposeKey,
    Granted,
    PolicyVersion,
    Channel,
    RecordedAt,
}

#[derive(DeriveIden)]
enum ConsentStates {
    Table,
    UserId,
    PurposeKey,
    Granted,
    PolicyVersion,
    ChangedAt,
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn choice(user: u128, granted: bool, channel: &str) -> LatestMarketingChoice {
        LatestMarketingChoice {
            record_id: Uuid::parse_str(&format!("0193a1b2-c3d4-7e5f-8a9b-{user:012x}")).unwrap(),
            user_id: Uuid::from_u128(user),
            granted,
            channel: channel.to_string(),
            policy_version: 3,
            recorded_at: Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap(),
        }
    }

    #[test]
    fn an_explicit_grant_in_the_app_becomes_a_partner_offers_consent_with_its_time_and_version() {
        let grant = choice(1, true, CHANNEL_APP);
        let carried = carried_over(std::slice::from_ref(&grant));
        assert_eq!(carried.len(), 1);
        assert_eq!(carried[0].user_id, grant.user_id);
        assert_eq!(carried[0].policy_version, 3);
        assert_eq!(carried[0].recorded_at, grant.recorded_at);
        assert_ne!(carried[0].record_id, grant.record_id);
        assert_eq!(carried[0].record_id.get_version_num(), 8);
    }

    #[test]
    fn an_objection_or_a_grant_not_made_in_the_app_carries_nothing_over() {
        let choices = [choice(1, false, CHANNEL_APP), choice(2, true, "sign_up"), choice(3, false, "sign_up")];
        assert!(carried_over(&choices).is_empty());
    }

    #[test]
    fn migrated_ids_stay_distinct() {
        let carried = carried_over(&[choice(1, true, CHANNEL_APP), choice(2, true, CHANNEL_APP)]);
        assert_ne!(carried[0].record_id, carried[1].record_id);
    }
}
