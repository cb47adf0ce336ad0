use sea_orm::entity::prelude::*;

/// One version of a sub-processor's entry in the register (policy §5.1–5.3, §5.10). Versions are only added: the
/// register at any moment is, per sub-processor, the newest version whose `effective_from` has come; a version
/// still to come is an announced change (users are told before a material change takes effect, §5.2).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subprocessor_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The sub-processor's name, trimmed and lower-case: what identifies it across versions.
    #[sea_orm(indexed)]
    pub name_key: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub purpose: String,
    /// Where it processes the data (a country or region).
    pub location: String,
    /// How a transfer outside the EU/EEA is safeguarded (or that there is none).
    #[sea_orm(column_type = "Text")]
    pub transfer_safeguard: String,
    /// A seeded entry still to be filled in with the real supplier.
    pub placeholder: bool,
    /// A new sub-processor or a new location: announced to every user before it takes effect.
    pub material: bool,
    #[sea_orm(indexed)]
    pub recorded_at: DateTimeUtc,
    pub effective_from: DateTimeUtc,
    /// The staff member who recorded it; `None` for the seeded entries.
    pub recorded_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
