//! Users module: closed accounts (what bookkeeping keeps of an erased account) and purge indexes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ClosedAccounts::Table)
                    .col(uuid(ClosedAccounts::Id).primary_key())
                    .col(timestamp_with_time_zone(ClosedAccounts::ClosedAt))
                    .to_owned(),
            )
            .await?;
        // The retention purge looks for old closing records and for ended sessions.
        manager
            .create_index(
                Index::create()
                    .name("idx_closed_accounts_closed_at")
                    .table(ClosedAccounts::Table)
                    .col(ClosedAccounts::ClosedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_expires_at")
                    .table(Sessions::Table)
                    .col(Sessions::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_sessions_expires_at").table(Sessions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ClosedAccounts::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ClosedAccounts {
    Table,
    Id,
    ClosedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    ExpiresAt,
}
