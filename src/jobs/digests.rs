//! Manager digests: each manager's DM, weekly by default (Monday 08:00 in the manager's own
//! time zone) or daily, and on demand with `/momentum digest`. The numbers come from a few
//! grouped queries per team and period, never a query per rep.
use super::JobReport;
use crate::domain::Channel;
use crate::domain::digest::{ByPerson, Periods, PlannedSlot};
use crate::domain::files::{Make, Upload};
use crate::domain::goals::Progress;
use crate::domain::quiet::{self, Calendar, Presence, Standing};
use crate::domain::time::{local_day, local_instant, short_date};
use crate::slack::digest::{DigestInput, chart, render};
use crate::state::AppState;
use crate::store::outbox::Method;
use crate::store::{self, digest, jobs, outbox, teams};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};

/// A digest missed while the service was down still goes out within this window.
pub const GRACE_HOURS: i64 = 12;

/// Which days a digest covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Span {
    /// The seven days before the digest's day, against the seven before those.
    Weekly,
    /// Yesterday, against the day before.
    Daily,
    /// The last seven days including today, against the seven before (`/momentum digest`).
    ToDate,
    /// This week so far, Monday to today, against as many days before it (the Home tab).
    ThisWeek,
}

/// `(previous from, from, to)` local days.
pub fn days(span: Span, today: NaiveDate) -> (NaiveDate, NaiveDate, NaiveDate) {
    let (from, to) = match span {
        Span::Weekly => (today - Duration::days(7), today - Duration::days(1)),
        Span::Daily => (today - Duration::days(1), today - Duration::days(1)),
        Span::ToDate => (today - Duration::days(6), today),
        Span::ThisWeek => (crate::domain::goals::week_of(today).0, today),
    };
    let length = (to - from).num_days() + 1;
    (from - Duration::days(length), from, to)
}

/// One manager's digest to build.
#[derive(Debug, Clone)]
pub struct Wanted {
    pub manager: String,
    pub tz: Tz,
    pub span: Span,
    /// The scheduled time it is for; `None` on demand.
    pub due: Option<DateTime<Utc>>,
}

pub async fn run(state: &AppState, now: DateTime<Utc>) -> store::Result<JobReport> {
    let mut by_team: BTreeMap<String, Vec<Wanted>> = BTreeMap::new();
    for m in digest::managers(state.db.reader()).await? {
        let tz = m.local.tz;
        let Some(due) = m.digests.latest_due(tz, now, Duration::hours(GRACE_HOURS)) else {
            continue;
        };
        let span = if m.digests.is_weekly() {
            Span::Weekly
        } else {
            Span::Daily
        };
        by_team.entry(m.team_id).or_default().push(Wanted {
            manager: m.manager_id,
            tz,
            span,
            due: Some(due),
        });
    }
    let mut report = JobReport::default();
    for (team_id, wanted) in by_team {
        let built = build(state, &team_id, &wanted, now).await?;
        let data = (team_id, built, now);
        let r = state
            .db
            .write(data, |c, (team_id, built, now)| {
                Box::pin(async move {
                    // Set-based: one statement claims the team's runs, one queues the digests.
                    let at = *now;
                    let scope = |w: &Wanted| format!("{team_id}/{}", w.manager);
                    let runs: Vec<(String, DateTime<Utc>)> = built
                        .iter()
                        .map(|(w, _)| (scope(w), w.due.unwrap_or(at)))
                        .collect();
                    let claimed = jobs::claim_all(c, "digests", &runs, at).await?;
                    let mut queued = 0;
                    for (w, digest) in built.iter().filter(|(w, _)| claimed.contains(&scope(w))) {
                        queue(c, team_id, &w.manager, digest, at).await?;
                        queued += 1;
                    }
                    Ok(JobReport {
                        claimed: queued,
                        queued,
                    })
                })
            })
            .await?;
        report.claimed += r.claimed;
        report.queued += r.queued;
    }
    Ok(report)
}

/// `/momentum digest`: the caller's digest for the last seven days, queued as a DM now.
pub async fn send_now(state: &AppState, team_id: &str, user_id: &str, tz: Tz) -> store::Result<()> {
    let now = state.clock.now();
    let wanted = vec![Wanted {
        manager: user_id.to_owned(),
        tz,
        span: Span::ToDate,
        due: None,
    }];
    let built = build(state, team_id, &wanted, now).await?;
    let data = (team_id.to_owned(), built, now);
    state
        .db
        .write(data, |c, (team_id, built, at)| {
            Box::pin(async move {
                for (w, digest) in built {
                    queue(c, team_id, &w.manager, digest, *at).await?;
                }
                Ok(())
            })
        })
        .await?;
    state.outbox_wake.notify_one();
    Ok(())
}

/// A manager's digest, rendered: the DM, and the upload of its chart if there is one.
#[derive(Debug, Clone)]
pub struct Digest {
    pub message: String,
    /// An `Upload` payload (`domain::files`): the chart, shared just after the DM.
    pub chart: Option<String>,
}

/// Queues a digest: the DM, then its chart after it (in the same conversation, once the DM is
/// delivered).
async fn queue(
    c: &mut store::sql::Conn,
    team_id: &str,
    manager: &str,
    digest: &Digest,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    let id = outbox::queue(
        c,
        team_id,
        Method::PostMessage,
        manager,
        &digest.message,
        at,
    )
    .await?;
    if let Some(chart) = &digest.chart {
        outbox::queue_after(c, team_id, Method::Upload, manager, chart, id, at).await?;
    }
    Ok(())
}

/// Builds the digests of some managers of one team: one set of queries per distinct period.
pub async fn build(
    state: &AppState,
    team_id: &str,
    wanted: &[Wanted],
    now: DateTime<Utc>,
) -> store::Result<Vec<(Wanted, Digest)>> {
    build_with(state, team_id, wanted, now, Drawn::WithChart, |input| {
        Digest {
            message: render(input),
            chart: chart(input).and_then(|c| {
                serde_json::to_string(&Upload {
                    make: Make::PeriodChart(c),
                    in_thread: false,
                })
                .ok()
            }),
        }
    })
    .await
}

/// What a view of a manager's team draws besides its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    /// Text only (the manager's Home tab): the per-day reads are skipped.
    Text,
    /// Text and the period's chart (the digest): touches per day and the reps' names too.
    WithChart,
}

/// Reads what managers' views of their teams need — one set of queries per distinct period —
/// and renders each with `view` (the digest DM, or the team part of a manager's Home tab).
pub async fn build_with<T>(
    state: &AppState,
    team_id: &str,
    wanted: &[Wanted],
    now: DateTime<Utc>,
    drawn: Drawn,
    view: impl Fn(&DigestInput<'_>) -> T,
) -> store::Result<Vec<(Wanted, T)>> {
    let reader = state.db.reader();
    let team = teams::get(reader, team_id).await?;
    let (work, quiet_after) = (team.work_days, team.quiet_after);
    let managers: Vec<&str> = wanted.iter().map(|w| w.manager.as_str()).collect();
    let pairs = digest::reps(reader, team_id, &managers).await?;
    // Managers whose periods coincide share one read of the team's period.
    let mut groups: BTreeMap<(NaiveDate, NaiveDate, NaiveDate), Vec<&Wanted>> = BTreeMap::new();
    for w in wanted {
        groups
            .entry(days(w.span, local_day(now, w.tz)))
            .or_default()
            .push(w);
    }
    let mut out = Vec::new();
    for ((prev_from, from, to), group) in groups {
        let tz = group[0].tz;
        // Local midnight (or the first instant of the day where midnight does not exist).
        let utc = |d: NaiveDate| {
            local_instant(d, NaiveTime::MIN, tz)
                .unwrap_or_else(|| d.and_time(NaiveTime::MIN).and_utc())
        };
        let periods = Periods {
            prev_from,
            from,
            to,
        };
        // The period's data, goals over the digest's period (a calendar week for the weekly
        // digest on a Monday) and the coming week's planned blocks: read at once.
        let (data, goals, planned, daily, names) = tokio::try_join!(
            digest::data(
                reader,
                team_id,
                &periods,
                utc(from),
                utc(to + Duration::days(1)),
            ),
            store::goals::progress(reader, team_id, None, from, to),
            digest::planned_between(reader, team_id, now, now + Duration::days(7)),
            async {
                match drawn {
                    Drawn::WithChart => {
                        digest::touches_by_day(reader, team_id, prev_from, to).await
                    }
                    Drawn::Text => Ok(Vec::new()),
                }
            },
            async {
                match drawn {
                    Drawn::WithChart => store::members::names(reader, team_id).await,
                    Drawn::Text => Ok(HashMap::new()),
                }
            },
        )?;
        let mut by_day: HashMap<(&str, NaiveDate), [i64; Channel::ALL.len()]> = HashMap::new();
        for row in &daily {
            let sum = by_day.entry((row.user_id.as_str(), row.day)).or_default();
            for (t, n) in sum.iter_mut().zip(row.by_channel) {
                *t += n;
            }
        }
        let by = ByPerson::new(&data);
        let goals_by: HashMap<&str, &Progress> =
            goals.iter().map(|p| (p.user_id.as_str(), p)).collect();
        let mut planned_by: HashMap<&str, Vec<&PlannedSlot>> = HashMap::new();
        for b in &planned {
            planned_by.entry(b.user_id.as_str()).or_default().push(b);
        }
        // Each rep's presence, and the team's holidays back to the oldest step or join.
        let presence: HashMap<&str, Presence> = data
            .last_steps
            .iter()
            .map(|s| {
                let p = Presence {
                    last_step: s.day,
                    joined: local_day(s.joined_at, tz),
                    away_until: s.away_until,
                };
                (s.user_id.as_str(), p)
            })
            .collect();
        let earliest = presence
            .values()
            .map(|p| p.last_step.unwrap_or(p.joined))
            .min()
            .unwrap_or(from);
        let holidays =
            teams::holidays_between(reader, team_id, earliest, local_day(now, tz)).await?;
        let calendar = Calendar {
            work,
            holidays: &holidays,
        };
        // The days worth a bar: working days, and any day someone worked anyway.
        let length = (to - from).num_days() + 1;
        let worked: std::collections::HashSet<NaiveDate> =
            by_day.keys().map(|(_, day)| *day).collect();
        let chart_days: Vec<(NaiveDate, NaiveDate)> = from
            .iter_days()
            .take_while(|d| drawn == Drawn::WithChart && *d <= to)
            .filter(|d| (work.contains(d.weekday()) && !holidays.contains(d)) || worked.contains(d))
            .map(|d| (d, d - Duration::days(length)))
            .collect();
        let mut reps_of: HashMap<&str, Vec<&str>> = HashMap::new();
        for (rep, manager) in &pairs {
            reps_of
                .entry(manager.as_str())
                .or_default()
                .push(rep.as_str());
        }
        for w in group {
            let today = local_day(now, w.tz);
            let reps: Vec<&str> = reps_of.get(w.manager.as_str()).cloned().unwrap_or_default();
            let quiet = reps
                .iter()
                .filter_map(|r| {
                    let p = presence.get(r)?;
                    match quiet::standing(*p, today, calendar, quiet_after) {
                        Standing::Active => None,
                        standing => Some((*r, standing)),
                    }
                })
                .collect();
            let label = if from == to {
                short_date(from)
            } else {
                format!("{} – {}", short_date(from), short_date(to))
            };
            let input = DigestInput {
                manager: &w.manager,
                tz: w.tz,
                today,
                reps,
                period_label: label,
                by: &by,
                quiet,
                goals: &goals_by,
                planned: &planned_by,
                days: chart_days.clone(),
                by_day: &by_day,
                names: &names,
            };
            out.push((w.clone(), view(&input)));
        }
    }
    Ok(out)
}
