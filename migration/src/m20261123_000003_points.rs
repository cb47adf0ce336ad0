//! Points module: the append-only ledger and the balances kept in step with it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PointLedgerEntries::Table)
                    .col(uuid(PointLedgerEntries::Id).primary_key())
                    .col(uuid(PointLedgerEntries::UserId))
                    .col(string_len(PointLedgerEntries::Kind, 32))
                    .col(big_integer(PointLedgerEntries::Amount))
                    .col(string_len(PointLedgerEntries::Description, 200))
                    .col(string_len(PointLedgerEntries::Reference, 200).unique_key())
                    .col(timestamp_with_time_zone(PointLedgerEntries::CreatedAt))
                    .check(Expr::col(PointLedgerEntries::Amount).ne(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_point_ledger_user_time")
                    .table(PointLedgerEntries::Table)
                    .col(PointLedgerEntries::UserId)
                    .col(PointLedgerEntries::CreatedAt)
                    .col(PointLedgerEntries::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PointBalances::Table)
                    .col(uuid(PointBalances::UserId).primary_key())
                    .col(big_integer(PointBalances::Balance))
                    .col(big_integer(PointBalances::LifetimeEarned))
                    .col(timestamp_with_time_zone(PointBalances::UpdatedAt))
                    // The last line of defence: a balance below zero cannot be stored at all.
                    .check(Expr::col(PointBalances::Balance).gte(0))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PointBalances::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(PointLedgerEntries::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum PointLedgerEntries {
    Table,
    Id,
    UserId,
    Kind,
    Amount,
    Description,
    Reference,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PointBalances {
    Table,
    UserId,
    Balance,
    LifetimeEarned,
    UpdatedAt,
}
