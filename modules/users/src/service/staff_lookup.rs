//! Support look-ups by staff (`ADMIN`, `PRIVACY_OFFICER`): one account by its e-mail address. Every look-up is
//! written to the audit log, whether or not it found someone.

use cogo_entities::users::user;
use cogo_kernel::{AppContext, AppError, AuditAction, AuditSubject, Role, Staff};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use crate::service::{roles::roles_of, sessions::normalise_login_email};

pub const USER_LOOKED_UP: AuditAction = AuditAction("USER_LOOKED_UP");

/// The account with this address (normalised as log-in does), open or closed, with its roles; `None` when there
/// is none. The audit entry names the account found by id (the address searched for is not kept).
pub async fn look_up_by_email(
    app: &AppContext,
    staff: &Staff,
    email: &str,
) -> Result<Option<(user::Model, Vec<Role>)>, AppError> {
    let txn = app.db.begin().await?;
    let found = user::Entity::find().filter(user::Column::Email.eq(normalise_login_email(email))).one(&txn).await?;
    let found = match found {
        Some(account) => {
            let roles = roles_of(&txn, account.id).await?;
            Some((account, roles))
        }
        None => None,
    };
    let subject = found.as_ref().map(|(account, _)| AuditSubject::user(account.id));
    app.hooks.audit(&txn, staff.did(USER_LOOKED_UP, subject, app.now())).await?;
    txn.commit().await?;
    Ok(found)
}
