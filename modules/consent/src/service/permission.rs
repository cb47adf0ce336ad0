//! "May I process purpose P for user U now?" — asked by other modules before every processing.
//! Reads the current state inside the caller's transaction, so a withdrawal takes effect for the very next request.

use cogo_entities::consent::{consent_state, purpose};
use cogo_kernel::AppError;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::legal_basis::LegalBasis;
use crate::service::restriction;

/// Whether `purpose` may be processed for the user now: never while they restrict processing, else as their
/// choice (or the basis' default) says.
pub async fn is_allowed(db: &impl ConnectionTrait, user_id: Uuid, purpose_key: &str) -> Result<bool, AppError> {
    let basis = basis_of(db, purpose_key).await?;
    if restriction::is_restricted(db, user_id).await? {
        return Ok(false);
    }
    let state = consent_state::Entity::find_by_id((user_id, purpose_key.to_string())).one(db).await?;
    Ok(state.map_or(basis.allowed_by_default(), |s| s.granted))
}

/// `PROCESSING_RESTRICTED` while the user restricts processing, else `CONSENT_REQUIRED` unless the purpose is
/// allowed for the user now.
pub async fn ensure_allowed(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    purpose_key: &'static str,
) -> Result<(), AppError> {
    restriction::ensure_unrestricted(db, user_id).await?;
    if is_allowed(db, user_id, purpose_key).await? { Ok(()) } else { Err(AppError::ConsentRequired(purpose_key)) }
}

/// Every open account for which the purpose is allowed now, e.g. the audience of a marketing send-out.
pub async fn all_users_allowed(db: &impl ConnectionTrait, purpose_key: &str) -> Result<Vec<Uuid>, AppError> {
    let open_accounts = cogo_users::service::open_account_ids(db).await?;
    users_allowed(db, purpose_key, &open_accounts).await
}

/// Every user for whom the purpose is allowed, among `candidates`.
/// For a consent purpose that is those who granted it; for legitimate interest those who did not object.
pub async fn users_allowed(
    db: &impl ConnectionTrait,
    purpose_key: &str,
    candidates: &[Uuid],
) -> Result<Vec<Uuid>, AppError> {
    let basis = basis_of(db, purpose_key).await?;
    let decided: Vec<(Uuid, bool)> = consent_state::Entity::find()
        .select_only()
        .column(consent_state::Column::UserId)
        .column(consent_state::Column::Granted)
        .filter(consent_state::Column::PurposeKey.eq(purpose_key))
        .into_tuple()
        .all(db)
        .await?;
    let decided: std::collections::HashMap<Uuid, bool> = decided.into_iter().collect();
    let restricted: std::collections::HashSet<Uuid> =
        restriction::restricted_among(db, candidates).await?.into_iter().collect();
    Ok(candidates
        .iter()
        .copied()
        .filter(|user| !restricted.contains(user))
        .filter(|user| decided.get(user).copied().unwrap_or(basis.allowed_by_default()))
        .collect())
}

/// The legal basis of a purpose; an unknown purpose is the caller's bug (or bad input at the API).
pub async fn basis_of(db: &impl ConnectionTrait, purpose_key: &str) -> Result<LegalBasis, AppError> {
    let row = purpose::Entity::find_by_id(purpose_key.to_string())
        .one(db)
        .await?
        .ok_or_else(|| AppError::bad_input("purpose", format!("unknown purpose '{purpose_key}'")))?;
    LegalBasis::parse(&row.legal_basis).ok_or_else(|| AppError::internal("unknown legal basis in consent_purposes"))
}
