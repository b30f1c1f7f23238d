//! Modals: a bare command opens a form; a submitted form stores what the text command would,
//! or shows errors on its fields and stores nothing.
use crate::common::*;
use axum::http::StatusCode;
use momentum::jobs::Job;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

async fn mount_open_ok(app: &TestApp) {
    Mock::given(method("POST"))
        .and(path("/views.open"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "view": { "id": "V0FORM", "team_id": "T0TEAM", "type": "modal", "blocks": [], "hash": "1.a",
                      "title": { "type": "plain_text", "text": "Momentum" }, "private_metadata": "", "callback_id": "",
                      "state": { "values": {} } }
        })))
        .mount(&app.slack)
        .await;
}

/// The views Slack was asked to open, in order.
async fn opened(app: &TestApp) -> Vec<Value> {
    app.slack
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/views.open")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

fn text(v: &str) -> Value {
    json!({ "type": "plain_text_input", "value": v })
}

fn choice(v: &str) -> Value {
    json!({ "type": "static_select", "selected_option": { "text": { "type": "plain_text", "text": v }, "value": v } })
}

fn number(v: &str) -> Value {
    json!({ "type": "number_input", "value": v })
}

#[tokio::test]
async fn a_bare_win_opens_the_win_form() {
    let app = TestApp::spawn().await;
    mount_open_ok(&app).await;
    let (status, body) = app.command("U0JANE", "/win", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!(""), "no message: the form is the answer");
    let views = opened(&app).await;
    assert_eq!(views.len(), 1);
    assert_eq!(views[0]["trigger_id"], "1.2.abc");
    assert_eq!(views[0]["view"]["callback_id"], "win");
    assert_eq!(views[0]["view"]["blocks"][0]["block_id"], "text");
}

#[tokio::test]
async fn when_the_form_cannot_open_the_usage_is_the_answer() {
    let app = TestApp::spawn().await; // no views.open mock: Slack answers 404
    let reply = app.reply("U0JANE", "/touch", "").await;
    assert!(reply.contains("For example"), "{reply}");
}

#[tokio::test]
async fn a_win_form_stores_what_the_text_command_would() {
    let app = TestApp::spawn().await;
    let (status, body) = submit(
        &app,
        "U0JANE",
        "win",
        "",
        &[
            ("text", text("booked a demo with Globex")),
            ("kind", choice("meeting")),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["response_action"], "update");
    assert!(
        body["view"].to_string().contains("Logged your meeting:"),
        "{body}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM wins WHERE kind = 'meeting' AND text = 'booked a demo with Globex'").await, 1);
    // Without a kind, it is inferred as from text.
    submit(
        &app,
        "U0JANE",
        "win",
        "",
        &[("text", text("Jane accepted my invite"))],
    )
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM wins WHERE kind = 'connect'")
            .await,
        1
    );
}

#[tokio::test]
async fn an_invalid_form_shows_errors_on_its_fields_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let (status, body) = submit(&app, "U0JANE", "win", "", &[("text", text("   "))]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["response_action"], "errors");
    assert!(
        body["errors"]["text"]
            .as_str()
            .unwrap()
            .contains("a few words"),
        "{body}"
    );
    let (_, body) = submit(
        &app,
        "U0JANE",
        "touch",
        "",
        &[
            ("prospect", text("Jane Doe")),
            ("outcome", choice("talked")),
        ],
    )
    .await;
    assert_eq!(body["errors"]["channel"], "How did you reach them?");
    let (_, body) = submit(&app, "U0JANE", "block_done", "", &[("dials", number("0"))]).await;
    assert!(
        body["errors"]["dials"]
            .as_str()
            .unwrap()
            .contains("at least one"),
        "{body}"
    );
    assert_eq!(app.count("SELECT (SELECT COUNT(*) FROM wins) + (SELECT COUNT(*) FROM touches) + (SELECT COUNT(*) FROM blocks)").await, 0);
}

#[tokio::test]
async fn touch_and_block_forms_store_their_steps() {
    let app = TestApp::spawn().await;
    let fields = [
        ("prospect", text("Jane Doe")),
        ("company", text("Acme")),
        ("channel", choice("phone")),
        ("outcome", choice("voicemail")),
        ("note", text("left a message")),
    ];
    let (_, body) = submit(&app, "U0JANE", "touch", "", &fields).await;
    assert!(
        body["view"]
            .to_string()
            .contains("Touch 1 of 10 on *Jane Doe* (Acme)"),
        "{body}"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM touches WHERE outcome = 'voicemail' AND note = 'left a message'"
        )
        .await,
        1
    );
    let (_, body) = submit(
        &app,
        "U0JANE",
        "block_done",
        "",
        &[("dials", number("25")), ("conversations", number("4"))],
    )
    .await;
    assert!(
        body["view"]
            .to_string()
            .contains("25 dials · 4 conversations"),
        "{body}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM blocks WHERE dials = 25 AND conversations = 4")
            .await,
        1
    );
}

#[tokio::test]
async fn after_a_no_the_replacement_button_opens_a_form_that_replaces_the_target() {
    let app = TestApp::spawn().await;
    mount_open_ok(&app).await;
    let (_, reply) = app
        .command("U0JANE", "/touch", "Ned Ortiz @ Globex phone no")
        .await;
    let button = &reply["blocks"][1]["elements"][0];
    assert_eq!(button["action_id"], "add_replacement");
    // The button carries the prospect's id, not their name.
    let ned = app
        .count("SELECT id FROM prospects WHERE name = 'Ned Ortiz'")
        .await
        .to_string();
    assert_eq!(button["value"], ned.as_str());
    let pressed = press_button(&app, "U0JANE", "add_replacement", &ned).await;
    assert_eq!(pressed, StatusCode::OK);
    let views = opened(&app).await;
    assert_eq!(views[0]["view"]["callback_id"], "replacement");
    assert_eq!(views[0]["view"]["private_metadata"], "Ned Ortiz");
    let (_, body) = submit(
        &app,
        "U0JANE",
        "replacement",
        "Ned Ortiz",
        &[("prospect", text("Olga Park")), ("company", text("Hooli"))],
    )
    .await;
    assert!(
        body["view"]
            .to_string()
            .contains("*Olga Park* replaces *Ned Ortiz*"),
        "{body}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM prospects n JOIN prospects o ON n.replaces_id = o.id WHERE n.name = 'Olga Park' AND o.name = 'Ned Ortiz'").await,
        1
    );
}

#[tokio::test]
async fn the_block_follow_up_button_opens_the_results_form() {
    let app = TestApp::spawn().await;
    mount_open_ok(&app).await;
    app.reply("U0JANE", "/block", "now 30m").await;
    app.run_job(Job::Reminders, "2026-11-23T14:31:00Z").await;
    let dm = &app.posts_to("U0JANE").await[0];
    assert!(dm.contains("\"action_id\":\"log_block\""), "{dm}");
    let pressed = press_button(&app, "U0JANE", "log_block", "1").await;
    assert_eq!(pressed, StatusCode::OK);
    let views = opened(&app).await;
    assert_eq!(views[0]["view"]["callback_id"], "block_done");
    assert_eq!(views[0]["view"]["private_metadata"], "1");
}

#[tokio::test]
async fn a_bare_block_opens_the_plan_form_which_plans_in_the_reps_zone() {
    let app = TestApp::spawn().await; // Slack says the rep is in New York
    mount_open_ok(&app).await;
    app.reply("U0JANE", "/targets", "").await;
    app.wait_for_tz("U0JANE").await;
    let (status, _) = app.command("U0JANE", "/block", "").await;
    assert_eq!(status, StatusCode::OK);
    let views = opened(&app).await;
    assert_eq!(views[0]["view"]["callback_id"], "block_plan");
    assert_eq!(
        views[0]["view"]["blocks"][0]["element"]["initial_date"],
        "2026-11-23"
    );
    let date = json!({ "type": "datepicker", "selected_date": "2026-11-23" });
    let time = json!({ "type": "timepicker", "selected_time": "14:00" });
    let (_, body) = submit(
        &app,
        "U0JANE",
        "block_plan",
        "",
        &[
            ("day", date.clone()),
            ("time", time),
            ("minutes", choice("45")),
        ],
    )
    .await;
    assert!(
        body["view"].to_string().contains("today 14:00–14:45"),
        "{body}"
    );
    let starts: chrono::DateTime<chrono::Utc> =
        momentum::store::sql::query_scalar("SELECT starts_at FROM blocks")
            .scalar_one(app.state.db.reader())
            .await
            .unwrap();
    assert_eq!(momentum::store::ts(starts), "2026-11-23T19:00:00.000Z");
    let (_, body) = submit(
        &app,
        "U0JANE",
        "block_plan",
        "",
        &[("day", date), ("minutes", choice("45"))],
    )
    .await;
    assert_eq!(body["errors"]["time"], "Pick a start time.");
}

#[tokio::test]
async fn a_form_submitted_while_the_database_is_stuck_says_it_was_not_saved() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/win", "warm-up").await;
    let release = hold_the_write_lock(&app).await;

    let (status, body) = submit(
        &app,
        "U0JANE",
        "win",
        "",
        &[("text", text("booked a demo with Globex"))],
    )
    .await;

    assert_eq!(status, StatusCode::OK);
    assert!(
        body["view"].to_string().contains("couldn't save that"),
        "{body}"
    );
    release.send(()).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM wins").await, 1);
}
