//! GraphQL types of the offers module: explicit wrappers of the entities, one audience per type.

mod inputs;
mod offer;
mod partner;
mod redemption;

pub use inputs::{CreateOfferInput, CreatePartnerInput};
pub use offer::{Offer, PartnerOffer};
pub use partner::{MerchantPartner, Partner};
pub use redemption::{Customer, PartnerRedemption, Redemption, UnlockResult};
