//! Live updates at the till and on the customer's phone: a redemption unlocked or redeemed through any instance
//! reaches the subscribers it concerns. The event names the redemption only; each is loaded here and shown to its
//! customer (`myRedemptionUpdates`) or to its partner's merchants (`partnerRedemptionEvents`), never to anyone else.

use async_graphql::{Context, ErrorExtensions, Subscription};
use cogo_entities::offers::redemption;
use cogo_kernel::{AppContext, AppError, Change, FeedEvent, RequireAuth, actor_from, live};
use futures_util::{Stream, StreamExt};
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::graphql::types::{PartnerRedemption, Redemption};
use crate::service;

/// The offers module's subscriptions.
#[derive(Default)]
pub struct OffersSubscription;

#[Subscription]
impl OffersSubscription {
    /// Each of your codes when it is unlocked and when it is redeemed at the till. After a gap in the live feed
    /// (the server lost its database listener for a moment) an `EVENTS_MISSED` error comes instead: reload.
    #[graphql(guard = "RequireAuth")]
    async fn my_redemption_updates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Redemption>> + use<>> {
        let app = AppContext::of(ctx)?.clone();
        let changes = redemptions_in(live::events(&app.changes), app, Concerned::Customer(actor_from(ctx)?.user_id));
        Ok(changes.map(|row| row.map(Redemption::from)))
    }

    /// Every unlock and every redemption of your partner's offers (merchants only: `FORBIDDEN` otherwise); after
    /// a gap in the live feed, an `EVENTS_MISSED` error: reload the list.
    #[graphql(guard = "RequireAuth")]
    async fn partner_redemption_events(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<PartnerRedemption>> + use<>> {
        let app = AppContext::of(ctx)?.clone();
        // Listening starts before the look-up, so nothing committed meanwhile is missed.
        let events = live::events(&app.changes);
        let partner = service::partner_of(&app.db, actor_from(ctx)?).await?.ok_or(AppError::Forbidden)?;
        let changes = redemptions_in(events, app, Concerned::Partner(partner.id));
        Ok(changes.map(|row| row.map(PartnerRedemption::from)))
    }
}

/// Whom a subscriber's redemptions belong to.
#[derive(Clone, Copy)]
enum Concerned {
    /// The customer who unlocked them.
    Customer(Uuid),
    /// The partner whose offers they are for.
    Partner(Uuid),
}

impl Concerned {
    fn sees(self, partner_id: Uuid, user_id: Option<Uuid>) -> bool {
        match self {
            Concerned::Customer(customer) => user_id == Some(customer),
            Concerned::Partner(partner) => partner_id == partner,
        }
    }
}

/// The code of the error a subscriber gets when events may have been missed.
pub const EVENTS_MISSED: &str = "EVENTS_MISSED";

/// The redemptions that change from now on and concern the subscriber, each as committed: the event's ids decide
/// without the database whether to look at all, the row loaded then is checked again. One the database no longer
/// has (erased since) is skipped, as is one that cannot be read right now.
fn redemptions_in(
    events: impl Stream<Item = FeedEvent> + Send + 'static,
    app: AppContext,
    concerned: Concerned,
) -> impl Stream<Item = async_graphql::Result<redemption::Model>> + Send + 'static {
    events.filter_map(move |event| {
        let app = app.clone();
        async move {
            let redemption_id = match event {
                FeedEvent::Changed(Change::RedemptionChanged { redemption_id, partner_id, user_id })
                    if concerned.sees(partner_id, user_id) =>
                {
                    redemption_id
                }
                FeedEvent::Changed(_) => return None,
                FeedEvent::Missed => return Some(Err(events_missed())),
            };
            match redemption::Entity::find_by_id(redemption_id).one(&app.db).await {
                Ok(Some(row)) if concerned.sees(row.partner_id, row.user_id) => Some(Ok(row)),
                Ok(_) => None,
                Err(error) => {
                    tracing::warn!(%redemption_id, %error, "a live update could not load its redemption");
                    None
                }
            }
        }
    })
}

fn events_missed() -> async_graphql::Error {
    async_graphql::Error::new("live updates were interrupted and some may have been missed; reload")
        .extend_with(|_, extensions| extensions.set("code", EVENTS_MISSED))
}
