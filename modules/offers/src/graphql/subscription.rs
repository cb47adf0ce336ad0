//! Live updates at the till and on the customer's phone: a redemption unlocked or redeemed through any instance
//! reaches the subscribers it concerns. The event names the redemption only; each is loaded here and shown to its
//! customer (`myRedemptionUpdates`) or to its partner's merchants (`partnerRedemptionEvents`), never to anyone else.

use async_graphql::{Context, Subscription};
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
    /// Each of your codes when it is unlocked and when it is redeemed at the till.
    #[graphql(guard = "RequireAuth")]
    async fn my_redemption_updates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = Redemption> + use<>> {
        let customer = Concerned::Customer(actor_from(ctx)?.user_id);
        Ok(changed_redemptions(AppContext::of(ctx)?.clone(), customer).map(Redemption::from))
    }

    /// Every unlock and every redemption of your partner's offers (merchants only: `FORBIDDEN` otherwise).
    #[graphql(guard = "RequireAuth")]
    async fn partner_redemption_events(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = PartnerRedemption> + use<>> {
        let app = AppContext::of(ctx)?.clone();
        let partner = service::partner_of(&app.db, actor_from(ctx)?).await?.ok_or(AppError::Forbidden)?;
        Ok(changed_redemptions(app, Concerned::Partner(partner.id)).map(PartnerRedemption::from))
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
    fn sees(self, row: &redemption::Model) -> bool {
        match self {
            Concerned::Customer(user_id) => row.user_id == Some(user_id),
            Concerned::Partner(partner_id) => row.partner_id == partner_id,
        }
    }
}

/// The redemptions that change from now on and concern the subscriber, each as committed. One the database no
/// longer has (erased since) is skipped, as is one that cannot be read right now (the next event brings the
/// subscriber up to date).
fn changed_redemptions(
    app: AppContext,
    concerned: Concerned,
) -> impl Stream<Item = redemption::Model> + Send + 'static {
    live::events(&app.changes).filter_map(move |event| {
        let app = app.clone();
        async move {
            let FeedEvent::Changed(Change::RedemptionChanged { redemption_id }) = event else { return None };
            match redemption::Entity::find_by_id(redemption_id).one(&app.db).await {
                Ok(Some(row)) if concerned.sees(&row) => Some(row),
                Ok(_) => None,
                Err(error) => {
                    tracing::warn!(%redemption_id, %error, "a live update could not load its redemption");
                    None
                }
            }
        }
    })
}
