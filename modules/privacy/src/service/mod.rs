//! The privacy module's services: the request register, export, erasure and the retention purge.

pub mod erasure;
pub mod export;
pub mod register;
pub mod retention;
