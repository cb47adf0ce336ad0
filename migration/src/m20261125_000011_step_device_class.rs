//! Steps module: a device class instead of HealthKit's free-text source (data minimisation, policy §4.2).
//!
//! The source is a device name the user chose ("Anna's Apple Watch"), so it often carries a name. Only its class
//! is needed (to tell a phone's report from a watch's). The class is derived with the same rule as
//! `DeviceClass::classify` in the steps module, in SQL both databases understand; then the source is dropped
//! (no index uses it; SQLite supports DROP COLUMN since 3.35).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(StepSamples::Table)
                    .add_column(string_len(StepSamples::DeviceClass, 16).default("OTHER"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE step_samples SET device_class = CASE \
             WHEN LOWER(source) LIKE '%watch%' THEN 'WATCH' \
             WHEN LOWER(source) LIKE '%phone%' THEN 'PHONE' \
             ELSE 'OTHER' END",
        )
        .await?;
        db.execute_unprepared("ALTER TABLE step_samples DROP COLUMN source").await?;
        // The retention purge deletes samples by age across all users.
        manager
            .create_index(
                Index::create()
                    .name("idx_step_samples_start_at")
                    .table(StepSamples::Table)
                    .col(StepSamples::StartAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("idx_step_samples_start_at").table(StepSamples::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StepSamples::Table)
                    .add_column(string_len(StepSamples::Source, 100).default(""))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // The names are gone for good; the class is the best source that can be given back.
        db.execute_unprepared(
            "UPDATE step_samples SET source = CASE device_class \
             WHEN 'WATCH' THEN 'Apple Watch' WHEN 'PHONE' THEN 'iPhone' ELSE 'Other' END",
        )
        .await?;
        db.execute_unprepared("ALTER TABLE step_samples DROP COLUMN device_class").await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum StepSamples {
    Table,
    Source,
    DeviceClass,
    StartAt,
}
