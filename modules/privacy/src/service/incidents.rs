//! The breach register (policy §8.1, GDPR art. 33–34): each personal-data incident documented as art. 33(5) asks,
//! with the 72-hour deadline for notifying the supervisory authority, and when the authority and the people
//! affected were told. Every change is audit-logged.

use chrono::{DateTime, Utc};
use cogo_entities::privacy::incident;
use cogo_kernel::{AppContext, AppError, AuditAction, AuditSubject, Staff};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseBackend, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::domain::breach_deadline;

pub const INCIDENT_REPORTED: AuditAction = AuditAction("INCIDENT_REPORTED");
pub const INCIDENT_AUTHORITY_NOTIFIED: AuditAction = AuditAction("INCIDENT_AUTHORITY_NOTIFIED");
pub const INCIDENT_SUBJECTS_NOTIFIED: AuditAction = AuditAction("INCIDENT_SUBJECTS_NOTIFIED");

const MAX_TEXT_CHARS: usize = 10_000;
const MAX_CATEGORIES: usize = 50;
const MAX_CATEGORY_CHARS: usize = 200;
/// A detection time this far ahead of the server's clock is accepted (another machine's clock may run ahead).
const CLOCK_SKEW_SECONDS: i64 = 300;

/// What is documented of an incident when it is reported (art. 33(5)).
#[derive(Debug, Clone)]
pub struct IncidentReport {
    pub detected_at: DateTime<Utc>,
    pub description: String,
    pub data_categories: Vec<String>,
    pub subject_categories: Vec<String>,
    pub approx_subjects: i64,
    pub likely_consequences: Option<String>,
    pub measures_taken: Option<String>,
}

/// Records an incident. Its deadline is 72 hours from detection, whenever it is reported.
pub async fn report(app: &AppContext, staff: &Staff, report: IncidentReport) -> Result<incident::Model, AppError> {
    let now = app.now();
    if report.detected_at > now + chrono::Duration::seconds(CLOCK_SKEW_SECONDS) {
        return Err(AppError::bad_input("detectedAt", "cannot be in the future"));
    }
    if report.approx_subjects < 0 {
        return Err(AppError::bad_input("approxSubjects", "cannot be negative"));
    }
    let description = required_text("description", &report.description)?;
    let data_categories = categories("dataCategories", &report.data_categories, true)?;
    let subject_categories = categories("subjectCategories", &report.subject_categories, false)?;
    let likely_consequences = optional_text("likelyConsequences", report.likely_consequences.as_deref())?;
    let measures_taken = optional_text("measuresTaken", report.measures_taken.as_deref())?;
    let row = incident::Model {
        id: Uuid::now_v7(),
        detected_at: report.detected_at,
        reported_at: now,
        reported_by: staff.user_id,
        description,
        data_categories,
        subject_categories,
        approx_subjects: report.approx_subjects,
        likely_consequences,
        measures_taken,
        notify_authority_by: breach_deadline::notify_authority_by(report.detected_at),
        authority_notified_at: None,
        subjects_notified_at: None,
    };
    let txn = app.db.begin().await?;
    let row = row.into_active_model().insert(&txn).await?;
    app.hooks.audit(&txn, staff.did(INCIDENT_REPORTED, Some(subject(row.id)), now)).await?;
    txn.commit().await?;
    tracing::warn!(incident = %row.id, notify_authority_by = %row.notify_authority_by, "personal-data incident reported");
    Ok(row)
}

/// Who was told of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notified {
    /// The supervisory authority (art. 33).
    Authority,
    /// The people affected (art. 34).
    Subjects,
}

/// Records that the authority, or the people affected, were told. Telling them twice is `CONFLICT`: the first
/// time is what the register must show.
pub async fn mark_notified(
    app: &AppContext,
    staff: &Staff,
    id: Uuid,
    who: Notified,
) -> Result<incident::Model, AppError> {
    let now = app.now();
    let txn = app.db.begin().await?;
    let row = locked(&txn, id).await?;
    let already = match who {
        Notified::Authority => row.authority_notified_at,
        Notified::Subjects => row.subjects_notified_at,
    };
    if already.is_some() {
        return Err(AppError::Conflict("this notification was recorded already".into()));
    }
    let mut active = row.into_active_model();
    let action = match who {
        Notified::Authority => {
            active.authority_notified_at = Set(Some(now));
            INCIDENT_AUTHORITY_NOTIFIED
        }
        Notified::Subjects => {
            active.subjects_notified_at = Set(Some(now));
            INCIDENT_SUBJECTS_NOTIFIED
        }
    };
    let row = active.update(&txn).await?;
    app.hooks.audit(&txn, staff.did(action, Some(subject(id)), now)).await?;
    txn.commit().await?;
    Ok(row)
}

/// Every incident, most recently detected first. The register holds incidents, not events: a handful a year.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<incident::Model>, AppError> {
    Ok(incident::Entity::find()
        .order_by_desc(incident::Column::DetectedAt)
        .order_by_desc(incident::Column::Id)
        .all(db)
        .await?)
}

/// The stored list of categories (a JSON array of text).
pub fn categories_of(stored: &str) -> Result<Vec<String>, AppError> {
    serde_json::from_str(stored).map_err(AppError::internal)
}

fn subject(id: Uuid) -> AuditSubject {
    AuditSubject::new("INCIDENT", id)
}

async fn locked(txn: &DatabaseTransaction, id: Uuid) -> Result<incident::Model, AppError> {
    let mut query = incident::Entity::find_by_id(id);
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    query.one(txn).await?.ok_or(AppError::NotFound("incident"))
}

fn required_text(field: &'static str, text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::bad_input(field, format!("must be 1–{MAX_TEXT_CHARS} characters")));
    }
    Ok(text.to_string())
}

fn optional_text(field: &'static str, text: Option<&str>) -> Result<Option<String>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => required_text(field, text).map(Some),
    }
}

fn categories(field: &'static str, list: &[String], required: bool) -> Result<String, AppError> {
    if (required && list.is_empty()) || list.len() > MAX_CATEGORIES {
        let least = usize::from(required);
        return Err(AppError::bad_input(field, format!("must list {least}–{MAX_CATEGORIES} categories")));
    }
    let mut cleaned = Vec::with_capacity(list.len());
    for category in list {
        let category = category.trim();
        if category.is_empty() || category.chars().count() > MAX_CATEGORY_CHARS {
            return Err(AppError::bad_input(field, format!("each category must be 1–{MAX_CATEGORY_CHARS} characters")));
        }
        cleaned.push(category.to_string());
    }
    serde_json::to_string(&cleaned).map_err(AppError::internal)
}
