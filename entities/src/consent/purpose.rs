use sea_orm::entity::prelude::*;

/// A processing purpose with its legal basis (policy §4.1). Seeded by migration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent_purposes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// `CONTRACT`, `CONSENT`, `LEGITIMATE_INTEREST`, `LEGAL_OBLIGATION`.
    pub legal_basis: String,
    pub description: String,
    pub position: i32,
    /// Who outside CoGo receives this purpose's data (§6.1): a JSON array of text; empty when no one does.
    #[sea_orm(column_type = "Text")]
    pub recipients: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
