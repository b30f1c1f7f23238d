//! `/targets`: the prospects a rep is working, what is due, and changes to the list.
use super::{Caller, Reply, Result, plural};
use crate::commands::{TargetsRequest, name_key};
use crate::domain::cadence::{Cadence, TOUCH_GOAL};
use crate::domain::time::{days_ago, local_day, relative_day, short_date};
use crate::state::AppState;
use crate::store::targets::{self, Change};
use crate::store::{blocks, members, prospects};

/// How many targets the list shows before "…and N more".
const SHOWN: usize = 40;

pub async fn handle(state: &AppState, caller: &Caller, request: TargetsRequest) -> Result<Reply> {
    match request {
        TargetsRequest::List => {
            list(
                state,
                caller,
                &caller.user_id,
                caller_zone(state, caller).await?,
            )
            .await
        }
        TargetsRequest::Of(rep) => of(state, caller, rep).await,
        TargetsRequest::Add { name, company } => add(state, caller, name, company).await,
        TargetsRequest::Drop { name } => drop_or_close(state, caller, name, false).await,
        TargetsRequest::Close { name } => drop_or_close(state, caller, name, true).await,
        TargetsRequest::Replace { old, new, company } => {
            replace(state, caller, old, new, company).await
        }
    }
}

/// `/targets @rep`: a rep's plan — who they are targeting, when their blocks are — for their
/// manager (and the rep themselves); refused to anyone else.
async fn of(state: &AppState, caller: &Caller, rep: String) -> Result<Reply> {
    let tz = caller_zone(state, caller).await?;
    if rep == caller.user_id {
        return list(state, caller, &rep, tz).await;
    }
    let reader = state.db.reader();
    let manager = members::get(reader, &caller.team_id, &rep)
        .await?
        .and_then(|m| m.manager_id);
    if manager.as_deref() != Some(caller.user_id.as_str()) {
        return Ok(Reply::ephemeral(format!(
            "🔒 Only <@{rep}> and their manager see their targets. Managers add reps with `/momentum team add @name`."
        )));
    }
    let mut reply = list(state, caller, &rep, tz).await?;
    let now = state.clock.now();
    let today = local_day(now, tz);
    let upcoming = blocks::upcoming(reader, &caller.team_id, &rep, now).await?;
    let mut lines = vec![format!("\n📅 *Planned blocks* (times in {tz})")];
    if upcoming.is_empty() {
        lines.push("• none planned".to_owned());
    }
    for b in upcoming.iter().take(10) {
        let start = b.starts_at.with_timezone(&tz);
        lines.push(format!(
            "• {} {} ({} min)",
            relative_day(start.date_naive(), today),
            start.format("%H:%M"),
            b.minutes
        ));
    }
    reply.text.push_str(&lines.join("\n"));
    Ok(reply)
}

/// The caller's zone: days in the list are theirs.
async fn caller_zone(state: &AppState, caller: &Caller) -> Result<chrono_tz::Tz> {
    Ok(
        super::profile::locate(state, &caller.team_id, &caller.user_id)
            .await?
            .tz,
    )
}

/// `whose` targets as the caller reads them, in the caller's zone `tz`.
async fn list(state: &AppState, caller: &Caller, whose: &str, tz: chrono_tz::Tz) -> Result<Reply> {
    let reader = state.db.reader();
    let today = local_day(state.clock.now(), tz);
    let rows = prospects::active(reader, &caller.team_id, whose).await?;
    let mine = whose == caller.user_id;
    if rows.is_empty() && !mine {
        return Ok(Reply::ephemeral(format!(
            "🎯 <@{whose}> has no active targets yet."
        )));
    }
    if rows.is_empty() {
        return Ok(Reply::ephemeral(
            "You have no active targets yet. Add one with `/targets add Jane Doe @ Acme`, \
             or just log a touch: `/touch Jane Doe @ Acme email no_answer`.",
        ));
    }
    let mut entries: Vec<(i64, String)> = rows
        .iter()
        .map(|p| {
            let cadence = Cadence {
                touches: p.touches,
                last_touch: p.last_touch_day,
            };
            let company = p
                .company
                .as_ref()
                .map(|c| format!(" ({})", c.mrkdwn(60)))
                .unwrap_or_default();
            let (rank, status) = match (cadence.last_touch, cadence.overdue_days(today)) {
                // Reached: not chased any more, listed last.
                _ if !p.stage.is_prospecting() => (i64::MIN, format!("✨ {}", p.stage)),
                (None, _) => (i64::MAX - 1, "⏰ first touch due".to_string()),
                (Some(_), Some(late)) if late > 0 => {
                    (late, format!("⚠️ overdue {}", plural(late, "day", "days")))
                }
                (Some(_), Some(late)) => (
                    late,
                    format!("due by {}", short_date(cadence.next_due().unwrap_or(today))),
                ),
                (Some(_), None) => (i64::MIN, "✅ 10 touches".to_string()),
            };
            let last = cadence
                .last_touch
                .map(|d| format!(" · last {}", days_ago((today - d).num_days())))
                .unwrap_or_default();
            (
                rank,
                format!(
                    "• *{}*{company} — {}/{TOUCH_GOAL}{last} · {status}",
                    p.name.mrkdwn(60),
                    p.touches
                ),
            )
        })
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    let overdue = entries.iter().filter(|(rank, _)| *rank > 0).count() as i64;
    let whose_label = if mine {
        "Your".to_owned()
    } else {
        format!("<@{whose}>'s")
    };
    let mut text = format!(
        "🎯 *{whose_label} targets* — {} · {} due or overdue\n",
        plural(rows.len() as i64, "prospect", "prospects"),
        overdue
    );
    for (_, line) in entries.iter().take(SHOWN) {
        text.push_str(line);
        text.push('\n');
    }
    if entries.len() > SHOWN {
        text.push_str(&format!("…and {} more\n", entries.len() - SHOWN));
    }
    Ok(Reply::ephemeral(text.trim_end().to_owned()))
}

async fn add(
    state: &AppState,
    caller: &Caller,
    name: String,
    company: Option<String>,
) -> Result<Reply> {
    let target = targets::Target {
        team_id: caller.team_id.clone(),
        user_id: caller.user_id.clone(),
        name_key: name_key(&name),
        name,
        company,
        at: state.clock.now(),
    };
    let change = targets::add(&state.db, target).await?;
    Ok(Reply::ephemeral(render(change)))
}

/// Takes an active target off the list: dropped (to be replaced), or closed (done).
async fn drop_or_close(
    state: &AppState,
    caller: &Caller,
    name: String,
    close: bool,
) -> Result<Reply> {
    let target = targets::Target {
        team_id: caller.team_id.clone(),
        user_id: caller.user_id.clone(),
        name_key: name_key(&name),
        name,
        company: None,
        at: state.clock.now(),
    };
    let change = targets::drop_or_close(&state.db, target, close).await?;
    Ok(Reply::ephemeral(render(change)))
}

async fn replace(
    state: &AppState,
    caller: &Caller,
    old: String,
    new: String,
    company: Option<String>,
) -> Result<Reply> {
    let target = targets::Target {
        team_id: caller.team_id.clone(),
        user_id: caller.user_id.clone(),
        name_key: name_key(&new),
        name: new,
        company,
        at: state.clock.now(),
    };
    let change = targets::replace(&state.db, name_key(&old), target).await?;
    Ok(Reply::ephemeral(render(change)))
}

fn render(change: Change) -> String {
    match change {
        Change::Added {
            name,
            company,
            already: None,
        } => {
            let company = company
                .map(|c| format!(" ({})", c.mrkdwn(60)))
                .unwrap_or_default();
            let name = name.mrkdwn(120);
            format!(
                "🎯 Added *{name}*{company} to your targets — first touch due today. Log it with `/touch {name} email no_answer`."
            )
        }
        Change::Added {
            name,
            already: Some(n),
            ..
        } => {
            format!(
                "*{}* is already on your targets ({}).",
                name.mrkdwn(120),
                plural(n, "touch", "touches")
            )
        }
        Change::Dropped {
            name,
            answered: true,
            ..
        } => format!(
            "Dropped *{name}*. They had answered you, so if it went nowhere, that's an answer too — \
             `/targets add {name}` brings them back. Who replaces them? `/targets add NAME @ Company`",
            name = name.mrkdwn(120)
        ),
        Change::Dropped { name, touches, .. } if touches <= 3 => format!(
            "Dropped *{name}* after {}. Most people need about 10 touches before they answer — \
             `/targets add {name}` brings them back.",
            plural(touches, "touch", "touches"),
            name = name.mrkdwn(120)
        ),
        Change::Dropped { name, touches, .. } => {
            format!(
                "Dropped *{}* after {}. Who replaces them? `/targets add NAME @ Company`",
                name.mrkdwn(120),
                plural(touches, "touch", "touches")
            )
        }
        Change::Closed { name, touches } => format!(
            "🏁 Closed *{}* after {} — congratulations! They're off your list; keep it full: \
             `/targets add NAME @ Company`",
            name.mrkdwn(120),
            plural(touches, "touch", "touches")
        ),
        Change::Replaced { old, new } => {
            format!(
                "🔁 *{}* replaces *{}* on your targets — first touch due today.",
                new.mrkdwn(120),
                old.mrkdwn(120)
            )
        }
        Change::NotFound { similar } if similar.is_empty() => {
            "I can't find that name in your targets. `/targets` lists them.".to_owned()
        }
        Change::NotFound { similar } => format!(
            "I can't find that name in your targets. Did you mean {}?",
            similar
                .iter()
                .map(|s| format!("*{}*", s.mrkdwn(60)))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    }
}
