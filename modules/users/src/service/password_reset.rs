//! A forgotten password (issue 13): a code mailed to the account's address lets its owner choose a new password,
//! which ends every session. Asking for a code says nothing about whether an account has the address: the answer
//! and the time it takes are the same either way.

use std::time::Duration;

use cogo_entities::users::user;
use cogo_kernel::{AppContext, AppError, Change, DomainEvent};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, TransactionTrait};

use crate::config::UsersConfig;
use crate::domain::{NewPassword, email_code::CodePurpose};
use crate::mails;
use crate::service::{accounts::find_open_by_login_email, email_codes, sessions::revoke_all, throttle};

/// Every request for a reset code answers after this long, whatever it found: longer than the slowest path (a
/// look-up, a code and a queued mail), so the time says nothing about the address.
const RESET_REQUEST_ANSWER_AFTER: Duration = Duration::from_millis(400);

/// Mails a reset code if an open account has this address. Always `Ok(true)` after the same time.
pub async fn request_reset(app: &AppContext, config: &UsersConfig, email: &str) -> Result<bool, AppError> {
    let answer_at = tokio::time::Instant::now() + RESET_REQUEST_ANSWER_AFTER;
    let outcome = send_reset_code(app, config, email).await;
    tokio::time::sleep_until(answer_at).await;
    match outcome {
        Ok(()) => Ok(true),
        // An outage is worth saying (retry later); nothing else may tell the accounts apart.
        Err(AppError::ServiceUnavailable) => Err(AppError::ServiceUnavailable),
        Err(other) => {
            tracing::error!(code = other.code().as_str(), "a password-reset code could not be sent");
            Ok(true)
        }
    }
}

async fn send_reset_code(app: &AppContext, config: &UsersConfig, email: &str) -> Result<(), AppError> {
    let now = app.now();
    let txn = app.db.begin().await?;
    let Some(account) = find_open_by_login_email(&txn, email).await? else { return Ok(()) };
    if !email_codes::sent_recently(&txn, account.id, CodePurpose::ResetPassword, now).await? {
        let code = email_codes::issue(&txn, config, account.id, CodePurpose::ResetPassword, None, now).await?;
        let mail = mails::password_reset_code(&account.email, &account.name, &code).to_account(account.id);
        app.hooks.send_mail(&txn, mail).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Sets a new password with a reset code. Every session ends; the address counts as verified (the code reached
/// it), and the log-in throttle of the address is cleared. An unknown address and a wrong code get the same answer.
pub async fn reset_password(
    app: &AppContext,
    config: &UsersConfig,
    email: &str,
    typed_code: &str,
    new_password: &str,
) -> Result<(), AppError> {
    let new_password = NewPassword::parse("newPassword", new_password)?;
    let now = app.now();
    let account = find_open_by_login_email(&app.db, email)
        .await?
        .ok_or_else(|| AppError::bad_input("code", "this code is wrong"))?;
    let code = email_codes::check(&app.db, config, account.id, CodePurpose::ResetPassword, typed_code, now).await?;
    let new_hash = new_password.hash().await?;
    let txn = app.db.begin().await?;
    email_codes::use_up(&txn, &code, now).await?;
    let user_id = account.id;
    let address = account.email.clone();
    let first_verification = account.email_verified_at.is_none();
    let verified = account.email_verified_at.unwrap_or(now);
    let mut changed: user::ActiveModel = account.into();
    changed.password_hash = Set(new_hash.0);
    changed.email_verified_at = Set(Some(verified));
    changed.updated_at = Set(now);
    changed.update(&txn).await?;
    revoke_all(&txn, user_id, None, "password_reset", now).await?;
    if first_verification {
        app.hooks.publish(&txn, &DomainEvent::EmailVerified { user_id, at: now }).await?;
    }
    txn.commit().await?;
    throttle::reset(&app.db, &throttle::throttle_key(&config.throttle_key, &address)).await?;
    app.changes.publish(Change::SessionsEnded { user_id });
    app.changes.publish(Change::UserChanged { user_id });
    tracing::info!(%user_id, "password reset with a mailed code; every session ended");
    Ok(())
}
