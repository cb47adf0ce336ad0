//! Tables owned by the mail module.

pub mod outbox_mail;
