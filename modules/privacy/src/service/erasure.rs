//! Erasure (GDPR art. 17; policy §4.7, §6.1): every module removes what it holds about the person, in one
//! transaction. What bookkeeping law requires (§4.13) stays under the pseudonymous account id; the recipients who
//! received the person's data are recorded on the request, so they can be told (art. 19).

use chrono::{DateTime, Utc};
use cogo_kernel::{
    AppContext, AppError, AuditAction, AuditSubject, Change, DataRecipient, DataSubjectRequestKind, Staff,
};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use uuid::Uuid;

use crate::service::register;

pub const USER_ERASED: AuditAction = AuditAction("USER_ERASED");

/// The person deletes their own account, confirming with their password. A wrong password changes nothing but
/// the log-in throttle (it counts as a failed log-in, so this is no way around it). The password is checked
/// before the erasure's transaction begins, so the slow hash never holds it.
pub async fn delete_own_account(app: &AppContext, user_id: Uuid, password: &str) -> Result<(), AppError> {
    app.hooks.accounts()?.verify_password(&app.db, user_id, password, app.now()).await?;
    let txn = app.db.begin().await?;
    if !app.hooks.accounts()?.lock_for_erasure(&txn, user_id).await? {
        return Err(AppError::Unauthenticated("the account has been deleted"));
    }
    let now = app.now();
    let recipients = erase(app, &txn, user_id, now).await?;
    register::record_erasure_in_app(&txn, user_id, &recipients, now).await?;
    txn.commit().await?;
    forget_account(app, user_id);
    tracing::info!(recipients = recipients.len(), "account erased at the user's request");
    Ok(())
}

/// Staff carry out an erasure request received by e-mail or letter: the same erasure, and the request completed.
/// The request must be an open `ERASURE` request of this account. Audit-logged.
pub async fn erase_on_request(
    app: &AppContext,
    staff: &Staff,
    user_id: Uuid,
    request_id: Uuid,
) -> Result<(), AppError> {
    let txn = app.db.begin().await?;
    let request = register::open_request(&txn, request_id).await?;
    if request.subject_id != user_id {
        return Err(AppError::bad_input("requestId", "this request is not about this user"));
    }
    if request.kind != DataSubjectRequestKind::Erasure.as_str() {
        return Err(AppError::bad_input("requestId", "this is not an erasure request"));
    }
    if !app.hooks.accounts()?.lock_for_erasure(&txn, user_id).await? {
        return Err(AppError::NotFound("user"));
    }
    let now = app.now();
    let recipients = erase(app, &txn, user_id, now).await?;
    register::mark_completed(&txn, request, now, Some(&recipients)).await?;
    app.hooks.audit(&txn, staff.did(USER_ERASED, Some(AuditSubject::user(user_id)), now)).await?;
    txn.commit().await?;
    forget_account(app, user_id);
    tracing::info!(data_subject_request = %request_id, recipients = recipients.len(), "account erased on a recorded request");
    Ok(())
}

/// The account, its sessions (foreign keys cascade) and its balance are gone: this instance forgets them now.
fn forget_account(app: &AppContext, user_id: Uuid) {
    for change in
        [Change::SessionsEnded { user_id }, Change::UserChanged { user_id }, Change::PointsChanged { user_id }]
    {
        app.changes.publish(change);
    }
}

/// Learns who received the person's data (before the modules forget it), then erases them from every module. The
/// caller holds the account's erasure lock, so no mutation writing the person's data is in flight.
async fn erase(
    app: &AppContext,
    txn: &DatabaseTransaction,
    user_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Vec<DataRecipient>, AppError> {
    let recipients = app.hooks.data_recipients(txn, user_id).await?;
    app.hooks.erase_user_data(txn, user_id, at).await?;
    Ok(recipients)
}
