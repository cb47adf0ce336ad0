//! A `graphql-transport-ws` client for the live-update tests, as the app and the portal speak it.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Waits until the instance at `address` has at least `count` live-update listeners (one per open socket, one per
/// running subscription; its `/metrics`), so a test acts only once its subscriptions listen.
pub async fn listening(address: &str, count: i64) {
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let metrics = match client.get(format!("{address}/metrics")).send().await {
            Ok(response) => response.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        let now = metrics
            .lines()
            .find_map(|line| line.strip_prefix("cogo_live_event_receivers "))
            .and_then(|n| n.trim().parse::<i64>().ok())
            .unwrap_or(0);
        if now >= count {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{address} has {now} live listeners, not {count}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub struct LiveClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u32,
}

/// How a socket ended: the close code and reason.
pub type Closed = (u16, String);

impl LiveClient {
    /// Opens `/graphql/ws` at `address` (`http://127.0.0.1:port`) and sends `connection_init` with the token (if
    /// any); returns the client once acknowledged, or how the server closed the socket instead.
    pub async fn connect(address: &str, access_token: Option<&str>) -> Result<LiveClient, Closed> {
        let mut client = Self::open(address).await;
        let payload = match access_token {
            Some(token) => json!({ "authorization": format!("Bearer {token}") }),
            None => json!({}),
        };
        client.send(json!({ "type": "connection_init", "payload": payload })).await;
        match client.next_message(Duration::from_secs(10)).await {
            Ok(message) if message["type"] == "connection_ack" => Ok(client),
            Ok(other) => panic!("expected connection_ack, got {other}"),
            Err(closed) => Err(closed),
        }
    }

    /// Opens the socket and says nothing yet.
    pub async fn open(address: &str) -> LiveClient {
        let url = format!("{}/graphql/ws", address.replacen("http://", "ws://", 1));
        let mut request = url.into_client_request().expect("a WebSocket request");
        request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
        let (socket, _) = tokio_tungstenite::connect_async(request).await.expect("the WebSocket upgrade");
        LiveClient { socket, next_id: 0 }
    }

    /// Starts a subscription (or sends any operation in a `subscribe` message, as the protocol carries them);
    /// returns its id.
    pub async fn subscribe(&mut self, query: &str) -> String {
        self.next_id += 1;
        let id = self.next_id.to_string();
        self.subscribe_as(&id, query).await;
        id
    }

    /// Starts a subscription under the given id.
    pub async fn subscribe_as(&mut self, id: &str, query: &str) {
        self.send(json!({ "id": id, "type": "subscribe", "payload": { "query": query } })).await;
    }

    /// The next `next` payload (its `data` or `errors`), or `None` if none comes within `wait`.
    pub async fn next_payload(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.next_message(left)).await {
                Ok(Ok(message)) if message["type"] == "next" => return Some(message["payload"].clone()),
                Ok(Ok(message)) if message["type"] == "error" => return Some(json!({ "errors": message["payload"] })),
                Ok(Ok(_)) => continue,
                Ok(Err((0, _))) => return None,
                Ok(Err(closed)) => panic!("the socket closed while waiting for an event: {closed:?}"),
                Err(_) => return None,
            }
        }
    }

    /// How the server closes the socket (waits up to `wait`), or `None` if it stays open.
    pub async fn closed_within(&mut self, wait: Duration) -> Option<Closed> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.next_message(left)).await {
                Ok(Ok(_)) => continue,
                Ok(Err((0, _))) => return None,
                Ok(Err(closed)) => return Some(closed),
                Err(_) => return None,
            }
        }
    }

    async fn send(&mut self, message: Value) {
        self.socket.send(Message::Text(message.to_string().into())).await.expect("a message sent");
    }

    /// The next protocol message (answering pings on the way), or the close frame.
    async fn next_message(&mut self, wait: Duration) -> Result<Value, Closed> {
        loop {
            let frame = match tokio::time::timeout(wait, self.socket.next()).await {
                Ok(Some(Ok(frame))) => frame,
                Ok(Some(Err(error))) => return Err((1006, error.to_string())),
                Ok(None) => return Err((1006, "the connection ended".into())),
                Err(_) => return Err((0, "no message".into())),
            };
            match frame {
                Message::Text(text) => {
                    let message: Value = serde_json::from_str(&text).expect("JSON from the server");
                    if message["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return Ok(message);
                }
                Message::Close(frame) => {
                    return Err(frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((1005, String::new())));
                }
                _ => continue,
            }
        }
    }
}
