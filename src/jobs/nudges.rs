//! Nudges: at 10:00 in each rep's own time zone on their working days, a private DM to a rep
//! with no step for `quiet_after` working days, and to anyone whose prospects are going cold
//! (fewer than 10 touches, more than 7 days since the last). At most one a day; none while
//! away or snoozed. Never a word in a channel.
use super::JobReport;
use super::schedule::{cron_days, latest_due};
use crate::domain::cadence::{MAX_GAP_DAYS, TOUCH_GOAL};
use crate::domain::streak::missed_working_days;
use crate::domain::time::{WorkDays, days_ago, local_day};
use crate::domain::words::count;
use crate::slack::messages::{self, button, context, section};
use crate::state::AppState;
use crate::store::{self, jobs, outbox, schedule};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use slack_morphism::prelude::*;
use std::collections::HashMap;

/// Local time of the nudge (when within the team's working hours).
pub const NUDGE_HOUR: u32 = 10;
/// A nudge missed while the service was down still goes out within this window.
pub const GRACE_HOURS: i64 = 3;
/// Cold prospects listed in one nudge.
const MAX_LISTED: usize = 8;

/// When in the day (minutes after midnight) a nudge goes out: 10:00, or an hour into the
/// working day when the team's hours do not include 10:00.
pub fn nudge_minute(start: i64, end: i64) -> i64 {
    let ten = i64::from(NUDGE_HOUR) * 60;
    if (start..end).contains(&ten) {
        ten
    } else {
        (start + 60).min(end - 1).clamp(0, 1439)
    }
}

/// One rep's nudge, computed before anything is written.
#[derive(Debug, Clone)]
pub struct Nudge {
    pub team_id: String,
    pub user_id: String,
    pub due: DateTime<Utc>,
    pub today: NaiveDate,
    /// Working days without a step, when that makes the rep quiet.
    pub quiet_days: Option<i64>,
    pub cold: Vec<schedule::ColdProspect>,
}

pub async fn run(state: &AppState, now: DateTime<Utc>) -> store::Result<JobReport> {
    let reader = state.db.reader();
    let members = schedule::nudge_candidates(reader).await?;
    let mut due_members = Vec::new();
    let mut earliest_today: Option<NaiveDate> = None;
    for m in members {
        let tz = [m.tz.as_deref(), m.team_tz.as_deref()]
            .into_iter()
            .flatten()
            .find_map(|t| t.parse().ok())
            .unwrap_or(state.settings.default_tz);
        let work = WorkDays::from_bits(m.work_days.unwrap_or(WorkDays::MON_FRI.0.into()));
        let minute = nudge_minute(
            m.work_start_min.unwrap_or(540),
            m.work_end_min.unwrap_or(1020),
        );
        let cron = format!("0 {} {} * * {}", minute % 60, minute / 60, cron_days(work));
        let Some(due) = latest_due(&cron, tz, now, Duration::hours(GRACE_HOURS)) else {
            continue;
        };
        let today = local_day(now, tz);
        let away = m
            .away_until
            .as_deref()
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .is_some_and(|d| d >= today);
        let snoozed = m
            .snoozed_until
            .as_deref()
            .and_then(store::parse_ts)
            .is_some_and(|t| t > now);
        if away || snoozed {
            continue;
        }
        let last = m
            .last_step_day
            .as_deref()
            .and_then(|d| d.parse().ok())
            .or_else(|| store::parse_ts(&m.created_at).map(|t| local_day(t, tz)))
            .unwrap_or(today);
        let missed = missed_working_days(last, today, work);
        let quiet_days = (missed >= m.quiet_after.unwrap_or(2)).then_some(missed);
        earliest_today = Some(earliest_today.map_or(today, |e: NaiveDate| e.min(today)));
        due_members.push(Nudge {
            team_id: m.team_id,
            user_id: m.user_id,
            due,
            today,
            quiet_days,
            cold: Vec::new(),
        });
    }
    let latest = due_members.iter().map(|n| n.today).max();
    let Some(earliest) = earliest_today else {
        return Ok(JobReport::default());
    };
    // Nobody is nudged on their team's holiday.
    let latest = latest.unwrap_or(earliest).to_string();
    let holidays: std::collections::HashSet<(String, String)> =
        schedule::holidays_between(reader, &earliest.to_string(), &latest)
            .await?
            .into_iter()
            .collect();
    due_members.retain(|n| !holidays.contains(&(n.team_id.clone(), n.today.to_string())));
    // One query for every cold prospect of every due rep.
    let cutoff = (earliest - Duration::days(MAX_GAP_DAYS)).to_string();
    let mut cold: HashMap<(String, String), Vec<schedule::ColdProspect>> = HashMap::new();
    for p in schedule::cold_prospects(reader, &cutoff, MAX_LISTED as i64).await? {
        cold.entry((p.team_id.clone(), p.user_id.clone()))
            .or_default()
            .push(p);
    }
    let mut nudges = Vec::new();
    for mut n in due_members {
        let limit = (n.today - Duration::days(MAX_GAP_DAYS)).to_string();
        n.cold = cold
            .remove(&(n.team_id.clone(), n.user_id.clone()))
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.last_touch_day < limit)
            .collect();
        nudges.push(n);
    }
    let queued = state
        .db
        .write((nudges, now), |c, (nudges, now)| {
            Box::pin(async move {
                let at = store::ts(*now);
                let mut report = JobReport::default();
                for n in nudges {
                    let scope = format!("{}/{}", n.team_id, n.user_id);
                    if !jobs::claim(c, "nudges", &scope, &store::ts(n.due), &at).await? {
                        continue;
                    }
                    report.claimed += 1;
                    if let Some(payload) = render(n) {
                        outbox::post(c, &n.team_id, &n.user_id, &payload, &at).await?;
                        report.queued += 1;
                    }
                }
                Ok(report)
            })
        })
        .await?;
    Ok(queued)
}

/// How a prospect's name is typed in a suggested `/touch` command (a code span): cut short
/// and escaped like any text a person typed, with no backtick to end the span early.
fn touch_name(name: &crate::domain::text::UserText) -> String {
    name.mrkdwn(60).replace('`', "'")
}

/// The DM, or `None` when the rep is neither quiet nor letting anyone go cold.
pub fn render(n: &Nudge) -> Option<String> {
    if n.quiet_days.is_none() && n.cold.is_empty() {
        return None;
    }
    let mut blocks = Vec::new();
    let first_cold = n.cold.first();
    let step = match first_cold {
        Some(p) => format!("`/touch {} email no_answer`", touch_name(&p.name)),
        None => "`/block now 30m`".to_owned(),
    };
    let opening = match (n.quiet_days, first_cold) {
        (Some(days), Some(p)) => format!(
            "👋 Morning! It's been {} since your last logged step. One small step gets things moving: \
             a quick touch on *{}* — {step}",
            count(days, "working day"),
            p.name.mrkdwn(60)
        ),
        (Some(days), None) => format!(
            "👋 Morning! It's been {} since your last logged step. One small step gets things moving: \
             a 30-minute block — {step}, then `/block done …`",
            count(days, "working day")
        ),
        (None, _) => format!(
            "👋 Morning! A few of your prospects are going cold. A quick touch keeps them warm — {step}"
        ),
    };
    blocks.push(section(opening));
    if !n.cold.is_empty() {
        let mut lines = vec![format!(
            "*Going cold* (fewer than {TOUCH_GOAL} touches, over {MAX_GAP_DAYS} days since the last):"
        )];
        for p in n.cold.iter().take(MAX_LISTED) {
            let company = p
                .company
                .as_ref()
                .map(|c| format!(" ({})", c.mrkdwn(40)))
                .unwrap_or_default();
            let ago = p
                .last_touch_day
                .parse::<NaiveDate>()
                .map(|d| days_ago((n.today - d).num_days()))
                .unwrap_or_default();
            lines.push(format!(
                "• *{}*{company} — {}/{TOUCH_GOAL} · last touch {ago}",
                p.name.mrkdwn(60),
                p.touch_count
            ));
        }
        let total = n
            .cold
            .first()
            .map_or(0, |p| p.cold_total as usize)
            .max(n.cold.len());
        if total > n.cold.len().min(MAX_LISTED) {
            lines.push(format!(
                "…and {} more in `/targets`",
                total - n.cold.len().min(MAX_LISTED)
            ));
        }
        blocks.push(section(lines.join("\n")));
    }
    // Slack refuses an empty button value: "-" stands for no prospect.
    let prospect = first_cold.map_or("-".to_owned(), |p| p.id.to_string());
    blocks.push(
        SlackActionsBlock::new(vec![
            button("log_step", "✍️ Log a step", &prospect).into(),
            button("snooze_day", "😴 Snooze a day", "1").into(),
        ])
        .into(),
    );
    blocks.push(context(
        "Only you see this. Away? `/momentum away until YYYY-MM-DD` pauses nudges.",
    ));
    let text = match n.quiet_days {
        Some(days) => {
            format!(
                "It's been {} since your last step — one small one today?",
                count(days, "working day")
            )
        }
        None => {
            let cold = n
                .cold
                .first()
                .map_or(0, |p| p.cold_total)
                .max(n.cold.len() as i64);
            if cold == 1 {
                "One of your prospects is going cold".to_owned()
            } else {
                format!("{cold} of your prospects are going cold")
            }
        }
    };
    Some(messages::post(&n.user_id, &text, blocks))
}

#[cfg(test)]
mod tests {
    use super::nudge_minute;

    #[test]
    fn nudges_come_at_ten_or_an_hour_into_the_working_day() {
        assert_eq!(nudge_minute(9 * 60, 17 * 60), 600);
        assert_eq!(nudge_minute(11 * 60, 19 * 60), 720);
        assert_eq!(nudge_minute(6 * 60, 9 * 60 + 30), 420);
    }
}
