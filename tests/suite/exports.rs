//! `/momentum export`: CSV files of touches, wins and blocks in the requester's DM, read back
//! equal to what was logged (commas, newlines, emoji and formulas included); a rep cannot
//! export a peer; the operator's `momentum export` writes the same files without Slack.
use crate::charts::{mount_files, param};
use crate::common::*;
use momentum::domain::files::{BLOCK_COLUMNS, TOUCH_COLUMNS, WIN_COLUMNS};
use serde_json::{Value, json};
use std::collections::HashMap;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV file's rows, each as column name → value, after checking its mark and header.
fn rows(bytes: &[u8], columns: &[&str]) -> Vec<HashMap<String, String>> {
    let body = bytes
        .strip_prefix(BOM)
        .expect("UTF-8 with a byte-order mark");
    let mut reader = csv::Reader::from_reader(body);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, columns, "the documented header");
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn text(v: &str) -> Value {
    json!({ "type": "plain_text_input", "value": v })
}

fn choice(v: &str) -> Value {
    json!({ "type": "static_select", "selected_option": { "text": { "type": "plain_text", "text": v }, "value": v } })
}

const NOTE: &str = "Called twice, no luck\nnext: try LinkedIn 🚀 — café";
const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";

/// Jane's week: a touch through the form with a note of several lines, one typed, a win that
/// looks like a formula, and a planned block; Bob's touch beside it.
async fn janes_week(app: &TestApp) -> chrono::DateTime<chrono::Utc> {
    let first = app.clock().now();
    let fields = [
        ("prospect", text("Ann Lee")),
        ("company", text("Acme, Inc.")),
        ("channel", choice("phone")),
        ("outcome", choice("no_answer")),
        ("note", text(NOTE)),
    ];
    submit(app, "U0JANE", "touch", "", &fields).await;
    app.reply("U0JANE", "/touch", "Ann Lee phone talked wants pricing")
        .await;
    app.reply("U0JANE", "/win", FORMULA).await;
    app.reply("U0JANE", "/block", "tomorrow 9:30 45m").await;
    app.reply("U0BOB", "/touch", "Cal Fox email no_answer")
        .await;
    first
}

/// The uploaded files of the one export delivered, by file name.
async fn uploaded(app: &TestApp) -> HashMap<String, Vec<u8>> {
    let asked = app.requests_to("/files.getUploadURLExternal").await;
    let mut files = HashMap::new();
    for (i, request) in asked.iter().enumerate() {
        let name = param(request, "filename").unwrap();
        let sent = &app.requests_to(&format!("/upload/F{}", i + 1)).await[0];
        assert_eq!(param(request, "length"), Some(sent.body.len().to_string()));
        files.insert(name, sent.body.clone());
    }
    files
}

#[tokio::test]
async fn a_reps_export_reads_back_as_what_they_logged() {
    let app = TestApp::spawn_team().await;
    let logged_at = janes_week(&app).await;
    app.drain_all().await;
    app.slack.reset().await;
    mount_post_ok(&app.slack).await;
    mount_files(&app.slack).await;

    let reply = app.reply("U0JANE", "/momentum", "export week").await;
    assert!(
        reply.contains("Preparing your export (Mon 23 Nov – Mon 23 Nov: your own steps)"),
        "{reply}"
    );
    app.drain_all().await;

    let dm = app.posts_to("U0JANE").await;
    assert_eq!(dm.len(), 1, "{dm:?}");
    assert!(
        dm[0].contains("Your export, Mon 23 Nov – Mon 23 Nov"),
        "{}",
        dm[0]
    );
    let shared = app.bodies_to("/files.completeUploadExternal").await;
    assert_eq!(shared.len(), 1, "one share of the three files");
    assert_eq!(shared[0]["channel_id"], "D0DM");
    assert_eq!(shared[0]["files"].as_array().unwrap().len(), 3);

    let files = uploaded(&app).await;
    let stem = "momentum-2026-11-23-2026-11-23";
    let touches = rows(&files[&format!("{stem}-touches.csv")], &TOUCH_COLUMNS);
    assert_eq!(
        touches.len(),
        2,
        "Jane's own touches, not Bob's: {touches:?}"
    );
    let first = &touches[0];
    assert_eq!(first["rep_id"], "U0JANE");
    assert_eq!(first["prospect"], "Ann Lee");
    assert_eq!(first["company"], "Acme, Inc.");
    assert_eq!(first["channel"], "phone");
    assert_eq!(first["outcome"], "no_answer");
    assert_eq!(first["note"], NOTE, "commas, newlines and emoji survive");
    assert_eq!(first["stage_after"], "prospecting");
    assert_eq!(first["local_date"], "2026-11-23");
    assert_eq!(first["local_time"], "09:00");
    assert_eq!(first["time_zone"], "America/New_York");
    assert_eq!(
        first["utc_time"],
        logged_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    assert_eq!(touches[1]["outcome"], "talked");
    assert_eq!(touches[1]["stage_after"], "engaged");
    assert_eq!(touches[1]["note"], "wants pricing");

    let wins = rows(&files[&format!("{stem}-wins.csv")], &WIN_COLUMNS);
    let typed: Vec<_> = wins.iter().filter(|w| w["source"] == "win").collect();
    assert_eq!(typed.len(), 1, "{wins:?}");
    assert_eq!(
        typed[0]["text"],
        format!("'{FORMULA}"),
        "a formula stays text in a spreadsheet"
    );
    assert!(
        wins.iter()
            .any(|w| w["source"] == "touch" && w["kind"] == "conversation"),
        "the talked touch was celebrated as a win: {wins:?}"
    );

    // The block is planned for tomorrow: outside this week-so-far export.
    let blocks = rows(&files[&format!("{stem}-blocks.csv")], &BLOCK_COLUMNS);
    assert!(blocks.is_empty(), "{blocks:?}");
}

#[tokio::test]
async fn a_manager_exports_their_team_or_one_rep_and_a_rep_cannot_export_a_peer() {
    let app = TestApp::spawn_team().await;
    janes_week(&app).await;
    app.drain_all().await;
    app.slack.reset().await;
    mount_post_ok(&app.slack).await;
    mount_files(&app.slack).await;

    let peer = app
        .reply("U0BOB", "/momentum", "export week <@U0JANE>")
        .await;
    assert!(
        peer.contains("🔒 Only <@U0JANE> and their manager can export"),
        "{peer}"
    );
    app.drain_all().await;
    assert!(app.posted().await.is_empty(), "nothing sent to Bob");
    assert!(
        app.requests_to("/files.getUploadURLExternal")
            .await
            .is_empty(),
        "nothing uploaded"
    );

    let team = app.reply("U0BOSS", "/momentum", "export").await;
    assert!(
        team.contains("your team's steps (yours and 2 reps)"),
        "{team}"
    );
    app.drain_all().await;
    let files = uploaded(&app).await;
    let stem = "momentum-2026-11-01-2026-11-23";
    let touches = rows(&files[&format!("{stem}-touches.csv")], &TOUCH_COLUMNS);
    let reps: Vec<&str> = touches.iter().map(|t| t["rep_id"].as_str()).collect();
    assert_eq!(reps, ["U0JANE", "U0JANE", "U0BOB"]);
    let blocks = rows(&files[&format!("{stem}-blocks.csv")], &BLOCK_COLUMNS);
    assert!(
        blocks.is_empty(),
        "tomorrow's block is not in this month so far"
    );

    app.slack.reset().await;
    mount_post_ok(&app.slack).await;
    mount_files(&app.slack).await;
    let one = app
        .reply(
            "U0BOSS",
            "/momentum",
            "export 2026-11-01..2026-11-30 <@U0JANE>",
        )
        .await;
    assert!(one.contains("<@U0JANE>'s steps"), "{one}");
    app.drain_all().await;
    let files = uploaded(&app).await;
    let stem = "momentum-2026-11-01-2026-11-30";
    let touches = rows(&files[&format!("{stem}-touches.csv")], &TOUCH_COLUMNS);
    assert!(
        touches.iter().all(|t| t["rep_id"] == "U0JANE"),
        "{touches:?}"
    );
    let blocks = rows(&files[&format!("{stem}-blocks.csv")], &BLOCK_COLUMNS);
    assert_eq!(blocks.len(), 1, "{blocks:?}");
    assert_eq!(blocks[0]["planned_start"], "09:30");
    assert_eq!(blocks[0]["local_date"], "2026-11-24");
    assert_eq!(blocks[0]["minutes"], "45");
    assert_eq!(blocks[0]["status"], "planned");
}

#[tokio::test]
async fn nonsense_export_text_gets_an_example_and_changes_nothing() {
    let app = TestApp::spawn().await;
    for text in [
        "export yesterday-ish",
        "export 2026-12-01..2026-11-01",
        "export 2025-01-01..2026-06-30",
        "export week month",
    ] {
        let reply = app.reply("U0JANE", "/momentum", text).await;
        assert!(reply.contains("/momentum export"), "{text}: {reply}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
}

#[tokio::test]
async fn the_operators_export_writes_the_same_files_without_slack() {
    let app = TestApp::spawn_team().await;
    janes_week(&app).await;
    let out = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_momentum"))
        .args([
            "export",
            "--team",
            TEAM,
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
        ])
        .arg("--out")
        .arg(out.path())
        .env("DATABASE_URL", &app.db_url)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(said.contains("3 touches, "), "{said}");
    let read = |kind: &str| {
        std::fs::read(
            out.path()
                .join(format!("momentum-2026-11-01-2026-11-30-{kind}.csv")),
        )
        .unwrap()
    };
    let touches = rows(&read("touches"), &TOUCH_COLUMNS);
    assert_eq!(touches.len(), 3, "everyone's touches");
    assert_eq!(touches[0]["note"], NOTE);
    assert_eq!(rows(&read("blocks"), &BLOCK_COLUMNS).len(), 1);
    assert!(
        rows(&read("wins"), &WIN_COLUMNS)
            .iter()
            .any(|w| w["text"] == format!("'{FORMULA}"))
    );
}

#[tokio::test]
async fn without_files_write_the_requester_hears_their_export_will_not_come() {
    let app = TestApp::spawn().await;
    app.reply("U0JANE", "/touch", "Ann Lee phone no_answer")
        .await;
    app.drain_all().await;
    wiremock::Mock::given(wiremock::matchers::path("/files.getUploadURLExternal"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_json(json!({ "ok": false, "error": "missing_scope" })),
        )
        .mount(&app.slack)
        .await;
    app.reply("U0JANE", "/momentum", "export").await;
    app.drain_all().await;
    let dms = app.posts_to("U0JANE").await;
    assert!(dms.len() >= 2, "{dms:?}");
    let last = dms.last().unwrap();
    assert!(
        last.contains("Your export could not be delivered")
            && last.contains("Ask a workspace admin to reinstall"),
        "{last}"
    );
    assert_eq!(
        app.requests_to("/files.getUploadURLExternal").await.len(),
        1
    );
}
