use sea_orm::entity::prelude::*;

/// A partner business that publishes offers. Onboarded by CoGo staff.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// Swedish organisation number, `NNNNNN-NNNN`; unique.
    #[sea_orm(unique)]
    pub org_number: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
