//! The mails the users module sends, in Swedish with English below, as plain text and HTML. They carry a code or
//! a notice, never a link with a token (a link in a mail is what phishing imitates, and the app asks for the code).

use cogo_kernel::OutgoingMail;

use crate::domain::email_code::CODE_VALID_MINUTES;

/// The code that verifies `to` (the account's address, or the new address of a change).
pub fn verification_code(to: &str, name: &str, code: &str) -> OutgoingMail {
    let sv = format!(
        "Hej {name}!\n\nDin kod för att bekräfta din e-postadress i CoGo är: {code}\n\nKoden gäller i {CODE_VALID_MINUTES} \
         minuter. Om du inte har bett om den kan du bortse från det här mejlet."
    );
    let en = format!(
        "Hi {name},\n\nYour code to confirm your e-mail address in CoGo is: {code}\n\nThe code is valid for \
         {CODE_VALID_MINUTES} minutes. If you did not ask for it, you can ignore this mail."
    );
    mail("EMAIL_VERIFICATION", to, "Bekräfta din e-postadress / Confirm your e-mail address", &sv, &en, Some(code))
}

/// The code that lets the owner of `to` choose a new password.
pub fn password_reset_code(to: &str, name: &str, code: &str) -> OutgoingMail {
    let sv = format!(
        "Hej {name}!\n\nDin kod för att välja ett nytt lösenord i CoGo är: {code}\n\nKoden gäller i {CODE_VALID_MINUTES} \
         minuter. När du har bytt lösenord loggas alla dina enheter ut. Om du inte har bett om koden kan du bortse \
         från det här mejlet; ditt lösenord är oförändrat."
    );
    let en = format!(
        "Hi {name},\n\nYour code to choose a new password in CoGo is: {code}\n\nThe code is valid for \
         {CODE_VALID_MINUTES} minutes. Once you have changed your password, all your devices are signed out. If you \
         did not ask for the code, you can ignore this mail; your password has not changed."
    );
    mail("PASSWORD_RESET", to, "Nytt lösenord i CoGo / A new password for CoGo", &sv, &en, Some(code))
}

/// Tells the current address that a change to `new_address` was asked for: the owner learns of it even if
/// someone else holds the session.
pub fn address_change_requested(to: &str, name: &str, new_address: &str) -> OutgoingMail {
    let sv = format!(
        "Hej {name}!\n\nNågon har bett om att byta e-postadressen för ditt CoGo-konto till {new_address}. Bytet sker \
         först när den nya adressen har bekräftats. Om det inte var du: byt lösenord i appen."
    );
    let en = format!(
        "Hi {name},\n\nSomeone asked to change the e-mail address of your CoGo account to {new_address}. The change \
         takes effect only once the new address is confirmed. If this was not you, change your password in the app."
    );
    mail("EMAIL_CHANGE_REQUESTED", to, "Byte av e-postadress / Change of e-mail address", &sv, &en, None)
}

/// Tells the old address that the account now uses `new_address`.
pub fn address_changed(to: &str, name: &str, new_address: &str) -> OutgoingMail {
    let sv = format!(
        "Hej {name}!\n\nDitt CoGo-konto använder nu e-postadressen {new_address}. Om det inte var du: kontakta oss på \
         info@cogo-app.se."
    );
    let en = format!(
        "Hi {name},\n\nYour CoGo account now uses the e-mail address {new_address}. If this was not you, contact us \
         at info@cogo-app.se."
    );
    mail("EMAIL_CHANGED", to, "Ny e-postadress / New e-mail address", &sv, &en, None)
}

fn mail(kind: &'static str, to: &str, subject: &str, sv: &str, en: &str, code: Option<&str>) -> OutgoingMail {
    let text_body = format!("{sv}\n\n— In English —\n\n{en}\n\nCoGo app AB\n");
    let paragraphs = |text: &str| {
        text.split("\n\n").map(|p| format!("<p>{}</p>", escape_html(p).replace('\n', "<br>"))).collect::<String>()
    };
    let html_body = format!(
        "<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\
         {sv}<hr><div lang=\"en\">{en}</div><p>CoGo app AB</p></body></html>",
        title = escape_html(subject),
        sv = paragraphs(sv),
        en = paragraphs(en),
    );
    OutgoingMail {
        kind,
        to: to.to_string(),
        user_id: None,
        subject: subject.to_string(),
        text_body,
        html_body,
        secret: code.map(str::to_string),
    }
}

/// Names and addresses are the user's own text: in HTML they are text, never markup.
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_has_both_languages_in_both_parts_and_escapes_names_in_html() {
        let mail = verification_code("a@example.se", "<b>Åsa</b>", "12345678");
        assert!(mail.text_body.contains("Din kod") && mail.text_body.contains("Your code"));
        assert!(mail.text_body.contains("12345678") && mail.html_body.contains("12345678"));
        assert!(mail.html_body.contains("&lt;b&gt;Åsa&lt;/b&gt;"));
        assert!(!mail.html_body.contains("<b>Åsa"));
        assert_eq!(mail.secret.as_deref(), Some("12345678"));
    }
}
