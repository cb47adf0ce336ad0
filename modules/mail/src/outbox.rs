//! The outbox as other modules see it (`Hooks::send_mail`): a mail is one row inserted in the caller's transaction,
//! so it exists exactly when the change that needed it committed.

use std::sync::Arc;

use async_trait::async_trait;
use cogo_entities::mail::outbox_mail;
use cogo_kernel::{AppError, MailOutbox, OutgoingMail, SharedClock};
use sea_orm::{ActiveValue::Set, DatabaseTransaction, EntityTrait};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::domain::DeliveryStatus;

pub struct Outbox {
    clock: SharedClock,
    /// Wakes this instance's sender, so a mail goes out within moments of its commit instead of at the next poll.
    wake: Arc<Notify>,
}

impl Outbox {
    pub fn new(clock: SharedClock, wake: Arc<Notify>) -> Self {
        Self { clock, wake }
    }
}

#[async_trait]
impl MailOutbox for Outbox {
    async fn enqueue(&self, txn: &DatabaseTransaction, mail: OutgoingMail) -> Result<(), AppError> {
        let now = self.clock.now();
        let id = Uuid::now_v7();
        let row = outbox_mail::ActiveModel {
            id: Set(id),
            kind: Set(mail.kind.to_string()),
            recipient: Set(mail.to),
            user_id: Set(mail.user_id),
            subject: Set(mail.subject),
            text_body: Set(Some(mail.text_body)),
            html_body: Set(Some(mail.html_body)),
            secret: Set(mail.secret),
            status: Set(DeliveryStatus::Pending.as_str().to_string()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            claimed_until: Set(None),
            claimed_by: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            sent_at: Set(None),
        };
        outbox_mail::Entity::insert(row).exec_without_returning(txn).await?;
        // The transaction has not committed yet: the sender looks now and again shortly after (see `FollowUp`).
        self.wake.notify_one();
        tracing::debug!(mail = %id, kind = mail.kind, "mail queued");
        Ok(())
    }
}
