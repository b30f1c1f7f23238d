//! Shout-outs: one post in the team's celebration channel celebrating every win since the last
//! shout-out (a watermark per team; at most a week back), grouped by person, with milestones.
//! Praise only: nobody is ever mentioned for doing nothing, and reps who chose
//! `/momentum private` are counted but not named.
use super::JobReport;
use super::schedule::latest_due;
use crate::commands::truncate;
use crate::domain::WinKind;
use crate::domain::words::count;
use crate::slack::messages::{self, button, chunk_lines, context, section, section_with_button};
use crate::state::AppState;
use crate::store::{self, jobs, outbox, schedule};
use chrono::{DateTime, Duration, Utc};
use slack_morphism::prelude::*;

/// A shout-out missed while the service was down is still posted within this window.
pub const GRACE_HOURS: i64 = 6;
/// How old a win may be and still be celebrated.
pub const LOOK_BACK_DAYS: i64 = 7;
/// People named in the post; the rest are summed up.
const MAX_PEOPLE: usize = 45;
/// People named in the post itself; the rest are in its thread.
const IN_POST: usize = 8;

pub async fn run(state: &AppState, now: DateTime<Utc>) -> store::Result<JobReport> {
    let teams = schedule::shoutout_teams(state.db.reader()).await?;
    let mut report = JobReport::default();
    for team in teams {
        let tz = team
            .tz
            .as_deref()
            .and_then(|t| t.parse().ok())
            .unwrap_or(state.settings.default_tz);
        let Some(due) = latest_due(&team.cron, tz, now, Duration::hours(GRACE_HOURS)) else {
            continue;
        };
        let data = (team, due, now, tz);
        let queued = state
            .db
            .write(data, |c, (team, due, now, tz)| {
                Box::pin(async move {
                    let at = store::ts(*now);
                    let due_ts = store::ts(*due);
                    if !jobs::claim(c, "shoutouts", &team.team_id, &due_ts, &at).await? {
                        return Ok(None);
                    }
                    // Everything since the last shout-out, but nothing older than a week: a
                    // team's first shout-out (or the first after a long outage) celebrates
                    // the week behind it, each win once.
                    let oldest = store::ts(*due - Duration::days(LOOK_BACK_DAYS));
                    let from = match schedule::shoutout_through(c, &team.team_id).await? {
                        Some(through) if through > oldest => through,
                        _ => oldest,
                    };
                    let from_day =
                        crate::domain::time::local_day(store::parse_ts(&from).unwrap_or(*due), *tz)
                            .to_string();
                    let celebration =
                        schedule::celebration(c, &team.team_id, &from, &due_ts, &from_day).await?;
                    schedule::set_shoutout_through(c, &team.team_id, &due_ts).await?;
                    let Some((post, thread)) = render(&team.channel, &celebration) else {
                        return Ok(Some(0));
                    };
                    let parent = outbox::queue(
                        c,
                        &team.team_id,
                        "chat.postMessage",
                        &team.channel,
                        &post,
                        &at,
                    )
                    .await?;
                    if let Some(thread) = thread {
                        outbox::post_in_thread(
                            c,
                            &team.team_id,
                            &team.channel,
                            &thread,
                            parent,
                            &at,
                        )
                        .await?;
                        return Ok(Some(2));
                    }
                    Ok(Some(1))
                })
            })
            .await?;
        if let Some(n) = queued {
            report.claimed += 1;
            report.queued += n;
        }
    }
    Ok(report)
}

fn who(user: &str, private: bool) -> String {
    if private {
        "A teammate".to_owned()
    } else {
        format!("<@{user}>")
    }
}

/// The shout-out and, when more than a handful of people had wins, the rest in its thread;
/// `None` when there is nothing to celebrate.
pub fn render(channel: &str, c: &schedule::Celebration) -> Option<(String, Option<String>)> {
    if c.wins.is_empty()
        && c.tenth_touches.is_empty()
        && c.persistent_meetings.is_empty()
        && c.streaks.is_empty()
        && c.blocks.is_empty()
    {
        return None;
    }
    // Wins grouped by person, in the order people first logged one; private reps pooled.
    let mut people: Vec<(String, Vec<&schedule::WinToCelebrate>)> = Vec::new();
    let mut private_wins = 0;
    for w in &c.wins {
        if w.private {
            private_wins += 1;
            continue;
        }
        match people.iter_mut().find(|(u, _)| *u == w.user_id) {
            Some((_, list)) => list.push(w),
            None => people.push((w.user_id.clone(), vec![w])),
        }
    }
    let mut person_blocks: Vec<SlackBlock> = Vec::new();
    let mut lines = Vec::new();
    for (user, wins) in people.iter().take(MAX_PEOPLE) {
        let shown: Vec<String> = wins
            .iter()
            .take(3)
            .map(|w| {
                let emoji = WinKind::from_db(&w.kind).map_or("⭐", |k| k.emoji());
                format!("{emoji} {}", w.text.mrkdwn(120))
            })
            .collect();
        let more = if wins.len() > 3 {
            format!(" _+{} more_", wins.len() - 3)
        } else {
            String::new()
        };
        // A short value: the person's first and last win in this post (read back as a range).
        let ids = match (wins.first(), wins.last()) {
            (Some(a), Some(b)) if a.id != b.id => format!("{}-{}", a.id, b.id),
            (Some(a), _) => a.id.to_string(),
            _ => String::new(),
        };
        let text = truncate(&format!("*<@{user}>* — {}{more}", shown.join(" · ")), 2900);
        person_blocks.push(section_with_button(
            text,
            button("celebrate", "🎉 Celebrate", &ids),
        ));
    }
    let others: usize = people
        .iter()
        .skip(MAX_PEOPLE)
        .map(|(_, w)| w.len())
        .sum::<usize>()
        + private_wins;
    if others > 0 {
        lines.push(format!(
            "…and {others} more {} from the team 🙌",
            if others == 1 { "win" } else { "wins" }
        ));
    }
    let mut milestones = Vec::new();
    for (user, private, prospect) in &c.tenth_touches {
        let prospect = if *private {
            "a prospect".to_owned()
        } else {
            format!("*{}*", prospect.mrkdwn(60))
        };
        milestones.push(format!(
            "🏆 {} made a 10th touch on {prospect} — that's the persistence that reaches people",
            who(user, *private)
        ));
    }
    for (user, private, prospect, before) in &c.persistent_meetings {
        let prospect = if *private {
            "a prospect".to_owned()
        } else {
            format!("*{}*", prospect.mrkdwn(60))
        };
        milestones.push(format!(
            "🎯 {} booked a meeting with {prospect} after {}",
            who(user, *private),
            count(*before, "touch")
        ));
    }
    for (user, private, streak) in &c.streaks {
        milestones.push(format!(
            "🔥 {} is on a {streak}-day prospecting streak",
            who(user, *private)
        ));
    }
    let blocks: i64 = c.blocks.iter().map(|b| b.2).sum();
    if blocks > 0 {
        let named: Vec<String> = c
            .blocks
            .iter()
            .filter(|b| !b.1)
            .map(|b| format!("<@{}>", b.0))
            .collect();
        let by = if named.is_empty() {
            String::new()
        } else {
            format!(" — thanks {}", named.join(", "))
        };
        milestones.push(format!(
            "✅ {blocks} prospecting {} completed{by}",
            if blocks == 1 { "block" } else { "blocks" }
        ));
    }
    let in_thread = person_blocks.split_off(person_blocks.len().min(IN_POST));
    if !in_thread.is_empty() {
        lines.insert(
            0,
            format!(
                "🧵 …and {} more {} celebrated in the thread",
                in_thread.len(),
                if in_thread.len() == 1 {
                    "person"
                } else {
                    "people"
                }
            ),
        );
    }
    let total = c.wins.len();
    let title = match total {
        0 => "🎉 Milestones worth celebrating".to_owned(),
        1 => "🎉 Today's win".to_owned(),
        n => format!("🎉 Today's {n} wins"),
    };
    let mut blocks_out: Vec<SlackBlock> = vec![SlackHeaderBlock::new(pt!(title.clone())).into()];
    blocks_out.extend(person_blocks);
    for chunk in chunk_lines(&lines) {
        blocks_out.push(section(chunk));
    }
    if !milestones.is_empty() {
        for chunk in chunk_lines(&milestones) {
            blocks_out.push(section(chunk));
        }
    }
    blocks_out.push(context(
        "Every small step counts. Log yours with `/win`, `/touch` or `/block done`.",
    ));
    let thread =
        (!in_thread.is_empty()).then(|| messages::post(channel, "More of today's wins", in_thread));
    Some((messages::post(channel, &title, blocks_out), thread))
}
