//! The consent module reacts to sign-up and takes part in data export and erasure.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cogo_entities::consent::{consent_record, consent_state, policy_acceptance, processing_restriction};
use cogo_kernel::{AppError, DomainEvent, ExportWriter, Hooks, ModuleHooks};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use crate::{
    purposes,
    service::{choices, policy},
};

pub struct ConsentHooks;

#[async_trait]
impl ModuleHooks for ConsentHooks {
    fn module(&self) -> &'static str {
        "consent"
    }

    /// Sign-up accepts the policy in force and records the contract basis of the account — and nothing else:
    /// no optional consent is granted by default (privacy by default, art. 25(2)).
    async fn on_event(&self, txn: &DatabaseTransaction, _hooks: &Hooks, event: &DomainEvent) -> Result<(), AppError> {
        if let DomainEvent::UserSignedUp { user_id, at, policy_accepted, .. } = event {
            if *policy_accepted {
                let current = policy::current_policy(txn).await?.version;
                policy::record_acceptance(txn, *user_id, current, *at).await?;
            }
            choices::record_choice(txn, *user_id, purposes::ACCOUNT, true, choices::CHANNEL_SIGN_UP, *at).await?;
        }
        Ok(())
    }

    /// The current choice for every purpose (a purpose never chosen shows its basis' default, with no time), the
    /// whole history of choices, the policy versions accepted and whether processing is restricted.
    async fn export_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        let records = consent_record::Entity::find()
            .filter(consent_record::Column::UserId.eq(user_id))
            .order_by_asc(consent_record::Column::RecordedAt)
            .all(txn)
            .await?;
        let acceptances = policy_acceptance::Entity::find()
            .filter(policy_acceptance::Column::UserId.eq(user_id))
            .order_by_asc(policy_acceptance::Column::Version)
            .all(txn)
            .await?;
        let restricted = crate::service::is_restricted(txn, user_id).await?;
        let consents = choices::current_choices(txn, user_id).await?;
        out.fields(json!({
            "processingRestricted": restricted,
            "consents": consents.iter().map(|c| json!({
                "purpose": c.purpose, "legalBasis": c.legal_basis.as_str(), "granted": c.granted,
                "changedAt": c.changed_at, "policyVersion": c.policy_version,
            })).collect::<Vec<_>>(),
            "consentHistory": records.iter().map(|r| json!({
                "purpose": r.purpose_key, "granted": r.granted, "policyVersion": r.policy_version,
                "channel": r.channel, "recordedAt": r.recorded_at,
            })).collect::<Vec<_>>(),
            "policyAcceptances": acceptances.iter().map(|a| json!({
                "version": a.version, "acceptedAt": a.accepted_at,
            })).collect::<Vec<_>>(),
        }))
        .await
    }

    async fn erase_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        _at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        consent_record::Entity::delete_many().filter(consent_record::Column::UserId.eq(user_id)).exec(txn).await?;
        consent_state::Entity::delete_many().filter(consent_state::Column::UserId.eq(user_id)).exec(txn).await?;
        policy_acceptance::Entity::delete_many()
            .filter(policy_acceptance::Column::UserId.eq(user_id))
            .exec(txn)
            .await?;
        processing_restriction::Entity::delete_by_id(user_id).exec(txn).await?;
        Ok(())
    }
}
