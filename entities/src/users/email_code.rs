use sea_orm::entity::prelude::*;

/// A one-time code sent by e-mail: to verify the address (or a new address, `new_email`) or to reset the password.
/// Only its keyed hash is stored; it is single-use, expires, and allows a few tries.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_codes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// `VERIFY_EMAIL` or `RESET_PASSWORD`.
    pub purpose: String,
    /// HMAC-SHA256 (hex) of the code with the server's code key, bound to the account and purpose.
    pub code_hash: String,
    /// For a change of address: the address the code was sent to, which becomes the account's once verified.
    pub new_email: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// Wrong codes tried against it.
    pub attempts: i32,
    pub used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
