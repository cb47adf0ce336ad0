//! Accounts: sign-up, profile, password.

use std::collections::HashMap;

use cogo_entities::users::user;
use cogo_kernel::{Actor, AppContext, AppError, Change, DataSubjectRequestKind, DomainEvent};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use crate::config::UsersConfig;
use crate::domain::{Email, NewPassword, PasswordHash, PersonName};
use crate::service::sessions::{IssuedSession, revoke_all, start_session};
use crate::service::throttle;

/// What a new user gives: full name and e-mail, nothing more (data minimisation, §4.2–4.3), and a password.
#[derive(Debug)]
pub struct SignUp {
    pub name: String,
    pub email: String,
    pub password: String,
    pub referral_code: Option<String>,
}

/// Creates the account and its first session in one transaction. Other modules react to `UserSignedUp` inside
/// that transaction (consent records the accepted policy, referrals links the recruiter); any of them failing
/// creates nothing.
#[tracing::instrument(skip_all)]
pub async fn sign_up(app: &AppContext, config: &UsersConfig, input: SignUp) -> Result<IssuedSession, AppError> {
    let name = PersonName::parse("name", &input.name)?;
    let email = Email::parse("email", &input.email)?;
    let password = NewPassword::parse("password", &input.password)?;
    let referral_code = input.referral_code.filter(|code| !code.trim().is_empty());
    let password_hash = password.hash().await?;
    let now = app.now();

    let txn = app.db.begin().await?;
    ensure_email_free(&txn, &email, None).await?;
    let user_id = Uuid::now_v7();
    user::ActiveModel {
        id: Set(user_id),
        name: Set(name.into_inner()),
        email: Set(email.into_inner()),
        password_hash: Set(password_hash.0),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
        email_verified_at: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(email_conflict)?;
    app.hooks
        .publish(&txn, &DomainEvent::UserSignedUp { user_id, referral_code, at: now, policy_accepted: true })
        .await?;
    let issued = start_session(&txn, config, user_id, now).await?;
    txn.commit().await.map_err(email_conflict)?;
    // An ordinary event: logged without the user id.
    tracing::info!("account created");
    Ok(issued)
}

/// An open (not closed) account.
pub async fn find_active_user(db: &impl ConnectionTrait, user_id: Uuid) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(user_id)
        .filter(user::Column::ClosedAt.is_null())
        .one(db)
        .await?
        .ok_or(AppError::NotFound("account"))
}

/// The open account a typed address logs in to (normalised as log-in does), if any. Never an error for an address
/// that is not one: there is simply no such account.
pub async fn find_open_by_login_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(crate::service::sessions::normalise_login_email(email)))
        .filter(user::Column::ClosedAt.is_null())
        .one(db)
        .await?)
}

/// The id of the open account with this e-mail address, if any (staff adding a partner's merchant by e-mail).
/// An address that is not an e-mail address at all is `BAD_USER_INPUT` on `field`.
pub async fn find_active_by_email(
    db: &impl ConnectionTrait,
    field: &'static str,
    email: &str,
) -> Result<Option<Uuid>, AppError> {
    let email = Email::parse(field, email)?;
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .filter(user::Column::ClosedAt.is_null())
        .one(db)
        .await?;
    Ok(found.map(|u| u.id))
}

/// Names of users by id, for modules that list people by name (recruits). Closed accounts are left out.
pub async fn names_of(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, AppError> {
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .filter(user::Column::ClosedAt.is_null())
        .all(db)
        .await?;
    Ok(users.into_iter().map(|u| (u.id, u.name)).collect())
}

/// Ids of every open account, for a send-out that then asks each module's rules (e.g. consent) who it may reach.
pub async fn open_account_ids(db: &impl ConnectionTrait) -> Result<Vec<Uuid>, AppError> {
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::ClosedAt.is_null())
        .into_tuple()
        .all(db)
        .await?)
}

/// Rectification (§6.1): the user changes their own name and/or e-mail. Absent fields stay as they are. A change
/// is a data-subject request (art. 16), so it is published for the request register in the same transaction.
/// A new e-mail address takes effect only once verified: a code goes to it, and the current address is told
/// (see [`crate::service::email_verification`]).
#[tracing::instrument(skip_all)]
pub async fn update_profile(
    app: &AppContext,
    config: &UsersConfig,
    actor: &Actor,
    name: Option<String>,
    email: Option<String>,
) -> Result<user::Model, AppError> {
    let name = name.map(|n| PersonName::parse("name", &n)).transpose()?;
    let email = email.map(|e| Email::parse("email", &e)).transpose()?;
    let txn = app.db.begin().await?;
    let current = find_active_user(&txn, actor.user_id).await?;
    let name = name.filter(|name| name.as_str() != current.name);
    let email = email.filter(|email| email.as_str() != current.email);
    if name.is_none() && email.is_none() {
        txn.commit().await?;
        return Ok(current);
    }
    if let Some(email) = &email {
        crate::service::email_verification::request_address_change(app, config, &txn, &current, email).await?;
    }
    let mut account: user::ActiveModel = current.into();
    if let Some(name) = name {
        account.name = Set(name.into_inner());
    }
    let now = app.now();
    account.updated_at = Set(now);
    let updated = account.update(&txn).await.map_err(email_conflict)?;
    let request = DomainEvent::DataSubjectRequestMade {
        user_id: actor.user_id,
        kind: DataSubjectRequestKind::Rectification,
        at: now,
    };
    app.hooks.publish(&txn, &request).await?;
    txn.commit().await.map_err(email_conflict)?;
    app.changes.publish(Change::UserChanged { user_id: actor.user_id });
    Ok(updated)
}

/// Changes the password after checking the current one, and signs out every other session. Wrong current
/// passwords count towards the log-in throttle: a stolen access token must not become a password oracle.
#[tracing::instrument(skip_all, fields(user_id = %actor.user_id))]
pub async fn change_password(
    app: &AppContext,
    config: &UsersConfig,
    actor: &Actor,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let account = find_active_user(&app.db, actor.user_id).await?;
    let key = throttle::throttle_key(&config.throttle_key, &account.email);
    throttle::begin_attempt(&app.db, &key, app.now()).await?;
    let stored = PasswordHash(account.password_hash.clone());
    if !PasswordHash::verify(Some(&stored), current).await? {
        throttle::fail_attempt(&app.db, &key, app.now()).await?;
        return Err(AppError::bad_input("currentPassword", "is not your current password"));
    }
    throttle::reset(&app.db, &key).await?;
    let new_hash = NewPassword::parse("newPassword", new)?.hash().await?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let mut account: user::ActiveModel = account.into();
    account.password_hash = Set(new_hash.0);
    account.updated_at = Set(now);
    account.update(&txn).await?;
    revoke_all(&txn, actor.user_id, Some(actor.session_id), "password_changed", now).await?;
    txn.commit().await?;
    app.changes.publish(Change::SessionsEnded { user_id: actor.user_id });
    Ok(())
}

pub(crate) async fn ensure_email_free(
    db: &impl ConnectionTrait,
    email: &Email,
    except: Option<Uuid>,
) -> Result<(), AppError> {
    let mut query = user::Entity::find().filter(user::Column::Email.eq(email.as_str()));
    if let Some(id) = except {
        query = query.filter(user::Column::Id.ne(id));
    }
    match query.one(db).await? {
        Some(_) => Err(taken()),
        None => Ok(()),
    }
}

fn taken() -> AppError {
    AppError::Conflict("email: an account with this e-mail address already exists".into())
}

/// Two sign-ups racing for one address: the loser hits the unique index and gets the same `CONFLICT`.
fn email_conflict(err: sea_orm::DbErr) -> AppError {
    match AppError::from(err) {
        AppError::Conflict(_) => taken(),
        other => other,
    }
}
