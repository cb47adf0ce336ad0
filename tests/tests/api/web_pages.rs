//! The web pages in a real browser that can reach nothing but 127.0.0.1: GraphiQL runs a query, and a merchant
//! works the till in the portal. Screenshots of every step are written to `target/screenshots/`.

use cogo_tests::browser::Browser;
use cogo_tests::{TestApp, credit_points, data, spawn_app};
use serde_json::json;

use crate::offers::{UNLOCK_OFFER, give_points, live_offer, world};

/// Everything the page loaded came from the app under test, and nothing was refused or failed in its console.
async fn assert_nothing_left_the_machine(browser: &Browser, app: &TestApp) {
    for url in browser.loaded_resources().await {
        assert!(url.starts_with(&app.address) || url.starts_with("data:"), "the page loaded {url}");
    }
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors (a refused load, a CSP violation, a script error): {errors:#?}");
}

#[tokio::test]
async fn graphiql_loads_from_this_server_and_runs_the_welcome_query() {
    let app = spawn_app().await;
    let Some(browser) = Browser::start("graphiql").await else { return };

    browser.goto(&format!("{}/graphql", app.address)).await;
    browser.find(".graphiql-container").await;
    let welcome = browser
        .until("the welcome tab", "return document.querySelector('.graphiql-query-editor')?.innerText ?? '';", vec![])
        .await;
    assert!(welcome.as_str().unwrap_or_default().contains("Authorization"), "the welcome tab explains signing in");
    browser.screenshot("welcome-tab").await;
    browser.click(".graphiql-execute-button").await;
    let answer = browser
        .until(
            "the answer to ConsentPurposes",
            "const r = document.querySelector('.graphiql-response')?.innerText ?? '';
             return r.includes('legalBasis') ? r : '';",
            vec![],
        )
        .await;

    browser.screenshot("consent-purposes-answered").await;
    assert!(answer.as_str().unwrap_or_default().contains("consentPurposes"), "{answer}");
    assert_nothing_left_the_machine(&browser, &app).await;
    browser.close().await;
}

/// Puts `query` into GraphiQL's editor and `headers` into its Headers pane (their CodeMirror editors: query,
/// variables, headers, response), runs it and returns the response pane's text once it shows `expected`.
const RUN_IN_GRAPHIQL: &str = "
    const editors = [...document.querySelectorAll('.CodeMirror')].map(e => e.CodeMirror);
    editors[0].setValue(arguments[0]);
    editors[2].setValue(arguments[1]);
    setTimeout(() => document.querySelector('.graphiql-execute-button').click(), 300);
    return true;";

#[tokio::test]
async fn graphiql_runs_a_subscription_over_the_socket_with_the_token_from_its_headers_pane() {
    let app = spawn_app().await;
    let user = app.sign_up("Greta Grafiql").await;
    let Some(browser) = Browser::start("graphiql-subscription").await else { return };
    browser.goto(&format!("{}/graphql", app.address)).await;
    browser.find(".graphiql-query-editor .CodeMirror").await;

    let subscription = "subscription Balance { myPointsBalance { balance lifetimeEarned } }";
    let headers = json!({ "Authorization": format!("Bearer {}", user.access_token) }).to_string();
    browser.client.execute(RUN_IN_GRAPHIQL, vec![json!(subscription), json!(headers)]).await.expect("the editors");
    let first = browser
        .until(
            "the balance now",
            "const r = document.querySelector('.graphiql-response')?.innerText ?? ''; return r.includes('balance') ? r : '';",
            vec![],
        )
        .await;
    credit_points(&app, &user, 7).await;
    browser
        .until(
            "the balance after a credit, pushed over the socket",
            "return (document.querySelector('.graphiql-response')?.innerText ?? '').includes('\"balance\": 7');",
            vec![],
        )
        .await;

    browser.screenshot("subscription-pushed").await;
    assert!(first.as_str().unwrap_or_default().contains("\"balance\": 0"), "{first}");
    assert_nothing_left_the_machine(&browser, &app).await;
    browser.close().await;
}

#[tokio::test]
async fn a_merchant_signs_in_publishes_an_offer_and_redeems_a_code_at_the_till_once() {
    let w = world().await;
    let app = &w.app;
    let Some(browser) = Browser::start("portal").await else { return };

    // Sign in.
    browser.goto(&format!("{}/portal", app.address)).await;
    browser.find("form#sign-in").await;
    browser.screenshot("sign-in").await;
    browser.type_into("#email", &w.merchant_a.email).await;
    browser.type_into("#password", &w.merchant_a.password).await;
    browser.click("form#sign-in [type=submit]").await;
    let partner = browser
        .until("the partner's name", "return document.getElementById('partner-name')?.textContent ?? '';", vec![])
        .await;
    assert_eq!(partner, "Café Ågren");

    // Create a draft and publish it.
    browser.click("#nav-offers").await;
    browser.type_into("#offer-title", "Kaffe på huset").await;
    browser.type_into("#offer-description", "En kopp bryggkaffe").await;
    browser.type_into("#offer-cost", "30").await;
    browser.screenshot("new-offer").await;
    browser.click("form#new-offer [type=submit]").await;
    let offer_id = browser
        .until(
            "the draft in the list",
            "const row = [...document.querySelectorAll('#offers [data-offer-id]')]
                .find(r => r.querySelector('.title')?.textContent.includes('Kaffe på huset'));
             return row && row.dataset.status === 'DRAFT' ? row.dataset.offerId : '';",
            vec![],
        )
        .await;
    let offer_id = offer_id.as_str().expect("an offer id").to_string();
    let row = format!("#offers [data-offer-id='{offer_id}']");
    browser.click(&format!("{row} button.publish")).await;
    browser.until("the offer published", &published_check(&row), vec![]).await;
    browser.screenshot("offer-published").await;

    // A customer unlocks it through the API, as the app does.
    give_points(app, &w.user, 100).await;
    let unlocked = app.gql_as(&w.user, UNLOCK_OFFER, json!({ "offerId": offer_id })).await;
    let code = data(&unlocked)["unlockOffer"]["redemption"]["code"].as_str().expect("a code").to_string();

    // The till: the code works once.
    browser.click("#nav-till").await;
    browser.type_into("#code", &format!("{}\n", code.to_lowercase())).await;
    let outcome = browser.until("the till's answer", &outcome_check(), vec![]).await;
    assert_eq!(outcome, "redeemed");
    browser.screenshot("till-redeemed").await;

    // The list shows it redeemed.
    browser.click("#nav-redemptions").await;
    let listed = browser
        .until(
            "the redemption in the list",
            "const row = [...document.querySelectorAll('#redemptions [data-redemption-id]')]
                .find(r => r.querySelector('.code')?.textContent.trim() === arguments[0]);
             return row ? row.dataset.status : '';",
            vec![json!(code)],
        )
        .await;
    assert_eq!(listed, "REDEEMED");
    browser.screenshot("redemptions-list").await;

    // The same code again: a clear refusal.
    browser.click("#nav-till").await;
    forget_the_last_answer(&browser).await;
    browser.type_into("#code", &format!("{code}\n")).await;
    let again = browser.until("the second answer", &outcome_check(), vec![]).await;
    assert_eq!(again, "already-used");
    let said = browser.find("#till-result").await.text().await.unwrap_or_default();
    assert!(said.contains("redan"), "the merchant is told it was already used: {said}");
    browser.screenshot("till-already-used").await;

    // A code of another partner's offer, and one that does not exist: each told apart.
    let elsewhere = live_offer(app, &w.merchant_b, json!({})).await;
    give_points(app, &w.user, 100).await;
    let unlocked = app.gql_as(&w.user, UNLOCK_OFFER, json!({ "offerId": elsewhere })).await;
    let foreign = data(&unlocked)["unlockOffer"]["redemption"]["code"].as_str().expect("a code").to_string();
    for (typed, expected) in [(foreign.as_str(), "other-partner"), ("QQQQQQQQQQ", "unknown")] {
        forget_the_last_answer(&browser).await;
        browser.type_into("#code", &format!("{typed}\n")).await;
        assert_eq!(browser.until("the till's answer", &outcome_check(), vec![]).await, expected);
    }
    browser.screenshot("till-unknown-code").await;

    assert_nothing_left_the_machine(&browser, app).await;
    browser.close().await;
}

/// Empties the till's result region, so the next wait sees the next answer and not the last one.
async fn forget_the_last_answer(browser: &Browser) {
    let script =
        "const r = document.getElementById('till-result'); r.textContent = ''; r.removeAttribute('data-outcome');";
    browser.client.execute(script, vec![]).await.expect("the result region");
}

/// The till's outcome once it has answered the try in flight (the result region is refilled per try).
fn outcome_check() -> String {
    "const r = document.getElementById('till-result');
     return r && r.textContent.trim() ? (r.getAttribute('data-outcome') ?? '') : '';"
        .to_string()
}

fn published_check(row: &str) -> String {
    format!("return document.querySelector(\"{row}\")?.dataset.status === 'PUBLISHED';")
}

/// Controls that are shown but have no name a screen reader could read (no label, no text, no aria-label).
const UNLABELLED_CONTROLS: &str = "return [...document.querySelectorAll('input, select, textarea, button')]
    .filter(el => el.offsetParent !== null)
    .filter(el => el.tagName === 'BUTTON'
        ? !el.textContent.trim() && !el.getAttribute('aria-label')
        : !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
    .map(el => el.id || el.outerHTML);";

/// How far the page is wider than the window: content that only a sideways page scroll reaches.
const OVERFLOW: &str = "return document.documentElement.scrollWidth - window.innerWidth;";

#[tokio::test]
async fn the_portal_works_by_keyboard_alone_on_a_phone_sized_screen() {
    let w = world().await;
    let app = &w.app;
    let Some(browser) = Browser::start("portal-phone").await else { return };
    browser.client.set_window_size(360, 780).await.expect("a phone-sized window");
    browser.goto(&format!("{}/portal/", app.address)).await;
    browser.find("form#sign-in").await;

    // Sign in with the keyboard only: Tab to the address, type, Tab, type, Enter.
    press_tab_until(&browser, "email").await;
    browser.client.active_element().await.unwrap().send_keys(&w.merchant_a.email).await.unwrap();
    press_tab_until(&browser, "password").await;
    let password = format!("{}\u{E007}", w.merchant_a.password);
    browser.client.active_element().await.unwrap().send_keys(&password).await.unwrap();
    browser.until("signed in", "return document.getElementById('partner-name')?.textContent ?? '';", vec![]).await;

    for (nav, view) in
        [("nav-offers", "view-offers"), ("nav-till", "view-till"), ("nav-redemptions", "view-redemptions")]
    {
        // To the view by keyboard: Tab to its link, Enter.
        press_tab_until(&browser, nav).await;
        browser.client.active_element().await.unwrap().send_keys("\u{E007}").await.unwrap();
        let shown = format!("return !document.getElementById('{view}').hidden;");
        browser.until(view, &shown, vec![]).await;
        browser.screenshot(view).await;
        let unlabelled = browser.client.execute(UNLABELLED_CONTROLS, vec![]).await.unwrap();
        assert_eq!(unlabelled, json!([]), "{view}: every control has a label");
        let overflow = browser.client.execute(OVERFLOW, vec![]).await.unwrap();
        assert!(overflow.as_i64().unwrap_or(1) <= 0, "{view} fits a 360 px screen (overflow {overflow} px)");
    }
    browser.close().await;
}

/// Presses Tab (at most 40 times) until the element with this id has the focus.
async fn press_tab_until(browser: &Browser, id: &str) {
    for _ in 0..40 {
        let focused = browser.client.execute("return document.activeElement?.id ?? '';", vec![]).await.unwrap();
        if focused == id {
            return;
        }
        let active = browser.client.active_element().await.expect("an element with the focus");
        active.send_keys("\u{E004}").await.expect("Tab");
    }
    panic!("Tab never reached #{id}");
}
