//! The shared kernel every CoGo module builds on.
//!
//! It is deliberately small: the error type with its stable `extensions.code`, the authenticated [`Actor`],
//! the authorization guards, the [`Module`] plugin trait with its cross-cutting hooks (sign-up, data export,
//! account erasure, domain events), cursor pagination and an injectable [`Clock`].

pub mod actor;
pub mod app;
pub mod audit;
pub mod changes;
pub mod clock;
pub mod complexity;
pub mod date;
pub mod environment;
pub mod error;
pub mod export;
pub mod guard;
pub mod hooks;
pub mod idempotency;
pub mod known_rows;
pub mod live;
pub mod mail;
pub mod me;
pub mod module;
pub mod pagination;
pub mod retention;
pub mod rights;
pub mod short_code;

pub use actor::{Actor, Role};
pub use app::AppContext;
pub use audit::{AuditAction, AuditActor, AuditEntry, AuditSubject, AuditTrail, RequestId, Staff};
pub use changes::{Change, ChangeFeed, ChangeListener, FeedEvent, Propagation, after_commit};
pub use clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use date::Date;
pub use environment::Environment;
pub use error::{AppError, AppResult, ErrorCode, SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS};
pub use export::ExportWriter;
pub use guard::{RequireAuth, RequireRole, actor_from};
pub use hooks::{AccountDirectory, DataRecipient, DomainEvent, Hooks, ModuleHooks};
pub use idempotency::IdempotencyKey;
pub use known_rows::{KnownRows, Stale};
pub use mail::{MailOutbox, OutgoingMail};
pub use me::MeObject;
pub use module::{Module, NoFields, NoSubscriptions, SchemaParts};
pub use retention::{PurgeReport, RetentionPolicy};
pub use rights::DataSubjectRequestKind;
