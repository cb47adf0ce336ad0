//! The list of modules. Adding a module means: a field in [`Modules`] (built in `new`, listed in `in_order` and
//! `register_all`, all in this file) and its GraphQL parts in `schema.rs`; no other module changes.

use std::sync::Arc;

use async_graphql::SchemaBuilder;
use cogo_consent::ConsentModule;
use cogo_kernel::{AppContext, Hooks, Module, SharedClock};
use cogo_mail::MailModule;
use cogo_offers::{OffersConfig, OffersModule};
use cogo_points::PointsModule;
use cogo_privacy::{PrivacyConfig, PrivacyModule};
use cogo_referrals::ReferralsModule;
use cogo_steps::StepsModule;
use cogo_telemetry::TelemetryModule;
use cogo_users::{UsersConfig, UsersModule};

use crate::settings::Settings;

pub struct Modules {
    pub users: UsersModule,
    pub consent: ConsentModule,
    pub points: PointsModule,
    pub steps: StepsModule,
    pub offers: OffersModule,
    pub referrals: ReferralsModule,
    pub mail: MailModule,
    pub telemetry: TelemetryModule,
    pub privacy: PrivacyModule,
}

impl Modules {
    /// `clock` is the application's: the outbox stamps queued mails with it.
    pub fn new(settings: &Settings, clock: &SharedClock) -> Self {
        Self {
            users: UsersModule::new(users_config(settings)),
            consent: ConsentModule,
            points: PointsModule,
            steps: StepsModule,
            offers: OffersModule::new(OffersConfig::from_secret(settings.secrets.pseudonym_key.as_bytes())),
            referrals: ReferralsModule::new(settings.referral_rewards),
            mail: MailModule::new(settings.mail.config(), clock.clone()),
            telemetry: TelemetryModule::new(settings.telemetry_retention_days),
            privacy: PrivacyModule::new(privacy_config(settings)),
        }
    }

    /// Every module, in dependency order: hooks run in this order, erasure and purge in reverse. Privacy comes last:
    /// it orchestrates the others and keeps its register through an erasure.
    fn in_order(&self) -> Vec<&dyn ModuleHooksSource> {
        vec![
            &self.users,
            &self.consent,
            &self.points,
            &self.steps,
            &self.offers,
            &self.referrals,
            &self.mail,
            &self.telemetry,
            &self.privacy,
        ]
    }

    /// Every module's hooks (sign-up, points, export, erasure).
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

    /// Every module's DataLoaders and context data on the schema.
    pub fn register_all<Q, M, S>(&self, builder: SchemaBuilder<Q, M, S>, app: &AppContext) -> SchemaBuilder<Q, M, S> {
        let builder = self.users.register(builder, app);
        let builder = self.consent.register(builder, app);
        let builder = self.points.register(builder, app);
        let builder = self.steps.register(builder, app);
        let builder = self.offers.register(builder, app);
        let builder = self.referrals.register(builder, app);
        let builder = self.mail.register(builder, app);
        let builder = self.telemetry.register(builder, app);
        self.privacy.register(builder, app)
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
