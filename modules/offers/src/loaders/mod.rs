//! Batch loaders of the offers module: one query per batch, whatever the page size.

mod offer;
mod partner;
mod restriction;

pub use offer::OfferLoader;
pub use partner::{KnownPartners, PartnerLoader};
pub use restriction::RestrictionLoader;
