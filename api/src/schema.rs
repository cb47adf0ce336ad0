//! Schema composition: each module contributes its query and mutation parts and its fields of `Me`.

use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};
use cogo_consent::{ConsentMutation, ConsentOfMe, ConsentQuery};
use cogo_kernel::{AppContext, MeObject};
use cogo_offers::{OffersMutation, OffersOfMe, OffersQuery};
use cogo_points::PointsOfMe;
use cogo_privacy::{PrivacyMutation, PrivacyQuery};
use cogo_referrals::ReferralsOfMe;
use cogo_steps::{StepsMutation, StepsOfMe};
use cogo_users::{UserProfile, UsersMutation, UsersQuery};
use uuid::Uuid;

use crate::http::panics::CatchPanics;
use crate::modules::Modules;

/// You, as the mobile app sees you: every module's fields about the signed-in user.
#[derive(MergedObject)]
#[graphql(name = "Me")]
pub struct Me(UserProfile, PointsOfMe, ConsentOfMe, StepsOfMe, OffersOfMe, ReferralsOfMe);

impl MeObject for Me {
    fn for_user(user_id: Uuid) -> Self {
        Me(
            UserProfile::new(user_id),
            PointsOfMe::new(user_id),
            ConsentOfMe::new(user_id),
            StepsOfMe::new(user_id),
            OffersOfMe::new(user_id),
            ReferralsOfMe::new(user_id),
        )
    }
}

#[derive(MergedObject, Default)]
pub struct Query(UsersQuery<Me>, ConsentQuery, OffersQuery, PrivacyQuery);

#[derive(MergedObject, Default)]
pub struct Mutation(UsersMutation<Me>, ConsentMutation, StepsMutation, OffersMutation, PrivacyMutation);

pub type CogoSchema = Schema<Query, Mutation, EmptySubscription>;

/// Deep enough for GraphiQL's introspection query, shallow enough to stop abusive nesting.
const MAX_QUERY_DEPTH: usize = 16;
/// Fields per request (every field counts one, aliases too): room for any client operation and GraphiQL's
/// introspection, not for thousands of aliased copies of an expensive field.
const MAX_QUERY_COMPLEXITY: usize = 1_000;

/// The schema without data, for SDL export.
pub fn schema_builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(MAX_QUERY_DEPTH)
        .limit_complexity(MAX_QUERY_COMPLEXITY)
}

/// The schema with every module's loaders and data registered.
pub fn build_schema(app: &AppContext, modules: &Modules) -> CogoSchema {
    // A panic in a resolver (or in an extension registered after this one) fails only its request, as INTERNAL.
    modules.register_all(schema_builder().extension(CatchPanics).data(app.clone()), app).finish()
}

/// The SDL that `schema.graphql` must equal.
pub fn sdl() -> String {
    schema_builder().finish().sdl()
}
