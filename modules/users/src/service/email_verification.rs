//! Proving an e-mail address (issue 13): a code mailed to the address, typed back in the app. A change of address
//! takes effect only this way — the new address is verified first, and the old one is told.

use cogo_entities::users::user;
use cogo_kernel::{Actor, AppContext, AppError, Change, DomainEvent};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, TransactionTrait};

use crate::config::UsersConfig;
use crate::domain::{Email, email_code::CodePurpose};
use crate::mails;
use crate::service::{accounts::ensure_email_free, email_codes, find_active_user};

/// Mails a code to the account's address. `false` when the address is verified already (nothing is sent); a
/// second request within a minute sends nothing new (the first code still works).
pub async fn request_verification(app: &AppContext, config: &UsersConfig, actor: &Actor) -> Result<bool, AppError> {
    let now = app.now();
    let txn = app.db.begin().await?;
    let account = find_active_user(&txn, actor.user_id).await?;
    if account.email_verified_at.is_some() {
        return Ok(false);
    }
    if !email_codes::sent_recently(&txn, account.id, CodePurpose::VerifyEmail, now).await? {
        let code = email_codes::issue(&txn, config, account.id, CodePurpose::VerifyEmail, None, now).await?;
        let mail = mails::verification_code(&account.email, &account.name, &code).to_account(account.id);
        app.hooks.send_mail(&txn, mail).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Starts a change of address: a code goes to the new address and a notice to the current one. The account keeps
/// its address until [`verify_email`] is called with the code.
pub async fn request_address_change(
    app: &AppContext,
    config: &UsersConfig,
    txn: &sea_orm::DatabaseTransaction,
    account: &user::Model,
    new_email: &Email,
) -> Result<(), AppError> {
    ensure_email_free(txn, new_email, Some(account.id)).await?;
    let now = app.now();
    let new_address = new_email.as_str().to_string();
    let code =
        email_codes::issue(txn, config, account.id, CodePurpose::VerifyEmail, Some(new_address.clone()), now).await?;
    let to_new = mails::verification_code(&new_address, &account.name, &code).to_account(account.id);
    app.hooks.send_mail(txn, to_new).await?;
    let to_old = mails::address_change_requested(&account.email, &account.name, &new_address).to_account(account.id);
    app.hooks.send_mail(txn, to_old).await?;
    Ok(())
}

/// Checks the code: the address it was sent to is now the account's, verified. For a change of address the old
/// address is told.
pub async fn verify_email(app: &AppContext, config: &UsersConfig, actor: &Actor, typed: &str) -> Result<(), AppError> {
    let now = app.now();
    let code = email_codes::check(&app.db, config, actor.user_id, CodePurpose::VerifyEmail, typed, now).await?;
    let txn = app.db.begin().await?;
    let account = find_active_user(&txn, actor.user_id).await?;
    email_codes::use_up(&txn, &code, now).await?;
    let (old_address, name) = (account.email.clone(), account.name.clone());
    let mut changed: user::ActiveModel = account.into();
    changed.email_verified_at = Set(Some(now));
    if let Some(new_address) = &code.new_email {
        let new_email = Email::parse("code", new_address)?;
        ensure_email_free(&txn, &new_email, Some(actor.user_id)).await?;
        changed.email = Set(new_email.into_inner());
        changed.updated_at = Set(now);
        let to_old = mails::address_changed(&old_address, &name, new_address).to_account(actor.user_id);
        app.hooks.send_mail(&txn, to_old).await?;
    }
    changed.update(&txn).await?;
    // Rewards that waited for a verified address are decided in this transaction (referrals).
    app.hooks.publish(&txn, &DomainEvent::EmailVerified { user_id: actor.user_id, at: now }).await?;
    txn.commit().await?;
    app.changes.publish(Change::UserChanged { user_id: actor.user_id });
    Ok(())
}

/// The address a change is waiting to be verified for, if any.
pub async fn pending_address(app: &AppContext, user_id: uuid::Uuid) -> Result<Option<String>, AppError> {
    let code = email_codes::live_code(&app.db, user_id, CodePurpose::VerifyEmail, app.now()).await?;
    Ok(code.and_then(|code| code.new_email))
}
