//! Accountability (policy §3.1, §4.12, §5.1–5.3, §5.10, §8.1): the sub-processor register with its history, the
//! breach register, the staff audit log with the head of its hash chain, and the yearly reviews of the policy.
//!
//! The register is seeded with the sub-processors the policy names — Google Analytics for app statistics (§5.3),
//! Apple HealthKit as the step source (§5.4) — and, as placeholders to replace with the real suppliers, the e-mail
//! provider and the bookkeeping system §5.2 mentions. They are in effect from the first policy version's date.

use sea_orm::prelude::Uuid;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The first policy version's date: the seeded register is what that version described.
const SEEDED_AT: &str = "2026-01-01T00:00:00Z";

/// The hash before the first entry: 64 zeros.
const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// (id, name, purpose, location, transfer safeguard, placeholder)
const SEEDED_SUBPROCESSORS: [(&str, &str, &str, &str, &str, bool); 4] = [
    (
        "0193f0a0-0000-7000-8000-000000000001",
        "Google Analytics",
        "Statistics on how the app is used, to develop it (§5.3). Aggregate only; no name or e-mail is sent.",
        "EU/EEA and USA",
        "EU–US Data Privacy Framework and the EU standard contractual clauses",
        false,
    ),
    (
        "0193f0a0-0000-7000-8000-000000000002",
        "Apple HealthKit",
        "The source of the steps synced to CoGo, with the user's permission on the phone (§5.4–5.5).",
        "On the user's iPhone",
        "No transfer: the app reads the steps on the phone and sends them to CoGo's servers in Sweden",
        false,
    ),
    (
        "0193f0a0-0000-7000-8000-000000000003",
        "E-mail provider (placeholder: name the supplier)",
        "Sends e-mail to users: account messages and, with consent, news (§5.2).",
        "EU/EEA (to confirm)",
        "None needed within the EU/EEA (to confirm with the supplier)",
        true,
    ),
    (
        "0193f0a0-0000-7000-8000-000000000004",
        "Bookkeeping system (placeholder: name the supplier)",
        "Keeps the accounting records bookkeeping law requires (§4.13, §5.2).",
        "Sweden (to confirm)",
        "None needed within the EU/EEA (to confirm with the supplier)",
        true,
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_subprocessor_versions(manager).await?;
        create_incidents(manager).await?;
        create_audit_log(manager).await?;
        create_policy_reviews(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PrivacyPolicyReviews::Table.into_iden(),
            AuditLogHead::Table.into_iden(),
            AuditLog::Table.into_iden(),
            PersonalDataIncidents::Table.into_iden(),
            SubprocessorVersions::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

async fn create_subprocessor_versions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(SubprocessorVersions::Table)
                .col(uuid(SubprocessorVersions::Id).primary_key())
                .col(string_len(SubprocessorVersions::NameKey, 100))
                .col(string_len(SubprocessorVersions::Name, 100))
                .col(text(SubprocessorVersions::Purpose))
                .col(string_len(SubprocessorVersions::Location, 100))
                .col(text(SubprocessorVersions::TransferSafeguard))
                .col(boolean(SubprocessorVersions::Placeholder))
                .col(boolean(SubprocessorVersions::Material))
                .col(timestamp_with_time_zone(SubprocessorVersions::RecordedAt))
                .col(timestamp_with_time_zone(SubprocessorVersions::EffectiveFrom))
                .col(uuid_null(SubprocessorVersions::RecordedBy))
                .to_owned(),
        )
        .await?;
    for (name, column) in [
        ("idx_subprocessor_versions_name_key", SubprocessorVersions::NameKey),
        ("idx_subprocessor_versions_recorded_at", SubprocessorVersions::RecordedAt),
    ] {
        manager
            .create_index(Index::create().name(name).table(SubprocessorVersions::Table).col(column).to_owned())
            .await?;
    }
    let seeded_at = chrono::DateTime::parse_from_rfc3339(SEEDED_AT)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    for (id, name, purpose, location, safeguard, placeholder) in SEEDED_SUBPROCESSORS {
        let id = Uuid::parse_str(id).map_err(|e| DbErr::Custom(e.to_string()))?;
        let insert = Query::insert()
            .into_table(SubprocessorVersions::Table)
            .columns([
                SubprocessorVersions::Id,
                SubprocessorVersions::NameKey,
                SubprocessorVersions::Name,
                SubprocessorVersions::Purpose,
                SubprocessorVersions::Location,
                SubprocessorVersions::TransferSafeguard,
                SubprocessorVersions::Placeholder,
                SubprocessorVersions::Material,
                SubprocessorVersions::RecordedAt,
                SubprocessorVersions::EffectiveFrom,
            ])
            .values_panic([
                id.into(),
                name.trim().to_lowercase().into(),
                name.into(),
                purpose.into(),
                location.into(),
                safeguard.into(),
                placeholder.into(),
                true.into(),
                seeded_at.into(),
                seeded_at.into(),
            ])
            .to_owned();
        manager.exec_stmt(insert).await?;
    }
    Ok(())
}

async fn create_incidents(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(PersonalDataIncidents::Table)
                .col(uuid(PersonalDataIncidents::Id).primary_key())
                .col(timestamp_with_time_zone(PersonalDataIncidents::DetectedAt))
                .col(timestamp_with_time_zone(PersonalDataIncidents::ReportedAt))
                .col(uuid(PersonalDataIncidents::ReportedBy))
                .col(text(PersonalDataIncidents::Description))
                .col(text(PersonalDataIncidents::DataCategories))
                .col(text(PersonalDataIncidents::SubjectCategories))
                .col(big_integer(PersonalDataIncidents::ApproxSubjects))
                .col(text_null(PersonalDataIncidents::LikelyConsequences))
                .col(text_null(PersonalDataIncidents::MeasuresTaken))
                .col(timestamp_with_time_zone(PersonalDataIncidents::NotifyAuthorityBy))
                .col(timestamp_with_time_zone_null(PersonalDataIncidents::AuthorityNotifiedAt))
                .col(timestamp_with_time_zone_null(PersonalDataIncidents::SubjectsNotifiedAt))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_personal_data_incidents_detected_at")
                .table(PersonalDataIncidents::Table)
                .col(PersonalDataIncidents::DetectedAt)
                .to_owned(),
        )
        .await
}

async fn create_audit_log(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_integer(AuditLog::Position).primary_key())
                .col(uuid_uniq(AuditLog::Id))
                .col(uuid_null(AuditLog::PreviousId))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(string_len(AuditLog::ActorKind, 16))
                .col(uuid_null(AuditLog::ActorId))
                .col(string_len(AuditLog::Action, 64))
                .col(string_len_null(AuditLog::SubjectKind, 32))
                .col(string_len_null(AuditLog::SubjectId, 64))
                .col(string_len_null(AuditLog::RequestId, 64))
                .col(string_len(AuditLog::PreviousHash, 64))
                .col(string_len(AuditLog::Hash, 64))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(AuditLogHead::Table)
                .col(integer(AuditLogHead::Id).primary_key())
                .col(big_integer(AuditLogHead::Position))
                .col(uuid_null(AuditLogHead::EntryId))
                .col(string_len(AuditLogHead::Hash, 64))
                .to_owned(),
        )
        .await?;
    let head = Query::insert()
        .into_table(AuditLogHead::Table)
        .columns([AuditLogHead::Id, AuditLogHead::Position, AuditLogHead::Hash])
        .values_panic([1.into(), 0i64.into(), GENESIS_HASH.into()])
        .to_owned();
    manager.exec_stmt(head).await
}

async fn create_policy_reviews(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(PrivacyPolicyReviews::Table)
                .col(uuid(PrivacyPolicyReviews::Id).primary_key())
                .col(integer(PrivacyPolicyReviews::Version))
                .col(timestamp_with_time_zone(PrivacyPolicyReviews::ReviewedAt))
                .col(uuid(PrivacyPolicyReviews::ReviewedBy))
                .col(text(PrivacyPolicyReviews::Note))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_privacy_policy_reviews_version")
                .table(PrivacyPolicyReviews::Table)
                .col(PrivacyPolicyReviews::Version)
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden)]
enum SubprocessorVersions {
    Table,
    Id,
    NameKey,
    Name,
    Purpose,
    Location,
    TransferSafeguard,
    Placeholder,
    Material,
    RecordedAt,
    EffectiveFrom,
    RecordedBy,
}

#[derive(DeriveIden)]
enum PersonalDataIncidents {
    Table,
    Id,
    DetectedAt,
    ReportedAt,
    ReportedBy,
    Description,
    DataCategories,
    SubjectCategories,
    ApproxSubjects,
    LikelyConsequences,
    MeasuresTaken,
    NotifyAuthorityBy,
    AuthorityNotifiedAt,
    SubjectsNotifiedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Position,
    Id,
    PreviousId,
    At,
    ActorKind,
    ActorId,
    Action,
    SubjectKind,
    SubjectId,
    RequestId,
    PreviousHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditLogHead {
    Table,
    Id,
    Position,
    EntryId,
    Hash,
}

#[derive(DeriveIden)]
enum PrivacyPolicyReviews {
    Table,
    Id,
    Version,
    ReviewedAt,
    ReviewedBy,
    Note,
}
