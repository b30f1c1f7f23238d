//! `/block`: plan a prospecting block in the member's own time zone, report its results,
//! list and cancel planned blocks.
use super::{Caller, Reply, Result, plural};
use crate::commands::{BlockRequest, BlockStart, DaySpec};
use crate::domain::time::{local_day, local_instant, next_weekday, relative_day};
use crate::domain::{BlockResults, response_rate};
use crate::state::AppState;
use crate::store::{blocks, members};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;

/// How long to wait for Slack to tell us a new member's time zone before using the team's.
const TZ_LOOKUP: std::time::Duration = std::time::Duration::from_millis(1500);

pub async fn handle(state: &AppState, caller: &Caller, request: BlockRequest) -> Result<Reply> {
    match request {
        BlockRequest::Plan { start, minutes } => plan(state, caller, start, minutes).await,
        BlockRequest::Done(results) => done(state, caller, results).await,
        BlockRequest::List => list(state, caller).await,
        BlockRequest::Cancel(id) => cancel(state, caller, id).await,
        BlockRequest::Calendar { reset } => super::calendar::link(state, caller, reset).await,
    }
}

/// The member's zone: cached, else asked of Slack with a short timeout, else the team's.
async fn zone(state: &AppState, caller: &Caller) -> Result<Tz> {
    let known = members::step_state(state.db.reader(), &caller.team_id, &caller.user_id).await?;
    if known.own_zone {
        return Ok(known.local.tz);
    }
    let asked = super::refresh_profile(state, &caller.team_id, &caller.user_id, TZ_LOOKUP).await;
    Ok(asked.and_then(|p| p.tz).unwrap_or(known.local.tz))
}

async fn plan(state: &AppState, caller: &Caller, start: BlockStart, minutes: u32) -> Result<Reply> {
    let tz = zone(state, caller).await?;
    let now = state.clock.now();
    let starts_at = match resolve(start, now, tz) {
        Ok(at) => at,
        Err(message) => return Ok(Reply::ephemeral(message)),
    };
    let input = blocks::PlanInput {
        team_id: caller.team_id.clone(),
        user_id: caller.user_id.clone(),
        starts_at,
        day: local_day(starts_at, tz),
        minutes: minutes.into(),
        at: now,
    };
    let planned = blocks::plan_unless_overlapping(&state.db, input).await?;
    let today = local_day(now, tz);
    Ok(Reply::ephemeral(match planned {
        Ok(id) => format!(
            "📅 Block #{id} planned: {} ({}, {tz}). Protect it like a meeting — \
             afterwards, `/block done 25 dials 4 convos 1 meeting`.",
            span(starts_at, i64::from(minutes), tz, today),
            plural(minutes.into(), "minute", "minutes"),
        ),
        Err(other) => format!(
            "You already have block #{} then ({}). Cancel it first with `/block cancel {}`, or pick another time.",
            other.id,
            span(other.starts_at, other.minutes, tz, today),
            other.id
        ),
    }))
}

/// When a block starts, or why it cannot be planned.
pub fn resolve(
    start: BlockStart,
    now: DateTime<Utc>,
    tz: Tz,
) -> std::result::Result<DateTime<Utc>, String> {
    let (day_spec, time) = match start {
        BlockStart::Now => return Ok(now),
        BlockStart::At { day, time } => (day, time),
    };
    let today = local_day(now, tz);
    let day = match day_spec {
        DaySpec::Today => today,
        DaySpec::Tomorrow => today + Duration::days(1),
        DaySpec::Next(weekday) => {
            let day = next_weekday(today, weekday);
            let passed = local_instant(day, time, tz).is_some_and(|at| at < now);
            if passed { day + Duration::days(7) } else { day }
        }
        DaySpec::On(day) => day,
    };
    let Some(at) = local_instant(day, time, tz) else {
        return Err(format!(
            "{} doesn't exist on {day} in {tz} (the clocks change). Pick another time.",
            hhmm(time)
        ));
    };
    if at < now - Duration::minutes(5) {
        let hint = if day_spec == DaySpec::Today {
            format!(" Did you mean `/block tomorrow {}`?", hhmm(time))
        } else {
            String::new()
        };
        return Err(format!(
            "{} on {} has already passed.{hint}",
            hhmm(time),
            relative_day(day, today)
        ));
    }
    if at > now + Duration::days(60) {
        return Err("I plan blocks up to 60 days ahead.".into());
    }
    Ok(at)
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// "tomorrow 09:30–10:15".
fn span(starts_at: DateTime<Utc>, minutes: i64, tz: Tz, today: chrono::NaiveDate) -> String {
    let start = starts_at.with_timezone(&tz);
    let end = (starts_at + Duration::minutes(minutes)).with_timezone(&tz);
    format!(
        "{} {}–{}",
        relative_day(start.date_naive(), today),
        start.format("%H:%M"),
        end.format("%H:%M")
    )
}

async fn done(state: &AppState, caller: &Caller, results: BlockResults) -> Result<Reply> {
    let input = blocks::DoneInput {
        team_id: caller.team_id.clone(),
        user_id: caller.user_id.clone(),
        results,
        at: state.clock.now(),
    };
    let done = blocks::record_done(&state.db, input).await?;
    let mut parts = Vec::new();
    for (n, one, many) in [
        (results.dials, "dial", "dials"),
        (results.emails, "email", "emails"),
        (results.social, "social touch", "social touches"),
        (results.conversations, "conversation", "conversations"),
        (results.meetings, "meeting", "meetings"),
        (results.callbacks, "call-back", "call-backs"),
        (results.nos, "no", "no's"),
    ] {
        if n > 0 {
            parts.push(plural(n.into(), one, many));
        }
    }
    let rate = response_rate(
        i64::from(results.conversations + results.meetings + results.callbacks),
        i64::from(results.attempts()),
    )
    .map(|r| format!("\n{r}% of attempts got a response."))
    .unwrap_or_default();
    let which = if done.planned {
        format!("Block #{} done", done.block_id)
    } else {
        "Block logged (it wasn't planned — next time, `/block 9:00 60m` puts it on your calendar)"
            .to_owned()
    };
    Ok(Reply::ephemeral(format!(
        "✅ {which}: {}.{rate}{}",
        parts.join(" · "),
        super::streak_note(done.streak)
    )))
}

async fn list(state: &AppState, caller: &Caller) -> Result<Reply> {
    let tz = zone(state, caller).await?;
    let now = state.clock.now();
    let rows = blocks::upcoming(state.db.reader(), &caller.team_id, &caller.user_id, now).await?;
    if rows.is_empty() {
        return Ok(Reply::ephemeral(
            "No blocks planned. Put one on your calendar: `/block tomorrow 9:30 45m`",
        ));
    }
    let today = local_day(now, tz);
    let mut text = format!("📅 *Your planned blocks* ({tz})\n");
    for b in &rows {
        text.push_str(&format!(
            "• #{} {}\n",
            b.id,
            span(b.starts_at, b.minutes, tz, today)
        ));
    }
    text.push_str("Cancel one with `/block cancel NUMBER`.");
    Ok(Reply::ephemeral(text))
}

async fn cancel(state: &AppState, caller: &Caller, id: Option<i64>) -> Result<Reply> {
    let now = state.clock.now();
    let cancelled =
        blocks::cancel_planned(&state.db, &caller.team_id, &caller.user_id, id, now).await?;
    Ok(Reply::ephemeral(match (cancelled, id) {
        (Some(id), _) => {
            format!("Cancelled block #{id}. Plan another with `/block tomorrow 9:30 45m`.")
        }
        (None, Some(id)) => format!("You have no planned block #{id}. `/block list` shows yours."),
        (None, None) => "You have no planned blocks to cancel.".to_owned(),
    }))
}
