//! `myPointsBalance`: the signed-in user's balance now, then after every ledger entry, from whichever instance
//! wrote it.

use async_graphql::{Context, Subscription};
use cogo_kernel::{AppContext, Change, ChangeFeed, FeedEvent, RequireAuth, actor_from, live};
use futures_util::{Stream, StreamExt};
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::Points;

/// The points module's subscriptions.
#[derive(Default)]
pub struct PointsSubscription;

#[Subscription]
impl PointsSubscription {
    /// Your balance: at once, then after every ledger entry (and again after a gap in the live feed, so it is
    /// never stale for long).
    #[graphql(guard = "RequireAuth")]
    async fn my_points_balance(&self, ctx: &Context<'_>) -> async_graphql::Result<impl Stream<Item = Points> + use<>> {
        Ok(balance_updates(&AppContext::of(ctx)?.changes, actor_from(ctx)?.user_id))
    }
}

/// The user's `Points` now and after each change of their balance (each resolved afresh from the database).
fn balance_updates(feed: &ChangeFeed, user_id: Uuid) -> impl Stream<Item = Points> + Send + use<> {
    let later = live::events(feed).filter(move |event| {
        let theirs = match event {
            FeedEvent::Changed(Change::PointsChanged { user_id: changed }) => *changed == user_id,
            FeedEvent::Changed(_) => false,
            FeedEvent::Missed => true,
        };
        std::future::ready(theirs)
    });
    let now = futures_util::stream::once(std::future::ready(()));
    now.chain(later.map(|_| ())).map(move |()| Points { user_id, balance: OnceCell::new() })
}
