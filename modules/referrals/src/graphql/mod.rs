//! The referrals module's part of the GraphQL schema:
//! `me { referralCode recruitCount recruits { name joinedAt } recruitConnection(first, after) }`.

use async_graphql::{
    Context, Object, SimpleObject,
    connection::{Connection, Edge},
};
use chrono::{DateTime, Utc};
use cogo_kernel::{
    AppContext, AppError,
    pagination::{PageRequest, encode_cursor, time_id_key},
};
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
        let known = ctx.data::<std::sync::Arc<service::KnownCodes>>()?;
        // Created now for an account from before referral codes existed.
        let load = async { service::ensure_code_of(AppContext::of(ctx)?, self.user_id).await.map(Some) };
        Ok(known.get_or_load(self.user_id, load).await?.ok_or_else(|| AppError::internal("no referral code"))?)
    }

    /// The friends who signed up with your code, by name only: the 100 oldest. `recruitCount` says how many there
    /// are and `recruitConnection` pages through all of them. Someone who closes their account disappears.
    #[graphql(complexity = "cogo_kernel::complexity::items_of(MAX_LISTED_RECRUITS as usize, child_complexity)")]
    async fn recruits(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Recruit>> {
        let without = ctx.data::<std::sync::Arc<service::KnownWithoutRecruits>>()?;
        if without.get(self.user_id).is_some() {
            return Ok(Vec::new());
        }
        let generation = without.generation();
        let recruits = service::recruits_of(&AppContext::of(ctx)?.db, self.user_id, MAX_LISTED_RECRUITS).await?;
        if recruits.is_empty() {
            without.remember([(self.user_id, ())], generation);
        }
        Ok(recruits.into_iter().map(Recruit::from).collect())
    }

    /// How many friends signed up with your code.
    async fn recruit_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let count = service::recruit_count(&AppContext::of(ctx)?.db, self.user_id).await?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }

    /// Every friend who signed up with your code, oldest first, a page at a time (`first`: 1–100, default 20).
    #[graphql(complexity = "cogo_kernel::complexity::page(first, child_complexity)")]
    async fn recruit_connection(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Recruit>> {
        let page = PageRequest::parse(first, after)?;
        let (recruits, has_next) = service::recruits_page(&AppContext::of(ctx)?.db, self.user_id, &page).await?;
        let mut connection = Connection::new(page.after.is_some(), has_next);
        connection.edges.extend(recruits.into_iter().map(|recruit| {
            let cursor = encode_cursor(&time_id_key(&recruit.joined_at, &recruit.recruit_id));
            Edge::new(cursor, Recruit::from(recruit))
        }));
        Ok(connection)
    }
}

/// A friend who signed up with your referral code.
#[derive(SimpleObject)]
pub struct Recruit {
    /// Their full name; null while they have restricted the processing of their data (GDPR art. 18).
    pub name: Option<String>,
    /// When they signed up.
    pub joined_at: DateTime<Utc>,
}

impl From<ListedRecruit> for Recruit {
    fn from(recruit: ListedRecruit) -> Self {
        Self { name: recruit.name, joined_at: recruit.joined_at }
    }
}
