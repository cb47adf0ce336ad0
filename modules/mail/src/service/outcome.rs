//! Recording how a delivery went. Each update is conditional on the sender still holding the claim, so a sender
//! whose lease ran out (and whose mail another instance took over) changes nothing.

use chrono::{DateTime, Utc};
use cogo_entities::mail::outbox_mail::{self, Column};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use crate::domain::{Attempt, DeliveryStatus, RetrySchedule};

/// Longest `last_error` kept: a server's answer, not its whole transcript.
const MAX_ERROR_CHARS: usize = 500;

/// What became of a failed try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    WillRetry,
    GaveUp,
}

/// The mail was accepted: `SENT`, and the bodies and the secret are gone (nothing left to redact, no code kept).
pub async fn record_sent(
    db: &DatabaseConnection,
    sender: Uuid,
    mail: &outbox_mail::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    finished(sender, mail.id)
        .col_expr(Column::Status, Expr::value(DeliveryStatus::Sent.as_str()))
        .col_expr(Column::Attempts, Expr::value(mail.attempts.saturating_add(1)))
        .col_expr(Column::SentAt, Expr::value(now))
        .col_expr(Column::LastError, Expr::value(Option::<String>::None))
        .exec(db)
        .await?;
    Ok(())
}

/// The try failed: due again after the schedule's wait, or `FAILED` (bodies and secret cleared) when the schedule
/// gives up.
pub async fn record_failure(
    db: &DatabaseConnection,
    sender: Uuid,
    mail: &outbox_mail::Model,
    error: &str,
    permanent: bool,
    schedule: &RetrySchedule,
    now: DateTime<Utc>,
) -> Result<AfterFailure, DbErr> {
    let tries = mail.attempts.saturating_add(1);
    let last_error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    let failed_tries = u32::try_from(tries).unwrap_or(u32::MAX);
    match schedule.after_failure(failed_tries, permanent) {
        Attempt::RetryAfter(wait) => {
            outbox_mail::Entity::update_many()
                .col_expr(Column::Attempts, Expr::value(tries))
                .col_expr(Column::NextAttemptAt, Expr::value(now + wait))
                .col_expr(Column::LastError, Expr::value(last_error))
                .col_expr(Column::ClaimedBy, Expr::value(Option::<Uuid>::None))
                .col_expr(Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
                .filter(Column::Id.eq(mail.id))
                .filter(Column::ClaimedBy.eq(sender))
                .exec(db)
                .await?;
            Ok(AfterFailure::WillRetry)
        }
        Attempt::GiveUp => {
            finished(sender, mail.id)
                .col_expr(Column::Status, Expr::value(DeliveryStatus::Failed.as_str()))
                .col_expr(Column::Attempts, Expr::value(tries))
                .col_expr(Column::LastError, Expr::value(last_error))
                .exec(db)
                .await?;
            Ok(AfterFailure::GaveUp)
        }
    }
}

/// The update of a mail that will not be tried again: claim, bodies and secret cleared.
fn finished(sender: Uuid, id: Uuid) -> sea_orm::UpdateMany<outbox_mail::Entity> {
    outbox_mail::Entity::update_many()
        .col_expr(Column::TextBody, Expr::value(Option::<String>::None))
        .col_expr(Column::HtmlBody, Expr::value(Option::<String>::None))
        .col_expr(Column::Secret, Expr::value(Option::<String>::None))
        .col_expr(Column::ClaimedBy, Expr::value(Option::<Uuid>::None))
        .col_expr(Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(Column::Id.eq(id))
        .filter(Column::ClaimedBy.eq(sender))
}
