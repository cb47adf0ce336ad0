//! `cogo-api [serve|migrate|export-schema|grant-role <email> <ROLE>|purge]` — see the README.

fn main() -> std::process::ExitCode {
    cogo_api::cli::main()
}
