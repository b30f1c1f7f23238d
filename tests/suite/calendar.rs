//! `/block calendar`: a rep's private iCalendar feed of blocks and call-backs, read back by an
//! independent parser (`ical`), at the right UTC instants across a daylight-saving change,
//! stable under edits, cheap to poll (ETag), and gone (404) once the link is reset.
use crate::common::*;
use axum::http::{StatusCode, header};
use std::collections::HashMap;

/// A fresh app whose public address is https://momentum.example.com.
async fn with_public_url() -> TestApp {
    TestApp::spawn_configured(
        |url| momentum::config::Settings {
            public_url: Some("https://momentum.example.com".into()),
            ..settings(url)
        },
        true,
    )
    .await
}

/// The token in a `/block calendar` reply.
fn token_in(reply: &str) -> String {
    let start = reply.find("/calendar/").expect(reply) + "/calendar/".len();
    reply[start..start + 64].to_owned()
}

struct Fetched {
    status: StatusCode,
    etag: Option<String>,
    content_type: Option<String>,
    cache: Option<String>,
    body: String,
}

async fn fetch(app: &TestApp, path: &str, if_none_match: Option<&str>) -> Fetched {
    let sent: Vec<(header::HeaderName, &str)> = if_none_match
        .into_iter()
        .map(|tag| (header::IF_NONE_MATCH, tag))
        .collect();
    let (status, headers, body) = app.get(path, &sent).await;
    let value =
        |name: header::HeaderName| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(
        value(header::REFERRER_POLICY).as_deref(),
        Some("no-referrer")
    );
    Fetched {
        status,
        etag: value(header::ETAG),
        content_type: value(header::CONTENT_TYPE),
        cache: value(header::CACHE_CONTROL),
        body,
    }
}

/// Each event of a feed, by UID: property name (with its parameters) → value, unescaped.
fn events(ics: &str) -> HashMap<String, HashMap<String, String>> {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
    let calendar = parser.next().expect("one calendar").expect("it parses");
    assert!(parser.next().is_none());
    calendar
        .events
        .iter()
        .map(|e| {
            let props: HashMap<String, String> = e
                .properties
                .iter()
                .map(|p| {
                    let params = p
                        .params
                        .iter()
                        .flatten()
                        .map(|(k, v)| format!(";{k}={}", v.join(",")))
                        .collect::<String>();
                    let value = p
                        .value
                        .clone()
                        .unwrap_or_default()
                        .replace("\\n", "\n")
                        .replace("\\,", ",")
                        .replace("\\;", ";")
                        .replace("\\\\", "\\");
                    (format!("{}{params}", p.name), value)
                })
                .collect();
            (props["UID"].clone(), props)
        })
        .collect()
}

#[tokio::test]
async fn a_reps_feed_holds_their_blocks_and_call_backs_at_the_right_instants() {
    let app = with_public_url().await;
    app.reply("U0JANE", "/block", "tomorrow 9:30 45m").await;
    app.reply("U0JANE", "/block", "wed 11:00 30m").await;
    app.reply("U0JANE", "/block", "cancel").await; // tomorrow's, the next one
    app.reply(
        "U0JANE",
        "/touch",
        "Ann Lee @ Acme phone callback 2026-12-01 pricing; call, after lunch",
    )
    .await;
    app.reply("U0BOB", "/block", "tomorrow 10:00 30m").await;

    let reply = app.reply("U0JANE", "/block", "calendar").await;
    let token = token_in(&reply);
    assert!(
        reply.contains(&format!(
            "`webcal://momentum.example.com/calendar/{token}.ics`"
        )) && reply.contains(&format!(
            "`https://momentum.example.com/calendar/{token}.ics`"
        )),
        "{reply}"
    );
    assert!(reply.contains("Google every several hours"), "{reply}");

    let feed = fetch(&app, &format!("/calendar/{token}.ics"), None).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    assert_eq!(
        feed.content_type.as_deref(),
        Some("text/calendar; charset=utf-8")
    );
    assert_eq!(feed.cache.as_deref(), Some("private, no-cache"));
    let events = events(&feed.body);
    assert_eq!(
        events.len(),
        2,
        "a block (the other was cancelled) and a call-back: {events:?}"
    );
    let by_start: HashMap<&str, &HashMap<String, String>> = events
        .values()
        .filter_map(|e| Some((e.get("DTSTART")?.as_str(), e)))
        .collect();
    let wednesday = by_start["20261125T160000Z"];
    assert_eq!(wednesday["DTEND"], "20261125T163000Z");
    assert_eq!(wednesday["SUMMARY"], "🎯 Prospecting block");
    assert!(
        wednesday["DESCRIPTION"].contains("/block done 25 dials"),
        "{wednesday:?}"
    );
    // Unfolded as RFC 5545 says (a line break and one space removed), the text is whole.
    // (The `ical` parser also drops the space a fold may leave at a line's end.)
    let unfolded = feed.body.replace("\r\n ", "");
    assert!(
        unfolded.contains(
            "DESCRIPTION:30 minutes of prospecting\\, planned in Momentum.\\nAfterwards\\, in Slack: /block done 25 dials"
        ),
        "{unfolded}"
    );
    let callback = events
        .values()
        .find(|e| e["UID"].starts_with("callback-"))
        .unwrap();
    assert_eq!(callback["DTSTART;VALUE=DATE"], "20261201");
    assert_eq!(callback["DTEND;VALUE=DATE"], "20261202", "one whole day");
    assert_eq!(callback["SUMMARY"], "📞 Call back Ann Lee (Acme)");
    assert!(
        callback["DESCRIPTION"].ends_with("Note: pricing; call, after lunch"),
        "text typed is escaped and read back: {callback:?}"
    );
    assert!(
        !feed.body.contains("20261124T143000Z"),
        "the cancelled block is gone"
    );

    // Polling again costs nothing while nothing changed.
    let etag = feed.etag.unwrap();
    let again = fetch(&app, &format!("/calendar/{token}.ics"), Some(&etag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
}

#[tokio::test]
async fn blocks_either_side_of_a_daylight_saving_change_keep_their_local_time() {
    let app = with_public_url().await;
    app.clock().set("2027-03-01T15:00:00Z".parse().unwrap());
    // New York moves its clocks on on 14 March 2027: 9:00 is 14:00 UTC before, 13:00 after.
    app.reply("U0JANE", "/block", "2027-03-12 9:00 30m").await;
    app.reply("U0JANE", "/block", "2027-03-16 9:00 30m").await;
    let token = token_in(&app.reply("U0JANE", "/block", "calendar").await);
    let feed = fetch(&app, &format!("/calendar/{token}.ics"), None).await;
    let mut starts: Vec<(String, String)> = events(&feed.body)
        .values()
        .map(|e| (e["DTSTART"].clone(), e["DTEND"].clone()))
        .collect();
    starts.sort();
    assert_eq!(
        starts,
        [
            ("20270312T140000Z".to_owned(), "20270312T143000Z".to_owned()),
            ("20270316T130000Z".to_owned(), "20270316T133000Z".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_done_block_is_updated_under_the_same_uid() {
    let app = with_public_url().await;
    app.reply("U0JANE", "/block", "now 30m").await;
    let token = token_in(&app.reply("U0JANE", "/block", "calendar").await);
    let before = fetch(&app, &format!("/calendar/{token}.ics"), None).await;
    let planned = events(&before.body);
    let (uid, event) = planned.iter().next().unwrap();
    assert_eq!(event["SUMMARY"], "🎯 Prospecting block");

    app.clock().advance(chrono::Duration::minutes(31));
    let done = app
        .reply("U0JANE", "/block", "done 20 dials 2 convos")
        .await;
    assert!(done.contains("20 dials"), "{done}");
    let after = fetch(
        &app,
        &format!("/calendar/{token}.ics"),
        before.etag.as_deref(),
    )
    .await;
    assert_eq!(after.status, StatusCode::OK, "the feed changed");
    let updated = events(&after.body);
    assert_eq!(updated.len(), 1);
    let event = &updated[uid];
    assert_eq!(event["SUMMARY"], "✅ Prospecting block (done)");
    assert!(
        event["DESCRIPTION"].contains("Done: 20 dials · 2 conversations."),
        "{event:?}"
    );
    assert_eq!(event["DTSTART"], planned[uid]["DTSTART"]);
}

#[tokio::test]
async fn a_reset_link_answers_404_and_the_link_is_shown_only_once() {
    let app = with_public_url().await;
    let old = token_in(&app.reply("U0JANE", "/block", "calendar").await);
    let again = app.reply("U0JANE", "/block", "calendar").await;
    assert!(
        again.contains("already have a private calendar link") && !again.contains(&old),
        "{again}"
    );
    let reply = app.reply("U0JANE", "/block", "calendar reset").await;
    assert!(reply.contains("Your old link no longer works"), "{reply}");
    let new = token_in(&reply);
    assert_ne!(old, new);
    assert_eq!(
        fetch(&app, &format!("/calendar/{old}.ics"), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        fetch(&app, &format!("/calendar/{new}.ics"), None)
            .await
            .status,
        StatusCode::OK
    );
    for nonsense in [
        "/calendar/abc.ics".to_owned(),
        format!("/calendar/{new}"),
        format!("/calendar/{}.ics", "0".repeat(64)),
    ] {
        let page = fetch(&app, &nonsense, None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{nonsense}");
        assert_eq!(page.cache.as_deref(), Some("no-store"));
    }
    // Only the hash is stored.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM feed_links WHERE token_hash = '{new}'"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn without_a_public_address_the_link_says_where_it_lives() {
    let app = TestApp::spawn().await;
    let reply = app.reply("U0JANE", "/block", "calendar").await;
    assert!(
        reply.contains("http://<this Momentum's host>:<its port>/calendar/")
            && reply.contains("MOMENTUM_PUBLIC_URL"),
        "{reply}"
    );
    let nonsense = app.reply("U0JANE", "/block", "calendar please").await;
    assert!(nonsense.contains("/block calendar reset"), "{nonsense}");
}
