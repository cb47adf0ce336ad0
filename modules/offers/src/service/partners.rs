//! Partners and their merchant staff: onboarded by CoGo staff (`ADMIN`).

use cogo_entities::offers::{partner, partner_member};
use cogo_kernel::{Actor, AppContext, AppError, AuditAction, AuditSubject, Staff};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait,
};
use uuid::Uuid;

use crate::domain::{BoundedText, OrgNumber};

pub const MAX_PARTNER_NAME_CHARS: usize = 100;

pub const PARTNER_CREATED: AuditAction = AuditAction("PARTNER_CREATED");
pub const PARTNER_MEMBER_ADDED: AuditAction = AuditAction("PARTNER_MEMBER_ADDED");

/// Onboards a partner business. The organisation number is unique: a second partner with it is `CONFLICT`.
#[tracing::instrument(skip_all)]
pub async fn create_partner(
    app: &AppContext,
    staff: &Staff,
    name: &str,
    org_number: &str,
) -> Result<partner::Model, AppError> {
    let name = BoundedText::parse("name", name, MAX_PARTNER_NAME_CHARS)?.into_inner();
    let org_number = OrgNumber::parse("orgNumber", org_number)?.into_inner();
    let txn = app.db.begin().await?;
    let taken = partner::Entity::find().filter(partner::Column::OrgNumber.eq(&org_number)).one(&txn).await?;
    if taken.is_some() {
        return Err(org_number_taken());
    }
    let created = partner::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        org_number: Set(org_number),
        created_at: Set(app.now()),
    }
    .insert(&txn)
    .await
    .map_err(conflict_as(org_number_taken))?;
    app.hooks
        .audit(&txn, staff.did(PARTNER_CREATED, Some(AuditSubject::new("PARTNER", created.id)), app.now()))
        .await?;
    txn.commit().await.map_err(conflict_as(org_number_taken))?;
    tracing::info!(partner_id = %created.id, "partner created");
    Ok(created)
}

/// Makes the user with this e-mail a merchant of the partner. Adding a member twice changes nothing; a user who
/// already acts for another partner is `CONFLICT` (a merchant acts for one partner only). The new member is
/// audit-logged (the account, by id).
#[tracing::instrument(skip_all, fields(%partner_id))]
pub async fn add_member(app: &AppContext, staff: &Staff, partner_id: Uuid, email: &str) -> Result<(), AppError> {
    let txn = app.db.begin().await?;
    partner::Entity::find_by_id(partner_id).one(&txn).await?.ok_or(AppError::NotFound("partner"))?;
    let user_id =
        cogo_users::service::find_active_by_email(&txn, "email", email).await?.ok_or(AppError::NotFound("account"))?;
    match partner_member::Entity::find_by_id(user_id).one(&txn).await? {
        Some(member) if member.partner_id == partner_id => return Ok(()),
        Some(_) => return Err(AppError::Conflict("email: this user is a merchant of another partner".into())),
        None => {}
    }
    partner_member::ActiveModel { user_id: Set(user_id), partner_id: Set(partner_id), added_at: Set(app.now()) }
        .insert(&txn)
        .await?;
    app.hooks.audit(&txn, staff.did(PARTNER_MEMBER_ADDED, Some(AuditSubject::user(user_id)), app.now())).await?;
    txn.commit().await?;
    Ok(())
}

/// The partner the actor acts for as a merchant, if any.
pub async fn partner_of(db: &impl ConnectionTrait, actor: &Actor) -> Result<Option<partner::Model>, AppError> {
    let Some(member) = partner_member::Entity::find_by_id(actor.user_id).one(db).await? else {
        return Ok(None);
    };
    Ok(partner::Entity::find_by_id(member.partner_id).one(db).await?)
}

/// The partner the actor acts for; `FORBIDDEN` for anyone who is not a merchant.
pub(crate) async fn require_partner(db: &impl ConnectionTrait, actor: &Actor) -> Result<partner::Model, AppError> {
    partner_of(db, actor).await?.ok_or(AppError::Forbidden)
}

fn org_number_taken() -> AppError {
    AppError::Conflict("orgNumber: a partner with this organisation number exists".into())
}

/// Two requests racing for one unique value: the loser hits the unique index and gets the same `CONFLICT`.
fn conflict_as(make: fn() -> AppError) -> impl Fn(sea_orm::DbErr) -> AppError {
    move |err| match AppError::from(err) {
        AppError::Conflict(_) => make(),
        other => other,
    }
}
