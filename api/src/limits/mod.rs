//! What one GraphQL request may cost, enforced for every transport (POST, GET, WebSocket) and for documents
//! found by a persisted-query hash alike, as one async-graphql extension ([`Limits`]):
//!
//! - `prepare_request`: the variables ([`variables`]): strings and keys bounded, no control characters;
//! - `parse_query`: the document before validation ([`document`], [`shape`]): names, literals and directives,
//!   then depth, selections, root fields and the fields allowed once per request, fragments spread out;
//! - `validation`: the complexity async-graphql computes (lists charged by `first`, expensive fields by their
//!   cost, see `cogo_kernel::complexity`);
//! - `request`: the execution timeout ([`timeout`]) and the bounding of every response's errors ([`errors`]).
//!
//! Every refusal comes before anything runs, with a stable `extensions.code` (and `extensions.limit`).
//!
//! **Response size.** Client text reaches a response only as error messages, each cut to 200 characters, as
//! names (aliases) of at most 100 characters, and as the values a resolver returns by design (a rejected sample's
//! `externalId`, once per sample sent). A response holds at most 21 errors, so its errors take a few kilobytes
//! whatever the request (issue 10's 1.9 MB request gets one error of under 300 bytes); its data is bounded by the
//! complexity budget (2,500: at most that many fields, lists by the page asked for), not by the request.

pub mod document;
pub mod errors;
pub mod shape;
pub mod text;
pub mod timeout;
pub mod variables;

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest, NextSubscribe,
    NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, Response, ServerError, ServerResult, ValidationResult, Variables};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use crate::limits::errors::{LimitCode, bad_text, bound_errors, over_limit};
use crate::settings::LimitSettings;
use crate::settings::limits::{MAX_COMPLEXITY, MAX_DEPTH};

/// The limits as an extension. The timeout comes from the [`LimitSettings`] in the schema's data (the default
/// when there is none, as in the SDL export).
pub struct Limits;

impl ExtensionFactory for Limits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsExtension)
    }
}

struct LimitsExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for LimitsExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let settings = ctx.data_opt::<LimitSettings>().copied().unwrap_or_default();
        bound_errors(timeout::within(settings.request_timeout, next.run(ctx)).await)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream).map(bound_errors).boxed()
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let request = next.run(ctx, request).await?;
        variables::check_variables(&request.variables)?;
        Ok(request)
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if query.chars().any(text::is_forbidden_control) {
            return Err(bad_text("query", "the query holds a control character", None));
        }
        // Parsed here first so that nothing async-graphql does after parsing (its recursive walks, validation)
        // sees a document over the limits; a document that does not parse is left to its own error.
        if let Ok(document) = async_graphql::parser::parse_query(query) {
            document::check_document(&document)?;
            shape::check_shape(&document)?;
        }
        next.run(ctx, query, variables).await
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if result.complexity > MAX_COMPLEXITY {
            let message = format!(
                "the query is too complex: it costs {}, at most {MAX_COMPLEXITY} is allowed (lists cost per item asked for)",
                result.complexity
            );
            return Err(vec![over_limit(LimitCode::QueryTooComplex, message, MAX_COMPLEXITY, None)]);
        }
        if result.depth > MAX_DEPTH {
            let message = format!("the query is nested too deep (at most {MAX_DEPTH} levels of fields)");
            return Err(vec![over_limit(LimitCode::QueryTooDeep, message, MAX_DEPTH, None)]);
        }
        Ok(result)
    }
}
