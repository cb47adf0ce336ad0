use async_graphql::{ComplexObject, Context, SimpleObject};
use chrono::{DateTime, Utc};
use cogo_entities::consent::{consent_record, policy_version, purpose};
use cogo_kernel::{AppContext, retention::RetentionPolicy};

use crate::{
    domain::{RetentionNotice, policy_review::next_review_due},
    legal_basis::LegalBasis,
    service::ConsentState,
};

/// A purpose for which CoGo processes personal data, with its legal basis, who receives the data and how long it
/// is kept (the information owed with every access request, policy §6.1).
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
    /// Who outside CoGo receives this purpose's data, and what; empty when no one does.
    pub recipients: Vec<String>,
    /// How long the data is kept, in plain language (from the same retention settings the purge deletes by).
    pub retention: String,
    /// The retention period in days where one number applies (for the account: days after it is closed), else
    /// null.
    pub retention_days: Option<i32>,
}

impl ConsentPurpose {
    pub fn new(row: purpose::Model, retention: &RetentionPolicy) -> Self {
        let legal_basis = LegalBasis::parse(&row.legal_basis).unwrap_or(LegalBasis::Consent);
        let notice = RetentionNotice::for_purpose(&row.key, legal_basis, retention);
        // Seeded by migration; a malformed value shows as no recipients rather than failing the public list.
        let recipients = serde_json::from_str(&row.recipients).unwrap_or_else(|_| {
            tracing::warn!(purpose = %row.key, "consent_purposes.recipients is not a JSON array of text");
            Vec::new()
        });
        Self {
            key: row.key,
            user_changeable: legal_basis.user_may_change(),
            legal_basis,
            description: row.description,
            recipients,
            retention: notice.text,
            retention_days: notice.days.map(|days| i32::try_from(days).unwrap_or(i32::MAX)),
        }
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
    /// Where the choice was made: `sign_up`, `app`, or `migration` (a choice carried over when a purpose was split).
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
#[graphql(complex)]
pub struct PrivacyPolicyVersion {
    /// 1, 2, 3, …: the newest is in force.
    pub version: i32,
    /// When it was published.
    pub published_at: DateTime<Utc>,
    /// What changed since the previous version.
    pub summary_of_changes: String,
    /// The full text.
    #[graphql(complexity = "cogo_kernel::complexity::LONG_TEXT")]
    pub body: String,
    /// When it was last adopted: published, or reviewed and kept unchanged (§3.1).
    pub last_reviewed_at: DateTime<Utc>,
    #[graphql(skip)]
    pub in_force: bool,
}

impl PrivacyPolicyVersion {
    /// A version with the date of its last review without change, if any; `in_force` for the newest.
    pub fn new(row: policy_version::Model, last_review: Option<DateTime<Utc>>, in_force: bool) -> Self {
        Self {
            version: row.version,
            last_reviewed_at: last_review.map_or(row.published_at, |reviewed| reviewed.max(row.published_at)),
            published_at: row.published_at,
            summary_of_changes: row.summary_of_changes,
            body: row.body,
            in_force,
        }
    }
}

#[ComplexObject]
impl PrivacyPolicyVersion {
    /// For the version in force: when it must be reviewed again, a year after it was last adopted (§3.1). Null
    /// for a version since replaced.
    async fn next_review_due_at(&self) -> Option<DateTime<Utc>> {
        self.in_force.then(|| next_review_due(self.last_reviewed_at))
    }

    /// The version in force was not adopted again within a year.
    async fn review_overdue(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let now = AppContext::of(ctx)?.now();
        Ok(self.in_force && now > next_review_due(self.last_reviewed_at))
    }
}
