//! Users module: what a refresh needs to forgive a racing duplicate (`RefreshGrace`) — the hash of the refresh
//! token a session most recently rotated away, and when. Both stay empty until a session's next refresh; the
//! absolute lifetime needs no column (it counts from `created_at`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(string_len_null(Sessions::PreviousRefreshTokenHash, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(timestamp_with_time_zone_null(Sessions::RotatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Sessions::Table).drop_column(Sessions::RotatedAt).to_owned()).await?;
        manager
            .alter_table(
                Table::alter().table(Sessions::Table).drop_column(Sessions::PreviousRefreshTokenHash).to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    PreviousRefreshTokenHash,
    RotatedAt,
}
