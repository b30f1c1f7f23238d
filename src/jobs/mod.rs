//! The scheduler and its jobs. Each job finds what is due with set-based queries, then claims
//! each run (unique job + scope + scheduled time) in the same transaction that queues its
//! messages in the outbox: a restart never repeats a run, and a crash mid-run leaves either
//! the claim and all its messages or neither. The outbox sender delivers them.
pub mod blitz;
pub mod digests;
pub mod kudos;
pub mod nudges;
pub mod reminders;
pub mod shoutouts;

use crate::state::AppState;
use crate::store;
use chrono::{DateTime, Utc};
use std::time::Duration;
use tracing::Instrument;

/// The jobs, by the names `momentum run-job` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Shoutouts,
    Nudges,
    Reminders,
    Digests,
    Blitz,
    Kudos,
}

impl Job {
    pub const ALL: [Job; 6] = [
        Job::Shoutouts,
        Job::Nudges,
        Job::Reminders,
        Job::Digests,
        Job::Blitz,
        Job::Kudos,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Job::Shoutouts => "shoutouts",
            Job::Nudges => "nudges",
            Job::Reminders => "reminders",
            Job::Digests => "digests",
            Job::Blitz => "blitz",
            Job::Kudos => "kudos",
        }
    }

    pub fn from_name(name: &str) -> Option<Job> {
        Job::ALL.into_iter().find(|j| j.name() == name)
    }
}

/// Renders each item with `render` off the request handlers' runtime, on blocking threads,
/// in as many slices as there are cores: thousands of Block Kit payloads take a job tens of
/// milliseconds of CPU. The items come back in their order, each with its rendering; if the
/// runtime is shutting down, none do (and the job writes nothing).
/// A fail point for the tests that crash a job mid-transaction: with
/// `MOMENTUM_FAIL_POINT=<name>` the process aborts where the point of that name is (nothing is
/// committed, nothing is cleaned up: a real crash). Never set in production.
pub(crate) fn fail_point(name: &str) {
    if std::env::var("MOMENTUM_FAIL_POINT").is_ok_and(|v| v == name) {
        eprintln!("momentum: fail point {name}: aborting");
        std::process::abort();
    }
}

pub async fn render_all<T, R>(items: Vec<T>, render: fn(&T) -> R) -> store::Result<Vec<(T, R)>>
where
    T: Send + 'static,
    R: Send + 'static,
{
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let per_slice = items.len().div_ceil(cores).max(64);
    let mut slices = Vec::new();
    let mut rest = items;
    while rest.len() > per_slice {
        let tail = rest.split_off(per_slice);
        slices.push(rest);
        rest = tail;
    }
    slices.push(rest);
    let handles: Vec<_> = slices
        .into_iter()
        .map(|slice| {
            tokio::task::spawn_blocking(move || {
                slice
                    .into_iter()
                    .map(|item| {
                        let rendered = render(&item);
                        (item, rendered)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut out = Vec::new();
    for handle in handles {
        match handle.await {
            Ok(rendered) => out.extend(rendered),
            // A panic while rendering is a bug: surface it where it happened.
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => return Err(store::StoreError::WriterGone),
        }
    }
    Ok(out)
}

/// What one run of a job did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct JobReport {
    /// Runs claimed (a team's shout-out, a rep's nudge, a manager's digest, a block's reminder).
    pub claimed: usize,
    /// Messages queued in the outbox.
    pub queued: usize,
}

/// Runs one job as of `now`.
pub async fn run(state: &AppState, job: Job, now: DateTime<Utc>) -> store::Result<JobReport> {
    let work = async {
        match job {
            Job::Shoutouts => shoutouts::run(state, now).await,
            Job::Nudges => nudges::run(state, now).await,
            Job::Reminders => reminders::run(state, now).await,
            Job::Digests => digests::run(state, now).await,
            Job::Blitz => blitz::run(state, now).await,
            Job::Kudos => kudos::run(state, now).await,
        }
    };
    let report = work
        .instrument(tracing::info_span!("job", name = job.name(), %now))
        .await?;
    if report.queued > 0 {
        state.outbox_wake.notify_one();
        tracing::info!(
            job = job.name(),
            claimed = report.claimed,
            queued = report.queued,
            "job ran"
        );
    }
    Ok(report)
}

/// How often the scheduler looks for due work; running blitzes are refreshed every tick,
/// the other jobs every [`SLOW_EVERY`] ticks.
pub const TICK: Duration = Duration::from_secs(5);
pub const SLOW_EVERY: u64 = 4;

/// Runs the jobs until shutdown.
pub async fn run_scheduler(state: AppState, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    let mut tick: u64 = 0;
    loop {
        let now = state.clock.now();
        let jobs: &[Job] = if tick.is_multiple_of(SLOW_EVERY) {
            &Job::ALL
        } else {
            &[Job::Blitz]
        };
        for job in jobs {
            if let Err(e) = run(&state, *job, now).await {
                tracing::error!(job = job.name(), error = %e, "job failed; it will be tried again next tick");
            }
        }
        if jobs.len() > 1 {
            state
                .job_rounds
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        if tick.is_multiple_of(SLOW_EVERY * 180) {
            housekeeping(&state, now).await;
        }
        tick += 1;
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = shutdown.changed() => return,
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

/// Sent messages are kept this long, then forgotten.
pub const KEEP_SENT_DAYS: i64 = 30;

/// Drops delivered outbox rows, old event ids and old run claims, and deletes the data of
/// workspaces that left more than `MOMENTUM_RETENTION_DAYS` ago, about once an hour; the
/// hour's run is claimed like any job's, so one replica does it.
pub async fn housekeeping(state: &AppState, now: DateTime<Utc>) {
    use chrono::{DurationRound, TimeDelta};
    let hour = now.duration_trunc(TimeDelta::hours(1)).unwrap_or(now);
    let data = (
        now - chrono::Duration::days(KEEP_SENT_DAYS),
        now - chrono::Duration::days(2),
        hour,
        now,
    );
    let pruned = state
        .db
        .write(data, |c, (sent, events, hour, now)| {
            Box::pin(async move {
                if !store::jobs::claim(c, "housekeeping", "all", *hour, *now).await? {
                    return Ok(None);
                }
                store::interactions::prune(c, *sent, *events)
                    .await
                    .map(Some)
            })
        })
        .await;
    match &pruned {
        Ok(Some(n)) if *n > 0 => tracing::info!(rows = n, "housekeeping"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
    }
    if matches!(pruned, Ok(Some(_)))
        && let Err(e) = forget_departed(state, now).await
    {
        tracing::warn!(error = %e, "could not delete a departed workspace's data");
    }
}

/// Deletes the data of "Add to Slack" workspaces that left more than the retention period
/// before `now`, each in one transaction. Returns the rows deleted. With one
/// `SLACK_BOT_TOKEN` nothing is deleted: the operator owns that database.
async fn forget_departed(state: &AppState, now: DateTime<Utc>) -> store::Result<u64> {
    if matches!(
        state.settings.workspaces,
        crate::config::Workspaces::Single(_)
    ) {
        return Ok(0);
    }
    let before = now - chrono::Duration::days(i64::from(state.settings.retention_days));
    let mut deleted = 0;
    for team in store::workspaces::left_before(state.db.reader(), before).await? {
        deleted += state
            .db
            .write(team.clone(), |c, team| {
                Box::pin(store::workspaces::forget(c, team))
            })
            .await?;
        tracing::info!(%team, "deleted the data of a workspace that left");
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names_are_unique_and_round_trip() {
        for job in Job::ALL {
            assert_eq!(Job::from_name(job.name()), Some(job));
        }
        let mut names: Vec<_> = Job::ALL.iter().map(|j| j.name()).collect();
        names.dedup();
        assert_eq!(names.len(), Job::ALL.len());
    }
}
