//! Privacy module: when the server's schedule last ran the retention purge, so that with several instances (each
//! with its own timer) the purge runs once per period, not once per instance.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ScheduledPurges::Table)
                    .col(integer(ScheduledPurges::Id).primary_key())
                    .col(timestamp_with_time_zone(ScheduledPurges::LastRunAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ScheduledPurges::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ScheduledPurges {
    Table,
    Id,
    LastRunAt,
}
