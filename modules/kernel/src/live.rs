//! Live updates (GraphQL subscriptions): the committed changes a subscription watches, as a stream.
//!
//! A subscription hears every change ([`ChangeFeed::events`]), keeps the ones it may concern (a redemption, this
//! user's points) and loads from the database what its subscriber may see, so an event carries ids only and
//! every check of who may see what is made by the instance the subscriber is connected to.

use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use crate::changes::{ChangeFeed, FeedEvent};

/// Every event from now on. A subscriber too slow to keep up is told [`FeedEvent::Missed`] (and reloads), never
/// blocks the others.
pub fn events(feed: &ChangeFeed) -> impl Stream<Item = FeedEvent> + Send + use<> {
    futures_util::stream::unfold(feed.events(), |mut receiver| async move {
        match receiver.recv().await {
            Ok(event) => Some((event, receiver)),
            Err(RecvError::Lagged(_)) => Some((FeedEvent::Missed, receiver)),
            Err(RecvError::Closed) => None,
        }
    })
}
