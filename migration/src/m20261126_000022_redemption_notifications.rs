//! Live updates: PostgreSQL tells every API instance when a redemption code is unlocked or redeemed, by ids only
//! (the redemption, its partner, its customer); the instance a subscriber is connected to loads the row for the
//! subscribers it concerns
//! (`myRedemptionUpdates`, `partnerRedemptionEvents`). The same triggers as the caches' (migration 000016).

use sea_orm_migration::prelude::*;

use crate::m20261125_000016_change_notifications::{Notifier, run_on_postgres};

#[derive(DeriveMigrationName)]
pub struct Migration;

const REDEMPTION_CHANGED: Notifier = Notifier {
    name: "redemption_changed",
    table: "redemptions",
    events: "INSERT OR UPDATE OF status",
    each: "ROW",
    payload: "'redemption:' || NEW.id::text || ':' || NEW.partner_id::text || ':' || COALESCE(NEW.user_id::text, 'none')",
};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_on_postgres(manager, REDEMPTION_CHANGED.create_statements().into_iter()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_on_postgres(manager, REDEMPTION_CHANGED.drop_statements().into_iter()).await
    }
}
