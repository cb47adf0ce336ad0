//! Live updates: GraphQL subscriptions over a WebSocket at `/graphql/ws` (`graphql-transport-ws`, and the older
//! `graphql-ws` of subscriptions-transport-ws).
//!
//! - The client signs in with its access token in the `connection_init` payload (`{"authorization": "Bearer
//!   …"}`, any case); without a valid one the socket is closed (`4403`), and without `connection_init` within
//!   [`INIT_TIMEOUT`] too (`4408`).
//! - The session is checked again every [`RECHECK`] and whenever the user's sessions end (log-out, a password
//!   change, erasure — on any instance): a revoked session or an expired token closes the socket (`4401`).
//! - At most `COGO_WS_MAX_PER_IP` sockets per address (an IPv6 /64) and `COGO_WS_MAX_PER_USER` per user on one
//!   instance (`429` before the upgrade, `4403` "too many live connections" at `connection_init`), and
//!   [`socket_limits::MAX_SOCKETS_PER_INSTANCE`] in all; at most [`MAX_OPERATIONS`] subscriptions a socket (`4400`);
//!   subscribing before `connection_ack` is `4401`, reusing a running subscription's id `4409`.
//! - The socket carries subscriptions only (`SUBSCRIPTIONS_ONLY` for a query or mutation: those go over HTTP).
//! - The server pings every [`PING_EVERY`]; a socket that sends nothing, not even a pong, for [`IDLE_LIMIT`] is
//!   closed (`3008`).
//!
//! Each event is checked against the subscriber by the subscription itself (`myRedemptionUpdates` shows only the
//! user's own codes, `partnerRedemptionEvents` only the merchant's partner's).

mod socket_limits;

use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_graphql::Data;
use async_graphql::http::{WebSocket as GraphQLSocket, WebSocketProtocols, WsMessage};
use cogo_kernel::{AppContext, AppError, Change, FeedEvent, live};
use cogo_users::UsersConfig;
use futures_util::{SinkExt, StreamExt};
use poem::http::StatusCode;
use poem::web::Data as PoemData;
use poem::web::websocket::{Message, WebSocket, WebSocketConfig, WebSocketStream};
use poem::{IntoResponse, Request, Response, handler};
use uuid::Uuid;

use crate::http::get_is_read_only::ViaSocket;
use crate::rate_limit::ClientIp;
use crate::schema::CogoSchema;

pub use socket_limits::SocketLimits;

/// How long a new socket may take to send `connection_init`.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the session behind a socket is checked again (a token expiring closes the socket within this).
pub const RECHECK: Duration = Duration::from_secs(10);
/// How often the server pings.
pub const PING_EVERY: Duration = Duration::from_secs(20);
/// How long a socket may stay silent (no message, no pong) before it is closed.
pub const IDLE_LIMIT: Duration = Duration::from_secs(60);
/// How long a frame may wait for a client that does not read.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest message a client may send (a subscription document with its variables); larger ones close the
/// socket.
const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// How many subscriptions one socket may run at once.
pub const MAX_OPERATIONS: usize = 20;

/// The sub-protocols spoken, the current one first.
const PROTOCOLS: [&str; 2] = ["graphql-transport-ws", "graphql-ws"];

/// Becomes `true` when the server is asked to stop: every socket is then closed with `1001` (going away).
#[derive(Clone)]
pub struct ShuttingDown(pub tokio::sync::watch::Receiver<bool>);

/// Who a socket's `connection_init` signed in, for the checks while it is open.
struct SignedIn {
    bearer: String,
    user_id: Uuid,
    _slot: socket_limits::Slot,
}

#[handler]
pub async fn graphql_ws(
    req: &Request,
    socket: WebSocket,
    schema: PoemData<&CogoSchema>,
    app: PoemData<&AppContext>,
    users: PoemData<&Arc<UsersConfig>>,
    limits: PoemData<&SocketLimits>,
    shutting_down: PoemData<&ShuttingDown>,
) -> Response {
    let Some(protocol) = chosen_protocol(req) else {
        return (StatusCode::BAD_REQUEST, "unsupported WebSocket sub-protocol: use graphql-transport-ws")
            .into_response();
    };
    let ip = ClientIp::of(req);
    let Some(address_slot) = limits.for_address(&ip) else {
        return (StatusCode::TOO_MANY_REQUESTS, "too many live connections from this address").into_response();
    };
    let around = Around {
        schema: schema.clone(),
        app: app.clone(),
        users: users.clone(),
        limits: limits.clone(),
        ip,
        shutting_down: shutting_down.0.0.clone(),
    };
    socket
        .protocols(PROTOCOLS)
        .config(
            WebSocketConfig::default()
                .max_message_size(Some(MAX_MESSAGE_BYTES))
                .max_frame_size(Some(MAX_MESSAGE_BYTES)),
        )
        .on_upgrade(move |stream| async move {
            serve(stream, protocol, around).await;
            drop(address_slot);
        })
        .into_response()
}

/// The sub-protocol the client asked for (the current one when it names none).
fn chosen_protocol(req: &Request) -> Option<WebSocketProtocols> {
    let Some(offered) = req.headers().get("sec-websocket-protocol") else {
        return Some(WebSocketProtocols::GraphQLWS);
    };
    let offered = offered.to_str().ok()?;
    offered.split(',').map(str::trim).find_map(|name| WebSocketProtocols::from_str(name).ok())
}

/// What a socket is served with.
struct Around {
    schema: CogoSchema,
    app: AppContext,
    users: Arc<UsersConfig>,
    limits: SocketLimits,
    ip: ClientIp,
    shutting_down: tokio::sync::watch::Receiver<bool>,
}

async fn serve(stream: WebSocketStream, protocol: WebSocketProtocols, around: Around) {
    let Around { schema, app, users, limits, ip, mut shutting_down } = around;
    let (mut sink, incoming) = stream.split();
    let last_heard = Arc::new(Mutex::new(Instant::now()));
    let heard = last_heard.clone();
    // Every frame counts as a sign of life; pings and pongs go no further, a close frame or an error ends input.
    let incoming = incoming
        .take_while(|frame| std::future::ready(matches!(frame, Ok(frame) if !frame.is_close())))
        .filter_map(move |frame| {
            if let Ok(mut at) = heard.lock() {
                *at = Instant::now();
            }
            std::future::ready(match frame {
                Ok(Message::Text(text)) => Some(text.into_bytes()),
                Ok(Message::Binary(bytes)) => Some(bytes),
                _ => None,
            })
        });
    let signed_in: Arc<Mutex<Option<SignedIn>>> = Arc::new(Mutex::new(None));
    let operations = Arc::new(Mutex::new(OpenOperations::default()));
    // A message that breaks the protocol's rules closes the socket with the protocol's code. Messages after
    // `connection_init` are read only once it is answered, so "signed in" is settled when a subscribe is read.
    let (report_breach, mut breaches) = tokio::sync::mpsc::unbounded_channel::<(u16, String)>();
    let (counted, init_done) = (operations.clone(), signed_in.clone());
    let incoming = incoming.inspect(move |bytes| {
        let signed = is_signed_in(&init_done);
        if let Some(breach) = counted.lock().ok().and_then(|mut open| open.client_sent(bytes, signed)) {
            let _ = report_breach.send(breach);
        }
    });
    let init_attempted = Arc::new(AtomicBool::new(false));
    let on_init = {
        let (app, users, signed_in, attempted) =
            (app.clone(), users.clone(), signed_in.clone(), init_attempted.clone());
        move |payload: serde_json::Value| async move {
            attempted.store(true, Ordering::Release);
            let bearer = bearer_in(&payload).ok_or_else(|| async_graphql::Error::new("sign in: no access token"))?;
            let actor = cogo_users::service::authenticate(&app, &users, &bearer)
                .await
                .map_err(|error| async_graphql::Error::new(error.public_message()))?;
            let slot =
                limits.for_user(actor.user_id).ok_or_else(|| async_graphql::Error::new("too many live connections"))?;
            if let Ok(mut signed_in) = signed_in.lock() {
                *signed_in = Some(SignedIn { bearer, user_id: actor.user_id, _slot: slot });
            }
            let mut data = Data::default();
            data.insert(actor);
            data.insert(ip);
            data.insert(ViaSocket);
            Ok(data)
        }
    };
    let mut graphql = GraphQLSocket::new(schema, incoming, protocol).on_connection_init(on_init);
    let mut session_events = live::events(&app.changes).boxed();
    let mut ping = tokio::time::interval(PING_EVERY);
    let mut recheck = tokio::time::interval(RECHECK);
    let init_deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(init_deadline);
    let close = loop {
        tokio::select! {
            out = graphql.next() => match out {
                Some(WsMessage::Text(text)) => {
                    if let Ok(mut open) = operations.lock() {
                        open.server_sent(text.as_bytes());
                    }
                    if !sent(&mut sink, Message::Text(text)).await {
                        break None;
                    }
                }
                // async-graphql closes with 1002 both for a refused `connection_init` and for a malformed
                // message; graphql-transport-ws says 4403 and 4400.
                Some(WsMessage::Close(1002, reason)) if !is_signed_in(&signed_in) && init_tried(&init_attempted) => {
                    break Some((4403, reason));
                }
                Some(WsMessage::Close(1002, reason)) => break Some((4400, reason)),
                Some(WsMessage::Close(code, reason)) => break Some((code, reason)),
                None => break None,
            },
            true = stop_requested(&mut shutting_down) => {
                break Some((1001, "the server is shutting down; reconnect".into()));
            }
            Some(breach) = breaches.recv() => break Some(breach),
            _ = &mut init_deadline, if !is_signed_in(&signed_in) => {
                break Some((4408, "connection initialisation timeout".into()));
            }
            _ = ping.tick() => {
                let silent = last_heard.lock().map(|at| at.elapsed()).unwrap_or_default();
                if silent > IDLE_LIMIT {
                    break Some((3008, "idle".into()));
                }
                if !sent(&mut sink, Message::Ping(Vec::new())).await {
                    break None;
                }
            }
            _ = recheck.tick() => {
                if let Some(why) = session_ended(&app, &users, &signed_in).await {
                    break Some((4401, why));
                }
            }
            Some(event) = session_events.next() => {
                let concerns = match (event, user_of(&signed_in)) {
                    (FeedEvent::Changed(Change::SessionsEnded { user_id }), Some(mine)) => user_id == mine,
                    (FeedEvent::Missed, Some(_)) => true,
                    _ => false,
                };
                if concerns && let Some(why) = session_ended(&app, &users, &signed_in).await {
                    break Some((4401, why));
                }
            }
        }
    };
    if let Some((code, reason)) = close {
        let _ = sent(&mut sink, Message::close_with(code, short(reason))).await;
    }
    // Bounded like every send: a client that does not read holds neither this task nor its slots.
    let _ = tokio::time::timeout(SEND_TIMEOUT, sink.close()).await;
}

/// Sends a frame, or gives up on a client that does not read within [`SEND_TIMEOUT`] (its socket is then closed
/// like a broken one, and its slots given back).
async fn sent(sink: &mut (impl futures_util::Sink<Message> + Unpin), message: Message) -> bool {
    matches!(tokio::time::timeout(SEND_TIMEOUT, sink.send(message)).await, Ok(Ok(())))
}

/// A close frame's reason, at most 123 bytes (the frame's limit), cut at a character boundary.
fn short(mut reason: String) -> String {
    const MAX: usize = 123;
    if reason.len() > MAX {
        let mut end = MAX;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
    }
    reason
}

/// The bearer token of a `connection_init` payload: `authorization` (any case), `Bearer <token>`.
fn bearer_in(payload: &serde_json::Value) -> Option<String> {
    let object = payload.as_object()?;
    let value = object.iter().find(|(key, _)| key.eq_ignore_ascii_case("authorization"))?.1.as_str()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

/// The subscriptions a socket runs: started by the client, ended by either side.
#[derive(Default)]
struct OpenOperations {
    ids: std::collections::HashSet<String>,
}

/// The kind and id of a protocol message, all that counting needs.
#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
}

impl OpenOperations {
    /// Notes what the client started or stopped; the close code and reason if the message breaks a rule of
    /// graphql-transport-ws (subscribing before `connection_ack`: 4401; an id in use: 4409) or a limit (4400).
    fn client_sent(&mut self, message: &[u8], signed_in: bool) -> Option<(u16, String)> {
        let Ok(Envelope { kind, id: Some(id) }) = serde_json::from_slice(message) else { return None };
        match kind.as_str() {
            "subscribe" | "start" if !signed_in => Some((4401, "Unauthorized".into())),
            "subscribe" | "start" if self.ids.contains(&id) => {
                Some((4409, short(format!("Subscriber for {id} already exists"))))
            }
            "subscribe" | "start" => {
                self.ids.insert(id);
                let over = self.ids.len() > MAX_OPERATIONS;
                over.then(|| (4400, format!("more than {MAX_OPERATIONS} subscriptions on one socket")))
            }
            "complete" | "stop" => {
                self.ids.remove(&id);
                None
            }
            _ => None,
        }
    }

    fn server_sent(&mut self, message: &[u8]) {
        let Ok(Envelope { kind, id: Some(id) }) = serde_json::from_slice(message) else { return };
        if kind == "complete" || kind == "error" {
            self.ids.remove(&id);
        }
    }
}

/// Whether the server was asked to stop (`false` once it is gone without asking).
async fn stop_requested(shutting_down: &mut tokio::sync::watch::Receiver<bool>) -> bool {
    shutting_down.wait_for(|stop| *stop).await.is_ok()
}

fn init_tried(attempted: &AtomicBool) -> bool {
    attempted.load(Ordering::Acquire)
}

fn is_signed_in(signed_in: &Mutex<Option<SignedIn>>) -> bool {
    user_of(signed_in).is_some()
}

fn user_of(signed_in: &Mutex<Option<SignedIn>>) -> Option<Uuid> {
    signed_in.lock().ok().and_then(|s| s.as_ref().map(|s| s.user_id))
}

/// Why the socket's session no longer holds (revoked, expired, the account gone), or `None` while it does (and
/// while it cannot be checked: the database being away closes no socket).
async fn session_ended(app: &AppContext, users: &UsersConfig, signed_in: &Mutex<Option<SignedIn>>) -> Option<String> {
    let bearer = signed_in.lock().ok().and_then(|s| s.as_ref().map(|s| s.bearer.clone()))?;
    match cogo_users::service::authenticate(app, users, &bearer).await {
        Err(AppError::Unauthenticated(why)) => Some(why.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_token_is_read_from_authorization_in_any_case() {
        assert_eq!(bearer_in(&json!({ "authorization": "Bearer abc" })).as_deref(), Some("abc"));
        assert_eq!(bearer_in(&json!({ "Authorization": "bearer  abc " })).as_deref(), Some("abc"));
        assert_eq!(bearer_in(&json!({ "authorization": "Basic abc" })), None);
        assert_eq!(bearer_in(&json!({ "authorization": "Bearer " })), None);
        assert_eq!(bearer_in(&json!({})), None);
        assert_eq!(bearer_in(&json!("Bearer abc")), None);
    }

    #[test]
    fn the_protocol_rules_of_subscribing_are_kept() {
        let subscribe =
            |id: &str| format!(r#"{{"type":"subscribe","id":"{id}","payload":{{"query":"subscription {{ a }}"}}}}"#);
        let mut open = OpenOperations::default();
        assert_eq!(open.client_sent(subscribe("1").as_bytes(), false).map(|v| v.0), Some(4401));
        assert_eq!(open.client_sent(subscribe("1").as_bytes(), true), None);
        assert_eq!(open.client_sent(subscribe("1").as_bytes(), true).map(|v| v.0), Some(4409));
        assert_eq!(open.client_sent(br#"{"type":"complete","id":"1"}"#, true), None);
        assert_eq!(open.client_sent(subscribe("1").as_bytes(), true), None, "an id is free again once completed");
        for n in 2..=MAX_OPERATIONS {
            assert_eq!(open.client_sent(subscribe(&n.to_string()).as_bytes(), true), None);
        }
        assert_eq!(open.client_sent(subscribe("x").as_bytes(), true).map(|v| v.0), Some(4400));
    }

    #[test]
    fn close_reasons_fit_a_close_frame() {
        assert_eq!(short("idle".into()), "idle");
        let long = "å".repeat(100);
        let cut = short(long);
        assert!(cut.len() <= 123 && cut.chars().all(|c| c == 'å'));
    }
}
