//! Telemetry module: aggregate counters of app events (issue 14). Nothing here can name a person: no user id, no
//! address, no time of day — only a day, the kind of event and coarse facts about the app.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TelemetryCounts::Table)
                    .col(date(TelemetryCounts::Day))
                    .col(string_len(TelemetryCounts::Kind, 16))
                    .col(string_len(TelemetryCounts::Name, 64))
                    .col(string_len(TelemetryCounts::DeviceType, 32))
                    .col(string_len(TelemetryCounts::Os, 32))
                    .col(string_len(TelemetryCounts::AppVersion, 32))
                    .col(string_len(TelemetryCounts::Country, 2))
                    .col(big_integer(TelemetryCounts::Count))
                    .primary_key(
                        Index::create()
                            .col(TelemetryCounts::Day)
                            .col(TelemetryCounts::Kind)
                            .col(TelemetryCounts::Name)
                            .col(TelemetryCounts::DeviceType)
                            .col(TelemetryCounts::Os)
                            .col(TelemetryCounts::AppVersion)
                            .col(TelemetryCounts::Country),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(TelemetryCounts::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum TelemetryCounts {
    Table,
    Day,
    Kind,
    Name,
    DeviceType,
    Os,
    AppVersion,
    Country,
    Count,
}
