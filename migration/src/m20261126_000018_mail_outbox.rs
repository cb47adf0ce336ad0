//! Mail: the outbox. A module that needs a mail sent writes it here in the transaction of the change that needs it;
//! the sender task delivers it after the commit, retrying with back-off, and clears the bodies and the one-time
//! secret once it is sent or given up.
//!
//! `claimed_by` / `claimed_until` are a lease: the instance that claimed a row sends it; if that instance dies, the
//! lease runs out and another one takes the row over.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(uuid(MailOutbox::Id).primary_key())
                    .col(string_len(MailOutbox::Kind, 64))
                    .col(string_len(MailOutbox::Recipient, 320))
                    .col(uuid_null(MailOutbox::UserId))
                    .col(text(MailOutbox::Subject))
                    .col(text_null(MailOutbox::TextBody))
                    .col(text_null(MailOutbox::HtmlBody))
                    .col(text_null(MailOutbox::Secret))
                    .col(string_len(MailOutbox::Status, 16))
                    .col(integer(MailOutbox::Attempts))
                    .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::ClaimedUntil))
                    .col(uuid_null(MailOutbox::ClaimedBy))
                    .col(text_null(MailOutbox::LastError))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .to_owned(),
            )
            .await?;
        // The sender's question, "which pending mails are due?", and the purge's, "which finished ones are old?".
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_outbox_user")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_outbox_status_next_attempt_at")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::Status)
                    .col(MailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_outbox_created_at")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MailOutbox::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    Kind,
    Recipient,
    UserId,
    Subject,
    TextBody,
    HtmlBody,
    Secret,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    ClaimedBy,
    LastError,
    CreatedAt,
    SentAt,
}
