//! The breach register in the schema: `PRIVACY_OFFICER` only.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use cogo_entities::privacy::incident;
use cogo_kernel::{AppContext, AppError, RequireRole, Role, Staff};

use crate::domain::breach_deadline;
use crate::graphql::query::parse_id;
use crate::service::incidents::{self, IncidentReport, Notified};

/// A personal-data incident (policy §8.1; GDPR art. 33–34), documented as art. 33(5) asks.
#[derive(SimpleObject)]
pub struct Incident {
    pub id: ID,
    pub detected_at: DateTime<Utc>,
    pub reported_at: DateTime<Utc>,
    /// The nature of the incident.
    pub description: String,
    /// The categories of personal data concerned.
    pub data_categories: Vec<String>,
    /// The categories of people concerned.
    pub subject_categories: Vec<String>,
    /// The approximate number of people concerned.
    pub approx_subjects: i64,
    pub likely_consequences: Option<String>,
    pub measures_taken: Option<String>,
    /// Detection + 72 hours: when the supervisory authority must have been told.
    pub notify_authority_by: DateTime<Utc>,
    pub authority_notified_at: Option<DateTime<Utc>>,
    /// Whether the authority was told after the deadline (the notification must then say why, art. 33(1)).
    pub notified_late: bool,
    /// When the people affected were told (art. 34).
    pub subjects_notified_at: Option<DateTime<Utc>>,
    /// The deadline passed and the authority has not been told.
    pub overdue: bool,
}

impl Incident {
    fn from_row(row: incident::Model, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Self {
            id: ID(row.id.to_string()),
            detected_at: row.detected_at,
            reported_at: row.reported_at,
            description: row.description,
            data_categories: incidents::categories_of(&row.data_categories)?,
            subject_categories: incidents::categories_of(&row.subject_categories)?,
            approx_subjects: row.approx_subjects,
            likely_consequences: row.likely_consequences,
            measures_taken: row.measures_taken,
            notify_authority_by: row.notify_authority_by,
            authority_notified_at: row.authority_notified_at,
            notified_late: row.authority_notified_at.is_some_and(|at| at > row.notify_authority_by),
            subjects_notified_at: row.subjects_notified_at,
            overdue: breach_deadline::is_overdue(row.notify_authority_by, row.authority_notified_at, now),
        })
    }
}

/// What is known of an incident when it is reported; more can follow in the notification itself (art. 33(4)).
#[derive(InputObject)]
pub struct ReportIncidentInput {
    /// When CoGo became aware of it: the 72 hours run from here.
    pub detected_at: DateTime<Utc>,
    /// The nature of the incident.
    pub description: String,
    /// The categories of personal data concerned (e.g. "e-mail addresses", "step data").
    pub data_categories: Vec<String>,
    /// The approximate number of people concerned.
    pub approx_subjects: i64,
    /// The categories of people concerned (e.g. "users", "merchants' staff").
    #[graphql(default)]
    pub subject_categories: Vec<String>,
    pub likely_consequences: Option<String>,
    /// Measures taken or proposed to address it and limit its effects.
    pub measures_taken: Option<String>,
}

#[derive(Default)]
pub struct IncidentsQuery;

#[Object]
impl IncidentsQuery {
    /// The breach register, most recently detected first. `PRIVACY_OFFICER` only.
    #[graphql(guard = "RequireRole(Role::PrivacyOfficer)")]
    async fn incidents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Incident>> {
        let app = AppContext::of(ctx)?;
        let now = app.now();
        let rows = incidents::all(&app.db).await?;
        Ok(rows.into_iter().map(|row| Incident::from_row(row, now)).collect::<Result<_, _>>()?)
    }
}

#[derive(Default)]
pub struct IncidentsMutation;

#[Object]
impl IncidentsMutation {
    /// Records a personal-data incident with its 72-hour deadline. `PRIVACY_OFFICER` only; audit-logged.
    #[graphql(guard = "RequireRole(Role::PrivacyOfficer)")]
    async fn report_incident(&self, ctx: &Context<'_>, input: ReportIncidentInput) -> async_graphql::Result<Incident> {
        let app = AppContext::of(ctx)?;
        let report = IncidentReport {
            detected_at: input.detected_at,
            description: input.description,
            data_categories: input.data_categories,
            subject_categories: input.subject_categories,
            approx_subjects: input.approx_subjects,
            likely_consequences: input.likely_consequences,
            measures_taken: input.measures_taken,
        };
        let row = incidents::report(app, &Staff::of(ctx)?, report).await?;
        Ok(Incident::from_row(row, app.now())?)
    }

    /// Records that the supervisory authority was notified (art. 33). `PRIVACY_OFFICER` only; audit-logged.
    #[graphql(guard = "RequireRole(Role::PrivacyOfficer)")]
    async fn mark_incident_notified(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Incident> {
        notified(ctx, &id, Notified::Authority).await
    }

    /// Records that the people affected were told (art. 34). `PRIVACY_OFFICER` only; audit-logged.
    #[graphql(guard = "RequireRole(Role::PrivacyOfficer)")]
    async fn mark_incident_subjects_notified(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Incident> {
        notified(ctx, &id, Notified::Subjects).await
    }
}

async fn notified(ctx: &Context<'_>, id: &ID, who: Notified) -> async_graphql::Result<Incident> {
    let app = AppContext::of(ctx)?;
    let row = incidents::mark_notified(app, &Staff::of(ctx)?, parse_id(id, "id")?, who).await?;
    Ok(Incident::from_row(row, app.now())?)
}
