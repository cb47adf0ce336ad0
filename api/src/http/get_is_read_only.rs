//! A GET must never change anything (links, prefetchers and caches issue GETs freely). Checked here, once the
//! document is known, so a GET that names its document by a persisted-query hash (resolved by
//! `crate::persisted_queries`) is held to the rule as one that sends the text.

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
        Ok(document)
    }
}
