//! Privacy (policy §3.1, §4.7, §4.12–4.14, §5, §6.1–6.2, §7, §8.1): the data subject's rights end to end, and what
//! CoGo must be able to show a regulator.
//!
//! - the **request register** (`service::register`): every request with its one-month deadline
//!   ([`domain::ResponseDeadline`], GDPR art. 12(3)), in-app requests logged from the other modules' events;
//! - **access and portability** (`service::export`): one document from every module's export hook, streamed;
//! - **erasure** (`service::erasure`): every module's erasure hook in one transaction, recipients recorded (art. 19);
//! - **retention** (`service::retention`): every module's purge hook, run daily, one instance at a time;
//! - the **sub-processor register** (`service::subprocessors`, rules in [`domain::subprocessor_register`]): public,
//!   with its history; material changes announced to users before they take effect (§5.2);
//! - the **supervisory authority** (§7): IMY's contact details, configurable;
//! - the **breach register** (`service::incidents`, [`domain::breach_deadline`]): the 72-hour clock of art. 33;
//! - the **staff audit log** (`service::audit_log`, [`domain::audit_chain`]): every staff read of a person's data
//!   and every staff change, hash-chained; every module writes to it through the kernel's [`AuditTrail`].
//!
//! The module reaches the others only through the kernel's hooks and the account directory.

pub mod domain;
pub mod graphql;
pub mod hooks;
pub mod service;

use std::sync::Arc;

use async_graphql::{Context, SchemaBuilder};
use cogo_kernel::{AppContext, AppError, AuditTrail, MeObject, Module, ModuleHooks, NoSubscriptions, SchemaParts};
use uuid::Uuid;

pub use domain::SupervisoryAuthorityContact;
pub use graphql::{PrivacyMutation, PrivacyOfMe, PrivacyQuery};

/// The privacy module's settings.
#[derive(Debug, Clone)]
pub struct PrivacyConfig {
    /// Where people can complain (§7).
    pub supervisory_authority: SupervisoryAuthorityContact,
    /// How long before it takes effect a material sub-processor change is announced to users (§5.2).
    pub subprocessor_notice: chrono::Duration,
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        Self {
            supervisory_authority: SupervisoryAuthorityContact::imy(),
            subprocessor_notice: chrono::Duration::days(i64::from(domain::subprocessor_register::DEFAULT_NOTICE_DAYS)),
        }
    }
}

impl PrivacyConfig {
    pub fn of<'a>(ctx: &Context<'a>) -> Result<&'a PrivacyConfig, AppError> {
        ctx.data::<PrivacyConfig>().map_err(|_| AppError::internal("PrivacyConfig missing from schema data"))
    }
}

/// The privacy module as the gateway composes it.
#[derive(Default)]
pub struct PrivacyModule {
    config: PrivacyConfig,
}

impl PrivacyModule {
    pub fn new(config: PrivacyConfig) -> Self {
        Self { config }
    }
}

/// The module's queries and mutations and fields of `Me` in the schema.
impl SchemaParts for PrivacyModule {
    type Query<M: MeObject> = PrivacyQuery;
    type Mutation<M: MeObject> = PrivacyMutation;
    type OfMe = PrivacyOfMe;
    type Subscription = NoSubscriptions;

    fn of_me(user_id: Uuid) -> Self::OfMe {
        PrivacyOfMe::new(user_id)
    }
}

impl Module for PrivacyModule {
    fn name(&self) -> &'static str {
        "privacy"
    }

    fn hooks(&self) -> Option<Arc<dyn ModuleHooks>> {
        Some(Arc::new(hooks::PrivacyHooks))
    }

    fn audit_trail(&self) -> Option<Arc<dyn AuditTrail>> {
        Some(Arc::new(service::audit_log::AuditLog))
    }

    fn register<Q, M, S>(&self, builder: SchemaBuilder<Q, M, S>, _app: &AppContext) -> SchemaBuilder<Q, M, S> {
        builder.data(self.config.clone())
    }
}
