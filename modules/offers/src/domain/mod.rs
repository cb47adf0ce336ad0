//! Domain types of the offers module. They validate on construction and name the policy rule they keep.

mod code;
mod disclosure;
mod org_number;
mod pseudonym;
mod status;
mod terms;
mod text;

pub use code::RedemptionCode;
pub use disclosure::OneTimeDisclosure;
pub use org_number::OrgNumber;
pub use pseudonym::CustomerPseudonyms;
pub use status::{OfferKind, OfferStatus, RedemptionStatus};
pub use terms::{NewOffer, OfferTerms};
pub use text::BoundedText;
