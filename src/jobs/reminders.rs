//! Block reminders: a DM shortly before a planned block starts, and after it ends a "how did
//! it go?" DM unless its results were already logged. Each is sent once: the block row is
//! marked in the same transaction that queues the DM.
use super::JobReport;
use crate::domain::words::count;
use crate::slack::messages::{self, button, context, section};
use crate::state::AppState;
use crate::store::{self, outbox, schedule};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use slack_morphism::prelude::*;

/// How long before a block starts its reminder goes out.
pub const LEAD_MINUTES: i64 = 10;
/// A follow-up is still sent this long after a block ended (e.g. after a restart).
pub const FOLLOW_UP_WITHIN_HOURS: i64 = 3;

pub async fn run(state: &AppState, now: DateTime<Utc>) -> store::Result<JobReport> {
    let default_tz = state.settings.default_tz;
    state
        .db
        .write((now, default_tz), |c, (now, default_tz)| {
            Box::pin(async move {
                let at = store::ts(*now);
                let mut report = JobReport::default();
                let soon = store::ts(*now + Duration::minutes(LEAD_MINUTES));
                let just_before = store::ts(*now - Duration::minutes(1));
                for b in schedule::blocks_starting(c, &just_before, &soon).await? {
                    if schedule::mark_reminded(c, b.id, &at).await? {
                        outbox::post(
                            c,
                            &b.team_id,
                            &b.user_id,
                            &starting(&b, *now, zone(&b, *default_tz)),
                            &at,
                        )
                        .await?;
                        report.claimed += 1;
                        report.queued += 1;
                    }
                }
                let since = store::ts(*now - Duration::hours(FOLLOW_UP_WITHIN_HOURS));
                for b in schedule::blocks_ended(c, &since, &at).await? {
                    if schedule::mark_followed_up(c, b.id, &at).await? {
                        outbox::post(
                            c,
                            &b.team_id,
                            &b.user_id,
                            &how_did_it_go(&b, zone(&b, *default_tz)),
                            &at,
                        )
                        .await?;
                        report.claimed += 1;
                        report.queued += 1;
                    }
                }
                Ok(report)
            })
        })
        .await
}

fn zone(b: &schedule::BlockToRemind, default_tz: Tz) -> Tz {
    [b.tz.as_deref(), b.team_tz.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|t| t.parse().ok())
        .unwrap_or(default_tz)
}

fn local_hhmm(ts: &str, tz: Tz) -> String {
    store::parse_ts(ts)
        .map(|t| t.with_timezone(&tz).format("%H:%M").to_string())
        .unwrap_or_default()
}

pub fn starting(b: &schedule::BlockToRemind, now: DateTime<Utc>, tz: Tz) -> String {
    let minutes_left = store::parse_ts(&b.starts_at)
        .map(|s| (s - now).num_minutes().max(0))
        .unwrap_or(0);
    let text = format!(
        "⏰ Your prospecting block starts at {} (in {minutes_left} min) — {}.",
        local_hhmm(&b.starts_at, tz),
        count(b.minutes, "minute")
    );
    let blocks = vec![
        section(format!(
            "{text}\nClose the inbox, open `/targets` and start with whoever is most overdue. \
             Log each attempt with `/touch`."
        )),
        context(format!(
            "Block #{}. Can't make it? `/block cancel {}`",
            b.id, b.id
        )),
    ];
    messages::post(&b.user_id, &text, blocks)
}

pub fn how_did_it_go(b: &schedule::BlockToRemind, tz: Tz) -> String {
    let text = format!(
        "How did your {}-minute block at {} go?",
        b.minutes,
        local_hhmm(&b.starts_at, tz)
    );
    let blocks = vec![
        section(format!(
            "🙌 {text} Log the numbers while they're fresh — it takes five seconds:\n\
             `/block done 25 dials 8 emails 4 convos 2 meetings 1 callback 3 no`"
        )),
        SlackActionsBlock::new(vec![
            button("log_block", "✍️ Log how it went", &b.id.to_string()).into(),
        ])
        .into(),
        context("Your numbers go to you and your manager only."),
    ];
    messages::post(&b.user_id, &text, blocks)
}
