//! One error type for the whole API. It decides the GraphQL face of every failure.
//!
//! `AppError` deliberately has no `Display` impl: async-graphql converts anything that is `Display` into an error
//! message, and that is how raw database messages leak to clients. The only way out is [`From<AppError>`] below,
//! which masks internal errors.

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};

pub type AppResult<T> = Result<T, AppError>;

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
    RateLimited,
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
            ErrorCode::RateLimited => "RATE_LIMITED",
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
    /// Too many attempts; try again after the given number of seconds.
    RateLimited { retry_after_seconds: i64 },
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
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
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
            AppError::RateLimited { retry_after_seconds } => {
                format!("too many attempts; try again in {retry_after_seconds} seconds")
            }
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
                _ => AppError::internal(err),
            },
        }
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
        assert_eq!(code_of(AppError::internal("boom")), "INTERNAL");
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
