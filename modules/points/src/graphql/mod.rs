//! The points module's part of the GraphQL schema: `me { points { balance lifetimeEarned ledger } }`.

use async_graphql::{Context, ID, Object, SimpleObject, connection::Connection};
use chrono::{DateTime, Utc};
use cogo_entities::points::ledger_entry;
use cogo_kernel::{
    AppContext,
    pagination::{PageRequest, connection_from, time_id_key},
};
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::{kind::EntryKind, service};

mod subscription;

pub use subscription::PointsSubscription;

/// The points module's fields of `Me`.
pub struct PointsOfMe {
    user_id: Uuid,
}

impl PointsOfMe {
    pub fn new(user_id: Uuid) -> Self {
        Self { user_id }
    }
}

#[Object]
impl PointsOfMe {
    /// Your CoGo points: one for every full kilometre walked, spent on offers.
    async fn points(&self) -> Points {
        Points { user_id: self.user_id, balance: OnceCell::new() }
    }
}

/// Your points balance and its history.
pub struct Points {
    user_id: Uuid,
    /// `balance` and `lifetimeEarned` come from one row: read once per request, whichever field asks first.
    balance: OnceCell<service::Balance>,
}

impl Points {
    async fn balance_row(&self, ctx: &Context<'_>) -> async_graphql::Result<service::Balance> {
        let app = AppContext::of(ctx)?;
        let known = ctx.data::<std::sync::Arc<crate::KnownBalances>>()?;
        let read = || async {
            let load = async { service::balance_of(&app.db, self.user_id).await.map(Some) };
            known.get_or_load(self.user_id, load).await.map(Option::unwrap_or_default)
        };
        Ok(*self.balance.get_or_try_init(read).await?)
    }
}

#[Object]
impl Points {
    /// Points you can spend now. Never negative.
    async fn balance(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(self.balance_row(ctx).await?.balance)
    }

    /// Every point you have ever earned.
    async fn lifetime_earned(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(self.balance_row(ctx).await?.lifetime_earned)
    }

    /// The ledger, newest first.
    #[graphql(complexity = "cogo_kernel::complexity::page(first, child_complexity)")]
    async fn ledger(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, LedgerEntry>> {
        let page = PageRequest::parse(first, after)?;
        let rows = service::ledger_page(&AppContext::of(ctx)?.db, self.user_id, &page).await?;
        Ok(connection_from(&page, rows, |row| time_id_key(&row.created_at, &row.id), LedgerEntry::from))
    }
}

/// One movement of points.
#[derive(SimpleObject)]
pub struct LedgerEntry {
    /// The entry's id.
    pub id: ID,
    /// Positive for credits, negative for debits.
    pub amount: i64,
    /// Why points moved.
    pub kind: EntryKind,
    /// What it was for, in words.
    pub description: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

impl From<ledger_entry::Model> for LedgerEntry {
    fn from(row: ledger_entry::Model) -> Self {
        Self {
            id: ID(row.id.to_string()),
            amount: row.amount,
            kind: EntryKind::parse(&row.kind).unwrap_or(EntryKind::Adjustment),
            description: row.description,
            created_at: row.created_at,
        }
    }
}
