//! The privacy module's own hooks: in-app requests from other modules go into the register; a person's requests
//! are part of their export; the register is purged after its retention period.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cogo_entities::privacy::data_subject_request;
use cogo_kernel::{
    AppError, DomainEvent, ExportWriter, Hooks, ModuleHooks, PurgeReport, RetentionPolicy, retention::purged,
};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::service::register;

pub struct PrivacyHooks;

#[async_trait]
impl ModuleHooks for PrivacyHooks {
    fn module(&self) -> &'static str {
        "privacy"
    }

    /// A right exercised in the app (rectification, restriction, objection) is logged as received and completed.
    async fn on_event(&self, txn: &DatabaseTransaction, _hooks: &Hooks, event: &DomainEvent) -> Result<(), AppError> {
        if let DomainEvent::DataSubjectRequestMade { user_id, kind, at } = event {
            register::record_completed_in_app(txn, *user_id, *kind, *at).await?;
        }
        Ok(())
    }

    async fn export_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        let requests = register::requests_of(txn, user_id).await?;
        out.begin_list("dataSubjectRequests")?;
        for request in &requests {
            out.item(&json!({
                "id": request.id,
                "kind": request.kind,
                "channel": request.channel,
                "receivedAt": request.received_at,
                "dueAt": request.due_at,
                "completedAt": request.completed_at,
            }))
            .await?;
        }
        out.end_list()
    }

    /// The register is kept after an erasure: its entries name only the pseudonymous account id, and they prove
    /// that the request was answered (art. 5(2)). They go with the register's own retention period.
    async fn erase_user_data(
        &self,
        _txn: &DatabaseTransaction,
        _user_id: Uuid,
        _at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        Ok(())
    }

    /// Entries received more than `request_register_years` ago, once completed.
    async fn purge_expired(
        &self,
        txn: &DatabaseTransaction,
        now: DateTime<Utc>,
        policy: &RetentionPolicy,
    ) -> Result<PurgeReport, AppError> {
        let removed = data_subject_request::Entity::delete_many()
            .filter(data_subject_request::Column::ReceivedAt.lt(policy.requests_before(now)))
            .filter(data_subject_request::Column::CompletedAt.is_not_null())
            .exec(txn)
            .await?;
        let mut report = PurgeReport::default();
        report.add(purged::DATA_SUBJECT_REQUESTS, removed.rows_affected);
        Ok(report)
    }
}
