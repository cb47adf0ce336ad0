//! Referrals module: every user's referral code, and who recruited whom with the reward decision.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReferralCodes::Table)
                    .col(uuid(ReferralCodes::UserId).primary_key())
                    .col(string_len(ReferralCodes::Code, 8).unique_key())
                    .col(timestamp_with_time_zone(ReferralCodes::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Referrals::Table)
                    .col(uuid(Referrals::RecruitId).primary_key())
                    .col(uuid(Referrals::RecruiterId))
                    .col(timestamp_with_time_zone(Referrals::CreatedAt))
                    .col(timestamp_with_time_zone_null(Referrals::RewardedAt))
                    .col(string_len_null(Referrals::RewardSkipped, 32))
                    // No self-referral, even if a bug upstream tried one.
                    .check(Expr::col(Referrals::RecruitId).ne(Expr::col(Referrals::RecruiterId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_referrals_recruiter_time")
                    .table(Referrals::Table)
                    .col(Referrals::RecruiterId)
                    .col(Referrals::CreatedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Referrals::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ReferralCodes::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum ReferralCodes {
    Table,
    UserId,
    Code,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Referrals {
    Table,
    RecruitId,
    RecruiterId,
    CreatedAt,
    RewardedAt,
    RewardSkipped,
}
