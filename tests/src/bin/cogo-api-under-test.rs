//! The real `cogo-api` binary, built inside the tests package so the black-box tests can start it as a separate
//! process (`CARGO_BIN_EXE_cogo-api-under-test`): several instances on one database, signals, its log output.

fn main() -> std::process::ExitCode {
    cogo_api::cli::main()
}
