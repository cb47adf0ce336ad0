//! The keys of the seeded purposes, for modules that ask for permission.

/// The account itself (contract).
pub const ACCOUNT: &str = "account";
/// HealthKit step data, only for points (consent; §5.4–5.5).
pub const HEALTH_DATA: &str = "health_data";
/// News about CoGo's own services by e-mail: direct marketing on legitimate interest, until the user objects (§4.1).
pub const MARKETING: &str = "marketing";
/// News about partners' offers by e-mail: consent, off by default (marketing of others' products by e-mail needs
/// consent under marknadsföringslagen).
pub const PARTNER_OFFERS: &str = "partner_offers";
/// App usage statistics (consent; §5.3).
pub const ANALYTICS: &str = "analytics";
/// Personal identity number, only where verified identity is needed (consent; §4.8).
pub const PERSONAL_NUMBER: &str = "personal_number";
/// Bookkeeping records (legal obligation; §4.13).
pub const BOOKKEEPING: &str = "bookkeeping";
