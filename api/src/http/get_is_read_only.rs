//! Which operations each transport carries. A GET must never change anything (links, prefetchers and caches issue
//! GETs freely), and the WebSocket carries subscriptions only (queries and mutations go over HTTP, where a request's
//! changes are published when it ends, its time is bounded and an idempotency key can be sent). Checked here, once
//! the document is known, so a document named by a persisted-query hash (resolved by `crate::persisted_queries`)
//! is held to the rules as one that sends the text.

use std::sync::Arc;

use async_graphql::{
    ServerResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::{ExecutableDocument, OperationType},
};

use crate::http::graphql_response::coded_error;

/// Request data the handler adds to a GET request.
#[derive(Clone, Copy, Debug)]
pub struct ViaGet;

/// The code of the refusal (HTTP 405 with `Allow: POST`).
pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";

/// Connection data of a live-update socket.
#[derive(Clone, Copy, Debug)]
pub struct ViaSocket;

/// The code of a query or mutation sent over the socket.
pub const SUBSCRIPTIONS_ONLY: &str = "SUBSCRIPTIONS_ONLY";

pub struct GetIsReadOnly;

impl ExtensionFactory for GetIsReadOnly {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(GetIsReadOnlyExtension)
    }
}

struct GetIsReadOnlyExtension;

#[async_trait::async_trait]
impl Extension for GetIsReadOnlyExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        // Stricter than needed (any operation of the document, not just the selected one): a GET document that
        // holds a mutation at all has no business on GET.
        if ctx.data_opt::<ViaGet>().is_some()
            && document.operations.iter().any(|(_, op)| op.node.ty != OperationType::Query)
        {
            return Err(coded_error(METHOD_NOT_ALLOWED, "mutations must be sent with POST"));
        }
        if ctx.data_opt::<ViaSocket>().is_some()
            && document.operations.iter().any(|(_, op)| op.node.ty != OperationType::Subscription)
        {
            return Err(coded_error(
                SUBSCRIPTIONS_ONLY,
                "the socket carries subscriptions; send this to POST /graphql",
            ));
        }
        Ok(document)
    }
}
