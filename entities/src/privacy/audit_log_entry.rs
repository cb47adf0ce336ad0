use sea_orm::entity::prelude::*;

/// One entry of the staff audit log: who did what to whose data, when, in which request. Append-only and
/// hash-chained: `hash` covers every other column and `previous_hash`, the hash of the entry at `position - 1`, so
/// an entry changed or removed in the database breaks the chain (`verifyAuditLog`). Names and e-mail addresses are
/// never written here; a person is named by account id.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// 1, 2, 3, … with no gaps: the chain's order.
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i64,
    #[sea_orm(unique)]
    pub id: Uuid,
    /// The id of the entry before, so a removed entry is named by the one after it.
    pub previous_id: Option<Uuid>,
    pub at: DateTimeUtc,
    /// `STAFF` (a signed-in staff member) or `OPERATOR` (the command line).
    pub actor_kind: String,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    pub request_id: Option<String>,
    /// SHA-256, lower-case hex.
    pub previous_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
