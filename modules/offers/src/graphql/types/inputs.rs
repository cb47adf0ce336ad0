use async_graphql::InputObject;
use chrono::{DateTime, Utc};

use crate::domain::{NewOffer, OfferKind};

/// A partner business to onboard.
#[derive(InputObject)]
pub struct CreatePartnerInput {
    /// The business's name, 1–100 characters.
    pub name: String,
    /// Swedish organisation number, `NNNNNN-NNNN`; unique.
    pub org_number: String,
}

/// A new offer; it starts as a draft.
#[derive(InputObject)]
pub struct CreateOfferInput {
    /// 1–120 characters.
    pub title: String,
    /// Up to 2,000 characters.
    pub description: String,
    /// What unlocking costs: 1–100,000 points.
    pub cost_points: i64,
    /// `ONE_TIME` links the customer's name and e-mail to the redemption; `REUSABLE` shows only a pseudonym.
    pub kind: OfferKind,
    /// From when users can unlock it.
    pub valid_from: DateTime<Utc>,
    /// Until when users can unlock it; after `validFrom`.
    pub valid_until: DateTime<Utc>,
    /// Units for sale (at least 1); absent means unlimited.
    pub total_quantity: Option<i32>,
    /// Unlocks per user (at least 1); absent means no limit.
    pub per_user_limit: Option<i32>,
}

impl From<CreateOfferInput> for NewOffer {
    fn from(input: CreateOfferInput) -> Self {
        NewOffer {
            title: input.title,
            description: input.description,
            cost_points: input.cost_points,
            kind: input.kind,
            valid_from: input.valid_from,
            valid_until: input.valid_until,
            total_quantity: input.total_quantity,
            per_user_limit: input.per_user_limit,
        }
    }
}
