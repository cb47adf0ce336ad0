//! The data paths of the migrations of 2026-11-25: the schema is rolled back to just before one of them, rows of the
//! old shape are written with raw SQL, and the migrations are run forward again.

use chrono::{DateTime, TimeZone, Utc};
use cogo_migration::{Migrator, MigratorTrait};
use cogo_tests::{TestApp, spawn_app};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, QueryResult, Statement, Value};
use uuid::Uuid;

/// Rolls back the migration named `name` and every later one, so the schema is as just before it (the server is
/// idle: nothing else touches the database meanwhile). By name, so a migration added later changes nothing here.
async fn roll_back_to_before<'a>(app: &'a TestApp, name: &str) -> &'a DatabaseConnection {
    let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
    let position = names.iter().position(|n| n == name).unwrap_or_else(|| panic!("no migration {name}"));
    let db = &app.context.db;
    Migrator::down(db, Some(u32::try_from(names.len() - position).unwrap())).await.expect("the migrations roll back");
    db
}

async fn migrate_forward(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("the migrations run forward");
}

/// `sql` with `?` placeholders, numbered (`$1`, …) on PostgreSQL.
fn statement(db: &DatabaseConnection, sql: &str, values: Vec<Value>) -> Statement {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            let mut numbered = String::new();
            let mut n = 0;
            for c in sql.chars() {
                if c == '?' {
                    n += 1;
                    numbered.push_str(&format!("${n}"));
                } else {
                    numbered.push(c);
                }
            }
            numbered
        }
        _ => sql.to_string(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

async fn execute(db: &DatabaseConnection, sql: &str, values: Vec<Value>) {
    db.execute_raw(statement(db, sql, values)).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn query(db: &DatabaseConnection, sql: &str, values: Vec<Value>) -> Vec<QueryResult> {
    db.query_all_raw(statement(db, sql, values)).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, day, hour, 0, 0).unwrap()
}

fn id_of(user: &cogo_tests::TestUser) -> Uuid {
    Uuid::parse_str(&user.id).unwrap()
}

// --- m20261125_000011_step_device_class ---------------------------------------------------------------------------

#[tokio::test]
async fn step_sample_sources_become_device_classes_and_the_source_column_is_dropped() {
    // Arrange: the schema before the device class (11 and later rolled back), three samples with a source.
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let db = roll_back_to_before(&app, "m20261125_000011_step_device_class").await;
    for (n, source) in ["Anna's Apple Watch", "iPhone 15", "Garmin"].into_iter().enumerate() {
        execute(
            db,
            "INSERT INTO step_samples (id, user_id, external_id, source, start_at, end_at, steps, distance_meters, \
             was_user_entered, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                Uuid::now_v7().into(),
                id_of(&anna).into(),
                format!("sample-{n}").into(),
                source.into(),
                at(1, n as u32).into(),
                at(1, n as u32 + 1).into(),
                (1000 * (n as i32 + 1)).into(),
                700.0f64.into(),
                false.into(),
                at(2, 0).into(),
            ],
        )
        .await;
    }

    // Act
    migrate_forward(db).await;

    // Assert
    let rows = query(db, "SELECT device_class FROM step_samples ORDER BY steps", vec![]).await;
    let classes: Vec<String> = rows.iter().map(|row| row.try_get("", "device_class").unwrap()).collect();
    assert_eq!(classes, ["WATCH", "PHONE", "OTHER"]);
    let source = db.query_all_raw(statement(db, "SELECT source FROM step_samples", vec![])).await;
    assert!(source.is_err(), "the source column (a device name, often a person's) is gone");
}

// --- m20261125_000010_consent_purpose_split -----------------------------------------------------------------------

async fn write_marketing_record(
    db: &DatabaseConnection,
    user: Uuid,
    granted: bool,
    channel: &str,
    when: DateTime<Utc>,
) {
    execute(
        db,
        "INSERT INTO consent_records (id, user_id, purpose_key, granted, policy_version, channel, recorded_at) \
         VALUES (?, ?, 'marketing', ?, 1, ?, ?)",
        vec![Uuid::now_v7().into(), user.into(), granted.into(), channel.into(), when.into()],
    )
    .await;
}

async fn write_marketing_state(db: &DatabaseConnection, user: Uuid, granted: bool, when: DateTime<Utc>) {
    execute(
        db,
        "INSERT INTO consent_states (user_id, purpose_key, granted, policy_version, changed_at) \
         VALUES (?, 'marketing', ?, 1, ?)",
        vec![user.into(), granted.into(), when.into()],
    )
    .await;
}

/// (granted, channel, recorded_at) of the user's records for `purpose`, oldest first.
async fn records_of(db: &DatabaseConnection, user: Uuid, purpose: &str) -> Vec<(bool, String, DateTime<Utc>)> {
    query(
        db,
        "SELECT granted, channel, recorded_at FROM consent_records WHERE user_id = ? AND purpose_key = ? \
         ORDER BY recorded_at",
        vec![user.into(), purpose.into()],
    )
    .await
    .iter()
    .map(|row| {
        (
            row.try_get("", "granted").unwrap(),
            row.try_get("", "channel").unwrap(),
            row.try_get("", "recorded_at").unwrap(),
        )
    })
    .collect()
}

/// (granted, changed_at) of the user's state for `purpose`, if any.
async fn state_of(db: &DatabaseConnection, user: Uuid, purpose: &str) -> Option<(bool, DateTime<Utc>)> {
    query(
        db,
        "SELECT granted, changed_at FROM consent_states WHERE user_id = ? AND purpose_key = ?",
        vec![user.into(), purpose.into()],
    )
    .await
    .first()
    .map(|row| (row.try_get("", "granted").unwrap(), row.try_get("", "changed_at").unwrap()))
}

#[tokio::test]
async fn a_current_in_app_marketing_grant_carries_over_to_partner_offers_and_an_objection_does_not() {
    // Arrange: the schema before the split (10 and later rolled back). The granter first objected, then granted in
    // the app; the objector first granted in the app, then objected.
    let app = spawn_app().await;
    let db = roll_back_to_before(&app, "m20261125_000010_consent_purpose_split").await;
    let (granter, objector) = (Uuid::new_v4(), Uuid::new_v4());
    write_marketing_record(db, granter, false, "app", at(1, 9)).await;
    write_marketing_record(db, granter, true, "app", at(3, 9)).await;
    write_marketing_state(db, granter, true, at(3, 9)).await;
    write_marketing_record(db, objector, true, "app", at(1, 9)).await;
    write_marketing_record(db, objector, false, "app", at(3, 9)).await;
    write_marketing_state(db, objector, false, at(3, 9)).await;

    // Act
    migrate_forward(db).await;

    // Assert
    assert_eq!(
        records_of(db, granter, "partner_offers").await,
        [(true, "migration".to_string(), at(3, 9))],
        "the grant is carried over with its time, marked as the migration's"
    );
    assert_eq!(state_of(db, granter, "partner_offers").await, Some((true, at(3, 9))));
    assert!(records_of(db, objector, "partner_offers").await.is_empty(), "an objection carries nothing over");
    assert_eq!(state_of(db, objector, "partner_offers").await, None);
    assert_eq!(state_of(db, granter, "marketing").await, Some((true, at(3, 9))), "marketing is untouched");
    assert_eq!(state_of(db, objector, "marketing").await, Some((false, at(3, 9))), "marketing is untouched");
    assert_eq!(records_of(db, granter, "marketing").await.len(), 2);
    assert_eq!(records_of(db, objector, "marketing").await.len(), 2);
}

// --- m20261125_000012_offers_disclosures --------------------------------------------------------------------------

async fn write_offer(db: &DatabaseConnection, partner: Uuid, kind: &str) -> Uuid {
    let id = Uuid::now_v7();
    execute(
        db,
        "INSERT INTO offers (id, partner_id, title, description, cost_points, kind, status, valid_from, valid_until, \
         unlock_count, created_at, updated_at) VALUES (?, ?, ?, 'An offer', 100, ?, 'ACTIVE', ?, ?, 1, ?, ?)",
        vec![
            id.into(),
            partner.into(),
            format!("A {kind} offer").into(),
            kind.into(),
            at(1, 0).into(),
            at(30, 0).into(),
            at(1, 0).into(),
            at(1, 0).into(),
        ],
    )
    .await;
    id
}

async fn write_redemption(db: &DatabaseConnection, offer: Uuid, partner: Uuid, user: Uuid, code: &str) -> Uuid {
    let id = Uuid::now_v7();
    execute(
        db,
        "INSERT INTO redemptions (id, offer_id, partner_id, user_id, code, status, unlocked_at) \
         VALUES (?, ?, ?, ?, ?, 'UNLOCKED', ?)",
        vec![id.into(), offer.into(), partner.into(), user.into(), code.into(), at(5, 12).into()],
    )
    .await;
    id
}

/// (customer_name, customer_email) of a redemption.
async fn customer_of(db: &DatabaseConnection, redemption: Uuid) -> (Option<String>, Option<String>) {
    let rows =
        query(db, "SELECT customer_name, customer_email FROM redemptions WHERE id = ?", vec![redemption.into()]).await;
    (rows[0].try_get("", "customer_name").unwrap(), rows[0].try_get("", "customer_email").unwrap())
}

/// (user_id, partner_id, offer_id, categories, disclosed_at) of the disclosures of a redemption.
async fn disclosures_of(db: &DatabaseConnection, redemption: Uuid) -> Vec<(Uuid, Uuid, Uuid, String, DateTime<Utc>)> {
    query(
        db,
        "SELECT user_id, partner_id, offer_id, categories, disclosed_at FROM disclosures WHERE redemption_id = ?",
        vec![redemption.into()],
    )
    .await
    .iter()
    .map(|row| {
        (
            row.try_get("", "user_id").unwrap(),
            row.try_get("", "partner_id").unwrap(),
            row.try_get("", "offer_id").unwrap(),
            row.try_get("", "categories").unwrap(),
            row.try_get("", "disclosed_at").unwrap(),
        )
    })
    .collect()
}

#[tokio::test]
async fn an_existing_one_time_redemption_of_an_open_account_gets_the_customer_and_one_disclosure() {
    // Arrange: the schema before the disclosure log (12 and later rolled back); Anna's account is open, Bertil's
    // closed.
    let app = spawn_app().await;
    let anna = app.sign_up("Anna Andersson").await;
    let bertil = app.sign_up("Bertil Berg").await;
    let db = roll_back_to_before(&app, "m20261125_000012_offers_disclosures").await;
    execute(db, "UPDATE users SET closed_at = ? WHERE id = ?", vec![at(6, 0).into(), id_of(&bertil).into()]).await;
    let partner = Uuid::now_v7();
    execute(
        db,
        "INSERT INTO partners (id, name, org_number, created_at) VALUES (?, 'Café Kaka', '556677-8899', ?)",
        vec![partner.into(), at(1, 0).into()],
    )
    .await;
    let one_time = write_offer(db, partner, "ONE_TIME").await;
    let reusable = write_offer(db, partner, "REUSABLE").await;
    let annas_one_time = write_redemption(db, one_time, partner, id_of(&anna), "ONETIME001").await;
    let annas_reusable = write_redemption(db, reusable, partner, id_of(&anna), "REUSABL001").await;
    let bertils_one_time = write_redemption(db, one_time, partner, id_of(&bertil), "ONETIME002").await;

    // Act
    migrate_forward(db).await;

    // Assert
    assert_eq!(customer_of(db, annas_one_time).await, (Some(anna.name.clone()), Some(anna.email.clone())));
    assert_eq!(
        disclosures_of(db, annas_one_time).await,
        [(id_of(&anna), partner, one_time, "name,email".to_string(), at(5, 12))],
        "one disclosure, at the unlock"
    );
    assert_eq!(customer_of(db, annas_reusable).await, (None, None), "a reusable offer shares only a pseudonym");
    assert!(disclosures_of(db, annas_reusable).await.is_empty());
    assert_eq!(customer_of(db, bertils_one_time).await, (None, None), "a closed account has nothing to share");
    assert!(disclosures_of(db, bertils_one_time).await.is_empty());
}
