//! The data subject's rights (GDPR art. 15–21; policy §6.1), as the request register names them.

use serde::{Deserialize, Serialize};

/// What a data subject asked for.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DataSubjectRequestKind {
    /// A register extract of everything held about them (art. 15).
    Access,
    /// Correction of their data (art. 16).
    Rectification,
    /// Erasure of the account (art. 17).
    Erasure,
    /// Restriction of processing, or lifting it (art. 18).
    Restriction,
    /// Objection to processing on legitimate interest, e.g. direct marketing (art. 21).
    Objection,
    /// Their data in a machine-readable form (art. 20).
    Portability,
}

impl DataSubjectRequestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "ACCESS",
            Self::Rectification => "RECTIFICATION",
            Self::Erasure => "ERASURE",
            Self::Restriction => "RESTRICTION",
            Self::Objection => "OBJECTION",
            Self::Portability => "PORTABILITY",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Access, Self::Rectification, Self::Erasure, Self::Restriction, Self::Objection, Self::Portability]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}
