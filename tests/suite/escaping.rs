//! Whatever people type — every mention, broadcast, user-group and link form Slack sends,
//! emoji, 10 kB strings — every message, Home view and form built from it contains no live
//! mention or link the person typed, and passes the Block Kit limits check.
use chrono::{NaiveDate, TimeZone, Utc};
use momentum::domain::blitz::{Moment, Tally};
use momentum::domain::cadence::{ChannelsUsed, ColdProspect, LetGo, Nudge};
use momentum::domain::shoutout::{Celebration, PersonCount, ProspectMilestone, WinToCelebrate};
use momentum::domain::text::UserText;
use momentum::domain::{Channel, WinKind, WinSource};
use momentum::slack::blitz::{Results, results, scoreboard};
use momentum::slack::limits::{Surface, check};
use momentum::slack::{nudge as nudges, shoutout as shoutouts};
use proptest::prelude::*;
use serde_json::Value;

/// The only `<…>` markup the bot itself writes in these messages: mentions of these people.
const PEOPLE: [&str; 3] = ["U0JANE", "U0BOB", "U0BOSS"];

fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<!channel> closed the biggest deal".to_owned()),
        Just("<!here> <!everyone> <!subteam^S012AB|@sales> <@U0BOSS> <@W123|jo>".to_owned()),
        Just("<https://evil.example|click me> <mailto:a@b.c|mail> <#C0WINS|wins>".to_owned()),
        Just("&lt;!channel&gt; & < > &amp;".to_owned()),
        "\\PC{0,300}",
        "[<>&@!|a-z ]{0,200}",
        Just("🎉".repeat(3000)),
        Just("<!channel>".repeat(1100)),
        Just("x".repeat(10_000)),
    ]
}

/// Every `mrkdwn` text in a payload (and a message's notification text).
fn mrkdwn_texts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if o.get("type").and_then(Value::as_str) == Some("mrkdwn")
                && let Some(t) = o.get("text").and_then(Value::as_str)
            {
                out.push(t.to_owned());
            }
            for child in o.values() {
                mrkdwn_texts(child, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|c| mrkdwn_texts(c, out)),
        _ => {}
    }
}

/// `mrkdwn` text objects Slack may auto-link in (no `"verbatim": true`): a URL or a
/// `#channel` someone typed would become a link.
fn auto_linked(v: &Value) -> usize {
    match v {
        Value::Object(o) => {
            let here = o.get("type").and_then(Value::as_str) == Some("mrkdwn")
                && o.get("verbatim") != Some(&Value::Bool(true));
            usize::from(here) + o.values().map(auto_linked).sum::<usize>()
        }
        Value::Array(a) => a.iter().map(auto_linked).sum(),
        _ => 0,
    }
}

fn assert_safe_and_fits(surface: Surface, payload: &Value) {
    assert_eq!(auto_linked(payload), 0, "{payload}");
    let mut texts = Vec::new();
    if let Some(t) = payload.get("text").and_then(Value::as_str) {
        texts.push(t.to_owned());
    }
    mrkdwn_texts(payload, &mut texts);
    for text in texts {
        for (i, _) in text.match_indices('<') {
            let rest = &text[i..];
            let ours = PEOPLE.iter().any(|p| rest.starts_with(&format!("<@{p}>")));
            assert!(
                ours,
                "live markup someone typed: {:?}",
                &rest[..rest.len().min(40)]
            );
        }
    }
    let breaches = check(surface, payload);
    assert!(breaches.is_empty(), "{breaches:?}");
    // …and by the fake Slack's own reading of the limits, written apart from the app's.
    assert_eq!(crate::common::block_kit_violation(payload), None);
    // …and the builders kept within the limits themselves: the last-resort repair never ran.
    assert_eq!(momentum::slack::limits::repairs_so_far(), 0);
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn celebration(text: &str) -> Celebration {
    let t = UserText::from(text);
    Celebration {
        wins: (0..3)
            .map(|i| WinToCelebrate {
                id: i,
                user_id: PEOPLE[i as usize % 2].to_owned(),
                private: false,
                // Typed wins and, every third, a meeting booked through a touch (its text is
                // the prospect's name as typed).
                kind: if i % 3 == 0 {
                    WinKind::Meeting
                } else {
                    WinKind::Other
                },
                text: t.clone(),
                source: if i % 3 == 0 {
                    WinSource::Touch
                } else {
                    WinSource::Typed
                },
                day: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
                steps: 1,
            })
            .collect(),
        tenth_touches: vec![milestone("U0JANE", &t, 9)],
        persistent_meetings: vec![milestone("U0BOB", &t, 7)],
        streaks: vec![count("U0JANE", 5)],
        blocks: vec![count("U0BOB", 2)],
        goals_reached: Vec::new(),
    }
}

fn milestone(user: &str, prospect: &UserText, touches: i64) -> ProspectMilestone {
    ProspectMilestone {
        user_id: user.to_owned(),
        private: false,
        prospect: prospect.clone(),
        touches,
    }
}

fn count(user: &str, n: i64) -> PersonCount {
    PersonCount {
        user_id: user.to_owned(),
        private: false,
        n,
    }
}

fn nudge(text: &str) -> Nudge {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let cold = (0..10)
        .map(|id| ColdProspect {
            id,
            team_id: "T0TEAM".into(),
            user_id: "U0JANE".into(),
            name: UserText::from(text),
            company: Some(UserText::from(text)),
            touch_count: 3,
            last_touch_day: NaiveDate::from_ymd_opt(2026, 11, 10).unwrap(),
            cold_total: 12,
            used: ChannelsUsed(vec![Channel::Phone]),
        })
        .collect();
    Nudge {
        team_id: "T0TEAM".into(),
        user_id: "U0JANE".into(),
        due: Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap(),
        today,
        quiet_days: Some(3),
        first_step: false,
        cold,
        let_go: (0..3)
            .map(|id| LetGo {
                id,
                team_id: "T0TEAM".into(),
                user_id: "U0JANE".into(),
                name: UserText::from(text),
                touch_count: 11,
            })
            .collect(),
    }
}

fn tallies(text: &str) -> Vec<Tally> {
    PEOPLE
        .iter()
        .map(|p| Tally {
            user_id: (*p).to_owned(),
            name: Some(UserText::from(text)),
            private: false,
            attempts: 9,
            conversations: 2,
            responses: 3,
            meetings: 1,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn shout_outs_repeat_typed_text_safely_and_fit(text in typed()) {
        let (post, thread) = shoutouts::render("C0WINS", &celebration(&text)).unwrap();
        assert_safe_and_fits(Surface::Message, &json(&post));
        if let Some(thread) = thread {
            assert_safe_and_fits(Surface::Message, &json(&thread));
        }
    }

    #[test]
    fn nudges_repeat_typed_text_safely_and_fit(text in typed()) {
        let dm = nudges::render(&nudge(&text)).unwrap();
        assert_safe_and_fits(Surface::Message, &json(&dm));
    }

    #[test]
    fn blitz_boards_and_results_repeat_typed_text_safely_and_fit(text in typed()) {
        let tallies = tallies(&text);
        let starter = UserText::from(text.as_str()).mrkdwn(40);
        let (title, blocks) = scoreboard(&tallies, Some(50), Some(10), &starter);
        let board = momentum::slack::messages::post("C0GENERAL", &title, blocks);
        assert_safe_and_fits(Surface::Message, &json(&board));
        let moments = vec![
            Moment { user_id: "U0JANE".into(), private: false, meeting: true, text: UserText::from(text.as_str()) },
            Moment { user_id: "U0BOB".into(), private: false, meeting: false, text: UserText::from(text.as_str()) },
        ];
        let (title, blocks) = results(&Results {
            tallies: &tallies,
            minutes: 60,
            leader: "U0BOSS",
            previous: None,
            moments: &moments,
        });
        let post = momentum::slack::messages::post("C0GENERAL", &title, blocks);
        assert_safe_and_fits(Surface::Message, &json(&post));
    }

    #[test]
    fn forms_hold_typed_text_as_plain_text_and_fit(text in typed()) {
        use momentum::slack::modals::{replacement_form, touch_form};
        for view in [replacement_form(&text), touch_form(Some(&text))] {
            let view = momentum::slack::limits::fitted_view("views.open", view);
            let value = serde_json::to_value(&view).unwrap();
            assert_safe_and_fits(Surface::Modal, &value);
        }
    }
}

#[test]
fn the_apps_checker_and_the_fake_slacks_agree_an_unrepaired_payload_breaks_the_limits() {
    // The limits the app repairs are real limits: an unrepaired payload breaks them, by the
    // app's checker and by the test's own, written apart from it.
    let long = serde_json::json!({"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x".repeat(3001)}}]});
    assert!(!check(Surface::Message, &long).is_empty());
    assert_eq!(
        crate::common::block_kit_violation(&long).as_deref(),
        Some("section text over 3000")
    );
}
