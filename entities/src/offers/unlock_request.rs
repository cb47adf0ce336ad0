use sea_orm::entity::prelude::*;

/// An `unlockOffer` made with an `Idempotency-Key`: the key (as a digest), the offer it asked for and the answer it
/// got, so a retry with the same key within 24 hours gets that answer instead of a second debit. The row is
/// inserted first in the unlock's transaction (its primary key makes a racing retry wait for the first's commit)
/// and completed with the answer before the commit. Purged after 24 hours and deleted with the user's account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_unlock_requests")]
pub struct Model {
    /// Keys are the user's own: another user's same key is another request.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// SHA-256 of the key, hex: the client's text is never stored, and the column has a fixed size.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key_digest: String,
    /// What the request asked for; the same key for another offer is a `CONFLICT`.
    pub offer_id: Uuid,
    /// The answer: the redemption unlocked (null only inside the first request's transaction).
    pub redemption_id: Option<Uuid>,
    /// The answer: the balance right after the debit.
    pub balance: Option<i64>,
    #[sea_orm(indexed)]
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
