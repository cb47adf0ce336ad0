//! A minimal HTTP/1.1 keep-alive client on a raw tokio `TcpStream`: writes a request that was serialised once
//! (head and body), reads the response head, then the body by `Content-Length` (or chunks). Nothing else: no TLS,
//! no redirects, no compression — what a load generator needs and no more, so the client costs little of the two
//! cores the server also runs on.

use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One keep-alive connection.
pub struct Connection {
    address: SocketAddr,
    stream: TcpStream,
    /// Bytes read and not yet consumed (the next response may already have begun).
    buffer: Vec<u8>,
    /// The previous response's length in `buffer`, dropped when the next exchange begins.
    consumed: usize,
    /// A chunked body, decoded.
    chunked: Vec<u8>,
}

/// A response; `body` borrows the connection's buffer until the next exchange.
pub struct Response<'a> {
    pub status: u16,
    pub body: &'a [u8],
}

impl Connection {
    pub async fn open(address: SocketAddr) -> io::Result<Self> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Self { address, stream, buffer: Vec::with_capacity(64 * 1024), consumed: 0, chunked: Vec::new() })
    }

    /// Sends one request and reads its response. A response that closes the connection reopens it for the next.
    pub async fn exchange(&mut self, request: &[u8]) -> io::Result<Response<'_>> {
        self.buffer.drain(..self.consumed);
        self.consumed = 0;
        self.stream.write_all(request).await?;
        let head_end = loop {
            if let Some(i) = find(&self.buffer, b"\r\n\r\n") {
                break i + 4;
            }
            self.fill().await?;
        };
        let head = Head::parse(&self.buffer[..head_end])?;
        let (body_start, body_end) = match head.length {
            Some(length) => {
                while self.buffer.len() < head_end + length {
                    self.fill().await?;
                }
                self.consumed = head_end + length;
                (head_end, head_end + length)
            }
            None if head.chunked => {
                self.consumed = self.read_chunks(head_end).await?;
                (0, 0)
            }
            None => return Err(invalid("a response without Content-Length or chunks")),
        };
        if head.close {
            let reopened = Self::open(self.address).await?;
            let old = std::mem::replace(self, reopened);
            // The body outlives the old connection: keep it in the new one's chunk buffer.
            self.chunked = if head.chunked { old.chunked } else { old.buffer[body_start..body_end].to_vec() };
            return Ok(Response { status: head.status, body: &self.chunked });
        }
        let body = if head.chunked { &self.chunked[..] } else { &self.buffer[body_start..body_end] };
        Ok(Response { status: head.status, body })
    }

    /// Decodes a chunked body that starts at `at` into `self.chunked`; returns where the message ends.
    async fn read_chunks(&mut self, mut at: usize) -> io::Result<usize> {
        self.chunked.clear();
        loop {
            let line_end = loop {
                if let Some(i) = find(&self.buffer[at..], b"\r\n") {
                    break at + i;
                }
                self.fill().await?;
            };
            let size_text = std::str::from_utf8(&self.buffer[at..line_end]).map_err(|_| invalid("chunk size"))?;
            let size_text = size_text.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_text, 16).map_err(|_| invalid("chunk size"))?;
            at = line_end + 2;
            // The chunk and its CRLF (the last, empty chunk: only the CRLF; trailers are not supported).
            while self.buffer.len() < at + size + 2 {
                self.fill().await?;
            }
            self.chunked.extend_from_slice(&self.buffer[at..at + size]);
            at += size + 2;
            if size == 0 {
                return Ok(at);
            }
        }
    }

    async fn fill(&mut self) -> io::Result<()> {
        self.buffer.reserve(16 * 1024);
        if self.stream.read_buf(&mut self.buffer).await? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the server closed the connection"));
        }
        Ok(())
    }
}

struct Head {
    status: u16,
    length: Option<usize>,
    chunked: bool,
    close: bool,
}

impl Head {
    fn parse(bytes: &[u8]) -> io::Result<Self> {
        let text = std::str::from_utf8(bytes).map_err(|_| invalid("response head"))?;
        let mut lines = text.split("\r\n");
        let status = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| invalid("status line"))?;
        let mut head = Head { status, length: None, chunked: false, close: false };
        for line in lines {
            let Some((name, value)) = line.split_once(':') else { continue };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                head.length = Some(value.parse().map_err(|_| invalid("Content-Length"))?);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                head.chunked = value.to_ascii_lowercase().contains("chunked");
            } else if name.eq_ignore_ascii_case("connection") {
                head.close = value.eq_ignore_ascii_case("close");
            }
        }
        Ok(head)
    }
}

/// A POST of a JSON body, serialised once (head and body in one buffer, one `write` per request).
pub fn post_json(address: SocketAddr, path: &str, token: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut request = Vec::with_capacity(body.len() + 256);
    request.extend_from_slice(format!("POST {path} HTTP/1.1\r\nHost: {address}\r\n").as_bytes());
    request.extend_from_slice(b"Content-Type: application/json\r\nAccept: application/json\r\n");
    if let Some(token) = token {
        request.extend_from_slice(format!("Authorization: Bearer {token}\r\n").as_bytes());
    }
    request.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    request.extend_from_slice(body);
    request
}

/// A GET without a body.
pub fn get(address: SocketAddr, path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: {address}\r\n\r\n").into_bytes()
}

/// Where `needle` first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("malformed HTTP response: {what}"))
}

/// One GraphQL request over `connection`, for setting up (not measured): the parsed response, or why it failed
/// (transport, HTTP status or GraphQL errors).
pub async fn graphql(
    connection: &mut Connection,
    token: Option<&str>,
    body: &serde_json::Value,
) -> Result<serde_json::Value, String> {
    let request = post_json(connection.address, "/graphql", token, body.to_string().as_bytes());
    let response = connection.exchange(&request).await.map_err(|e| format!("POST /graphql: {e}"))?;
    let status = response.status;
    let value: serde_json::Value = serde_json::from_slice(response.body)
        .map_err(|e| format!("HTTP {status}, not JSON ({e}): {}", String::from_utf8_lossy(response.body)))?;
    if status != 200 || value.get("errors").is_some() {
        return Err(format!("HTTP {status}: {value}"));
    }
    Ok(value)
}
