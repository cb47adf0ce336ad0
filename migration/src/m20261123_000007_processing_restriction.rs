//! Consent module: restriction of processing (GDPR art. 18).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProcessingRestrictions::Table)
                    .col(uuid(ProcessingRestrictions::UserId).primary_key())
                    .col(boolean(ProcessingRestrictions::Restricted))
                    .col(timestamp_with_time_zone(ProcessingRestrictions::ChangedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ProcessingRestrictions::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ProcessingRestrictions {
    Table,
    UserId,
    Restricted,
    ChangedAt,
}
