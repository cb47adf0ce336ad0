//! Batch loaders of the offers module: one query per batch, whatever the page size.

mod offer;
mod partner;
mod restriction;

pub use offer::OfferLoader;
pub use partner::{KnownPartners, PartnerLoader, known_partners};
pub use restriction::RestrictionLoader;
