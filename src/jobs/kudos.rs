//! Kudos DMs: a rep whose steps were celebrated hears who celebrated which step — at most
//! one DM a day, within their working hours in their own zone. Kudos that arrive after the
//! day's DM wait for the next working day's.
use super::JobReport;
use crate::domain::shoutout::KudosReceived;
use crate::domain::time::minute_of_day;
use crate::slack::shoutout::kudos_dm;
use crate::state::AppState;
use crate::store::{self, outbox, schedule};
use chrono::{DateTime, Datelike, Duration, Utc};

/// Kudos older than this are not told any more.
pub const LOOK_BACK_DAYS: i64 = 7;

pub async fn run(state: &AppState, now: DateTime<Utc>) -> store::Result<JobReport> {
    let since = now - Duration::days(LOOK_BACK_DAYS);
    let all = schedule::kudos_to_tell(state.db.reader(), since).await?;
    // Each rep's kudos (the query orders them by rep), when it is a working moment for them
    // and they have had no kudos DM today.
    let mut due: Vec<Vec<&KudosReceived>> = Vec::new();
    for k in &all {
        match due.last_mut() {
            Some(group) if group[0].team_id == k.team_id && group[0].user_id == k.user_id => {
                group.push(k)
            }
            _ => due.push(vec![k]),
        }
    }
    due.retain(|group| {
        let k = group[0];
        let today = k.local.today(now);
        let minute = minute_of_day(now, k.local.tz);
        k.local.work_days.contains(today.weekday())
            && (k.work_start_min..k.work_end_min).contains(&minute)
            && k.kudos_dm_day != Some(today)
    });
    let dms: Vec<(String, String, DateTime<Utc>, chrono::NaiveDate, String)> = due
        .iter()
        .map(|group| {
            let k = group[0];
            let through = group.iter().map(|k| k.created_at).max().unwrap_or(now);
            let today = k.local.today(now);
            (
                k.team_id.clone(),
                k.user_id.clone(),
                through,
                today,
                kudos_dm(&k.user_id, group),
            )
        })
        .collect();
    state
        .db
        .write((dms, now), |c, (dms, now)| {
            Box::pin(async move {
                let mut report = JobReport::default();
                for (team, user, through, day, dm) in dms {
                    if schedule::mark_kudos_told(c, team, user, *through, *day).await? {
                        outbox::post(c, team, user, dm, *now).await?;
                        report.claimed += 1;
                        report.queued += 1;
                    }
                }
                Ok(report)
            })
        })
        .await
}
