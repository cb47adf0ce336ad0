//! The sub-processor register (policy §5.1–5.3, §5.10): public, kept as a history of versions, edited by `ADMIN`.
//! The timing rules (what is material, when a change takes effect) are in
//! [`crate::domain::subprocessor_register`].

use chrono::{DateTime, Duration, Utc};
use cogo_entities::privacy::subprocessor_version;
use cogo_kernel::{AppContext, AppError, AuditAction, AuditSubject, Staff};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, TransactionTrait};
use uuid::Uuid;

use crate::domain::subprocessor_register::{SubprocessorHistory, change_timing, name_key};

pub const SUBPROCESSOR_UPSERTED: AuditAction = AuditAction("SUBPROCESSOR_UPSERTED");

const MAX_NAME_CHARS: usize = 100;
const MAX_LOCATION_CHARS: usize = 100;
const MAX_DESCRIPTION_CHARS: usize = 1_000;

/// A sub-processor's entry as staff write it.
#[derive(Debug, Clone)]
pub struct SubprocessorEdit {
    pub name: String,
    pub purpose: String,
    pub location: String,
    pub transfer_safeguard: String,
    pub placeholder: bool,
    /// When it should take effect; `None`: as soon as the rules allow.
    pub effective_from: Option<DateTime<Utc>>,
}

/// Every version of every sub-processor. The register is a few suppliers and their changes over the years.
pub async fn history(db: &impl ConnectionTrait) -> Result<SubprocessorHistory, AppError> {
    Ok(SubprocessorHistory::new(subprocessor_version::Entity::find().all(db).await?))
}

/// Records a sub-processor's entry: a new version, unless it equals the latest one. A new sub-processor or a new
/// location takes effect after the notice period (users are told first, §5.2); other edits at once.
pub async fn upsert(
    app: &AppContext,
    staff: &Staff,
    edit: SubprocessorEdit,
    notice: Duration,
) -> Result<subprocessor_version::Model, AppError> {
    let name = text("name", &edit.name, MAX_NAME_CHARS)?;
    let purpose = text("purpose", &edit.purpose, MAX_DESCRIPTION_CHARS)?;
    let location = text("location", &edit.location, MAX_LOCATION_CHARS)?;
    let transfer_safeguard = text("transferSafeguard", &edit.transfer_safeguard, MAX_DESCRIPTION_CHARS)?;
    let key = name_key(&name);
    let now = app.now();
    let txn = app.db.begin().await?;
    let entry = history(&txn).await?.entry(&key, now);
    let latest = entry.as_ref().map(|e| e.pending.as_ref().unwrap_or(&e.shown));
    if let Some(latest) = latest
        && edit.effective_from.is_none()
        && (&latest.name, &latest.purpose, &latest.location, &latest.transfer_safeguard, latest.placeholder)
            == (&name, &purpose, &location, &transfer_safeguard, edit.placeholder)
    {
        return Ok(latest.clone());
    }
    let timing = change_timing(entry.as_ref(), &location, now, notice);
    let effective_from = match edit.effective_from {
        None => timing.earliest,
        Some(wanted) if wanted >= timing.earliest => wanted,
        Some(_) if timing.material => {
            return Err(AppError::bad_input(
                "effectiveFrom",
                format!(
                    "a new sub-processor or location is announced to users first: the earliest date is {}",
                    timing.earliest.to_rfc3339()
                ),
            ));
        }
        Some(_) => return Err(AppError::bad_input("effectiveFrom", "cannot be in the past")),
    };
    let version = subprocessor_version::Model {
        id: Uuid::now_v7(),
        name_key: key,
        name,
        purpose,
        location,
        transfer_safeguard,
        placeholder: edit.placeholder,
        material: timing.material,
        recorded_at: now,
        effective_from,
        recorded_by: Some(staff.user_id),
    }
    .into_active_model()
    .insert(&txn)
    .await?;
    let subject = AuditSubject::new("SUBPROCESSOR_VERSION", version.id);
    app.hooks.audit(&txn, staff.did(SUBPROCESSOR_UPSERTED, Some(subject), now)).await?;
    txn.commit().await?;
    tracing::info!(version = %version.id, material = version.material, effective_from = %version.effective_from,
        "sub-processor register changed");
    Ok(version)
}

fn text(field: &'static str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(AppError::bad_input(field, format!("must be 1–{max} characters")));
    }
    Ok(value.to_string())
}
