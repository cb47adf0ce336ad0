//! `Me`: the signed-in user as seen by themselves. Every module contributes fields to it (users: name and e-mail,
//! points: balance, consent: consents, ...). The gateway composes the parts with `MergedObject`; modules that
//! return `Me` (sign-up, log-in, `me`) are generic over this trait, so none of them needs to know the others.

use async_graphql::OutputType;
use uuid::Uuid;

/// The composed `Me` type, as the modules that return it see it.
///
/// Authorization: `Me` is built only for its owner — by `me` (behind `RequireAuth`, from the actor) and by the
/// sign-up / log-in payloads (for the account that just proved itself) — so the parts' fields carry no guard of
/// their own and must read nothing but their `user_id`'s data.
pub trait MeObject: OutputType + Send + Sync + 'static {
    /// `Me` for this user. Only ever called with the signed-in actor's own id.
    fn for_user(user_id: Uuid) -> Self;
}
