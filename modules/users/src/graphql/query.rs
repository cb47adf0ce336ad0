use std::marker::PhantomData;

use async_graphql::{Context, Object};
use cogo_kernel::{MeObject, RequireAuth, actor_from};

/// Queries of the users module.
pub struct UsersQuery<M>(PhantomData<M>);

impl<M> Default for UsersQuery<M> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

#[Object]
impl<M: MeObject> UsersQuery<M> {
    /// You: your profile, points, consents and everything else held about you.
    #[graphql(guard = "RequireAuth")]
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<M> {
        let actor = actor_from(ctx)?;
        Ok(M::for_user(actor.user_id))
    }
}
