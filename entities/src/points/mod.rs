//! Tables owned by the points module.

pub mod balance;
pub mod ledger_entry;
