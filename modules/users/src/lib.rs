//! Users: accounts, sessions, roles and profiles (policy §1.3, §4.2, §4.5, §4.9, §4.10).
//!
//! Other modules use [`service`] (names of users, roles) and [`loaders::UserLoader`]; only this module writes
//! the users tables.

pub mod config;
pub mod directory;
pub mod domain;
pub mod graphql;
pub mod hooks;
pub mod loaders;
pub mod mails;
pub mod service;
pub mod sign_in;
pub mod tokens;

use std::sync::Arc;

use async_graphql::{SchemaBuilder, dataloader::DataLoader};
use cogo_kernel::{AccountDirectory, AppContext, MeObject, Module, ModuleHooks, NoSubscriptions, SchemaParts};
use uuid::Uuid;

pub use config::UsersConfig;
pub use graphql::{UserProfile, UsersMutation, UsersQuery};

/// The users module as the gateway composes it.
pub struct UsersModule {
    config: Arc<UsersConfig>,
}

impl UsersModule {
    pub fn new(config: UsersConfig) -> Self {
        Self { config: Arc::new(config) }
    }

    pub fn config(&self) -> Arc<UsersConfig> {
        self.config.clone()
    }
}

/// The module's queries and mutations and fields of `Me` in the schema.
impl SchemaParts for UsersModule {
    type Query<M: MeObject> = UsersQuery<M>;
    type Mutation<M: MeObject> = UsersMutation<M>;
    type OfMe = UserProfile;
    type Subscription = NoSubscriptions;

    fn of_me(user_id: Uuid) -> Self::OfMe {
        UserProfile::new(user_id)
    }
}

impl Module for UsersModule {
    fn name(&self) -> &'static str {
        "users"
    }

    fn hooks(&self) -> Option<Arc<dyn ModuleHooks>> {
        Some(Arc::new(hooks::UsersHooks { config: self.config.clone() }))
    }

    fn account_directory(&self) -> Option<Arc<dyn AccountDirectory>> {
        Some(Arc::new(directory::UsersDirectory { config: self.config.clone() }))
    }

    fn register<Q, M, S>(&self, builder: SchemaBuilder<Q, M, S>, app: &AppContext) -> SchemaBuilder<Q, M, S> {
        app.changes.subscribe(self.config.open_sessions.clone());
        builder
            .data(self.config.clone())
            .data(DataLoader::new(loaders::UserLoader { db: app.db.clone() }, tokio::spawn))
            .data(loaders::known_profiles(&app.changes))
    }
}
