//! Offers module: partners and their merchant staff, offers, redemptions and per-user unlock counters.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Partners::Table)
                    .col(uuid(Partners::Id).primary_key())
                    .col(string_len(Partners::Name, 100))
                    .col(string_len(Partners::OrgNumber, 11).unique_key())
                    .col(timestamp_with_time_zone(Partners::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnerMembers::Table)
                    .col(uuid(PartnerMembers::UserId).primary_key())
                    .col(uuid(PartnerMembers::PartnerId))
                    .col(timestamp_with_time_zone(PartnerMembers::AddedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PartnerMembers::Table, PartnerMembers::PartnerId)
                            .to(Partners::Table, Partners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PartnerMembers::Table, PartnerMembers::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_partner_members_partner")
                    .table(PartnerMembers::Table)
                    .col(PartnerMembers::PartnerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Offers::Table)
                    .col(uuid(Offers::Id).primary_key())
                    .col(uuid(Offers::PartnerId))
                    .col(string_len(Offers::Title, 120))
                    .col(text(Offers::Description))
                    .col(big_integer(Offers::CostPoints))
                    .col(string_len(Offers::Kind, 16))
                    .col(string_len(Offers::Status, 16))
                    .col(timestamp_with_time_zone(Offers::ValidFrom))
                    .col(timestamp_with_time_zone(Offers::ValidUntil))
                    .col(integer_null(Offers::TotalQuantity))
                    .col(integer_null(Offers::RemainingQuantity))
                    .col(integer_null(Offers::PerUserLimit))
                    .col(integer(Offers::UnlockCount).default(0))
                    .col(timestamp_with_time_zone(Offers::CreatedAt))
                    .col(timestamp_with_time_zone(Offers::UpdatedAt))
                    // The last line of defence: stock below zero cannot be stored at all.
                    .check(Expr::col(Offers::RemainingQuantity).gte(0))
                    .check(Expr::col(Offers::CostPoints).gt(0))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Offers::Table, Offers::PartnerId)
                            .to(Partners::Table, Partners::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_offers_partner_time")
                    .table(Offers::Table)
                    .col(Offers::PartnerId)
                    .col(Offers::CreatedAt)
                    .col(Offers::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_offers_status_time")
                    .table(Offers::Table)
                    .col(Offers::Status)
                    .col(Offers::CreatedAt)
                    .col(Offers::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Redemptions::Table)
                    .col(uuid(Redemptions::Id).primary_key())
                    .col(uuid(Redemptions::OfferId))
                    .col(uuid(Redemptions::PartnerId))
                    .col(uuid_null(Redemptions::UserId))
                    .col(string_len(Redemptions::Code, 10).unique_key())
                    .col(string_len(Redemptions::Status, 16))
                    .col(timestamp_with_time_zone(Redemptions::UnlockedAt))
                    .col(timestamp_with_time_zone_null(Redemptions::RedeemedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Redemptions::Table, Redemptions::OfferId)
                            .to(Offers::Table, Offers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_redemptions_user_time", Redemptions::UserId),
            ("idx_redemptions_partner_time", Redemptions::PartnerId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Redemptions::Table)
                        .col(col)
                        .col(Redemptions::UnlockedAt)
                        .col(Redemptions::Id)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(OfferUnlockCounts::Table)
                    .col(uuid(OfferUnlockCounts::OfferId))
                    .col(uuid(OfferUnlockCounts::UserId))
                    .col(integer(OfferUnlockCounts::Count))
                    .primary_key(Index::create().col(OfferUnlockCounts::OfferId).col(OfferUnlockCounts::UserId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OfferUnlockCounts::Table, OfferUnlockCounts::OfferId)
                            .to(Offers::Table, Offers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OfferUnlockCounts::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Redemptions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Offers::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(PartnerMembers::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Partners::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Partners {
    Table,
    Id,
    Name,
    OrgNumber,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PartnerMembers {
    Table,
    UserId,
    PartnerId,
    AddedAt,
}

#[derive(DeriveIden)]
enum Offers {
    Table,
    Id,
    PartnerId,
    Title,
    Description,
    CostPoints,
    Kind,
    Status,
    ValidFrom,
    ValidUntil,
    TotalQuantity,
    RemainingQuantity,
    PerUserLimit,
    UnlockCount,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Redemptions {
    Table,
    Id,
    OfferId,
    PartnerId,
    UserId,
    Code,
    Status,
    UnlockedAt,
    RedeemedAt,
}

#[derive(DeriveIden)]
enum OfferUnlockCounts {
    Table,
    OfferId,
    UserId,
    Count,
}
