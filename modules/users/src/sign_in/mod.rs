//! Sign-in with an OpenID Connect provider — Apple, Google, Microsoft, any that publishes its discovery document
//! (issue 13). The backend drives the authorization-code flow with PKCE, `state` and `nonce`:
//!
//! 1. `GET /auth/{provider}/start?redirect_uri=` ([`flow::start`]): the return address must be on the allow-list;
//!    the flow (state, PKCE verifier, nonce) is stored in the database and the browser goes to the provider;
//! 2. `GET /auth/{provider}/callback` ([`flow::callback`]): the state is used up, the code exchanged, the ID token
//!    verified (signature from the provider's JWKS — fetched again once for an unknown key —, issuer, audience,
//!    expiry, nonce), the identity linked to an account ([`linking`]), and the browser sent back with a one-time
//!    code valid for 60 seconds;
//! 3. `completeSignIn(code)` ([`flow::complete`]): the code becomes the same tokens as `logIn`.
//!
//! The protocol is `openidconnect` (on `oauth2`); nothing here verifies a token by hand.

pub mod config;
pub mod flow;
pub mod identities;
mod linking;
mod one_time_code;
pub mod providers;

pub use config::{OidcProviderSettings, SignInConfig};
pub use flow::{CallbackParams, SignInError};
pub use providers::OidcProviders;
