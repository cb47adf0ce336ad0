use sea_orm::entity::prelude::*;

/// The disclosure log (policy §4.6, GDPR art. 19): each time a user's personal data was shared with a partner —
/// a one-time unlock shares name and e-mail with the offer's partner. Deleted with the user's account (the
/// privacy module first records the recipients on the erasure request) and with its redemption at the end of the
/// bookkeeping period.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "disclosures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub user_id: Uuid,
    /// The recipient.
    pub partner_id: Uuid,
    pub offer_id: Uuid,
    #[sea_orm(indexed)]
    pub redemption_id: Uuid,
    /// The categories of data shared, comma-separated, e.g. `name,email`.
    pub categories: String,
    pub disclosed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
