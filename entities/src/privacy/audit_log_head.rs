use sea_orm::entity::prelude::*;

/// The head of the audit log's hash chain: one row (`id = 1`) naming the last entry. Writers lock it to append (so
/// concurrent writers never fork the chain), and it shows when the newest entries were removed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log_head")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// The last entry's position; 0 while the log is empty.
    pub position: i64,
    pub entry_id: Option<Uuid>,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
