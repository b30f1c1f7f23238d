//! The App Home tab: gathers the member's week and queues its `views.publish` — once per
//! Events API delivery, however often Slack retries it.
use crate::domain::cadence::Cadence;
use crate::domain::time::{days_ago, local_day, short_date};
use crate::jobs::digests::{Drawn, Span, Wanted, build_with};
use crate::slack::digest::team_week;
use crate::slack::home::{DueTarget, Home, publish};
use crate::state::AppState;
use crate::store::{self, interactions, members, prospects, stats};
use chrono::{Datelike, Duration};

/// Targets listed on the home tab.
const DUE_SHOWN: usize = 5;

/// Builds the member's home view.
pub async fn build(state: &AppState, team_id: &str, user_id: &str) -> store::Result<String> {
    let reader = state.db.reader();
    let at = super::profile::locate(state, team_id, user_id).await?;
    let today = local_day(state.clock.now(), at.tz);
    let monday = today - Duration::days(today.weekday().num_days_from_monday().into());
    let s = stats::member(reader, team_id, user_id, monday, today).await?;
    let totals = s.totals();
    let streak = at.streak(today);
    let kudos = interactions::kudos_received(reader, team_id, user_id, monday, today).await?;
    // Due: untouched, or within two days of a week since the last touch.
    let last_touch_by = today - Duration::days(crate::domain::cadence::MAX_GAP_DAYS - 2);
    let (candidates, due_total) =
        prospects::due_soonest(reader, team_id, user_id, last_touch_by, DUE_SHOWN as i64).await?;
    let mut due: Vec<(i64, i64, DueTarget)> = candidates
        .into_iter()
        .filter(|p| p.stage.is_prospecting())
        .filter_map(|p| {
            let cadence = Cadence {
                touches: p.touches,
                last_touch: p.last_touch_day,
            };
            let (rank, status) = match (cadence.last_touch, cadence.overdue_days(today)) {
                (None, _) => (0, "first touch due".to_owned()),
                (Some(last), Some(late)) if late > 0 => (
                    late,
                    format!("⚠️ overdue · last {}", days_ago((today - last).num_days())),
                ),
                (Some(_), Some(late)) if late >= -2 => {
                    (late, format!("due by {}", short_date(cadence.next_due()?)))
                }
                _ => return None,
            };
            Some((rank, p.id, (p.name, p.company, p.touches, status)))
        })
        .collect();
    // Most overdue first; as listed (oldest first) among equals.
    due.sort_by_key(|d| (std::cmp::Reverse(d.0), d.1));
    let goals = super::momentum::goals::progress_of(state, team_id, user_id, today)
        .await?
        .map(|p| p.line());
    let team = if members::is_manager(reader, team_id, user_id).await? {
        let wanted = [Wanted {
            manager: user_id.to_owned(),
            tz: at.tz,
            span: Span::ThisWeek,
            due: None,
        }];
        build_with(
            state,
            team_id,
            &wanted,
            state.clock.now(),
            Drawn::Text,
            team_week,
        )
        .await?
        .pop()
        .map(|(_, sections)| sections)
        .unwrap_or_default()
    } else {
        Vec::new()
    };
    let home = Home {
        user_id: user_id.to_owned(),
        week_label: if monday == today {
            short_date(today)
        } else {
            format!("{} – {}", short_date(monday), short_date(today))
        },
        wins_by_kind: s.wins_by_kind,
        touches: totals.touches(),
        response_rate: totals.rate(),
        streak,
        blocks_planned: s.blocks_planned,
        blocks_done: s.blocks_done,
        kudos,
        due_total: usize::try_from(due_total).unwrap_or_default(),
        due: due.into_iter().take(DUE_SHOWN).map(|d| d.2).collect(),
        goals,
        team,
    };
    Ok(publish(&home))
}

/// Handles one `app_home_opened` delivery: the view is queued only the first time this
/// `event_id` is seen. Returns whether anything was queued.
pub async fn opened(
    state: &AppState,
    event_id: &str,
    team_id: &str,
    user_id: &str,
) -> store::Result<bool> {
    let view = build(state, team_id, user_id).await?;
    let at = state.clock.now();
    let queued = interactions::publish_home_once(&state.db, event_id, team_id, user_id, view, at);
    let queued = queued.await?;
    if queued {
        state.outbox_wake.notify_one();
    }
    Ok(queued)
}

/// Marks an event id as handled (for events Momentum has no use for).
pub async fn acknowledge(state: &AppState, event_id: &str) -> store::Result<bool> {
    let data = (event_id.to_owned(), state.clock.now());
    state
        .db
        .write(data, |c, (id, at)| {
            Box::pin(interactions::first_delivery(c, id, *at))
        })
        .await
}
