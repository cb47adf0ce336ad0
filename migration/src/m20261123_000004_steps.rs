//! Steps module: accepted samples, per-day totals after overlap and cap, per-user credit totals.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StepSamples::Table)
                    .col(uuid(StepSamples::Id).primary_key())
                    .col(uuid(StepSamples::UserId))
                    .col(string_len(StepSamples::ExternalId, 200))
                    .col(string_len(StepSamples::Source, 100))
                    .col(timestamp_with_time_zone(StepSamples::StartAt))
                    .col(timestamp_with_time_zone(StepSamples::EndAt))
                    .col(integer(StepSamples::Steps))
                    .col(double(StepSamples::DistanceMeters))
                    .col(boolean(StepSamples::WasUserEntered))
                    .col(timestamp_with_time_zone(StepSamples::SyncedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_step_samples_user_external")
                    .table(StepSamples::Table)
                    .col(StepSamples::UserId)
                    .col(StepSamples::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_step_samples_user_time")
                    .table(StepSamples::Table)
                    .col(StepSamples::UserId)
                    .col(StepSamples::StartAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StepDays::Table)
                    .col(uuid(StepDays::UserId))
                    .col(date(StepDays::Day))
                    .col(big_integer(StepDays::Steps))
                    .col(big_integer(StepDays::WalkedMm))
                    .col(big_integer(StepDays::CreditedMm))
                    .col(timestamp_with_time_zone(StepDays::UpdatedAt))
                    .primary_key(Index::create().col(StepDays::UserId).col(StepDays::Day))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StepTotals::Table)
                    .col(uuid(StepTotals::UserId).primary_key())
                    .col(big_integer(StepTotals::CreditedMm))
                    .col(big_integer(StepTotals::PointsAwarded))
                    .col(timestamp_with_time_zone(StepTotals::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(StepTotals::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(StepDays::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(StepSamples::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum StepSamples {
    Table,
    Id,
    UserId,
    ExternalId,
    Source,
    StartAt,
    EndAt,
    Steps,
    DistanceMeters,
    WasUserEntered,
    SyncedAt,
}

#[derive(DeriveIden)]
enum StepDays {
    Table,
    UserId,
    Day,
    Steps,
    WalkedMm,
    CreditedMm,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StepTotals {
    Table,
    UserId,
    CreditedMm,
    PointsAwarded,
    UpdatedAt,
}
