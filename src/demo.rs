//! `momentum demo`: a scripted week of a sample team played through the same command handlers
//! and jobs as production, on a temporary database with a set clock. Slack is replaced by a
//! console sink: the messages the outbox would have delivered are printed as readable text.
use crate::clock::Clock;
use crate::commands;
use crate::config::{Secret, Settings};
use crate::domain::files::{Make, Upload};
use crate::jobs::{self, Job};
use crate::service::{self, Caller};
use crate::store::outbox::Method;
use chrono::{DateTime, Utc};
use std::fmt::Write;

const TEAM: &str = "T0DEMO";
/// The people of the sample team: (user id, display name).
const PEOPLE: [(&str, &str); 4] = [
    ("U0MAYA", "maya"),
    ("U0JANE", "jane"),
    ("U0BOB", "bob"),
    ("U0PRIYA", "priya"),
];

/// One scripted moment: at this instant, someone types a command, or a job runs.
pub enum Step {
    Say(&'static str, &'static str, &'static str, &'static str),
    Run(&'static str, Job),
}
use Step::{Run, Say};

/// The week: Monday 16 to Monday 23 November 2026, in New York (UTC-5).
pub const SCRIPT: &[Step] = &[
    Say(
        "2026-11-16T13:05:00Z",
        "U0MAYA",
        "/momentum",
        "team add <@U0JANE> <@U0BOB> <@U0PRIYA>",
    ),
    Say(
        "2026-11-16T13:06:00Z",
        "U0MAYA",
        "/momentum",
        "settings tz America/New_York",
    ),
    Say(
        "2026-11-16T13:06:30Z",
        "U0MAYA",
        "/momentum",
        "channel <#C0WINS|wins>",
    ),
    Say(
        "2026-11-16T13:08:00Z",
        "U0MAYA",
        "/momentum",
        "goals touches 20 conversations 3 meetings 1 blocks 2",
    ),
    Say("2026-11-16T13:10:00Z", "U0PRIYA", "/momentum", "private"),
    Say("2026-11-16T13:15:00Z", "U0JANE", "/block", "9:30 45m"),
    Run("2026-11-16T14:22:00Z", Job::Reminders),
    Say(
        "2026-11-16T14:35:00Z",
        "U0JANE",
        "/touch",
        "Ann Lee @ Initech phone no_answer",
    ),
    Say(
        "2026-11-16T14:40:00Z",
        "U0JANE",
        "/touch",
        "Carl Cho @ Umbrella email replied wants a deck",
    ),
    Say(
        "2026-11-16T14:55:00Z",
        "U0JANE",
        "/touch",
        "Dee Park @ Hooli social talked",
    ),
    Say(
        "2026-11-16T15:10:00Z",
        "U0JANE",
        "/win",
        "Carl at Umbrella replied to my first email",
    ),
    Run("2026-11-16T15:16:00Z", Job::Reminders),
    Say(
        "2026-11-16T15:18:00Z",
        "U0JANE",
        "/block",
        "done 22 dials 6 emails 3 convos 1 meeting 2 no",
    ),
    Say(
        "2026-11-16T15:20:00Z",
        "U0BOB",
        "/touch",
        "Ned Ortiz @ Globex phone voicemail",
    ),
    Say(
        "2026-11-16T16:00:00Z",
        "U0BOB",
        "/win",
        "Ned's assistant accepted my LinkedIn invite",
    ),
    Say(
        "2026-11-16T17:30:00Z",
        "U0PRIYA",
        "/win",
        "met the Initech VP at the meetup",
    ),
    Say(
        "2026-11-16T18:00:00Z",
        "U0MAYA",
        "/win",
        "booked a demo with Stark Industries",
    ),
    Run("2026-11-16T21:00:30Z", Job::Shoutouts),
    Say("2026-11-17T14:30:00Z", "U0JANE", "/block", "now 30m"),
    Say(
        "2026-11-17T14:40:00Z",
        "U0BOB",
        "/touch",
        "Kim Yu @ Wayne phone callback thu after their board meeting",
    ),
    Say(
        "2026-11-17T14:45:00Z",
        "U0BOB",
        "/win",
        "Kim picked up, finaly",
    ),
    Say("2026-11-17T14:46:00Z", "U0BOB", "/win", "undo"),
    Say(
        "2026-11-17T15:00:00Z",
        "U0JANE",
        "/touch",
        "Ann Lee phone talked",
    ),
    Say(
        "2026-11-17T15:05:00Z",
        "U0BOB",
        "/touch",
        "Ned Ortiz phone no",
    ),
    Say(
        "2026-11-17T16:00:00Z",
        "U0PRIYA",
        "/touch",
        "Sam Roe @ Acme email no_answer",
    ),
    Run("2026-11-17T21:00:30Z", Job::Shoutouts),
    Say(
        "2026-11-18T15:00:00Z",
        "U0JANE",
        "/win",
        "Dee at Hooli referred me to their head of sales",
    ),
    Say("2026-11-18T15:30:00Z", "U0JANE", "/targets", "drop Ann Lee"),
    Say(
        "2026-11-18T16:00:00Z",
        "U0PRIYA",
        "/touch",
        "Sam Roe phone voicemail",
    ),
    Say(
        "2026-11-18T19:00:00Z",
        "U0MAYA",
        "/blitz",
        "start 30m goal 40",
    ),
    Say(
        "2026-11-18T19:05:00Z",
        "U0JANE",
        "/touch",
        "Eve Moss @ Acme phone replied",
    ),
    Say(
        "2026-11-18T19:10:00Z",
        "U0BOB",
        "/block",
        "done 18 dials 2 convos 1 meeting",
    ),
    Run("2026-11-18T19:31:00Z", Job::Blitz),
    Run("2026-11-18T21:00:30Z", Job::Shoutouts),
    Run("2026-11-19T14:00:30Z", Job::Reminders),
    Say("2026-11-19T15:00:00Z", "U0MAYA", "/targets", "<@U0JANE>"),
    Say("2026-11-19T15:02:00Z", "U0BOB", "/targets", "<@U0JANE>"),
    Run("2026-11-20T15:00:30Z", Job::Nudges),
    Say(
        "2026-11-20T16:00:00Z",
        "U0JANE",
        "/touch",
        "Carl Cho email meeting booked for Tuesday",
    ),
    Say(
        "2026-11-20T16:05:00Z",
        "U0JANE",
        "/win",
        "first meeting with Umbrella booked",
    ),
    Say("2026-11-20T16:10:00Z", "U0JANE", "/block", "tue 9:30 45m"),
    Run("2026-11-20T21:00:30Z", Job::Shoutouts),
    Run("2026-11-23T13:00:30Z", Job::Digests),
];

/// Plays the week and returns what people would have received.
pub async fn run() -> anyhow::Result<String> {
    let dir = std::env::temp_dir().join(format!("momentum-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}", dir.join("demo.db").display());
    let state = open(&url).await?;
    let mut out = String::new();
    writeln!(
        out,
        "Momentum demo — a week of a sample team (manager @maya; reps @jane, @bob and @priya, who keeps it private)."
    )?;
    writeln!(
        out,
        "Every line below went through the real command handlers and jobs; nothing is canned.\n"
    )?;
    writeln!(
        out,
        "── What the reps typed, and the replies only they saw ──"
    )?;
    out.push_str(&play(&state, SCRIPT).await?);
    let messages = crate::store::outbox::all_queued(state.db.reader()).await?;
    for (title, channel) in [
        ("#wins — the celebration channel", "C0WINS"),
        ("#general — where the blitz ran", "C0GENERAL"),
        ("@bob's direct messages", "U0BOB"),
        ("@jane's direct messages", "U0JANE"),
        ("@priya's direct messages", "U0PRIYA"),
        ("@maya's direct messages (the manager)", "U0MAYA"),
    ] {
        writeln!(out, "\n── {title} ──")?;
        for (created_at, payload, method) in messages
            .iter()
            .filter(|m| m.0 == channel)
            .map(|m| (&m.1, &m.2, m.3))
        {
            writeln!(out, "[{}]", local(*created_at))?;
            if method == Method::Upload {
                writeln!(out, "  {}", picture(payload)?)?;
                continue;
            }
            for line in render_payload(payload).lines() {
                writeln!(out, "  {line}")?;
            }
        }
    }
    state.db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(out)
}

/// Where the demo saves the digest's chart.
pub fn chart_path() -> std::path::PathBuf {
    std::env::temp_dir().join("momentum-demo-digest-chart.png")
}

/// A queued upload as the demo shows it: the digest's chart is drawn and saved to a file
/// (written aside and renamed, so a reader never sees half of it); others are described.
fn picture(payload: &str) -> anyhow::Result<String> {
    let upload: Upload = serde_json::from_str(payload)?;
    match upload.make {
        Make::PeriodChart(chart) => {
            let path = chart_path();
            let aside = path.with_extension(format!("{}.part", std::process::id()));
            std::fs::write(&aside, crate::files::chart::period(&chart)?)?;
            std::fs::rename(&aside, &path)?;
            Ok(format!(
                "📈 Chart \"{}\" — saved to {}\n  (alt text: {})",
                chart.title,
                path.display(),
                chart.alt_text()
            ))
        }
        Make::BlitzChart(chart) => Ok(format!(
            "📈 Chart \"{}\", in the results' thread\n  (alt text: {})",
            chart.title,
            chart.alt_text()
        )),
        Make::Export(_) => Ok("📎 CSV files: touches, wins and blocks".into()),
    }
}

/// The demo's app on the database at `url` (nothing is sent: Slack is unreachable and the
/// queued messages are read from the outbox), its clock standing at the week's start.
pub async fn open(url: &str) -> anyhow::Result<crate::state::AppState> {
    // Maya leads sales but is no Slack admin: MOMENTUM_ADMINS lets her set the workspace up
    // and put her reps on her team directly.
    let settings = Settings {
        admins: vec!["U0MAYA".into()],
        ..Settings::single_workspace(
            Secret::new("demo"),
            Secret::new("xoxb-demo"),
            "http://127.0.0.1:9/",
        )
    };
    let start: DateTime<Utc> = "2026-11-16T13:00:00Z".parse()?;
    let state = crate::startup::build_state(settings, url, Clock::fixed(start)).await?;
    // What users.info would have told: each person's name and zone.
    for (id, name) in PEOPLE {
        let profile = (id, name, start);
        state
            .db
            .write(profile, |c, (id, name, at)| {
                Box::pin(crate::store::members::set_profile(
                    c,
                    TEAM,
                    id,
                    Some(chrono_tz::America::New_York),
                    false,
                    Some(name),
                    *at,
                ))
            })
            .await?;
    }
    Ok(state)
}

/// Plays `steps` through the real handlers and jobs; returns what each person typed and the
/// reply only they saw.
pub async fn play(state: &crate::state::AppState, steps: &[Step]) -> anyhow::Result<String> {
    let mut out = String::new();
    for step in steps {
        match step {
            Say(at, user, command, text) => {
                let at: DateTime<Utc> = at.parse()?;
                state.clock.set(at);
                let caller = Caller {
                    team_id: TEAM.into(),
                    user_id: (*user).into(),
                    channel_id: "C0GENERAL".into(),
                };
                let reply = match commands::parse(command, text) {
                    Ok(request) => service::handle(state, &caller, request).await?.text,
                    Err(e) => e.message(),
                };
                writeln!(
                    out,
                    "{} @{}: {command} {}",
                    local(at),
                    name(user),
                    readable(text)
                )?;
                for line in readable(&reply).lines() {
                    writeln!(out, "    {line}")?;
                }
            }
            Run(at, job) => {
                let now: DateTime<Utc> = at.parse()?;
                state.clock.set(now);
                jobs::run(state, *job, now).await?;
            }
        }
    }
    Ok(out)
}

fn name(user: &str) -> &str {
    PEOPLE.iter().find(|p| p.0 == user).map_or(user, |p| p.1)
}

/// "Mon 16 Nov 09:35" in New York.
fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::America::New_York)
        .format("%a %-d %b %H:%M")
        .to_string()
}

/// Slack mentions and mrkdwn made readable on a console.
fn readable(text: &str) -> String {
    let mut s = text.to_owned();
    for (id, n) in PEOPLE {
        s = s.replace(&format!("<@{id}>"), &format!("@{n}"));
    }
    s.replace("<#C0WINS|wins>", "#wins")
        .replace("<#C0WINS>", "#wins")
        .replace(['*', '`'], "")
}

/// The text of a stored `chat.postMessage` body: header, sections and context in order.
fn render_payload(payload: &str) -> String {
    let Ok(body) = serde_json::from_str::<serde_json::Value>(payload) else {
        return String::new();
    };
    let mut lines = Vec::new();
    for block in body["blocks"].as_array().into_iter().flatten() {
        match block["type"].as_str() {
            Some("header") => lines.push(format!(
                "# {}",
                block["text"]["text"].as_str().unwrap_or_default()
            )),
            Some("section") => lines.push(
                block["text"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            ),
            Some("context") => {
                for e in block["elements"].as_array().into_iter().flatten() {
                    lines.push(format!("({})", e["text"].as_str().unwrap_or_default()));
                }
            }
            _ => {}
        }
    }
    if lines.is_empty() {
        lines.push(body["text"].as_str().unwrap_or_default().to_owned());
    }
    readable(&lines.join("\n"))
}
