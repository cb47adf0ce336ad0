//! Database migrations of every module, one file per change, named by date and subject.
//! They run on SQLite and PostgreSQL alike; the API applies them at start (and `cogo-api migrate`).

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_users;
mod m20261123_000002_consent;
mod m20261123_000003_points;
mod m20261123_000004_steps;
mod m20261123_000005_offers;
mod m20261123_000006_referrals;
mod m20261123_000007_processing_restriction;
mod m20261125_000008_privacy_register;
mod m20261125_000009_closed_accounts;
mod m20261125_000010_consent_purpose_split;
mod m20261125_000011_step_device_class;
mod m20261125_000012_offers_disclosures;
mod m20261125_000013_referral_reward_references;
mod m20261125_000014_unlock_idempotency;
mod m20261125_000015_session_lifetime;
mod m20261125_000016_change_notifications;
mod m20261126_000017_accountability;
mod m20261126_000018_mail_outbox;
mod m20261126_000019_email_verification;
mod m20261126_000020_sign_in_providers;
mod m20261126_000021_telemetry;
mod m20261126_000022_redemption_notifications;
mod m20261126_000023_scheduled_purges;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_users::Migration),
            Box::new(m20261123_000002_consent::Migration),
            Box::new(m20261123_000003_points::Migration),
            Box::new(m20261123_000004_steps::Migration),
            Box::new(m20261123_000005_offers::Migration),
            Box::new(m20261123_000006_referrals::Migration),
            Box::new(m20261123_000007_processing_restriction::Migration),
            Box::new(m20261125_000008_privacy_register::Migration),
            Box::new(m20261125_000009_closed_accounts::Migration),
            Box::new(m20261125_000010_consent_purpose_split::Migration),
            Box::new(m20261125_000011_step_device_class::Migration),
            Box::new(m20261125_000012_offers_disclosures::Migration),
            Box::new(m20261125_000013_referral_reward_references::Migration),
            Box::new(m20261125_000014_unlock_idempotency::Migration),
            Box::new(m20261125_000015_session_lifetime::Migration),
            Box::new(m20261125_000016_change_notifications::Migration),
            Box::new(m20261126_000017_accountability::Migration),
            Box::new(m20261126_000018_mail_outbox::Migration),
            Box::new(m20261126_000019_email_verification::Migration),
            Box::new(m20261126_000020_sign_in_providers::Migration),
            Box::new(m20261126_000021_telemetry::Migration),
            Box::new(m20261126_000022_redemption_notifications::Migration),
            Box::new(m20261126_000023_scheduled_purges::Migration),
        ]
    }
}
