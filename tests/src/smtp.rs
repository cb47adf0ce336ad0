//! A real SMTP server for the tests: `tests/support/smtp_sink.py` (PyPI's aiosmtpd) on a free port of 127.0.0.1,
//! writing every mail it accepts to its own `.eml` file, which [`SmtpSink`] reads back parsed.
//!
//! `.ci/run` installs aiosmtpd into `.ci/venv` and points `COGO_TEST_PYTHON` at its Python; without the variable
//! the harness tries `.ci/venv/bin/python`, then `python3`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mail_parser::{MessageParser, MimeHeaders, PartType};
use uuid::Uuid;

/// How long a sink may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The SMTP server of one test. Killed, and its mailbox removed, when dropped.
pub struct SmtpSink {
    port: u16,
    mailbox: PathBuf,
    server: Option<Child>,
}

/// A mail as the sink received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// `From` as written, e.g. `CoGo <no-reply@cogo-app.se>`.
    pub from: String,
    /// The first `To` address.
    pub to: String,
    pub subject: String,
    /// `multipart/alternative` for a mail with a text and an HTML part.
    pub content_type: String,
    /// The `text/plain` part, decoded.
    pub text: Option<String>,
    /// The `text/html` part, decoded.
    pub html: Option<String>,
    pub message_id: Option<String>,
    /// The whole message as received.
    pub raw: String,
}

impl SmtpSink {
    /// A sink listening on a free port.
    pub async fn start() -> Self {
        let mut sink = Self::down();
        sink.come_up().await;
        sink
    }

    /// A sink whose server is not running: its [`url`](Self::url) refuses connections until
    /// [`come_up`](Self::come_up).
    pub fn down() -> Self {
        let mailbox = std::env::temp_dir().join(format!("cogo-smtp-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&mailbox).expect("the sink's mailbox is created");
        Self { port: free_port(), mailbox, server: None }
    }

    /// Starts the server on the sink's port and waits until it accepts connections.
    pub async fn come_up(&mut self) {
        assert!(self.server.is_none(), "the sink is already up");
        let log = std::fs::File::create(self.log_path()).expect("the sink's log is created");
        let server = Command::new(python())
            .arg(script())
            .arg(self.port.to_string())
            .arg(&self.mailbox)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the SMTP sink with {}: {e}", python().display()));
        self.server = Some(server);
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Some(status) = self.server.as_mut().and_then(|s| s.try_wait().ok().flatten()) {
                let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
                if status.code() == Some(3) || log.contains("No module named 'aiosmtpd'") {
                    panic!(
                        "the SMTP sink needs PyPI's aiosmtpd, missing for {}: run .ci/run (it creates .ci/venv), or \
                         `python3 -m venv .ci/venv && .ci/venv/bin/pip install aiosmtpd`, or set COGO_TEST_PYTHON\n{log}",
                        python().display()
                    );
                }
                panic!("the SMTP sink exited ({status}):\n{log}");
            }
            assert!(Instant::now() < deadline, "the SMTP sink did not listen within {START_TIMEOUT:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the server (an outage); mails received so far stay readable.
    pub fn go_down(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = server.kill();
            let _ = server.wait();
        }
    }

    /// `COGO_SMTP_URL` for this sink: plain SMTP, no credentials.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every mail received so far, in the order received.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.mailbox)
            .expect("the sink's mailbox is readable")
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
            .collect();
        files.sort();
        files.iter().map(|file| parse(&std::fs::read(file).expect("a received mail is readable"))).collect()
    }

    /// The first mail to `to`, waiting up to `timeout` for it; panics (listing what did arrive) if none comes.
    pub async fn wait_for(&self, to: &str, timeout: Duration) -> ReceivedMail {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(mail) = self.messages().into_iter().find(|mail| mail.to.eq_ignore_ascii_case(to)) {
                return mail;
            }
            if Instant::now() >= deadline {
                let arrived: Vec<String> = self.messages().iter().map(|m| m.to.clone()).collect();
                panic!("no mail to {to} within {timeout:?}; received mails to {arrived:?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits up to `timeout` until at least `count` mails arrived, and returns all received.
    pub async fn wait_for_count(&self, count: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(Instant::now() < deadline, "{} of {count} mails within {timeout:?}", messages.len());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn log_path(&self) -> PathBuf {
        self.mailbox.join("sink.log")
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.go_down();
        let _ = std::fs::remove_dir_all(&self.mailbox);
    }
}

fn parse(raw: &[u8]) -> ReceivedMail {
    let message = MessageParser::default().parse(raw).expect("a received mail parses");
    let address = |list: Option<&mail_parser::Address<'_>>| {
        list.and_then(|list| list.first()).map(|addr| {
            let address = addr.address().unwrap_or_default();
            match addr.name() {
                Some(name) => format!("{name} <{address}>"),
                None => address.to_string(),
            }
        })
    };
    let part_of = |html: bool| {
        message.parts.iter().find_map(|part| match &part.body {
            PartType::Text(text) if !html => Some(text.to_string()),
            PartType::Html(text) if html => Some(text.to_string()),
            _ => None,
        })
    };
    let content_type = message
        .root_part()
        .content_type()
        .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default()))
        .unwrap_or_default();
    ReceivedMail {
        from: address(message.from()).unwrap_or_default(),
        to: message.to().and_then(|list| list.first()).and_then(|a| a.address()).unwrap_or_default().to_string(),
        subject: message.subject().unwrap_or_default().to_string(),
        content_type,
        text: part_of(false),
        html: part_of(true),
        message_id: message.message_id().map(str::to_string),
        raw: String::from_utf8_lossy(raw).into_owned(),
    }
}

/// A port nothing listens on right now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a free port");
    listener.local_addr().expect("the port is known").port()
}

fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("COGO_TEST_PYTHON").filter(|p| !p.is_empty()) {
        return python.into();
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/venv/bin/python");
    if venv.exists() { venv } else { "python3".into() }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("support/smtp_sink.py")
}
