use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use cogo_entities::consent::{consent_record, policy_version, purpose};

use crate::{legal_basis::LegalBasis, service::ConsentState};

/// A purpose for which CoGo processes personal data, with its legal basis.
#[derive(SimpleObject)]
pub struct ConsentPurpose {
    /// Stable key, e.g. `health_data`; pass it to `setConsent`.
    pub key: String,
    /// Why CoGo may process data for this purpose.
    pub legal_basis: LegalBasis,
    /// What the data is used for, in plain language.
    pub description: String,
    /// Whether you can switch it off (withdraw a consent or object to a legitimate interest).
    pub user_changeable: bool,
}

impl From<purpose::Model> for ConsentPurpose {
    fn from(row: purpose::Model) -> Self {
        let legal_basis = LegalBasis::parse(&row.legal_basis).unwrap_or(LegalBasis::Consent);
        Self { key: row.key, user_changeable: legal_basis.user_may_change(), legal_basis, description: row.description }
    }
}

/// Your current choice for one purpose.
#[derive(SimpleObject)]
pub struct Consent {
    /// The purpose's key.
    pub purpose: String,
    /// Why CoGo may process data for this purpose.
    pub legal_basis: LegalBasis,
    /// Whether processing for this purpose is allowed now.
    pub granted: bool,
    /// When you last chose; null while you never did (the basis' default applies: off for consents).
    pub changed_at: Option<DateTime<Utc>>,
    /// The privacy-policy version in force when you chose.
    pub policy_version: Option<i32>,
}

impl From<ConsentState> for Consent {
    fn from(state: ConsentState) -> Self {
        Self {
            purpose: state.purpose,
            legal_basis: state.legal_basis,
            granted: state.granted,
            changed_at: state.changed_at,
            policy_version: state.policy_version,
        }
    }
}

/// One grant, withdrawal or objection, as recorded.
#[derive(SimpleObject)]
pub struct ConsentRecord {
    /// The purpose's key.
    pub purpose: String,
    /// `true` for a grant, `false` for a withdrawal or objection.
    pub granted: bool,
    /// The privacy-policy version in force at the time.
    pub policy_version: i32,
    /// Where you made the choice: `sign_up` or `app`.
    pub channel: String,
    /// When you made the choice.
    pub recorded_at: DateTime<Utc>,
}

impl From<consent_record::Model> for ConsentRecord {
    fn from(row: consent_record::Model) -> Self {
        Self {
            purpose: row.purpose_key,
            granted: row.granted,
            policy_version: row.policy_version,
            channel: row.channel,
            recorded_at: row.recorded_at,
        }
    }
}

/// A version of CoGo's privacy policy.
#[derive(SimpleObject)]
pub struct PrivacyPolicyVersion {
    /// 1, 2, 3, …: the newest is in force.
    pub version: i32,
    /// When it was published.
    pub published_at: DateTime<Utc>,
    /// What changed since the previous version.
    pub summary_of_changes: String,
    /// The full text.
    pub body: String,
}

impl From<policy_version::Model> for PrivacyPolicyVersion {
    fn from(row: policy_version::Model) -> Self {
        Self {
            version: row.version,
            published_at: row.published_at,
            summary_of_changes: row.summary_of_changes,
            body: row.body,
        }
    }
}
