//! The privacy module's rules.

mod deadline;
mod export_format;
mod request_channel;

pub use deadline::ResponseDeadline;
pub use export_format::EXPORT_FORMAT;
pub use request_channel::RequestChannel;
