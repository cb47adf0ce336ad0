use async_graphql::{Context, ID, Object};
use cogo_kernel::{
    AppContext, AppError, AuditActor, DataSubjectRequestKind, RequireAuth, RequireRole, Role, Staff, actor_from,
};

use crate::graphql::query::parse_id;
use crate::graphql::types::{DataSubjectRequest, RetentionPurgeReport};
use crate::service::{
    erasure, register,
    retention::{self, PurgeOrderedBy, WhenBusy},
};

#[derive(Default)]
pub struct RightsMutation;

#[Object]
impl RightsMutation {
    /// Deletes your account (GDPR art. 17), confirmed with your password: you are signed out everywhere, and your
    /// name, e-mail, consents, steps and referrals are erased at once. Only what bookkeeping law requires stays,
    /// under an id that no longer names you. The e-mail address can sign up again.
    #[graphql(guard = "RequireAuth")]
    async fn delete_account(&self, ctx: &Context<'_>, password: String) -> async_graphql::Result<bool> {
        erasure::delete_own_account(AppContext::of(ctx)?, actor_from(ctx)?.user_id, &password).await?;
        Ok(true)
    }

    /// Logs a request received by e-mail or letter (§6.2) with its one-month deadline. `PRIVACY_OFFICER` only.
    #[graphql(guard = "RequireRole(Role::PrivacyOfficer)")]
    async fn record_data_subject_request(
        &self,
        ctx: &Context<'_>,
        email: String,
        kind: DataSubjectRequestKind,
        channel: String,
    ) -> async_graphql::Result<DataSubjectRequest> {
        let app = AppContext::of(ctx)?;
        let row = register::record_received(app, &Staff::of(ctx)?, &email, kind, &channel).await?;
        Ok(DataSubjectRequest::from_row(row, app.now())?)
    }

    /// Marks a request as answered. `PRIVACY_OFFICER` only.
    #[graphql(guard = "RequireRole(Role::PrivacyOfficer)")]
    async fn complete_data_subject_request(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<DataSubjectRequest> {
        let app = AppContext::of(ctx)?;
        let row = register::complete(app, &Staff::of(ctx)?, parse_id(&id, "id")?).await?;
        Ok(DataSubjectRequest::from_row(row, app.now())?)
    }

    /// Erases an account on an open `ERASURE` request received outside the app (the same erasure as
    /// `deleteAccount`) and completes the request. `PRIVACY_OFFICER` only.
    #[graphql(guard = "RequireRole(Role::PrivacyOfficer)")]
    async fn erase_user(&self, ctx: &Context<'_>, user_id: ID, request_id: ID) -> async_graphql::Result<bool> {
        let app = AppContext::of(ctx)?;
        let (user_id, request_id) = (parse_id(&user_id, "userId")?, parse_id(&request_id, "requestId")?);
        erasure::erase_on_request(app, &Staff::of(ctx)?, user_id, request_id).await?;
        Ok(true)
    }

    /// Removes what may no longer be kept (accounts closed more than a year ago, old step samples, expired
    /// sessions, bookkeeping past its period, …) and says what it removed. Idempotent. `PRIVACY_OFFICER` only.
    #[graphql(guard = "RequireRole(Role::PrivacyOfficer)")]
    async fn run_retention_purge(&self, ctx: &Context<'_>) -> async_graphql::Result<RetentionPurgeReport> {
        let staff = Staff::of(ctx)?;
        let ordered_by =
            PurgeOrderedBy::Person { actor: AuditActor::Staff(staff.user_id), request_id: staff.request_id };
        let report = retention::run_purge(AppContext::of(ctx)?, WhenBusy::Wait, ordered_by)
            .await?
            .ok_or_else(|| AppError::internal("the purge lock was not taken although the purge waits for it"))?;
        Ok(report.into())
    }
}
