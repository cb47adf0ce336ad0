//! Users module: verified e-mail addresses and the one-time codes that verify them or reset a password (issue 13).
//!
//! Existing accounts start unverified: nobody ever proved they own their address. Codes are stored only as keyed
//! hashes, with their expiry and the tries spent on them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(timestamp_with_time_zone_null(Users::EmailVerifiedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailCodes::Table)
                    .col(uuid(EmailCodes::Id).primary_key())
                    .col(uuid(EmailCodes::UserId))
                    .col(string_len(EmailCodes::Purpose, 32))
                    .col(string_len(EmailCodes::CodeHash, 64))
                    .col(string_len_null(EmailCodes::NewEmail, 254))
                    .col(timestamp_with_time_zone(EmailCodes::CreatedAt))
                    .col(timestamp_with_time_zone(EmailCodes::ExpiresAt))
                    .col(integer(EmailCodes::Attempts))
                    .col(timestamp_with_time_zone_null(EmailCodes::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_codes_user")
                            .from(EmailCodes::Table, EmailCodes::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_email_codes_user_purpose")
                    .table(EmailCodes::Table)
                    .col(EmailCodes::UserId)
                    .col(EmailCodes::Purpose)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(EmailCodes::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Users::Table).drop_column(Users::EmailVerifiedAt).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    EmailVerifiedAt,
}

#[derive(DeriveIden)]
enum EmailCodes {
    Table,
    Id,
    UserId,
    Purpose,
    CodeHash,
    NewEmail,
    CreatedAt,
    ExpiresAt,
    Attempts,
    UsedAt,
}
