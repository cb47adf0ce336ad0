//! Privacy module: the data-subject request register (GDPR art. 12(3), policy §6.2).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DataSubjectRequests::Table)
                    .col(uuid(DataSubjectRequests::Id).primary_key())
                    .col(uuid(DataSubjectRequests::SubjectId))
                    .col(string_len(DataSubjectRequests::Kind, 32))
                    .col(string_len(DataSubjectRequests::Channel, 32))
                    .col(timestamp_with_time_zone(DataSubjectRequests::ReceivedAt))
                    .col(timestamp_with_time_zone(DataSubjectRequests::DueAt))
                    .col(timestamp_with_time_zone_null(DataSubjectRequests::CompletedAt))
                    .col(text_null(DataSubjectRequests::Recipients))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_data_subject_requests_subject")
                    .table(DataSubjectRequests::Table)
                    .col(DataSubjectRequests::SubjectId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_data_subject_requests_received")
                    .table(DataSubjectRequests::Table)
                    .col(DataSubjectRequests::ReceivedAt)
                    .col(DataSubjectRequests::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(DataSubjectRequests::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum DataSubjectRequests {
    Table,
    Id,
    SubjectId,
    Kind,
    Channel,
    ReceivedAt,
    DueAt,
    CompletedAt,
    Recipients,
}
