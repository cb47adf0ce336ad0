use chrono::{DateTime, Utc};
use cogo_kernel::AppError;

use crate::domain::{BoundedText, OfferKind};

/// An offer as a merchant submits it, before validation.
#[derive(Debug, Clone)]
pub struct NewOffer {
    pub title: String,
    pub description: String,
    pub cost_points: i64,
    pub kind: OfferKind,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub total_quantity: Option<i32>,
    pub per_user_limit: Option<i32>,
}

/// Validated terms of an offer (§5.9): a point cost, a validity window, optional stock and per-user limit.
#[derive(Debug, Clone)]
pub struct OfferTerms {
    pub title: String,
    pub description: String,
    pub cost_points: i64,
    pub kind: OfferKind,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub total_quantity: Option<i32>,
    pub per_user_limit: Option<i32>,
}

impl OfferTerms {
    pub const MAX_TITLE_CHARS: usize = 120;
    pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
    pub const MAX_COST_POINTS: i64 = 100_000;
    pub const MAX_QUANTITY: i32 = 1_000_000;

    pub fn parse(input: NewOffer) -> Result<Self, AppError> {
        let title = BoundedText::parse("title", &input.title, Self::MAX_TITLE_CHARS)?.into_inner();
        let description = input.description.trim().to_string();
        if description.chars().count() > Self::MAX_DESCRIPTION_CHARS {
            let message = format!("must be at most {} characters", Self::MAX_DESCRIPTION_CHARS);
            return Err(AppError::bad_input("description", message));
        }
        if !(1..=Self::MAX_COST_POINTS).contains(&input.cost_points) {
            let message = format!("must be between 1 and {} points", Self::MAX_COST_POINTS);
            return Err(AppError::bad_input("costPoints", message));
        }
        if input.valid_until <= input.valid_from {
            return Err(AppError::bad_input("validUntil", "must be after validFrom"));
        }
        let quantity = |field: &'static str, value: Option<i32>| match value {
            Some(n) if !(1..=Self::MAX_QUANTITY).contains(&n) => {
                Err(AppError::bad_input(field, format!("must be between 1 and {}", Self::MAX_QUANTITY)))
            }
            other => Ok(other),
        };
        Ok(Self {
            title,
            description,
            cost_points: input.cost_points,
            kind: input.kind,
            valid_from: input.valid_from,
            valid_until: input.valid_until,
            total_quantity: quantity("totalQuantity", input.total_quantity)?,
            per_user_limit: quantity("perUserLimit", input.per_user_limit)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn valid() -> NewOffer {
        let now = Utc::now();
        NewOffer {
            title: "Free coffee".into(),
            description: "Any size".into(),
            cost_points: 50,
            kind: OfferKind::Reusable,
            valid_from: now,
            valid_until: now + Duration::days(30),
            total_quantity: Some(10),
            per_user_limit: None,
        }
    }

    fn field_of(input: NewOffer) -> &'static str {
        match OfferTerms::parse(input) {
            Err(AppError::BadUserInput { field, .. }) => field,
            other => panic!("expected bad input, got {other:?}"),
        }
    }

    #[test]
    fn each_rule_names_its_field() {
        assert!(OfferTerms::parse(valid()).is_ok());
        assert_eq!(field_of(NewOffer { title: " ".into(), ..valid() }), "title");
        assert_eq!(field_of(NewOffer { title: "x".repeat(121), ..valid() }), "title");
        assert_eq!(field_of(NewOffer { cost_points: 0, ..valid() }), "costPoints");
        assert_eq!(field_of(NewOffer { cost_points: 100_001, ..valid() }), "costPoints");
        let v = valid();
        assert_eq!(field_of(NewOffer { valid_until: v.valid_from, ..valid() }), "validUntil");
        assert_eq!(field_of(NewOffer { total_quantity: Some(0), ..valid() }), "totalQuantity");
        assert_eq!(field_of(NewOffer { per_user_limit: Some(-1), ..valid() }), "perUserLimit");
    }
}
