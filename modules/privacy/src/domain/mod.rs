//! The privacy module's rules.

pub mod audit_chain;
pub mod breach_deadline;
mod deadline;
mod export_format;
mod request_channel;
pub mod subprocessor_register;
mod supervisory_authority;

pub use deadline::ResponseDeadline;
pub use export_format::EXPORT_FORMAT;
pub use request_channel::RequestChannel;
pub use supervisory_authority::SupervisoryAuthorityContact;
