use async_graphql::{Context, ID, Object};
use cogo_kernel::{AppContext, IdempotencyKey, RequireAuth, RequireRole, Role, Staff, actor_from};

use crate::domain::OfferStatus;
use crate::graphql::types::{
    CreateOfferInput, CreatePartnerInput, Partner, PartnerOffer, PartnerRedemption, Redemption, UnlockResult,
};
use crate::service::{self, parse_id};

/// Mutations of the offers module.
#[derive(Default)]
pub struct OffersMutation;

#[Object]
impl OffersMutation {
    /// Onboards a partner business. Staff only (`ADMIN`); audit-logged.
    #[graphql(guard = "RequireRole(Role::Admin)")]
    async fn create_partner(&self, ctx: &Context<'_>, input: CreatePartnerInput) -> async_graphql::Result<Partner> {
        let (app, staff) = (AppContext::of(ctx)?, Staff::of(ctx)?);
        let partner = service::create_partner(app, &staff, &input.name, &input.org_number).await?;
        Ok(partner.into())
    }

    /// Makes the user with this e-mail a merchant of the partner. Staff only (`ADMIN`); audit-logged.
    #[graphql(guard = "RequireRole(Role::Admin)")]
    async fn add_partner_member(
        &self,
        ctx: &Context<'_>,
        partner_id: ID,
        email: String,
    ) -> async_graphql::Result<bool> {
        let (app, staff) = (AppContext::of(ctx)?, Staff::of(ctx)?);
        service::add_member(app, &staff, parse_id(&partner_id, "partner")?, &email).await?;
        Ok(true)
    }

    /// Creates a draft offer of your partner. Merchants only.
    #[graphql(guard = "RequireAuth")]
    async fn create_offer(&self, ctx: &Context<'_>, input: CreateOfferInput) -> async_graphql::Result<PartnerOffer> {
        Ok(service::create_offer(AppContext::of(ctx)?, actor_from(ctx)?, input.into()).await?.into())
    }

    /// Publishes a draft offer of your partner: users see it inside its validity window. Merchants only.
    #[graphql(guard = "RequireAuth")]
    async fn publish_offer(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<PartnerOffer> {
        let (app, actor) = (AppContext::of(ctx)?, actor_from(ctx)?);
        Ok(service::change_status(app, actor, parse_id(&id, "offer")?, OfferStatus::Published).await?.into())
    }

    /// Withdraws an offer of your partner for good; codes already unlocked stay valid. Merchants only.
    #[graphql(guard = "RequireAuth")]
    async fn archive_offer(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<PartnerOffer> {
        let (app, actor) = (AppContext::of(ctx)?, actor_from(ctx)?);
        Ok(service::change_status(app, actor, parse_id(&id, "offer")?, OfferStatus::Archived).await?.into())
    }

    /// Unlocks an offer with your points and gives you the code to show at the till. Send an `Idempotency-Key`
    /// header (e.g. a fresh UUID per unlock, 1–255 printable ASCII characters) and send it again when you retry:
    /// within 24 hours the retry gets the first answer and nothing is debited twice; the same key for another offer
    /// is `CONFLICT`.
    #[graphql(guard = "RequireAuth")]
    async fn unlock_offer(&self, ctx: &Context<'_>, offer_id: ID) -> async_graphql::Result<UnlockResult> {
        let (app, actor) = (AppContext::of(ctx)?, actor_from(ctx)?);
        let key = IdempotencyKey::of(ctx)?;
        let unlocked = service::unlock_offer(app, actor, parse_id(&offer_id, "offer")?, key).await?;
        Ok(UnlockResult { redemption: Redemption::from(unlocked.redemption), balance: unlocked.balance })
    }

    /// Verifies a code a customer shows at the till (case-insensitive); it works once, then `CONFLICT`. A code of
    /// another partner's offer is `FORBIDDEN`, an unknown one `NOT_FOUND`. Merchants only.
    #[graphql(guard = "RequireAuth")]
    async fn redeem_code(&self, ctx: &Context<'_>, code: String) -> async_graphql::Result<PartnerRedemption> {
        Ok(service::redeem_code(AppContext::of(ctx)?, actor_from(ctx)?, &code).await?.into())
    }
}
