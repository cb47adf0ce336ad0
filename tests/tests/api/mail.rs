//! Mail: the outbox written in the caller's transaction, delivered to a real SMTP server (aiosmtpd, see
//! `cogo_tests::smtp`) by the sender task — at once after the commit, never after a rollback, again after an outage,
//! and exactly once with two instances on one database.

use std::time::{Duration, Instant};

use cogo_api::settings::SmtpUrl;
use cogo_kernel::OutgoingMail;
use cogo_privacy::service::retention::{PurgeOrderedBy, WhenBusy, run_purge};
use cogo_tests::smtp::SmtpSink;
use cogo_tests::{TestApp, spawn_app_on, spawn_app_with};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use uuid::Uuid;

/// Long enough for any delivery on a busy CI machine; the fast path is asserted separately.
const ARRIVAL: Duration = Duration::from_secs(15);

fn verification_mail(to: &str, code: &str) -> OutgoingMail {
    OutgoingMail {
        kind: "EMAIL_VERIFICATION",
        to: to.to_string(),
        user_id: None,
        subject: "Bekräfta din e-postadress / Confirm your e-mail address".into(),
        text_body: format!("Hej!\n\nDin kod är {code}. Den gäller i 30 minuter.\n\nYour code is {code}."),
        html_body: format!("<p>Hej!</p><p>Din kod är <b>{code}</b>.</p><p>Your code is <b>{code}</b>.</p>"),
        secret: Some(code.to_string()),
    }
}

fn unique_address(name: &str) -> String {
    format!("{name}.{}@example.se", Uuid::new_v4().simple())
}

/// An app that delivers to `sink`, looking for due retries every 100 ms.
async fn app_delivering_to(sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    spawn_app_with(|settings| {
        settings.mail.smtp = Some(SmtpUrl::parse(&url).unwrap());
        settings.mail.poll_interval = Duration::from_millis(100);
    })
    .await
}

/// Queues `mail` as a module does: inside a transaction, which then commits.
async fn queue_committed(app: &TestApp, mail: OutgoingMail) {
    let txn = app.context.db.begin().await.unwrap();
    app.context.hooks.send_mail(&txn, mail).await.unwrap();
    txn.commit().await.unwrap();
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct OutboxRow {
    recipient: String,
    status: String,
    attempts: i32,
    text_body: Option<String>,
    html_body: Option<String>,
    secret: Option<String>,
    last_error: Option<String>,
}

async fn outbox(app: &TestApp) -> Vec<OutboxRow> {
    let db = &app.context.db;
    let sql = "SELECT recipient, status, attempts, text_body, html_body, secret, last_error FROM mail_outbox \
               ORDER BY created_at, id";
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter()
        .map(|row| OutboxRow {
            recipient: row.try_get("", "recipient").unwrap(),
            status: row.try_get("", "status").unwrap(),
            attempts: row.try_get("", "attempts").unwrap(),
            text_body: row.try_get("", "text_body").unwrap(),
            html_body: row.try_get("", "html_body").unwrap(),
            secret: row.try_get("", "secret").unwrap(),
            last_error: row.try_get("", "last_error").unwrap(),
        })
        .collect()
}

/// The outbox row of `recipient` once `done` holds for it (the sender records an outcome just after the server's
/// answer, so a test waits for it as for the mail).
async fn row_once(app: &TestApp, recipient: &str, done: impl Fn(&OutboxRow) -> bool) -> OutboxRow {
    let deadline = Instant::now() + ARRIVAL;
    loop {
        let row = outbox(app).await.into_iter().find(|row| row.recipient == recipient);
        match row {
            Some(row) if done(&row) => return row,
            row => assert!(Instant::now() < deadline, "the outbox row of {recipient} is still {row:?}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_mail_queued_in_a_committed_transaction_arrives_at_once_in_text_and_html() {
    // Arrange: the sender polls every minute here; only the wake-up by the enqueue can be faster.
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_app_with(|settings| {
        settings.mail.smtp = Some(SmtpUrl::parse(&url).unwrap());
        settings.mail.poll_interval = Duration::from_secs(60);
    })
    .await;
    let anna = unique_address("anna");
    tokio::time::sleep(Duration::from_millis(200)).await;

    // Act
    queue_committed(&app, verification_mail(&anna, "482913")).await;
    let committed = Instant::now();
    let mail = sink.wait_for(&anna, ARRIVAL).await;

    // Assert: usually well under a second; the bound leaves room for a loaded CI machine.
    assert!(committed.elapsed() < Duration::from_secs(10), "took {:?}", committed.elapsed());
    assert_eq!(mail.subject, "Bekräfta din e-postadress / Confirm your e-mail address");
    assert_eq!(mail.from, "CoGo <no-reply@cogo-app.se>");
    assert_eq!(mail.to, anna);
    assert_eq!(mail.content_type, "multipart/alternative");
    let text = mail.text.as_deref().expect("a text/plain part");
    assert!(text.contains("Din kod är 482913. Den gäller i 30 minuter."), "{text}");
    let html = mail.html.as_deref().expect("a text/html part");
    assert!(html.contains("<b>482913</b>"), "{html}");
    let row = row_once(&app, &anna, |row| row.status == "SENT").await;
    assert_eq!(row.attempts, 1);
    assert_eq!((row.text_body, row.html_body, row.secret), (None, None, None), "nothing of the code is kept");
}

#[tokio::test]
async fn the_sender_address_comes_from_the_settings() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_app_with(|settings| {
        settings.mail.smtp = Some(SmtpUrl::parse(&url).unwrap());
        settings.mail.from = cogo_api::settings::MailFrom::parse("CoGo Test <test@cogo-app.se>").unwrap();
    })
    .await;
    let bo = unique_address("bo");

    queue_committed(&app, verification_mail(&bo, "111111")).await;

    assert_eq!(sink.wait_for(&bo, ARRIVAL).await.from, "CoGo Test <test@cogo-app.se>");
}

#[tokio::test]
async fn a_mail_queued_in_a_transaction_that_rolls_back_is_never_sent() {
    // Arrange
    let sink = SmtpSink::start().await;
    let app = app_delivering_to(&sink).await;
    let (rolled_back, committed) = (unique_address("rolled.back"), unique_address("committed"));

    // Act: a request that fails after queueing its mail, then one that succeeds.
    let txn = app.context.db.begin().await.unwrap();
    app.context.hooks.send_mail(&txn, verification_mail(&rolled_back, "222222")).await.unwrap();
    txn.rollback().await.unwrap();
    queue_committed(&app, verification_mail(&committed, "333333")).await;

    // Assert: the later mail arrived; the rolled-back one never existed.
    sink.wait_for(&committed, ARRIVAL).await;
    let recipients: Vec<String> = sink.messages().into_iter().map(|mail| mail.to).collect();
    assert_eq!(recipients, std::slice::from_ref(&committed));
    let rows = outbox(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].recipient, committed);
}

#[tokio::test]
async fn a_mail_is_retried_after_its_back_off_and_arrives_once_the_smtp_server_is_up() {
    // Arrange: the SMTP server is down when the mail is queued.
    let mut sink = SmtpSink::down();
    let app = app_delivering_to(&sink).await;
    let cecilia = unique_address("cecilia");
    queue_committed(&app, verification_mail(&cecilia, "444444")).await;
    let failed = row_once(&app, &cecilia, |row| row.attempts == 1).await;
    assert_eq!(failed.status, "PENDING");
    assert!(failed.last_error.is_some(), "the failure is recorded");
    assert_eq!(failed.secret.as_deref(), Some("444444"), "kept until the mail is sent");

    // Act: the server comes back; the retry is due 30 s after the failure.
    sink.come_up().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(sink.messages().is_empty(), "no retry before the back-off has passed");
    app.advance_clock(chrono::Duration::seconds(31));

    // Assert
    let mail = sink.wait_for(&cecilia, ARRIVAL).await;
    assert!(mail.text.unwrap().contains("444444"));
    let sent = row_once(&app, &cecilia, |row| row.status == "SENT").await;
    assert_eq!(sent.attempts, 2);
    assert_eq!((sent.last_error, sent.secret), (None, None));
    assert_eq!(sink.messages().len(), 1, "sent once");
}

#[tokio::test]
async fn two_instances_on_one_database_send_each_of_fifty_mails_exactly_once() {
    // Arrange: two API instances on one PostgreSQL database, both sending to one SMTP server. (SQLite serves one
    // process at a time; this is PostgreSQL's case.)
    let sink = SmtpSink::start().await;
    let first = app_delivering_to(&sink).await;
    if !first.database_url.starts_with("postgres") {
        return;
    }
    let url = sink.url();
    let second = spawn_app_on(first.database_url.clone(), |settings| {
        settings.mail.smtp = Some(SmtpUrl::parse(&url).unwrap());
        settings.mail.poll_interval = Duration::from_millis(100);
    })
    .await;
    let recipients: Vec<String> = (0..50).map(|n| unique_address(&format!("walker{n}"))).collect();

    // Act: half queued on each instance, in one transaction each, committed at the same moment; both senders
    // then claim from the same 50 rows.
    let queue_half = |app: &TestApp, half: &[String]| {
        let (db, hooks) = (app.context.db.clone(), app.context.hooks.clone());
        let half = half.to_vec();
        async move {
            let txn = db.begin().await.unwrap();
            for to in &half {
                hooks.send_mail(&txn, verification_mail(to, "555555")).await.unwrap();
            }
            txn.commit().await.unwrap();
        }
    };
    tokio::join!(queue_half(&first, &recipients[..25]), queue_half(&second, &recipients[25..]));

    // Assert: 50 mails, one per recipient, and no more after a while.
    sink.wait_for_count(50, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut received: Vec<String> = sink.messages().into_iter().map(|mail| mail.to).collect();
    received.sort();
    let mut expected = recipients.clone();
    expected.sort();
    assert_eq!(received, expected, "each mail exactly once");
    for to in &recipients {
        let row = row_once(&first, to, |row| row.status == "SENT").await;
        assert_eq!(row.attempts, 1, "{to} was tried once");
    }
}

#[tokio::test]
async fn without_smtp_a_mail_goes_to_the_log_and_counts_as_sent() {
    // Arrange: the test settings have no SMTP server (the log transport, as in development).
    let app = spawn_app_with(|settings| settings.mail.poll_interval = Duration::from_millis(100)).await;
    let dag = unique_address("dag");

    // Act
    queue_committed(&app, verification_mail(&dag, "666666")).await;

    // Assert: what the log shows is unit-tested in cogo-mail (`transport::log`); here, that it was delivered.
    let row = row_once(&app, &dag, |row| row.status == "SENT").await;
    assert_eq!((row.text_body, row.secret), (None, None));
}

#[tokio::test]
async fn finished_mails_are_purged_after_thirty_days_and_pending_ones_are_kept() {
    // Arrange: one mail sent; then the server goes down, and another one waits for it.
    let mut sink = SmtpSink::start().await;
    let app = app_delivering_to(&sink).await;
    let (sent, waiting) = (unique_address("sent"), unique_address("waiting"));
    queue_committed(&app, verification_mail(&sent, "777777")).await;
    row_once(&app, &sent, |row| row.status == "SENT").await;
    sink.go_down();
    queue_committed(&app, verification_mail(&waiting, "888888")).await;
    row_once(&app, &waiting, |row| row.attempts >= 1).await;

    // Act
    app.advance_clock(chrono::Duration::days(29));
    let early = run_purge(&app.context, WhenBusy::Wait, PurgeOrderedBy::Schedule).await.unwrap().unwrap();
    app.advance_clock(chrono::Duration::days(2));
    let due = run_purge(&app.context, WhenBusy::Wait, PurgeOrderedBy::Schedule).await.unwrap().unwrap();

    // Assert
    assert_eq!(early.count(cogo_mail::hooks::PURGED_MAILS), 0);
    assert_eq!(due.count(cogo_mail::hooks::PURGED_MAILS), 1);
    let left: Vec<String> = outbox(&app).await.into_iter().map(|row| row.recipient).collect();
    assert_eq!(left, [waiting]);
}
