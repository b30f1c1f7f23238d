//! Shout-outs: one post in the team's celebration channel celebrating every win since the last
//! shout-out (a watermark per team; at most a week back), grouped by person, with milestones.
//! Praise only: nobody is ever mentioned for doing nothing, and reps who chose
//! `/momentum private` are counted but not named.
//!
//! The post is read and rendered on the readers, outside any write transaction; the write then
//! claims the run, records the goals it celebrates and queues the post — only if the watermark
//! it was planned from still stands (else it is planned again).
use super::JobReport;
use crate::domain::goals::week_of;
use crate::domain::shoutout::GoalReached;
use crate::domain::time::local_day;
use crate::slack::shoutout::render;
use crate::state::AppState;
use crate::store::outbox::Method;
use crate::store::schedule::ShoutoutTeam;
use crate::store::{self, goals, jobs, outbox, schedule};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// A shout-out missed while the service was down is still posted within this window.
pub const GRACE_HOURS: i64 = 6;
/// How old a win may be and still be celebrated.
pub const LOOK_BACK_DAYS: i64 = 7;
/// Times a shout-out is planned again when its watermark moved meanwhile.
const PLANS: usize = 3;

/// A shout-out ready to queue: what it was planned from, the goals it celebrates, the post.
struct Planned {
    /// The team's watermark when it was read.
    through: Option<DateTime<Utc>>,
    /// (member, week's Monday, numbers) newly reached.
    hits: Vec<(String, NaiveDate, Vec<crate::domain::goals::Metric>)>,
    /// The post and its thread; `None` when there is nothing to celebrate.
    post: Option<(String, Option<String>)>,
}

/// Reads everything since the watermark (at most a week back) and renders the post.
async fn plan(state: &AppState, team: &ShoutoutTeam, due: DateTime<Utc>) -> store::Result<Planned> {
    let reader = state.db.reader();
    let through = schedule::shoutout_through(reader, &team.team_id).await?;
    // Everything since the last shout-out, but nothing older than a week: a team's first
    // shout-out (or the first after a long outage) celebrates the week behind it, each win once.
    let oldest = due - Duration::days(LOOK_BACK_DAYS);
    let from = match through {
        Some(t) if t > oldest => t,
        _ => oldest,
    };
    let from_day = local_day(from, team.tz);
    let mut celebration = schedule::celebration(reader, &team.team_id, from, due, from_day).await?;
    // Goals reached in the week of the window's start and, past a Monday, in the week of its
    // end: each once.
    let due_day = local_day(due, team.tz);
    let mut weeks = vec![week_of(from_day)];
    if week_of(due_day) != weeks[0] {
        weeks.push(week_of(due_day));
    }
    let mut hits = Vec::new();
    for (monday, sunday) in weeks {
        let (progress, recorded) = tokio::try_join!(
            goals::progress(reader, &team.team_id, None, monday, sunday),
            goals::hits(reader, &team.team_id, monday),
        )?;
        for p in progress {
            let new: Vec<_> = p
                .reached()
                .into_iter()
                .filter(|m| !recorded.iter().any(|(u, r)| *u == p.user_id && r == m))
                .collect();
            if new.is_empty() {
                continue;
            }
            celebration
                .goals_reached
                .extend(new.iter().map(|metric| GoalReached {
                    user_id: p.user_id.clone(),
                    private: p.private,
                    metric: *metric,
                    goal: p.goals.get(*metric).unwrap_or_default(),
                }));
            hits.push((p.user_id.clone(), monday, new));
        }
    }
    Ok(Planned {
        through,
        hits,
        post: render(&team.channel, &celebration),
    })
}

/// What the write did with a planned shout-out.
enum Queued {
    /// Another process had already claimed this run.
    NotClaimed,
    /// The watermark moved since the plan: nothing written, plan again.
    Stale,
    /// Claimed; this many messages queued.
    Done(usize),
}

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
        if jobs::claimed(state.db.reader(), "shoutouts", &team.team_id, due).await? {
            continue;
        }
        for _ in 0..PLANS {
            let planned = plan(state, &team, due).await?;
            let data = (team.clone(), due, now, planned);
            let queued = state
                .db
                .write(data, |c, (team, due, now, planned)| {
                    Box::pin(async move {
                        let (due, at) = (*due, *now);
                        if schedule::shoutout_through(&mut *c, &team.team_id).await?
                            != planned.through
                        {
                            return Ok(Queued::Stale);
                        }
                        if !jobs::claim(c, "shoutouts", &team.team_id, due, at).await? {
                            return Ok(Queued::NotClaimed);
                        }
                        super::fail_point("shoutout-claimed");
                        for (user, monday, metrics) in &planned.hits {
                            goals::record_hits(c, &team.team_id, user, *monday, metrics, at)
                                .await?;
                        }
                        schedule::set_shoutout_through(c, &team.team_id, due).await?;
                        let Some((post, thread)) = &planned.post else {
                            return Ok(Queued::Done(0));
                        };
                        let (team_id, channel) = (&team.team_id, &team.channel);
                        let parent =
                            outbox::queue(c, team_id, Method::PostMessage, channel, post, at)
                                .await?;
                        if let Some(thread) = thread {
                            outbox::post_in_thread(c, team_id, channel, thread, parent, at).await?;
                            return Ok(Queued::Done(2));
                        }
                        Ok(Queued::Done(1))
                    })
                })
                .await?;
            match queued {
                Queued::Stale => continue,
                Queued::NotClaimed => {}
                Queued::Done(n) => {
                    report.claimed += 1;
                    report.queued += n;
                }
            }
            break;
        }
    }
    Ok(report)
}
