//! The list of modules: the one place in the gateway a module is added. Each line names the module's field, its
//! type and how it is built; [`modules!`] makes of the list the [`Modules`] (hooks in list order, every module's
//! loaders registered) and the schema's merged `Query`, `Mutation`, `Subscription` and `Me` from each module's
//! [`SchemaParts`].
//! A module's settings come with it: it reads them from `settings.environment` (as telemetry does) or, for the
//! older modules, from a function below. The crate itself is also a dependency in `api/Cargo.toml`, as Cargo asks.

use std::sync::Arc;

use async_graphql::{MergedObject, MergedSubscription, SchemaBuilder};
use cogo_consent::ConsentModule;
use cogo_kernel::{AppContext, Hooks, MeObject, Module, SchemaParts, SharedClock};
use cogo_mail::MailModule;
use cogo_offers::{OffersConfig, OffersModule};
use cogo_points::PointsModule;
use cogo_privacy::{PrivacyConfig, PrivacyModule};
use cogo_referrals::ReferralsModule;
use cogo_steps::StepsModule;
use cogo_telemetry::TelemetryModule;
use cogo_users::{UsersConfig, UsersModule};
use uuid::Uuid;

use crate::settings::Settings;

// Every module, in dependency order: hooks run in this order, erasure and purge in reverse. Privacy comes last: it
// orchestrates the others and keeps its register through an erasure.
modules! {
    (settings, clock) =>
    users: UsersModule = UsersModule::new(users_config(settings)),
    consent: ConsentModule = ConsentModule,
    points: PointsModule = PointsModule,
    steps: StepsModule = StepsModule,
    offers: OffersModule = OffersModule::new(OffersConfig::from_secret(settings.secrets.pseudonym_key.as_bytes())),
    referrals: ReferralsModule = ReferralsModule::new(settings.referral_rewards),
    mail: MailModule = MailModule::new(settings.mail.config(), clock.clone()),
    telemetry: TelemetryModule = TelemetryModule::from_environment(&settings.environment)?,
    privacy: PrivacyModule = PrivacyModule::new(privacy_config(settings)),
}

/// Makes of the list of modules: the [`Modules`] (built from the settings and the application's clock, which the
/// outbox stamps queued mails with), and the merged schema objects `Me`, `Query` and `Mutation`.
macro_rules! modules {
    (($settings:ident, $clock:ident) => $($field:ident: $module:ty = $build:expr),+ $(,)?) => {
        pub struct Modules {
            $(pub $field: $module,)+
        }

        impl Modules {
            /// Every module, built from its settings; a module's setting out of range is refused here.
            pub fn new($settings: &Settings, $clock: &SharedClock) -> Result<Self, String> {
                Ok(Self { $($field: $build,)+ })
            }

            fn in_order(&self) -> Vec<&dyn ModuleHooksSource> {
                vec![$(&self.$field),+]
            }

            /// Every module's DataLoaders and context data on the schema.
            pub fn register_all<Q, M, S>(
                &self,
                mut builder: SchemaBuilder<Q, M, S>,
                app: &AppContext,
            ) -> SchemaBuilder<Q, M, S> {
                $(builder = self.$field.register(builder, app);)+
                builder
            }
        }

        /// You, as the mobile app sees you: every module's fields about the signed-in user.
        #[derive(MergedObject)]
        #[graphql(name = "Me")]
        pub struct Me($(<$module as SchemaParts>::OfMe),+);

        impl MeObject for Me {
            fn for_user(user_id: Uuid) -> Self {
                Me($(<$module as SchemaParts>::of_me(user_id)),+)
            }
        }

        // Every module's queries (a `//` comment: a doc comment would become the type's description).
        #[derive(MergedObject, Default)]
        pub struct Query($(<$module as SchemaParts>::Query<Me>),+);

        // Every module's mutations.
        #[derive(MergedObject, Default)]
        pub struct Mutation($(<$module as SchemaParts>::Mutation<Me>),+);

        // Every module's subscriptions (served over WebSocket at `/graphql/ws`).
        #[derive(MergedSubscription, Default)]
        pub struct Subscription($(<$module as SchemaParts>::Subscription),+);
    };
}
use modules;

impl Modules {
    /// Every module's hooks (sign-up, points, export, erasure) and the shared services some modules provide.
    pub fn hooks(&self) -> Arc<Hooks> {
        let mut hooks = Hooks::default();
        for module in self.in_order() {
            if let Some(h) = module.module_hooks() {
                hooks.register(h);
            }
            if let Some(accounts) = module.account_directory() {
                hooks.set_accounts(accounts);
            }
            if let Some(trail) = module.audit_trail() {
                hooks.set_audit_trail(trail);
            }
            if let Some(outbox) = module.mail_outbox() {
                hooks.set_mail_outbox(outbox);
            }
        }
        Arc::new(hooks)
    }
}

/// The users module's keys (sub-keys, never the root secret) and session limits.
fn users_config(settings: &Settings) -> UsersConfig {
    let secrets = &settings.secrets;
    UsersConfig {
        session_max_lifetime: chrono::Duration::days(i64::from(settings.sessions.max_days)),
        refresh_grace: chrono::Duration::seconds(i64::from(settings.sessions.refresh_grace_seconds)),
        code_key: secrets.derive(crate::settings::purpose::EMAIL_CODES).to_vec(),
        require_verified_email: settings.require_verified_email,
        sign_in: std::sync::Arc::new(cogo_users::sign_in::OidcProviders::new(cogo_users::sign_in::SignInConfig {
            providers: settings.oidc.providers.clone(),
            redirect_uris: settings.oidc.redirect_uris.clone(),
            public_url: settings.oidc.public_url.clone().unwrap_or_default(),
        })),
        ..UsersConfig::new(secrets.token_key.to_vec(), secrets.throttle_key.to_vec())
    }
}

/// What the privacy module tells people: the supervisory authority, the sub-processor notice period.
fn privacy_config(settings: &Settings) -> PrivacyConfig {
    PrivacyConfig {
        supervisory_authority: settings.supervisory_authority.clone(),
        subprocessor_notice: chrono::Duration::days(i64::from(settings.subprocessor_notice_days)),
    }
}

/// Object-safe view of [`Module::hooks`] (the `Module` trait itself has a generic method).
trait ModuleHooksSource {
    fn module_hooks(&self) -> Option<Arc<dyn cogo_kernel::ModuleHooks>>;
    fn account_directory(&self) -> Option<Arc<dyn cogo_kernel::AccountDirectory>>;
    fn audit_trail(&self) -> Option<Arc<dyn cogo_kernel::AuditTrail>>;
    fn mail_outbox(&self) -> Option<Arc<dyn cogo_kernel::MailOutbox>>;
}

impl<T: Module> ModuleHooksSource for T {
    fn module_hooks(&self) -> Option<Arc<dyn cogo_kernel::ModuleHooks>> {
        self.hooks()
    }

    fn account_directory(&self) -> Option<Arc<dyn cogo_kernel::AccountDirectory>> {
        Module::account_directory(self)
    }

    fn audit_trail(&self) -> Option<Arc<dyn cogo_kernel::AuditTrail>> {
        Module::audit_trail(self)
    }

    fn mail_outbox(&self) -> Option<Arc<dyn cogo_kernel::MailOutbox>> {
        Module::mail_outbox(self)
    }
}
