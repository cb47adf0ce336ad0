//! Consent module: purposes with legal bases (seeded), append-only consent records with their current state,
//! privacy-policy versions (version 1 seeded with the policy in force) and acceptances.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The purposes of processing and their legal bases, from the policy (§4.1, §4.8, §5.3–5.5, §4.13).
const PURPOSES: &[(&str, &str, &str)] = &[
    (
        "account",
        "CONTRACT",
        "Your account: full name and e-mail address, log-in, your profile with CoGo points, offers you unlock and \
         referrals. Needed to provide the app you signed up for (§4.4–4.5, §4.9–4.10).",
    ),
    (
        "health_data",
        "CONSENT",
        "Step and distance data from Apple HealthKit, used only to turn your walking into CoGo points and to check \
         that the movement is real. Never shared with third parties (§5.4–5.8).",
    ),
    (
        "marketing",
        "LEGITIMATE_INTEREST",
        "News about CoGo and partner offers by e-mail. You can object at any time, and we stop (§4.1).",
    ),
    ("analytics", "CONSENT", "Statistics about how the app is used, to improve it (§5.3)."),
    (
        "personal_number",
        "CONSENT",
        "Your personal identity number (personnummer), only for services that need a verified identity (§4.8).",
    ),
    (
        "bookkeeping",
        "LEGAL_OBLIGATION",
        "Records the Swedish Bookkeeping Act (Bokföringslagen 1999:1078) requires us to keep (§4.13).",
    ),
];

const POLICY_V1: &str = include_str!("seed/privacy_policy_v1.txt");

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConsentPurposes::Table)
                    .col(string_len(ConsentPurposes::Key, 64).primary_key())
                    .col(string_len(ConsentPurposes::LegalBasis, 32))
                    .col(text(ConsentPurposes::Description))
                    .col(integer(ConsentPurposes::Position))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConsentRecords::Table)
                    .col(uuid(ConsentRecords::Id).primary_key())
                    .col(uuid(ConsentRecords::UserId))
                    .col(string_len(ConsentRecords::PurposeKey, 64))
                    .col(boolean(ConsentRecords::Granted))
                    .col(integer(ConsentRecords::PolicyVersion))
                    .col(string_len(ConsentRecords::Channel, 32))
                    .col(timestamp_with_time_zone(ConsentRecords::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ConsentRecords::Table, ConsentRecords::PurposeKey)
                            .to(ConsentPurposes::Table, ConsentPurposes::Key),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_consent_records_user")
                    .table(ConsentRecords::Table)
                    .col(ConsentRecords::UserId)
                    .col(ConsentRecords::RecordedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConsentStates::Table)
                    .col(uuid(ConsentStates::UserId))
                    .col(string_len(ConsentStates::PurposeKey, 64))
                    .col(boolean(ConsentStates::Granted))
                    .col(integer(ConsentStates::PolicyVersion))
                    .col(timestamp_with_time_zone(ConsentStates::ChangedAt))
                    .primary_key(Index::create().col(ConsentStates::UserId).col(ConsentStates::PurposeKey))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_consent_states_purpose")
                    .table(ConsentStates::Table)
                    .col(ConsentStates::PurposeKey)
                    .col(ConsentStates::Granted)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PrivacyPolicyVersions::Table)
                    .col(integer(PrivacyPolicyVersions::Version).primary_key())
                    .col(text(PrivacyPolicyVersions::Body))
                    .col(text(PrivacyPolicyVersions::SummaryOfChanges))
                    .col(timestamp_with_time_zone(PrivacyPolicyVersions::PublishedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PrivacyPolicyAcceptances::Table)
                    .col(uuid(PrivacyPolicyAcceptances::UserId))
                    .col(integer(PrivacyPolicyAcceptances::Version))
                    .col(timestamp_with_time_zone(PrivacyPolicyAcceptances::AcceptedAt))
                    .primary_key(
                        Index::create().col(PrivacyPolicyAcceptances::UserId).col(PrivacyPolicyAcceptances::Version),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PrivacyPolicyAcceptances::Table, PrivacyPolicyAcceptances::Version)
                            .to(PrivacyPolicyVersions::Table, PrivacyPolicyVersions::Version),
                    )
                    .to_owned(),
            )
            .await?;

        for (position, (key, basis, description)) in PURPOSES.iter().enumerate() {
            let insert = Query::insert()
                .into_table(ConsentPurposes::Table)
                .columns([
                    ConsentPurposes::Key,
                    ConsentPurposes::LegalBasis,
                    ConsentPurposes::Description,
                    ConsentPurposes::Position,
                ])
                .values_panic([(*key).into(), (*basis).into(), (*description).into(), (position as i32).into()])
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
        let first_policy = Query::insert()
            .into_table(PrivacyPolicyVersions::Table)
            .columns([
                PrivacyPolicyVersions::Version,
                PrivacyPolicyVersions::Body,
                PrivacyPolicyVersions::SummaryOfChanges,
                PrivacyPolicyVersions::PublishedAt,
            ])
            .values_panic([
                1.into(),
                POLICY_V1.into(),
                "First version of CoGo app AB's data-protection policy.".into(),
                chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
                    .map(|t| t.with_timezone(&chrono::Utc))
                    .map_err(|e| DbErr::Custom(e.to_string()))?
                    .into(),
            ])
            .to_owned();
        manager.exec_stmt(first_policy).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PrivacyPolicyAcceptances::Table.into_iden(),
            PrivacyPolicyVersions::Table.into_iden(),
            ConsentStates::Table.into_iden(),
            ConsentRecords::Table.into_iden(),
            ConsentPurposes::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ConsentPurposes {
    Table,
    Key,
    LegalBasis,
    Description,
    Position,
}

#[derive(DeriveIden)]
enum ConsentRecords {
    Table,
    Id,
    UserId,
    PurposeKey,
    Granted,
    PolicyVersion,
    Channel,
    RecordedAt,
}

#[derive(DeriveIden)]
enum ConsentStates {
    Table,
    UserId,
    PurposeKey,
    Granted,
    PolicyVersion,
    ChangedAt,
}

#[derive(DeriveIden)]
enum PrivacyPolicyVersions {
    Table,
    Version,
    Body,
    SummaryOfChanges,
    PublishedAt,
}

#[derive(DeriveIden)]
enum PrivacyPolicyAcceptances {
    Table,
    UserId,
    Version,
    AcceptedAt,
}
