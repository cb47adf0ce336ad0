//! What every user is told before it happens: material sub-processor changes (policy §5.2), as `me { notices }`.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use cogo_entities::privacy::subprocessor_version;
use cogo_kernel::AppContext;
use uuid::Uuid;

use crate::service::subprocessors;

/// What a notice is about.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A new sub-processor, or a new location for one.
    SubprocessorChange,
}

/// Something every user is told of, before it takes effect.
#[derive(SimpleObject)]
pub struct Notice {
    pub id: ID,
    pub kind: NoticeKind,
    /// A short heading, in Swedish.
    pub title: String,
    /// What changes and from when, in Swedish with English below.
    pub message: String,
    pub announced_at: DateTime<Utc>,
    pub effective_from: DateTime<Utc>,
    pub in_effect: bool,
}

impl Notice {
    fn of_subprocessor_change(version: subprocessor_version::Model, is_new: bool, now: DateTime<Utc>) -> Self {
        let date = version.effective_from.format("%Y-%m-%d");
        let (title, message) = if is_new {
            (
                format!("Nytt underbiträde: {}", version.name),
                format!(
                    "Från {date} behandlar {name} personuppgifter för vår räkning: {purpose} Plats: {location}.\n\n\
                     From {date}, {name} processes personal data on our behalf: {purpose} Location: {location}.",
                    name = version.name,
                    purpose = version.purpose,
                    location = version.location,
                ),
            )
        } else {
            (
                format!("Ändrat underbiträde: {}", version.name),
                format!(
                    "Från {date} behandlar {name} personuppgifter i: {location}.\n\n\
                     From {date}, {name} processes personal data in: {location}.",
                    name = version.name,
                    location = version.location,
                ),
            )
        };
        Self {
            id: ID(version.id.to_string()),
            kind: NoticeKind::SubprocessorChange,
            title,
            message,
            announced_at: version.recorded_at,
            in_effect: version.effective_from <= now,
            effective_from: version.effective_from,
        }
    }
}

/// The privacy module's fields of `Me`.
pub struct PrivacyOfMe {
    _user_id: Uuid,
}

impl PrivacyOfMe {
    pub fn new(user_id: Uuid) -> Self {
        Self { _user_id: user_id }
    }
}

#[Object]
impl PrivacyOfMe {
    /// Changes every user is told of before they take effect — a new sub-processor, or a new location for one —
    /// newest first, shown until 30 days after they took effect.
    async fn notices(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Notice>> {
        let app = AppContext::of(ctx)?;
        let history = subprocessors::history(&app.db).await?;
        let now = app.now();
        Ok(history
            .notices_at(now)
            .into_iter()
            .map(|version| {
                let is_new = history.previous_of(&version).is_none();
                Notice::of_subprocessor_change(version, is_new, now)
            })
            .collect())
    }
}
