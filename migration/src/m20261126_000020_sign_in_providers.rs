//! Users module: sign-in with OpenID Connect providers (issue 13) — linked identities, flows in progress (in the
//! database, so any instance can finish a flow another started) and the one-time codes handed to the app.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserIdentities::Table)
                    .col(string_len(UserIdentities::Provider, 64))
                    .col(string_len(UserIdentities::Subject, 255))
                    .col(uuid(UserIdentities::UserId))
                    .col(string_len_null(UserIdentities::Email, 254))
                    .col(timestamp_with_time_zone(UserIdentities::LinkedAt))
                    .primary_key(Index::create().col(UserIdentities::Provider).col(UserIdentities::Subject))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_identities_user")
                            .from(UserIdentities::Table, UserIdentities::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_identities_user")
                    .table(UserIdentities::Table)
                    .col(UserIdentities::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignInFlows::Table)
                    .col(string_len(SignInFlows::StateHash, 64).primary_key())
                    .col(string_len(SignInFlows::Provider, 64))
                    .col(string_len(SignInFlows::PkceVerifier, 128))
                    .col(string_len(SignInFlows::Nonce, 128))
                    .col(text(SignInFlows::RedirectUri))
                    .col(timestamp_with_time_zone(SignInFlows::CreatedAt))
                    .col(timestamp_with_time_zone(SignInFlows::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignInCodes::Table)
                    .col(string_len(SignInCodes::CodeHash, 64).primary_key())
                    .col(uuid(SignInCodes::UserId))
                    .col(string_len(SignInCodes::Provider, 64))
                    .col(timestamp_with_time_zone(SignInCodes::CreatedAt))
                    .col(timestamp_with_time_zone(SignInCodes::ExpiresAt))
                    .col(timestamp_with_time_zone_null(SignInCodes::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sign_in_codes_user")
                            .from(SignInCodes::Table, SignInCodes::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [SignInCodes::Table.into_iden(), SignInFlows::Table.into_iden(), UserIdentities::Table.into_iden()]
        {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum UserIdentities {
    Table,
    Provider,
    Subject,
    UserId,
    Email,
    LinkedAt,
}

#[derive(DeriveIden)]
enum SignInFlows {
    Table,
    StateHash,
    Provider,
    PkceVerifier,
    Nonce,
    RedirectUri,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum SignInCodes {
    Table,
    CodeHash,
    UserId,
    Provider,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}
