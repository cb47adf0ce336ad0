//! `cogo-api [serve|migrate|export-schema|grant-role <email> <ROLE>]` — see the README.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    cogo_api::telemetry::init();
    match cogo_api::cli::run(std::env::args().skip(1).collect()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cogo-api: {message}");
            ExitCode::FAILURE
        }
    }
}
