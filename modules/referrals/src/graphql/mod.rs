//! The referrals module's part of the GraphQL schema: `me { referralCode recruits { name joinedAt } }`.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use cogo_kernel::AppContext;
use uuid::Uuid;

use crate::service::{self, ListedRecruit, MAX_LISTED_RECRUITS};

/// The referrals module's fields of `Me`.
pub struct ReferralsOfMe {
    user_id: Uuid,
}

impl ReferralsOfMe {
    pub fn new(user_id: Uuid) -> Self {
        Self { user_id }
    }
}

#[Object]
impl ReferralsOfMe {
    /// Your referral code: 8 characters, no 0/O or 1/I/L. A friend who enters it at sign-up becomes your recruit.
    async fn referral_code(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(service::ensure_code_of(AppContext::of(ctx)?, self.user_id).await?)
    }

    /// The friends who signed up with your code, oldest first (at most 500), by name only. Someone who closes their
    /// account disappears from the list.
    async fn recruits(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Recruit>> {
        let recruits = service::recruits_of(&AppContext::of(ctx)?.db, self.user_id, Some(MAX_LISTED_RECRUITS)).await?;
        Ok(recruits.into_iter().map(Recruit::from).collect())
    }
}

/// A friend who signed up with your referral code.
#[derive(SimpleObject)]
pub struct Recruit {
    /// Their full name.
    pub name: String,
    /// When they signed up.
    pub joined_at: DateTime<Utc>,
}

impl From<ListedRecruit> for Recruit {
    fn from(recruit: ListedRecruit) -> Self {
        Self { name: recruit.name, joined_at: recruit.joined_at }
    }
}
