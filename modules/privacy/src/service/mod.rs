//! The privacy module's services: the request register, export, erasure and the retention purge; the
//! accountability registers (sub-processors, breaches) and the staff audit log.

pub mod audit_log;
pub mod erasure;
pub mod export;
pub mod incidents;
pub mod register;
pub mod retention;
pub mod subprocessors;
