//! The sub-processor register in the schema: public reading (`subprocessors`, `subprocessorChanges`), `ADMIN`
//! editing (`upsertSubprocessor`).

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, connection::Connection};
use chrono::{DateTime, Utc};
use cogo_entities::privacy::subprocessor_version;
use cogo_kernel::{
    AppContext, RequireRole, Role, Staff,
    pagination::{PageRequest, connection_from, time_id_key},
};

use crate::PrivacyConfig;
use crate::domain::subprocessor_register::{RegisterEntry, SubprocessorHistory};
use crate::service::subprocessors::{self, SubprocessorEdit};

/// A sub-processor: a supplier that processes personal data on CoGo's behalf (policy §5).
#[derive(SimpleObject)]
pub struct Subprocessor {
    pub name: String,
    /// What it does with the data.
    pub purpose: String,
    /// Where it processes the data.
    pub location: String,
    /// How a transfer outside the EU/EEA is safeguarded, or why none is needed.
    pub transfer_safeguard: String,
    /// A seeded entry still to be replaced with the real supplier's details.
    pub placeholder: bool,
    /// False for a sub-processor announced but not in effect yet.
    pub in_effect: bool,
    /// Since when this entry applies (or will apply).
    pub effective_from: DateTime<Utc>,
    /// A change announced for this sub-processor, not in effect yet.
    pub pending_change: Option<SubprocessorChange>,
}

impl Subprocessor {
    fn from_entry(entry: RegisterEntry, history: &SubprocessorHistory, now: DateTime<Utc>) -> Self {
        let shown = entry.shown;
        Self {
            name: shown.name,
            purpose: shown.purpose,
            location: shown.location,
            transfer_safeguard: shown.transfer_safeguard,
            placeholder: shown.placeholder,
            in_effect: entry.in_effect,
            effective_from: shown.effective_from,
            pending_change: entry.pending.map(|pending| SubprocessorChange::of(&pending, history, now)),
        }
    }
}

/// Whether a version added a sub-processor or changed one.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubprocessorChangeKind {
    Added,
    Changed,
}

/// One version in the register's history.
#[derive(SimpleObject)]
pub struct SubprocessorChange {
    pub id: ID,
    pub name: String,
    pub change: SubprocessorChangeKind,
    /// A new sub-processor or a new location: users are told before it takes effect.
    pub material: bool,
    pub purpose: String,
    pub location: String,
    pub transfer_safeguard: String,
    pub placeholder: bool,
    /// The location before this change, for a change of location.
    pub previous_location: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub effective_from: DateTime<Utc>,
    pub in_effect: bool,
}

impl SubprocessorChange {
    fn of(version: &subprocessor_version::Model, history: &SubprocessorHistory, now: DateTime<Utc>) -> Self {
        let previous = history.previous_of(version);
        Self {
            id: ID(version.id.to_string()),
            name: version.name.clone(),
            change: if previous.is_some() { SubprocessorChangeKind::Changed } else { SubprocessorChangeKind::Added },
            material: version.material,
            purpose: version.purpose.clone(),
            location: version.location.clone(),
            transfer_safeguard: version.transfer_safeguard.clone(),
            placeholder: version.placeholder,
            previous_location: previous.filter(|p| p.location != version.location).map(|p| p.location.clone()),
            recorded_at: version.recorded_at,
            effective_from: version.effective_from,
            in_effect: version.effective_from <= now,
        }
    }
}

/// A sub-processor's entry as `ADMIN` records it.
#[derive(InputObject)]
pub struct SubprocessorInput {
    /// Identifies the sub-processor (case-insensitive): the same name updates its entry.
    pub name: String,
    pub purpose: String,
    pub location: String,
    pub transfer_safeguard: String,
    /// Marks a seeded entry still to be filled in.
    #[graphql(default)]
    pub placeholder: bool,
    /// When it takes effect. By default: at once, or for a new sub-processor or location after the notice period
    /// (users are told first); an earlier date than that is refused.
    pub effective_from: Option<DateTime<Utc>>,
}

#[derive(Default)]
pub struct SubprocessorsQuery;

#[Object]
impl SubprocessorsQuery {
    /// The sub-processors that process personal data on CoGo's behalf (policy §5.10), by name. Anyone, signed in
    /// or not. Announced ones show `inEffect: false`; announced changes show as `pendingChange`.
    async fn subprocessors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Subprocessor>> {
        let app = AppContext::of(ctx)?;
        let history = subprocessors::history(&app.db).await?;
        let now = app.now();
        Ok(history.register_at(now).into_iter().map(|entry| Subprocessor::from_entry(entry, &history, now)).collect())
    }

    /// Every change to the register, newest first, so anyone can see what changed and when.
    #[graphql(complexity = "cogo_kernel::complexity::page(first, child_complexity)")]
    async fn subprocessor_changes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, SubprocessorChange>> {
        let app = AppContext::of(ctx)?;
        let page = PageRequest::parse(first, after)?;
        let history = subprocessors::history(&app.db).await?;
        let now = app.now();
        let rows: Vec<(String, SubprocessorChange)> = history
            .newest_first()
            .into_iter()
            .map(|version| (time_id_key(&version.recorded_at, &version.id), version))
            .skip_while(|(key, _)| page.after.as_ref().is_some_and(|after| key >= after))
            .take(page.fetch_limit() as usize)
            .map(|(key, version)| (key, SubprocessorChange::of(version, &history, now)))
            .collect();
        Ok(connection_from(&page, rows, |(key, _)| key.clone(), |(_, node)| node))
    }
}

#[derive(Default)]
pub struct SubprocessorsMutation;

#[Object]
impl SubprocessorsMutation {
    /// Adds a sub-processor or changes its entry. `ADMIN` only; audit-logged. A new sub-processor or a new location
    /// is announced to every user (`me { notices }`) and takes effect after the notice period.
    #[graphql(guard = "RequireRole(Role::Admin)")]
    async fn upsert_subprocessor(
        &self,
        ctx: &Context<'_>,
        input: SubprocessorInput,
    ) -> async_graphql::Result<Subprocessor> {
        let app = AppContext::of(ctx)?;
        let edit = SubprocessorEdit {
            name: input.name,
            purpose: input.purpose,
            location: input.location,
            transfer_safeguard: input.transfer_safeguard,
            placeholder: input.placeholder,
            effective_from: input.effective_from,
        };
        let notice = PrivacyConfig::of(ctx)?.subprocessor_notice;
        let version = subprocessors::upsert(app, &Staff::of(ctx)?, edit, notice).await?;
        let history = subprocessors::history(&app.db).await?;
        let now = app.now();
        let entry = history
            .entry(&version.name_key, now)
            .ok_or_else(|| cogo_kernel::AppError::internal("a recorded sub-processor is missing from the register"))?;
        Ok(Subprocessor::from_entry(entry, &history, now))
    }
}
