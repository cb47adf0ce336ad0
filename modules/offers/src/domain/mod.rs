//! Domain types of the offers module. They validate on construction and name the policy rule they keep.

mod code;
mod org_number;
mod pseudonym;
mod status;
mod terms;
mod text;

pub use code::RedemptionCode;
pub use org_number::OrgNumber;
pub use pseudonym::PseudonymKey;
pub use status::{OfferKind, OfferStatus, RedemptionStatus};
pub use terms::{NewOffer, OfferTerms};
pub use text::BoundedText;
