//! The list of modules. Adding a module means: a line in [`Modules`], its parts in `schema.rs`, nothing else.

use std::sync::Arc;

use cogo_consent::ConsentModule;
use cogo_kernel::{Hooks, Module};
use cogo_offers::{OffersConfig, OffersModule};
use cogo_points::PointsModule;
use cogo_referrals::ReferralsModule;
use cogo_steps::StepsModule;
use cogo_users::{UsersConfig, UsersModule};

use crate::settings::Settings;

pub struct Modules {
    pub users: UsersModule,
    pub consent: ConsentModule,
    pub points: PointsModule,
    pub steps: StepsModule,
    pub offers: OffersModule,
    pub referrals: ReferralsModule,
}

impl Modules {
    pub fn new(settings: &Settings) -> Self {
        Self {
            users: UsersModule::new(UsersConfig::new(settings.token_secret.clone())),
            consent: ConsentModule,
            points: PointsModule,
            steps: StepsModule,
            offers: OffersModule::new(OffersConfig::from_secret(&settings.token_secret)),
            referrals: ReferralsModule::new(settings.referral_rewards),
        }
    }

    /// Every module's hooks, in dependency order (erasure runs in reverse).
    pub fn hooks(&self) -> Arc<Hooks> {
        let mut hooks = Hooks::default();
        let all: [&dyn ModuleHooksSource; 6] =
            [&self.users, &self.consent, &self.points, &self.steps, &self.offers, &self.referrals];
        for module in all {
            if let Some(h) = module.module_hooks() {
                hooks.register(h);
            }
        }
        Arc::new(hooks)
    }
}

/// Object-safe view of [`Module::hooks`] (the `Module` trait itself has a generic method).
trait ModuleHooksSource {
    fn module_hooks(&self) -> Option<Arc<dyn cogo_kernel::ModuleHooks>>;
}

impl<T: Module> ModuleHooksSource for T {
    fn module_hooks(&self) -> Option<Arc<dyn cogo_kernel::ModuleHooks>> {
        self.hooks()
    }
}
