//! The sender task: claims due mails (see [`crate::service::claim`]), delivers each outside any transaction, and
//! records the outcome — `SENT`, a retry after the back-off of [`RetrySchedule`], or `FAILED`.

mod follow_up;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cogo_entities::mail::outbox_mail;
use cogo_kernel::SharedClock;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::{
    config::{LogDetail, MailConfig},
    domain::RetrySchedule,
    service::{
        claim::{self, LEASE_MARGIN},
        outcome::{self, AfterFailure},
    },
    transport::{self, QueuedMail, Transport},
};
use follow_up::FollowUp;

/// What the sender needs; `db` should not count as requests' statements (the gateway gives it a pool handle of
/// its own).
pub struct SenderParts {
    pub config: MailConfig,
    pub db: DatabaseConnection,
    pub clock: SharedClock,
    pub wake: Arc<Notify>,
}

/// Runs the sender until `stop` completes. A batch being sent is finished first (so no mail the server accepted
/// is left unrecorded by choice); the task then ends on its own.
pub fn spawn_until(parts: SenderParts, stop: impl Future<Output = ()> + Send + 'static) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let SenderParts { config, db, clock, wake } = parts;
        tokio::pin!(stop);
        let transport = match transport::from_config(&config) {
            Ok(transport) => transport,
            Err(error) => {
                tracing::error!(%error, "the mail sender cannot start; mails stay queued");
                stop.await;
                return;
            }
        };
        tracing::info!(to = %transport.describe(), "mail sender started");
        if config.smtp.is_none() && config.log_detail == LogDetail::Redacted {
            tracing::warn!("COGO_ENV=production without COGO_SMTP_URL: mails are written to the log, not sent");
        }
        let sender = Sender { id: Uuid::new_v4(), db, clock, transport, schedule: RetrySchedule::standard() };
        let mut follow_up = FollowUp::default();
        'running: loop {
            loop {
                match sender.send_due_batch().await {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(error) => {
                        tracing::error!(%error, "the mail sender could not read the outbox; trying again later");
                        break;
                    }
                }
                // More may be due; but a stop between two batches ends the task.
                tokio::select! {
                    biased;
                    () = &mut stop => break 'running,
                    () = std::future::ready(()) => {}
                }
            }
            let wait = follow_up.next_wait(Instant::now(), config.poll_interval);
            tokio::select! {
                () = wake.notified() => follow_up.woken(Instant::now()),
                () = tokio::time::sleep(wait) => {}
                () = &mut stop => break,
            }
        }
        tracing::info!("mail sender stopped");
    })
}

struct Sender {
    /// This sender's claims carry this id.
    id: Uuid,
    db: DatabaseConnection,
    clock: SharedClock,
    transport: Box<dyn Transport>,
    schedule: RetrySchedule,
}

impl Sender {
    /// Claims a batch of due mails and delivers it; the number claimed (0: nothing was due).
    async fn send_due_batch(&self) -> Result<usize, DbErr> {
        let batch = claim::claim_due(&self.db, self.id, self.clock.now()).await?;
        let claimed = batch.len();
        let mut rest = batch.into_iter();
        while let Some(mail) = rest.next() {
            let lease_ends = mail.claimed_until.unwrap_or_default();
            if self.clock.now() + LEASE_MARGIN >= lease_ends {
                // Too close to the end of the lease: another instance may take the mail over mid-send.
                let ids = std::iter::once(mail.id).chain(rest.map(|m| m.id)).collect();
                claim::release(&self.db, self.id, ids).await?;
                break;
            }
            self.deliver(&mail).await?;
        }
        Ok(claimed)
    }

    #[tracing::instrument(name = "deliver_mail", skip_all, fields(mail = %mail.id, kind = %mail.kind))]
    async fn deliver(&self, mail: &outbox_mail::Model) -> Result<(), DbErr> {
        let queued = QueuedMail::from(mail.clone());
        let started = Instant::now();
        match self.transport.deliver(&queued).await {
            Ok(()) => {
                outcome::record_sent(&self.db, self.id, mail, self.clock.now()).await?;
                tracing::info!(attempt = mail.attempts + 1, ms = millis(started.elapsed()), "mail sent");
            }
            Err(error) => {
                let after = outcome::record_failure(
                    &self.db,
                    self.id,
                    mail,
                    &error.detail,
                    error.permanent,
                    &self.schedule,
                    self.clock.now(),
                )
                .await?;
                // The server's words may name the recipient: the log gets the reply code only.
                let code = error.code.map(|c| c.to_string()).unwrap_or_else(|| "none".into());
                match after {
                    AfterFailure::WillRetry => {
                        tracing::warn!(attempt = mail.attempts + 1, smtp_code = %code, "mail not delivered; will retry")
                    }
                    AfterFailure::GaveUp => tracing::error!(
                        attempt = mail.attempts + 1,
                        smtp_code = %code,
                        permanent = error.permanent,
                        "mail not delivered; given up"
                    ),
                }
            }
        }
        Ok(())
    }
}

fn millis(elapsed: Duration) -> u64 {
    u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
}
