use sea_orm::entity::prelude::*;

/// An account: full name and e-mail, nothing more (data minimisation, policy §4.2–4.3).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// Normalised (trimmed, lower-case); unique.
    #[sea_orm(unique)]
    pub email: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Set when the account is closed; retention counts from here.
    pub closed_at: Option<DateTimeUtc>,
    /// When the owner last proved they receive mail at `email` (a code sent there); `None`: never.
    pub email_verified_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
