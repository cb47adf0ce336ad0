use sea_orm::entity::prelude::*;

/// Per user: everything credited so far and the walking points already awarded for it. The remainder below the
/// next full kilometre carries over to the next sync. Its row is also the per-user lock of a sync.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "step_totals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub credited_mm: i64,
    pub points_awarded: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
