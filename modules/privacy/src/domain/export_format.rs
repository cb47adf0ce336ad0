/// The version of the export document's layout (GDPR art. 20: structured, commonly used, machine-readable).
///
/// The document is one JSON object: `format` (this string), `exportedAt`, `subjectId` (your account id), then one
/// section per module that holds something about you — `users` (account, roles, sessions: times only),
/// `consent` (current choices, their history, policy acceptances, restriction), `points` (balance and ledger),
/// `steps` (samples with a device class, day totals), `offers` (redemptions, disclosures to partners, merchant
/// membership), `referrals` (your code, who recruited you — by name only —, your recruits by name and date),
/// `privacy` (your data-subject requests). A section's fields only ever grow within one format version; a change of
/// meaning gets a new version.
pub const EXPORT_FORMAT: &str = "cogo-export/1";
