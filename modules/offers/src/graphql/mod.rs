//! The offers module's part of the GraphQL schema: staff onboard partners, merchants run the portal, users unlock.

mod me;
mod mutation;
mod query;
mod subscription;
mod types;

pub use me::OffersOfMe;
pub use mutation::OffersMutation;
pub use query::OffersQuery;
pub use subscription::OffersSubscription;
pub use types::{
    CreateOfferInput, CreatePartnerInput, Customer, MerchantPartner, Offer, Partner, PartnerOffer, PartnerRedemption,
    Redemption, UnlockResult,
};
