//! The shared authorization guard. Roles are decided here; ownership is decided in services.
//!
//! In async-graphql a field guard replaces the object guard, so a staff field writes
//! `#[graphql(guard = "RequireRole(Role::Admin)")]`: the role guard also requires a signed-in actor.

use async_graphql::{Context, Guard};

use crate::{
    actor::{Actor, RejectedCredentials, Role},
    error::AppError,
};

/// The signed-in actor of this request, or `UNAUTHENTICATED` (saying why a presented token was refused).
pub fn actor_from<'a>(ctx: &Context<'a>) -> Result<&'a Actor, AppError> {
    if let Some(actor) = ctx.data_opt::<Actor>() {
        return Ok(actor);
    }
    match ctx.data_opt::<RejectedCredentials>() {
        Some(RejectedCredentials(why)) => Err(AppError::Unauthenticated(why)),
        None => Err(AppError::Unauthenticated("sign in first")),
    }
}

/// Requires a signed-in actor.
pub struct RequireAuth;

impl Guard for RequireAuth {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        actor_from(ctx)?;
        Ok(())
    }
}

/// Requires a signed-in actor holding the role.
pub struct RequireRole(pub Role);

impl Guard for RequireRole {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let actor = actor_from(ctx)?;
        if actor.has_role(self.0) { Ok(()) } else { Err(AppError::Forbidden.into()) }
    }
}
