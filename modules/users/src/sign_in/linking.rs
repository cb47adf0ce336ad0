//! Which account a verified provider identity signs into (issue 13, item 3):
//!
//! - an identity linked before: its account;
//! - else an open account with the same address, when the provider vouches for the address (`email_verified`)
//!   *and* the account's own address is verified: linked to it. An unverified address on either side never links —
//!   whoever typed someone else's address into a sign-up, or into a provider, gets nothing;
//! - else, when no account has the address: a new account (name from the token, the address verified if the
//!   provider said so, no password). Its owner accepts the privacy policy in the app (`pendingPolicyVersion`).

use cogo_entities::users::{user, user_identity};
use cogo_kernel::{AppContext, AppError, DomainEvent};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

use crate::domain::{Email, PasswordHash, PersonName};
use crate::service::sessions::normalise_login_email;
use crate::sign_in::flow::SignInError;

/// What a verified ID token says about the person.
#[derive(Debug, Clone)]
pub struct VerifiedIdentity {
    pub provider: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// The account the identity signs into, linked or created in one transaction.
pub async fn account_for(app: &AppContext, identity: &VerifiedIdentity) -> Result<Uuid, SignInError> {
    let txn = app.db.begin().await.map_err(AppError::from)?;
    let linked = user_identity::Entity::find_by_id((identity.provider.clone(), identity.subject.clone()))
        .one(&txn)
        .await
        .map_err(AppError::from)?;
    if let Some(linked) = linked {
        return Ok(linked.user_id);
    }
    let email = identity.email.as_deref().ok_or(SignInError::EmailMissing)?;
    let email = Email::parse("email", email).map_err(|_| SignInError::EmailMissing)?;
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(normalise_login_email(email.as_str())))
        .one(&txn)
        .await
        .map_err(AppError::from)?;
    let user_id = match existing {
        Some(account)
            if account.closed_at.is_none() && identity.email_verified && account.email_verified_at.is_some() =>
        {
            account.id
        }
        Some(_) => return Err(SignInError::EmailInUse),
        None => create_account(app, &txn, identity, email).await?,
    };
    user_identity::Entity::insert(user_identity::ActiveModel {
        provider: Set(identity.provider.clone()),
        subject: Set(identity.subject.clone()),
        user_id: Set(user_id),
        email: Set(identity.email.clone()),
        linked_at: Set(app.now()),
    })
    .exec_without_returning(&txn)
    .await
    .map_err(AppError::from)?;
    txn.commit().await.map_err(AppError::from)?;
    app.changes.publish(cogo_kernel::Change::UserChanged { user_id });
    tracing::info!(provider = %identity.provider, "a provider identity was linked to an account");
    Ok(user_id)
}

async fn create_account(
    app: &AppContext,
    txn: &DatabaseTransaction,
    identity: &VerifiedIdentity,
    email: Email,
) -> Result<Uuid, SignInError> {
    let local_part = email.as_str().split('@').next().unwrap_or_default().to_string();
    let name = identity
        .name
        .as_deref()
        .and_then(|name| PersonName::parse("name", name).ok())
        .or_else(|| PersonName::parse("name", &local_part).ok())
        .ok_or(SignInError::EmailMissing)?;
    let now = app.now();
    let user_id = Uuid::now_v7();
    user::Entity::insert(user::ActiveModel {
        id: Set(user_id),
        name: Set(name.into_inner()),
        email: Set(email.into_inner()),
        password_hash: Set(PasswordHash::NONE.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
        email_verified_at: Set(identity.email_verified.then_some(now)),
    })
    .exec_without_returning(txn)
    .await
    .map_err(AppError::from)?;
    let signed_up = DomainEvent::UserSignedUp { user_id, referral_code: None, at: now, policy_accepted: false };
    app.hooks.publish(txn, &signed_up).await?;
    tracing::info!(provider = %identity.provider, "account created by signing in with a provider");
    Ok(user_id)
}
