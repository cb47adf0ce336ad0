//! Offers module: idempotent unlocks (`Idempotency-Key`). One row per user and key, keyed by both, so a second
//! request with the same key waits on the first's uncommitted row (PostgreSQL) and then finds its answer.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OfferUnlockRequests::Table)
                    .col(uuid(OfferUnlockRequests::UserId))
                    .col(string_len(OfferUnlockRequests::KeyDigest, 64))
                    .col(uuid(OfferUnlockRequests::OfferId))
                    .col(uuid_null(OfferUnlockRequests::RedemptionId))
                    .col(big_integer_null(OfferUnlockRequests::Balance))
                    .col(timestamp_with_time_zone(OfferUnlockRequests::CreatedAt))
                    .primary_key(Index::create().col(OfferUnlockRequests::UserId).col(OfferUnlockRequests::KeyDigest))
                    .to_owned(),
            )
            .await?;
        // The purge deletes by age over all users.
        manager
            .create_index(
                Index::create()
                    .name("idx_offer_unlock_requests_created_at")
                    .table(OfferUnlockRequests::Table)
                    .col(OfferUnlockRequests::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OfferUnlockRequests::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum OfferUnlockRequests {
    Table,
    UserId,
    KeyDigest,
    OfferId,
    RedemptionId,
    Balance,
    CreatedAt,
}
