//! Consent choices: every grant, withdrawal or objection is appended to the record and mirrored in the state.

use chrono::{DateTime, Utc};
use cogo_entities::consent::{consent_record, consent_state, purpose};
use cogo_kernel::{
    Actor, AppContext, AppError, DataSubjectRequestKind, DomainEvent,
    pagination::{PageRequest, newest_first_page},
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
    sea_query::OnConflict,
};
use uuid::Uuid;

use crate::{legal_basis::LegalBasis, service::permission::basis_of, service::policy::current_policy};

/// Where a choice was made.
pub const CHANNEL_APP: &str = "app";
pub const CHANNEL_SIGN_UP: &str = "sign_up";
/// A choice carried over by a migration (e.g. when `marketing` was split from `partner_offers`).
pub const CHANNEL_MIGRATION: &str = "migration";

/// The current choice for one purpose.
#[derive(Debug, Clone)]
pub struct ConsentState {
    pub purpose: String,
    pub legal_basis: LegalBasis,
    pub granted: bool,
    /// `None` while the user never chose (the basis' default applies).
    pub changed_at: Option<DateTime<Utc>>,
    pub policy_version: Option<i32>,
}

/// The user grants or withdraws a consent, or objects to (or accepts again) a legitimate-interest purpose.
/// One call, no password: withdrawing is as easy as granting (art. 7(3)).
pub async fn set_consent(
    app: &AppContext,
    actor: &Actor,
    purpose_key: &str,
    granted: bool,
) -> Result<ConsentState, AppError> {
    let txn = app.db.begin().await?;
    app.hooks.accounts()?.hold_open_account(&txn, actor.user_id).await?;
    let basis = basis_of(&txn, purpose_key).await?;
    if !basis.user_may_change() {
        return Err(AppError::bad_input(
            "purpose",
            format!("'{purpose_key}' is processed on a legal basis that is not a consent and cannot be switched off"),
        ));
    }
    let now = app.now();
    let state = append_choice(&txn, actor.user_id, purpose_key, basis, granted, CHANNEL_APP, now).await?;
    let user_id = actor.user_id;
    let changed = DomainEvent::ConsentChanged { user_id, purpose: purpose_key.to_string(), granted, at: now };
    app.hooks.publish(&txn, &changed).await?;
    // Saying no to a legitimate interest is the right to object (art. 21): it goes into the request register.
    if basis == LegalBasis::LegitimateInterest && !granted {
        let objection =
            DomainEvent::DataSubjectRequestMade { user_id, kind: DataSubjectRequestKind::Objection, at: now };
        app.hooks.publish(&txn, &objection).await?;
    }
    txn.commit().await?;
    Ok(state)
}

/// Appends a choice to the record and updates the current state (inside the caller's transaction).
pub async fn record_choice(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    purpose_key: &str,
    granted: bool,
    channel: &str,
    now: DateTime<Utc>,
) -> Result<ConsentState, AppError> {
    let basis = basis_of(db, purpose_key).await?;
    append_choice(db, user_id, purpose_key, basis, granted, channel, now).await
}

/// [`record_choice`] for a caller that already looked the purpose's basis up.
async fn append_choice(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    purpose_key: &str,
    basis: LegalBasis,
    granted: bool,
    channel: &str,
    now: DateTime<Utc>,
) -> Result<ConsentState, AppError> {
    let policy_version = current_policy(db).await?.version;
    consent_record::Entity::insert(consent_record::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        purpose_key: Set(purpose_key.to_string()),
        granted: Set(granted),
        policy_version: Set(policy_version),
        channel: Set(channel.to_string()),
        recorded_at: Set(now),
    })
    .exec(db)
    .await?;
    consent_state::Entity::insert(consent_state::ActiveModel {
        user_id: Set(user_id),
        purpose_key: Set(purpose_key.to_string()),
        granted: Set(granted),
        policy_version: Set(policy_version),
        changed_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([consent_state::Column::UserId, consent_state::Column::PurposeKey])
            .update_columns([
                consent_state::Column::Granted,
                consent_state::Column::PolicyVersion,
                consent_state::Column::ChangedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(ConsentState {
        purpose: purpose_key.to_string(),
        legal_basis: basis,
        granted,
        changed_at: Some(now),
        policy_version: Some(policy_version),
    })
}

/// One page of the user's consent history, newest first.
pub async fn history_page(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    page: &PageRequest,
) -> Result<Vec<consent_record::Model>, AppError> {
    let query = consent_record::Entity::find().filter(consent_record::Column::UserId.eq(user_id));
    newest_first_page(db, query, consent_record::Column::RecordedAt, consent_record::Column::Id, page).await
}

/// Every purpose, in the order they are shown.
pub async fn purposes(db: &impl ConnectionTrait) -> Result<Vec<purpose::Model>, AppError> {
    Ok(purpose::Entity::find().order_by_asc(purpose::Column::Position).all(db).await?)
}

/// The user's current choice for every purpose, in the purposes' order.
pub async fn current_choices(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<ConsentState>, AppError> {
    let purposes = purposes(db).await?;
    let states = consent_state::Entity::find().filter(consent_state::Column::UserId.eq(user_id)).all(db).await?;
    purposes
        .into_iter()
        .map(|p| {
            let basis = LegalBasis::parse(&p.legal_basis).ok_or_else(|| AppError::internal("unknown legal basis"))?;
            let state = states.iter().find(|s| s.purpose_key == p.key);
            Ok(ConsentState {
                granted: state.map_or(basis.allowed_by_default(), |s| s.granted),
                changed_at: state.map(|s| s.changed_at),
                policy_version: state.map(|s| s.policy_version),
                purpose: p.key,
                legal_basis: basis,
            })
        })
        .collect()
}
