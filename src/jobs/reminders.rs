//! Call-backs: on the day a rep agreed to call a prospect back, a DM at the start of their
//! working day with the prospect and the note (none once they touched the prospect again).
//! Block reminders: a DM shortly before a planned block starts, and after it ends a "how did
//! it go?" DM unless its results were already logged. Each is sent once: the block row is
//! marked in the same transaction that queues the DM.
use super::JobReport;
use crate::slack::reminder::{callback, how_did_it_go, starting};
use crate::state::AppState;
use crate::store::{self, outbox, schedule};
use chrono::{DateTime, Duration, Utc};

/// How long before a block starts its reminder goes out.
pub const LEAD_MINUTES: i64 = 10;
/// A follow-up is still sent this long after a block ended (e.g. after a restart).
pub const FOLLOW_UP_WITHIN_HOURS: i64 = 3;

pub async fn run(state: &AppState, now: DateTime<Utc>) -> store::Result<JobReport> {
    state
        .db
        .write(now, |c, now| {
            Box::pin(async move {
                let now = *now;
                let mut report = JobReport::default();
                let soon = now + Duration::minutes(LEAD_MINUTES);
                let just_before = now - Duration::minutes(1);
                for b in schedule::blocks_starting(c, just_before, soon).await? {
                    if schedule::mark_reminded(c, b.id, now).await? {
                        outbox::post(c, &b.team_id, &b.user_id, &starting(&b, now), now).await?;
                        report.claimed += 1;
                        report.queued += 1;
                    }
                }
                let since = now - Duration::hours(FOLLOW_UP_WITHIN_HOURS);
                for b in schedule::blocks_ended(c, since, now).await? {
                    if schedule::mark_followed_up(c, b.id, now).await? {
                        outbox::post(c, &b.team_id, &b.user_id, &how_did_it_go(&b), now).await?;
                        report.claimed += 1;
                        report.queued += 1;
                    }
                }
                // Call-backs: the morning they are due, in the rep's own zone.
                let (from, to) = (
                    now.date_naive() - Duration::days(2),
                    now.date_naive() + Duration::days(1),
                );
                for cb in schedule::callbacks_due(&mut *c, from, to).await? {
                    if cb.is_due(now) && schedule::mark_callback_sent(c, cb.touch_id, now).await? {
                        outbox::post(c, &cb.team_id, &cb.user_id, &callback(&cb), now).await?;
                        report.claimed += 1;
                        report.queued += 1;
                    }
                }
                Ok(report)
            })
        })
        .await
}
