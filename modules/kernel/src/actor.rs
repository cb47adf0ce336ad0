//! Who is calling: the authenticated user with their roles, taken from `Authorization: Bearer`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// Staff and user roles. Every user has `User`; the others are granted from the command line
/// (`cogo-api grant-role <email> <ROLE>`). Merchant access is not a role: it follows partner membership.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Every signed-in user.
    User,
    /// CoGo staff: partners, policy versions, sub-processors.
    Admin,
    /// CoGo staff: data-subject requests, breach register, retention.
    PrivacyOfficer,
    /// CoGo staff: aggregate telemetry only.
    Analyst,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "USER",
            Role::Admin => "ADMIN",
            Role::PrivacyOfficer => "PRIVACY_OFFICER",
            Role::Analyst => "ANALYST",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_ascii_uppercase().as_str() {
            "USER" => Some(Role::User),
            "ADMIN" => Some(Role::Admin),
            "PRIVACY_OFFICER" => Some(Role::PrivacyOfficer),
            "ANALYST" => Some(Role::Analyst),
            _ => None,
        }
    }
}

/// The signed-in caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn has_role(&self, role: Role) -> bool {
        role == Role::User || self.roles.contains(&role)
    }

    /// Ownership check for services: the actor must be the user who owns the thing.
    /// Someone else's thing is reported as not found, so its existence does not leak.
    pub fn ensure_owns(&self, owner: Uuid, what: &'static str) -> Result<(), AppError> {
        if self.user_id == owner { Ok(()) } else { Err(AppError::NotFound(what)) }
    }
}

/// Why a presented bearer token was not accepted; kept in the request so guards can say so.
#[derive(Debug, Clone, Copy)]
pub struct RejectedCredentials(pub &'static str);
