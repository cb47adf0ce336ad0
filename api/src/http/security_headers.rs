//! Security headers on every response, errors and CORS refusals included: no MIME sniffing, no referrer, no
//! framing, no caching of answers that may hold personal data, and a Content-Security-Policy that lets a JSON
//! answer load nothing at all. The web pages (GraphiQL, the portal) may load only what this server serves: no inline
//! script, no other origin. With TLS on, HSTS tells browsers to use HTTPS only.

use poem::{
    Endpoint, IntoResponse, Middleware, Request, Response, Result,
    http::{HeaderValue, header},
};

/// A JSON (or plain-text) answer runs nothing and loads nothing; it may not be framed.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/// An HTML page (GraphiQL, the portal): scripts, styles and requests from this origin only. GraphiQL's stylesheet
/// carries its fonts and icons as `data:` URLs.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self' data:; \
    img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
/// Where the files of the web pages are served (`web_pages.rs`).
const WEB_PAGE_PREFIXES: [&str; 2] = ["/portal", "/graphiql/"];
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
        // Decided by the path too: a `304 Not Modified` for a page carries no content type, and the headers a
        // browser merges into its cached copy must be the page's.
        let web_page_file = WEB_PAGE_PREFIXES.iter().any(|prefix| req.uri().path().starts_with(prefix));
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
        let csp = if html || web_page_file { PAGE_CSP } else { API_CSP };
        // A file of the web pages carries its hash as ETag: browsers may keep it but must ask again each time (and
        // get a 304). Every other answer may hold personal data or tokens: nothing may keep it.
        let cache = if web_page_file { "no-cache" } else { "no-store" };
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        if self.hsts {
            headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
        }
        Ok(response)
    }
}
