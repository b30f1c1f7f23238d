//! Nudges: at 10:00 in each rep's own time zone on their working days, a private DM to a rep
//! with no step for `quiet_after` working days, and to anyone whose prospects are going cold
//! (fewer than 10 touches, more than 7 days since the last). At most one a day; none while
//! away or snoozed. Never a word in a channel.
use super::JobReport;
use crate::domain::cadence::{ColdProspect, LetGo, MAX_GAP_DAYS, MAX_LET_GO, MAX_LISTED, Nudge};
use crate::domain::quiet::{self, Calendar, Presence, Standing};
use crate::domain::schedule::Schedule;
use crate::domain::time::local_day;
use crate::slack::nudge::render;
use crate::state::AppState;
use crate::store::{self, jobs, outbox, schedule};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use std::collections::HashMap;

/// Local time of the nudge (when within the team's working hours).
pub const NUDGE_HOUR: u32 = 10;
/// A nudge missed while the service was down still goes out within this window.
pub const GRACE_HOURS: i64 = 3;

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

pub async fn run(state: &AppState, now: DateTime<Utc>) -> store::Result<JobReport> {
    let reader = state.db.reader();
    let members = schedule::nudge_candidates(reader).await?;
    let mut due_members = Vec::new();
    // Each due member's presence, quiet threshold and working week (for `domain::quiet`).
    let mut presence: Vec<(Presence, i64, crate::domain::time::WorkDays)> = Vec::new();
    let mut earliest_today: Option<NaiveDate> = None;
    for m in members {
        let (tz, work) = (m.local.tz, m.local.work_days);
        let minute = nudge_minute(m.work_start_min, m.work_end_min);
        let at = NaiveTime::from_hms_opt((minute / 60) as u32, (minute % 60) as u32, 0)
            .unwrap_or(NaiveTime::MIN);
        let schedule = Schedule { at, days: work };
        let Some(due) = schedule.latest_due(tz, now, Duration::hours(GRACE_HOURS)) else {
            continue;
        };
        let today = local_day(now, tz);
        let p = Presence {
            last_step: m.last_step_day,
            joined: local_day(m.created_at, tz),
            away_until: m.away_until,
        };
        let away = matches!(
            quiet::standing(
                p,
                today,
                Calendar {
                    work,
                    holidays: &[]
                },
                m.quiet_after
            ),
            Standing::Away { .. }
        );
        let snoozed = m.snoozed_until.is_some_and(|t| t > now);
        if away || snoozed {
            continue;
        }
        earliest_today = Some(earliest_today.map_or(today, |e: NaiveDate| e.min(today)));
        presence.push((p, m.quiet_after, work));
        due_members.push(Nudge {
            team_id: m.team_id,
            user_id: m.user_id,
            due,
            today,
            quiet_days: None,
            first_step: false,
            cold: Vec::new(),
            let_go: Vec::new(),
        });
    }
    let latest = due_members.iter().map(|n| n.today).max();
    let Some(earliest) = earliest_today else {
        return Ok(JobReport::default());
    };
    let latest = latest.unwrap_or(earliest);
    // The three reads are independent: they run at once, each on a reader connection. One
    // query each for every due rep's holidays, cold prospects and let-go suggestions.
    let cutoff = earliest - Duration::days(MAX_GAP_DAYS);
    // Holidays back to the oldest last step: they are not quiet days either.
    let oldest = presence
        .iter()
        .map(|(p, _, _)| p.last_step.unwrap_or(p.joined))
        .min()
        .unwrap_or(earliest)
        .min(earliest);
    let (holidays, cold_rows, let_go_rows) = tokio::try_join!(
        schedule::holidays_between(reader, oldest, latest),
        schedule::cold_prospects(reader, cutoff, MAX_LISTED as i64),
        schedule::let_go(reader, cutoff, MAX_LET_GO as i64),
    )?;
    // Quiet by the one rule (working days less holidays and days away), and nobody is
    // nudged on their team's holiday.
    let mut holidays_of: HashMap<String, Vec<NaiveDate>> = HashMap::new();
    for (team, day) in holidays {
        holidays_of.entry(team).or_default().push(day);
    }
    let none = Vec::new();
    for (n, (p, quiet_after, work)) in due_members.iter_mut().zip(&presence) {
        let holidays = holidays_of.get(&n.team_id).unwrap_or(&none);
        let calendar = Calendar {
            work: *work,
            holidays,
        };
        let standing = quiet::standing(*p, n.today, calendar, *quiet_after);
        n.quiet_days = standing.quiet_days();
        n.first_step = matches!(standing, Standing::NeverStarted { .. });
    }
    due_members.retain(|n| {
        !holidays_of
            .get(&n.team_id)
            .is_some_and(|days| days.contains(&n.today))
    });
    let mut cold: HashMap<(String, String), Vec<ColdProspect>> = HashMap::new();
    for p in cold_rows {
        cold.entry((p.team_id.clone(), p.user_id.clone()))
            .or_default()
            .push(p);
    }
    let mut let_go: HashMap<(String, String), Vec<LetGo>> = HashMap::new();
    for p in let_go_rows {
        let_go
            .entry((p.team_id.clone(), p.user_id.clone()))
            .or_default()
            .push(p);
    }
    let mut nudges = Vec::new();
    for mut n in due_members {
        n.let_go = let_go
            .remove(&(n.team_id.clone(), n.user_id.clone()))
            .unwrap_or_default();
        let limit = n.today - Duration::days(MAX_GAP_DAYS);
        n.cold = cold
            .remove(&(n.team_id.clone(), n.user_id.clone()))
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.last_touch_day < limit)
            .collect();
        nudges.push(n);
    }
    // Rendered before the write: the writer (and every step waiting on it) never waits for
    // Block Kit to be built.
    let nudges = super::render_all(nudges, render).await?;
    let queued = state
        .db
        .write((nudges, now), |c, (nudges, now)| {
            Box::pin(async move {
                // Set-based: one statement claims the runs, one queues the nudges, one marks
                // the let-go suggestions (a few thousand rows per statement).
                let at = *now;
                let mut report = JobReport::default();
                let scope = |n: &Nudge| format!("{}/{}", n.team_id, n.user_id);
                let runs: Vec<(String, DateTime<Utc>)> =
                    nudges.iter().map(|(n, _)| (scope(n), n.due)).collect();
                let claimed = jobs::claim_all(c, "nudges", &runs, at).await?;
                let mut messages = Vec::new();
                let mut suggested = Vec::new();
                for (n, payload) in nudges.iter().filter(|(n, _)| claimed.contains(&scope(n))) {
                    report.claimed += 1;
                    if let Some(payload) = payload {
                        messages.push((n.team_id.as_str(), n.user_id.as_str(), payload.clone()));
                        suggested.extend(n.let_go.iter().map(|p| p.id));
                    }
                }
                report.queued = messages.len();
                outbox::post_all(c, &messages, at).await?;
                schedule::mark_let_go_suggested(c, &suggested, at).await?;
                Ok(report)
            })
        })
        .await?;
    Ok(queued)
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
