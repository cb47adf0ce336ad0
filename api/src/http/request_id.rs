//! Every request gets an id: in the `x-request-id` response header and on every log line of the request, so an
//! `INTERNAL` error reported by a user can be found in the logs.

use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};
use tracing::Instrument;
use uuid::Uuid;

pub struct RequestId;

impl<E: Endpoint> Middleware<E> for RequestId {
    type Output = RequestIdEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        RequestIdEndpoint(ep)
    }
}

pub struct RequestIdEndpoint<E>(E);

impl<E: Endpoint> Endpoint for RequestIdEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Self::Output> {
        let id = Uuid::new_v4().to_string();
        // The GraphQL handler hands it on to the resolvers (the audit log records it with every staff action).
        req.extensions_mut().insert(cogo_kernel::RequestId(id.clone()));
        let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path());
        async move {
            let mut response = self.0.call(req).await?.into_response();
            if let Ok(value) = id.parse() {
                response.headers_mut().insert("x-request-id", value);
            }
            Ok(response)
        }
        .instrument(span)
        .await
    }
}
