//! Privacy (policy §4.7, §4.13–4.14, §6.1–6.2): the data subject's rights end to end.
//!
//! - the **request register** (`service::register`): every request with its one-month deadline
//!   ([`domain::ResponseDeadline`], GDPR art. 12(3)), in-app requests logged from the other modules' events;
//! - **access and portability** (`service::export`): one document from every module's export hook, streamed;
//! - **erasure** (`service::erasure`): every module's erasure hook in one transaction, recipients recorded (art. 19);
//! - **retention** (`service::retention`): every module's purge hook, run daily, one instance at a time.
//!
//! The module reaches the others only through the kernel's hooks and the account directory.

pub mod domain;
pub mod graphql;
pub mod hooks;
pub mod service;

use std::sync::Arc;

use cogo_kernel::{Module, ModuleHooks};

pub use graphql::{PrivacyMutation, PrivacyQuery};

/// The privacy module as the gateway composes it.
#[derive(Default)]
pub struct PrivacyModule;

impl Module for PrivacyModule {
    fn name(&self) -> &'static str {
        "privacy"
    }

    fn hooks(&self) -> Option<Arc<dyn ModuleHooks>> {
        Some(Arc::new(hooks::PrivacyHooks))
    }
}
