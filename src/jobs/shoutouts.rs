//! Shout-outs: one post in the team's celebration channel celebrating every win since the last
//! shout-out (a watermark per team; at most a week back), grouped by person, with milestones.
//! Praise only: nobody is ever mentioned for doing nothing, and reps who chose
//! `/momentum private` are counted but not named.
use super::JobReport;
use crate::domain::goals::week_of;
use crate::domain::shoutout::GoalReached;
use crate::domain::time::local_day;
use crate::slack::shoutout::render;
use crate::state::AppState;
use crate::store::outbox::Method;
use crate::store::{self, goals, jobs, outbox, schedule};
use chrono::{DateTime, Duration, Utc};

/// A shout-out missed while the service was down is still posted within this window.
pub const GRACE_HOURS: i64 = 6;
/// How old a win may be and still be celebrated.
pub const LOOK_BACK_DAYS: i64 = 7;

pub async fn run(state: &AppState, now: DateTime<Utc>) -> store::Result<JobReport> {
    let teams = schedule::shoutout_teams(state.db.reader()).await?;
    let mut report = JobReport::default();
    for team in teams {
        let Some(due) = team
            .schedule
            .latest_due(team.tz, now, Duration::hours(GRACE_HOURS))
        else {
            continue;
        };
        let data = (team, due, now);
        let queued = state
            .db
            .write(data, |c, (team, due, now)| {
                Box::pin(async move {
                    let (due, at) = (*due, *now);
                    if !jobs::claim(c, "shoutouts", &team.team_id, due, at).await? {
                        return Ok(None);
                    }
                    super::fail_point("shoutout-claimed");
                    // Everything since the last shout-out, but nothing older than a week: a
                    // team's first shout-out (or the first after a long outage) celebrates
                    // the week behind it, each win once.
                    let oldest = due - Duration::days(LOOK_BACK_DAYS);
                    let from = match schedule::shoutout_through(c, &team.team_id).await? {
                        Some(through) if through > oldest => through,
                        _ => oldest,
                    };
                    let from_day = local_day(from, team.tz);
                    let mut celebration =
                        schedule::celebration(c, &team.team_id, from, due, from_day).await?;
                    // Goals reached in the week of the window's start and, past a Monday,
                    // in the week of its end: each once.
                    let due_day = local_day(due, team.tz);
                    let mut weeks = vec![week_of(from_day)];
                    if week_of(due_day) != weeks[0] {
                        weeks.push(week_of(due_day));
                    }
                    for (monday, sunday) in weeks {
                        let progress =
                            goals::progress(&mut *c, &team.team_id, None, monday, sunday).await?;
                        for p in progress {
                            let reached = p.reached();
                            if reached.is_empty() {
                                continue;
                            }
                            let new = goals::record_hits(
                                c,
                                &team.team_id,
                                &p.user_id,
                                monday,
                                &reached,
                                at,
                            )
                            .await?;
                            celebration
                                .goals_reached
                                .extend(new.into_iter().map(|metric| GoalReached {
                                    user_id: p.user_id.clone(),
                                    private: p.private,
                                    metric,
                                    goal: p.goals.get(metric).unwrap_or_default(),
                                }));
                        }
                    }
                    schedule::set_shoutout_through(c, &team.team_id, due).await?;
                    let Some((post, thread)) = render(&team.channel, &celebration) else {
                        return Ok(Some(0));
                    };
                    let parent = outbox::queue(
                        c,
                        &team.team_id,
                        Method::PostMessage,
                        &team.channel,
                        &post,
                        at,
                    )
                    .await?;
                    if let Some(thread) = thread {
                        outbox::post_in_thread(
                            c,
                            &team.team_id,
                            &team.channel,
                            &thread,
                            parent,
                            at,
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
