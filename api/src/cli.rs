//! The command line: `serve` (default), `migrate`, `export-schema`, `grant-role <email> <ROLE>`.

use std::process::ExitCode;

use cogo_kernel::{AuditActor, AuditEntry, AuditSubject, Clock, Role, SystemClock};
use cogo_privacy::service::retention::{PurgeOrderedBy, WhenBusy};
use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::{Application, Settings, database, schema};

const USAGE: &str =
    "usage: cogo-api [serve | migrate | export-schema | grant-role <email> <ROLE> | purge | trusted-documents <files>]
  serve          run the API (default); GraphiQL at http://<COGO_BIND>/graphql
  migrate        apply database migrations and exit
  export-schema  print the GraphQL schema (SDL) to standard output
  grant-role     give an account a staff role: ADMIN, PRIVACY_OFFICER or ANALYST
  purge          run the retention purge once (waits for another instance's) and print what it removed
  trusted-documents <file.graphql>...
                 print the trusted-documents list (hash -> document, JSON) of the clients' operations";

/// The process entry point of the `cogo-api` binary: logging, the command, the exit code.
pub fn main() -> ExitCode {
    crate::telemetry::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("cogo-api: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(std::env::args().skip(1).collect())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // Whatever failed, the database password does not leave with the message.
            eprintln!("cogo-api: {}", crate::settings::scrub_database_url_from(&message));
            ExitCode::FAILURE
        }
    }
}

pub async fn run(args: Vec<String>) -> Result<(), String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["serve"] => {
            let settings = Settings::from_env()?;
            // `Settings`' Debug masks the database password and shows no secret.
            tracing::info!(?settings, "starting");
            Application::build(settings).await?.run_until_stopped().await
        }
        ["migrate"] => {
            database::connect_and_migrate(&Settings::from_env()?).await?;
            println!("database is up to date");
            Ok(())
        }
        ["export-schema"] => {
            print!("{}", schema::sdl());
            Ok(())
        }
        ["grant-role", email, role] => {
            let role = Role::parse(role).ok_or_else(|| format!("unknown role {role}\n{USAGE}"))?;
            let db = database::connect_and_migrate(&Settings::from_env()?).await?;
            grant_role_on(&db, email, role).await?;
            println!("granted {}", role.as_str());
            Ok(())
        }
        ["purge"] => {
            let app = Application::context_only(Settings::from_env()?).await?;
            let ordered_by = PurgeOrderedBy::Person { actor: AuditActor::Operator, request_id: None };
            let report = cogo_privacy::service::retention::run_purge(&app, WhenBusy::Wait, ordered_by)
                .await
                .map_err(|e| e.public_message())?
                .ok_or("the purge lock was not taken")?;
            for (kind, count) in report.iter() {
                println!("{kind}: {count}");
            }
            println!("removed in all: {}", report.total());
            Ok(())
        }
        ["trusted-documents", files @ ..] if !files.is_empty() => {
            let mut sources = Vec::new();
            for file in files {
                let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
                sources.push((file.to_string(), text));
            }
            let manifest = crate::persisted_queries::manifest::build_manifest(&sources)?;
            println!("{}", serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?);
            Ok(())
        }
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    }
}

/// Grants a staff role to the account with this e-mail address, and writes it to the audit log (as the
/// operator's, in the same transaction).
pub async fn grant_role_on(db: &DatabaseConnection, email: &str, role: Role) -> Result<(), String> {
    let grant = async {
        let now = SystemClock.now();
        let txn = db.begin().await?;
        let user_id = cogo_users::service::grant_role(&txn, email, role, now).await?;
        let entry = AuditEntry {
            actor: AuditActor::Operator,
            action: cogo_users::service::ROLE_GRANTED,
            subject: Some(AuditSubject::user(user_id)),
            request_id: None,
            at: now,
        };
        cogo_privacy::service::audit_log::append(&txn, entry).await?;
        txn.commit().await?;
        Ok::<(), cogo_kernel::AppError>(())
    };
    grant.await.map_err(|e| e.public_message())
}
