use async_graphql::{Context, ID, Object, connection::Connection};
use cogo_kernel::{
    AppContext, AppError, RequireAuth, RequireRole, Role, Staff, actor_from,
    pagination::{PageRequest, connection_from, time_id_key},
};
use uuid::Uuid;

use crate::graphql::document::ExportDocument;
use crate::graphql::types::{DataExportKind, DataSubjectRequest};
use crate::service::{export, register};

/// An export reads everything a person has: a request may hold one, not hundreds under aliases. More than half
/// the gateway's complexity limit (2,500), so a second export in one request is refused before anything runs
/// (the gateway also allows each export field once per request).
const EXPORT_COMPLEXITY: usize = 1_500;

#[derive(Default)]
pub struct RightsQuery;

#[Object]
impl RightsQuery {
    /// Everything CoGo holds about you, as one machine-readable document (GDPR art. 15 and 20; layout in the
    /// README, versioned by its `format` field). Logged in the request register. For very large accounts,
    /// `GET /privacy/export` streams the same document. One per request (its complexity takes most of the budget).
    #[graphql(guard = "RequireAuth", complexity = "EXPORT_COMPLEXITY")]
    async fn my_data_export(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] kind: DataExportKind,
    ) -> async_graphql::Result<ExportDocument> {
        let actor = actor_from(ctx)?;
        let document = export::own_export(AppContext::of(ctx)?, actor.user_id, kind.into()).await?;
        Ok(ExportDocument::parse_json(&document)?)
    }

    /// One account's register extract, for a request received by e-mail or letter. `PRIVACY_OFFICER` only. One
    /// per request. Written to the audit log.
    #[graphql(guard = "RequireRole(Role::PrivacyOfficer)", complexity = "EXPORT_COMPLEXITY")]
    async fn user_data_export(&self, ctx: &Context<'_>, user_id: ID) -> async_graphql::Result<ExportDocument> {
        let subject = parse_id(&user_id, "userId")?;
        let staff = Staff::of(ctx)?;
        let document = export::staff_export(AppContext::of(ctx)?, &staff, subject).await?;
        tracing::info!(staff_id = %staff.user_id, subject_id = %subject, "staff exported a user's data");
        Ok(ExportDocument::parse_json(&document)?)
    }

    /// The data-subject request register, newest first. `PRIVACY_OFFICER` only; each reading is audit-logged.
    #[graphql(
        guard = "RequireRole(Role::PrivacyOfficer)",
        complexity = "cogo_kernel::complexity::page(first, child_complexity)"
    )]
    async fn data_subject_requests(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, DataSubjectRequest>> {
        let app = AppContext::of(ctx)?;
        let page = PageRequest::parse(first, after)?;
        let rows = register::page(app, &Staff::of(ctx)?, &page).await?;
        let now = app.now();
        let nodes = rows
            .into_iter()
            .map(|row| Ok((time_id_key(&row.received_at, &row.id), DataSubjectRequest::from_row(row, now)?)))
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(connection_from(&page, nodes, |(key, _)| key.clone(), |(_, node)| node))
    }
}

pub(crate) fn parse_id(id: &ID, field: &'static str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id.as_str()).map_err(|_| AppError::bad_input(field, "not an id"))
}
