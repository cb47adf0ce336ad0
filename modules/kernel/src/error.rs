//! One error type for the whole API. It decides the GraphQL face of every failure.
//!
//! `AppError` deliberately has no `Display` impl: async-graphql converts anything that is `Display` into an error
//! message, and that is how raw database messages leak to clients. The only way out is [`From<AppError>`] below,
//! which masks internal errors.

use async_graphql::ErrorExtensions;
use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr, SqlErr, SqlxError};

pub type AppResult<T> = Result<T, AppError>;

/// What a client is told to wait before retrying while the database is unreachable: long enough that an app does
/// not hammer a recovering server, short enough that a restart or fail-over (seconds) is barely noticed.
pub const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS: i64 = 5;

/// The stable `extensions.code` values clients may rely on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    ConsentRequired,
    ProcessingRestricted,
    InsufficientPoints,
    EmailNotVerified,
    RateLimited,
    ServiceUnavailable,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::ConsentRequired => "CONSENT_REQUIRED",
            ErrorCode::ProcessingRestricted => "PROCESSING_RESTRICTED",
            ErrorCode::InsufficientPoints => "INSUFFICIENT_POINTS",
            ErrorCode::EmailNotVerified => "EMAIL_NOT_VERIFIED",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

#[derive(Debug, Clone)]
pub enum AppError {
    /// No valid session: missing, expired, forged or revoked credentials.
    Unauthenticated(&'static str),
    /// Signed in, but this actor may not do this.
    Forbidden,
    /// The thing does not exist, or the actor may not know that it exists.
    NotFound(&'static str),
    /// Input that fails validation; `field` names the offending input field.
    BadUserInput { field: &'static str, message: String },
    /// A uniqueness or state conflict (taken e-mail, code already redeemed, ...).
    Conflict(String),
    /// The processing needs a consent the user has not given (or has withdrawn); names the purpose.
    ConsentRequired(&'static str),
    /// The user restricted the processing of their data (art. 18); lift the restriction first.
    ProcessingRestricted,
    /// A debit larger than the balance.
    InsufficientPoints { balance: i64, required: i64 },
    /// Value may leave an account (an unlock, a referral reward) only once its e-mail address is verified.
    EmailNotVerified,
    /// Too many attempts; try again after the given number of seconds.
    RateLimited { retry_after_seconds: i64 },
    /// The database cannot be reached right now (down, restarting, connections cut, pool exhausted): nothing was
    /// done, and the same request may succeed if retried after `retryAfterSeconds`.
    ServiceUnavailable,
    /// Anything unexpected. Logged with its cause; the client sees only `INTERNAL` and an incident id.
    Internal(String),
}

impl AppError {
    pub fn bad_input(field: &'static str, message: impl Into<String>) -> Self {
        AppError::BadUserInput { field, message: message.into() }
    }

    pub fn internal(cause: impl std::fmt::Debug) -> Self {
        AppError::Internal(format!("{cause:?}"))
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::BadUserInput { .. } => ErrorCode::BadUserInput,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::ConsentRequired(_) => ErrorCode::ConsentRequired,
            AppError::ProcessingRestricted => ErrorCode::ProcessingRestricted,
            AppError::InsufficientPoints { .. } => ErrorCode::InsufficientPoints,
            AppError::EmailNotVerified => ErrorCode::EmailNotVerified,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::ServiceUnavailable => ErrorCode::ServiceUnavailable,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The message shown to the client. Never contains a database message or a stack.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Unauthenticated(why) => (*why).to_string(),
            AppError::Forbidden => "you are not allowed to do this".into(),
            AppError::NotFound(what) => format!("{what} not found"),
            AppError::BadUserInput { field, message } => format!("{field}: {message}"),
            AppError::Conflict(message) => message.clone(),
            AppError::ConsentRequired(purpose) => {
                format!("this needs your consent for the purpose '{purpose}'")
            }
            AppError::ProcessingRestricted => {
                "you have restricted the processing of your data; lift the restriction to do this".into()
            }
            AppError::InsufficientPoints { balance, required } => {
                format!("not enough points: {required} needed, {balance} available")
            }
            AppError::EmailNotVerified => {
                "verify your e-mail address first (requestEmailVerification sends you a code)".into()
            }
            AppError::RateLimited { retry_after_seconds } => {
                format!("too many attempts; try again in {retry_after_seconds} seconds")
            }
            AppError::ServiceUnavailable => "the service is temporarily unavailable; try again shortly".into(),
            AppError::Internal(_) => "internal error".into(),
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        let code = err.code().as_str();
        let message = err.public_message();
        match err {
            AppError::Internal(cause) => {
                let incident = uuid::Uuid::new_v4();
                // The cause may hold SQL; it goes to the log (with the request span), never to the client.
                tracing::error!(%incident, cause = %cause, "internal error");
                async_graphql::Error::new(message).extend_with(|_, ext| {
                    ext.set("code", code);
                    ext.set("incident", incident.to_string());
                })
            }
            AppError::BadUserInput { field, .. } => async_graphql::Error::new(message).extend_with(|_, ext| {
                ext.set("code", code);
                ext.set("field", field);
            }),
            AppError::RateLimited { retry_after_seconds } => {
                async_graphql::Error::new(message).extend_with(|_, ext| {
                    ext.set("code", code);
                    ext.set("retryAfterSeconds", retry_after_seconds);
                })
            }
            AppError::ServiceUnavailable => async_graphql::Error::new(message).extend_with(|_, ext| {
                ext.set("code", code);
                ext.set("retryAfterSeconds", SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS);
            }),
            AppError::ConsentRequired(purpose) => async_graphql::Error::new(message).extend_with(|_, ext| {
                ext.set("code", code);
                ext.set("purpose", purpose);
            }),
            _ => async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", code)),
        }
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(constraint)) => {
                // Services that expect a violation turn it into their own message; one that arrives here
                // unexpected is worth a look. The database's message names the constraint, not the values.
                tracing::warn!(%constraint, "unique constraint violated");
                AppError::Conflict("this already exists".into())
            }
            _ => match &err {
                DbErr::RecordNotFound(_) => AppError::NotFound("record"),
                _ if is_connection_failure(&err) => {
                    // Connection-level messages ("connection refused", "pool timed out") hold no SQL or data.
                    tracing::warn!(error = %err, "database unavailable");
                    AppError::ServiceUnavailable
                }
                _ => AppError::internal(err),
            },
        }
    }
}

/// Whether the database could not be reached or the connection died under the statement, as opposed to the
/// statement itself failing: the first is worth a retry, the second is a bug.
fn is_connection_failure(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout | ConnAcquireErr::ConnectionClosed) => true,
        DbErr::Conn(RuntimeErr::SqlxError(sqlx))
        | DbErr::Exec(RuntimeErr::SqlxError(sqlx))
        | DbErr::Query(RuntimeErr::SqlxError(sqlx)) => is_sqlx_connection_failure(sqlx),
        // SeaORM's own "Disconnected": the pool was closed.
        DbErr::Conn(RuntimeErr::Internal(_)) => true,
        _ => false,
    }
}

fn is_sqlx_connection_failure(err: &SqlxError) -> bool {
    match err {
        SqlxError::Io(_) | SqlxError::PoolTimedOut | SqlxError::PoolClosed | SqlxError::WorkerCrashed => true,
        // PostgreSQL's SQLSTATE class 08 (connection exception) and 57P01–57P03: the server is shutting down, was
        // told to end this session (`pg_terminate_backend`) or is still starting; 53300: too many connections.
        SqlxError::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(err: AppError) -> String {
        let gql: async_graphql::Error = err.into();
        let ext = gql.extensions.expect("extensions are always set");
        match ext.get("code") {
            Some(async_graphql::Value::String(code)) => code.clone(),
            other => panic!("no code: {other:?}"),
        }
    }

    #[test]
    fn every_variant_has_its_stable_code() {
        assert_eq!(code_of(AppError::Unauthenticated("x")), "UNAUTHENTICATED");
        assert_eq!(code_of(AppError::Forbidden), "FORBIDDEN");
        assert_eq!(code_of(AppError::NotFound("offer")), "NOT_FOUND");
        assert_eq!(code_of(AppError::bad_input("email", "invalid")), "BAD_USER_INPUT");
        assert_eq!(code_of(AppError::Conflict("taken".into())), "CONFLICT");
        assert_eq!(code_of(AppError::ConsentRequired("health_data")), "CONSENT_REQUIRED");
        assert_eq!(code_of(AppError::ProcessingRestricted), "PROCESSING_RESTRICTED");
        assert_eq!(code_of(AppError::InsufficientPoints { balance: 1, required: 2 }), "INSUFFICIENT_POINTS");
        assert_eq!(code_of(AppError::RateLimited { retry_after_seconds: 9 }), "RATE_LIMITED");
        assert_eq!(code_of(AppError::ServiceUnavailable), "SERVICE_UNAVAILABLE");
        assert_eq!(code_of(AppError::internal("boom")), "INTERNAL");
    }

    #[test]
    fn connection_level_database_errors_become_service_unavailable_with_a_retry_hint() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection reset by peer");
        for err in [
            DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
            DbErr::Conn(RuntimeErr::SqlxError(SqlxError::Io(refused).into())),
            DbErr::Query(RuntimeErr::SqlxError(SqlxError::Io(reset).into())),
            DbErr::Exec(RuntimeErr::SqlxError(SqlxError::PoolClosed.into())),
            DbErr::Conn(RuntimeErr::Internal("Disconnected".into())),
        ] {
            let app: AppError = err.clone().into();
            assert_eq!(app.code(), ErrorCode::ServiceUnavailable, "{err:?}");
            let gql: async_graphql::Error = app.into();
            let ext = gql.extensions.expect("extensions are always set");
            assert_eq!(
                ext.get("retryAfterSeconds"),
                Some(&async_graphql::Value::from(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS))
            );
        }
    }

    #[test]
    fn statement_errors_stay_internal() {
        let err = DbErr::Query(RuntimeErr::SqlxError(SqlxError::RowNotFound.into()));
        assert_eq!(AppError::from(err).code(), ErrorCode::Internal);
        let err = DbErr::Query(RuntimeErr::SqlxError(SqlxError::Protocol("unexpected message".into()).into()));
        assert_eq!(AppError::from(err).code(), ErrorCode::Internal);
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        let gql: async_graphql::Error = AppError::internal("SELECT secret FROM users WHERE password = 'x'").into();
        assert_eq!(gql.message, "internal error");
    }

    #[test]
    fn database_errors_become_internal_without_sql() {
        let err: AppError = DbErr::Custom("relation \"users\" does not exist".into()).into();
        assert_eq!(err.code(), ErrorCode::Internal);
        assert_eq!(err.public_message(), "internal error");
    }
}
