//! Tables owned by the offers module.

pub mod disclosure;
pub mod offer;
pub mod partner;
pub mod partner_member;
pub mod redemption;
pub mod unlock_count;
pub mod unlock_request;
