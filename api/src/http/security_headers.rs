//! Security headers on every response, errors and CORS refusals included: no MIME sniffing, no referrer, no
//! framing, no caching of answers that may hold personal data, and a Content-Security-Policy that lets a JSON
//! answer load nothing at all. The GraphiQL page (the one HTML response) gets a policy that still lets it load its
//! scripts and styles from the CDN it is built on. With TLS on, HSTS tells browsers to use HTTPS only.

use poem::{
    Endpoint, IntoResponse, Middleware, Request, Response, Result,
    http::{HeaderValue, header},
};

/// A JSON (or plain-text) answer runs nothing and loads nothing; it may not be framed.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/// GraphiQL (async-graphql's page) loads React and GraphiQL from unpkg.com, runs one inline script, shows the
/// graphql.org icon and posts to this origin. To be tightened to `'self'` when GraphiQL is served from here.
const GRAPHIQL_CSP: &str = "default-src 'none'; script-src 'unsafe-inline' https://unpkg.com; \
    style-src 'unsafe-inline' https://unpkg.com; font-src https://unpkg.com data:; \
    img-src https://graphql.org https://unpkg.com data:; connect-src 'self'; worker-src blob:; \
    frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/// One year, subdomains too: the API's host name only ever speaks HTTPS once TLS is configured.
const HSTS: &str = "max-age=31536000; includeSubDomains";

pub struct SecurityHeaders {
    hsts: bool,
}

impl SecurityHeaders {
    /// `hsts`: whether this server speaks TLS (HSTS over plain HTTP is ignored by browsers and misleading).
    pub fn new(hsts: bool) -> Self {
        Self { hsts }
    }
}

impl<E: Endpoint> Middleware<E> for SecurityHeaders {
    type Output = SecurityHeadersEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        SecurityHeadersEndpoint { inner: ep, hsts: self.hsts }
    }
}

pub struct SecurityHeadersEndpoint<E> {
    inner: E,
    hsts: bool,
}

impl<E: Endpoint> Endpoint for SecurityHeadersEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        // Errors (404, a refused CORS origin, 413) become responses here so they carry the headers too.
        let mut response = match self.inner.call(req).await {
            Ok(output) => output.into_response(),
            Err(err) => err.into_response(),
        };
        let html = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let headers = response.headers_mut();
        let csp = if html { GRAPHIQL_CSP } else { API_CSP };
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        // Answers hold personal data and tokens: no shared or browser cache may keep them.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.hsts {
            headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
        }
        Ok(response)
    }
}
