//! Offers module: the disclosure log (policy §4.6, GDPR art. 19) and what a one-time unlock shared with the partner.
//!
//! A one-time unlock shares the customer's name and e-mail with one partner. `disclosures` records each such
//! sharing (who, with which partner, through which offer and redemption, which categories, when), and the
//! redemption keeps the name and e-mail as they were shared, so a later change of the account does not reach the
//! merchant. Existing one-time redemptions get both from the accounts as they are now (portable SQL: correlated
//! subqueries work on SQLite and PostgreSQL alike); a closed account's redemptions get none.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [Redemptions::CustomerName, Redemptions::CustomerEmail] {
            let length = if matches!(column, Redemptions::CustomerName) { 100 } else { 320 };
            manager
                .alter_table(
                    Table::alter().table(Redemptions::Table).add_column(string_len_null(column, length)).to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Disclosures::Table)
                    .col(uuid(Disclosures::Id).primary_key())
                    .col(uuid(Disclosures::UserId))
                    .col(uuid(Disclosures::PartnerId))
                    .col(uuid(Disclosures::OfferId))
                    .col(uuid(Disclosures::RedemptionId))
                    .col(string_len(Disclosures::Categories, 100))
                    .col(timestamp_with_time_zone(Disclosures::DisclosedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Disclosures::Table, Disclosures::RedemptionId)
                            .to(Redemptions::Table, Redemptions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_disclosures_user_time")
                    .table(Disclosures::Table)
                    .col(Disclosures::UserId)
                    .col(Disclosures::DisclosedAt)
                    .col(Disclosures::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_disclosures_redemption")
                    .table(Disclosures::Table)
                    .col(Disclosures::RedemptionId)
                    .to_owned(),
            )
            .await?;
        // Bookkeeping purges go by unlock time over all partners.
        manager
            .create_index(
                Index::create()
                    .name("idx_redemptions_unlocked_at")
                    .table(Redemptions::Table)
                    .col(Redemptions::UnlockedAt)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE redemptions SET \
               customer_name = (SELECT u.name FROM users u WHERE u.id = redemptions.user_id AND u.closed_at IS NULL), \
               customer_email = (SELECT u.email FROM users u WHERE u.id = redemptions.user_id AND u.closed_at IS NULL) \
             WHERE user_id IS NOT NULL AND offer_id IN (SELECT o.id FROM offers o WHERE o.kind = 'ONE_TIME')",
        )
        .await?;
        // One disclosure per one-time redemption; the redemption's id serves as the disclosure's (unique, and no
        // portable SQL draws UUIDs).
        db.execute_unprepared(
            "INSERT INTO disclosures (id, user_id, partner_id, offer_id, redemption_id, categories, disclosed_at) \
             SELECT r.id, r.user_id, r.partner_id, r.offer_id, r.id, 'name,email', r.unlocked_at \
             FROM redemptions r WHERE r.user_id IS NOT NULL AND r.customer_name IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("idx_redemptions_unlocked_at").table(Redemptions::Table).to_owned())
            .await?;
        manager.drop_table(Table::drop().table(Disclosures::Table).to_owned()).await?;
        for column in [Redemptions::CustomerEmail, Redemptions::CustomerName] {
            manager.alter_table(Table::alter().table(Redemptions::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Redemptions {
    Table,
    Id,
    UnlockedAt,
    CustomerName,
    CustomerEmail,
}

#[derive(DeriveIden)]
enum Disclosures {
    Table,
    Id,
    UserId,
    PartnerId,
    OfferId,
    RedemptionId,
    Categories,
    DisclosedAt,
}
