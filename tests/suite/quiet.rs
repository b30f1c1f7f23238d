//! Quiet means quiet: the digest's "Gone quiet" list, the manager's Home tab and the nudges
//! follow one rule — days away and team holidays are not quiet days, a rep away now is shown
//! apart, and a rep who never logged a step is named once they have been on the team a while.
use crate::common::*;
use momentum::jobs::Job;

/// U0BOSS's team, joined Monday 9 November: a rep away until 28 December (who logged a touch
/// before leaving), one whose two quiet days were team holidays (Thursday 19 and Friday 20),
/// one who never logged a step, and one quiet since Monday 16.
async fn a_team_with_every_kind_of_quiet() -> TestApp {
    let app = TestApp::spawn().await;
    mount_admin(&app.slack, "U0ADMIN").await;
    let at = |s: &str| app.clock().set(s.parse().unwrap());
    at("2026-11-09T15:00:00Z");
    app.join_team("U0BOSS", &["U0AWAY", "U0HOLI", "U0NEW", "U0QUIET"])
        .await;
    at("2026-11-10T15:00:00Z");
    app.reply("U0AWAY", "/touch", "Ann Lee phone no_answer")
        .await;
    let away = app
        .reply("U0AWAY", "/momentum", "away until 2026-12-28")
        .await;
    assert!(away.contains("28"), "{away}");
    at("2026-11-16T15:00:00Z");
    app.reply("U0QUIET", "/win", "a connection accepted").await;
    at("2026-11-18T15:00:00Z");
    app.reply("U0HOLI", "/win", "a reply from Globex").await;
    for day in ["2026-11-19", "2026-11-20"] {
        let saved = app
            .reply("U0ADMIN", "/momentum", &format!("settings holiday {day}"))
            .await;
        assert!(saved.contains(day), "{saved}");
    }
    app.drain_all().await;
    app
}

/// The "Gone quiet" and "Away" sections of a message or view (its JSON), one per line.
fn quiet_section(json: &str) -> String {
    fn texts(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(o) => {
                if let Some(t) = o.get("text").and_then(|t| t.as_str()) {
                    out.push(t.to_owned());
                }
                o.values().for_each(|c| texts(c, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|c| texts(c, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    for line in json.lines() {
        if let Ok(v) = serde_json::from_str(line) {
            texts(&v, &mut all);
        }
    }
    all.retain(|t| t.starts_with("*Gone quiet") || t.starts_with("*Away:*"));
    all.join("\n")
}

#[tokio::test]
async fn the_digest_names_the_quiet_and_the_never_started_and_shows_the_away_apart() {
    let app = a_team_with_every_kind_of_quiet().await;
    // Monday 23 November, 08:00 in New York.
    app.run_job(Job::Digests, "2026-11-23T13:00:30Z").await;
    let digest = app.posts_to("U0BOSS").await.join("\n");
    let quiet = quiet_section(&digest);
    // Tuesday and Wednesday: Thursday and Friday were the team's holidays.
    assert!(quiet.contains("<@U0QUIET> (2 working days)"), "{quiet}");
    assert!(
        quiet.contains("<@U0NEW> — hasn't logged a first step since joining on Mon 9 Nov"),
        "{quiet}"
    );
    assert!(
        quiet.contains("*Away:* <@U0AWAY> until Mon 28 Dec"),
        "{quiet}"
    );
    assert!(!quiet.contains("<@U0AWAY> ("), "away is not quiet: {quiet}");
    assert!(
        !quiet.contains("<@U0HOLI>"),
        "holidays are not quiet days: {quiet}"
    );

    // The manager's Home tab follows the same rule.
    let home = open_home(&app, "U0BOSS").await.to_string();
    let quiet = quiet_section(&home);
    assert!(quiet.contains("<@U0QUIET> ("), "{quiet}");
    assert!(
        quiet.contains("<@U0NEW> — hasn't logged a first step"),
        "{quiet}"
    );
    assert!(quiet.contains("<@U0AWAY> until Mon 28 Dec"), "{quiet}");
    assert!(!quiet.contains("<@U0HOLI>"), "{quiet}");
}

#[tokio::test]
async fn holidays_and_days_away_are_not_quiet_days_for_the_nudges_either() {
    let app = a_team_with_every_kind_of_quiet().await;
    // Monday 23 November, 10:00 in New York.
    app.run_job(Job::Nudges, "2026-11-23T15:00:30Z").await;
    let quiet_nudge = |user: &str| {
        let app = &app;
        let user = user.to_owned();
        async move {
            app.posts_to(&user)
                .await
                .iter()
                .any(|p| p.contains("since your last logged step"))
        }
    };
    assert!(quiet_nudge("U0QUIET").await, "the quiet rep is nudged");
    let new = app.posts_to("U0NEW").await.join("\n");
    assert!(
        new.contains("working days since you joined"),
        "the one who never started is nudged, and told so: {new}"
    );
    assert!(!quiet_nudge("U0HOLI").await, "holidays are not quiet days");
    assert!(
        app.posts_to("U0AWAY")
            .await
            .iter()
            .all(|p| !p.contains("Morning"))
    );
}
