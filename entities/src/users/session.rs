use sea_orm::entity::prelude::*;

/// A signed-in device. Access tokens name their session, so revoking it ends them at once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub user_id: Uuid,
    pub created_at: DateTimeUtc,
    /// The session ends here unless refreshed before; every refresh moves it forward, never past the absolute
    /// lifetime counted from `created_at`.
    pub expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    /// `logout`, `password_changed`, `refresh_token_reuse`, `account_closed`.
    pub revoked_reason: Option<String>,
    /// Hash of the refresh token the last refresh used up, and when: for a few seconds that token may be
    /// presented again by a racing request of the same app (the refresh grace) without revoking the session.
    pub previous_refresh_token_hash: Option<String>,
    pub rotated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
