//! A scan of every table the database has — listed from its own catalogue, so a table added later is covered
//! without editing this file — for traces of one person.

use cogo_tests::TestApp;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use uuid::Uuid;

/// The columns allowed to hold an erased person's account id: bookkeeping kept under the pseudonymous id
/// (Bokföringslagen, policy §4.13), the proof that their requests were answered, and the staff audit log's record
/// of who handled their data (ids only, hash-chained: an entry cannot be removed without breaking the chain).
/// Documented in the README.
/// With an owner column, only in the person's own rows (their ledger entries' references, never someone else's).
pub const BOOKKEEPING_COLUMNS: &[(&str, &str, Option<&str>)] = &[
    ("closed_accounts", "id", None),
    ("point_ledger_entries", "user_id", None),
    ("point_ledger_entries", "reference", Some("user_id")),
    ("point_balances", "user_id", None),
    ("redemptions", "user_id", None),
    ("data_subject_requests", "subject_id", None),
    ("audit_log", "subject_id", None),
];

/// Every `table.column` holding any of the person's e-mail, names or id (outside the bookkeeping columns).
pub async fn traces_of(app: &TestApp, emails: &[&str], names: &[&str], id: Uuid) -> Vec<String> {
    let db = &app.context.db;
    let backend = db.get_database_backend();
    let needles_text: Vec<String> = emails.iter().chain(names).map(|s| s.to_lowercase()).collect();
    let id_needles = [id.to_string(), id.simple().to_string()];
    let mut found = Vec::new();
    for table in tables(app).await {
        for column in columns(app, &table).await {
            let rule = BOOKKEEPING_COLUMNS.iter().find(|(t, c, _)| *t == table && *c == column);
            // The owner column of the row (or the column itself), to tell the person's own rows from others'.
            let owner = rule.map_or(column.as_str(), |(_, _, owner)| owner.unwrap_or(column.as_str()));
            let sql = match backend {
                DatabaseBackend::Postgres => {
                    format!(r#"SELECT "{column}"::text AS v, "{owner}"::text AS o FROM "{table}""#)
                }
                _ => format!(r#"SELECT quote("{column}") AS v, quote("{owner}") AS o FROM "{table}""#),
            };
            let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
            for row in rows {
                let Some(value) = row.try_get::<Option<String>>("", "v").unwrap() else { continue };
                let value = value.to_lowercase();
                let owner_value = row.try_get::<Option<String>>("", "o").unwrap().unwrap_or_default().to_lowercase();
                let names_person = needles_text.iter().any(|needle| value.contains(needle.as_str()));
                let holds_id = id_needles.iter().any(|needle| value.contains(needle.as_str()));
                let own_row = id_needles.iter().any(|needle| owner_value.contains(needle.as_str()));
                let allowed = rule.is_some() && own_row;
                if names_person || (holds_id && !allowed) {
                    found.push(format!("{table}.{column}"));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

async fn tables(app: &TestApp) -> Vec<String> {
    let db = &app.context.db;
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
    let names: Vec<String> = rows.iter().map(|row| row.try_get::<String>("", "name").unwrap()).collect();
    assert!(names.len() > 10, "the catalogue lists the tables: {names:?}");
    names
}

async fn columns(app: &TestApp, table: &str) -> Vec<String> {
    let db = &app.context.db;
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => format!(
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{table}'"
        ),
        _ => format!("SELECT name FROM pragma_table_info('{table}')"),
    };
    let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
    rows.iter().map(|row| row.try_get::<String>("", "name").unwrap()).collect()
}
