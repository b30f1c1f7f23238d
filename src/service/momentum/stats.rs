//! `/momentum stats`: a member's numbers over a period, for them or their manager.
use super::super::{Caller, Reply, Result, count, plural};
use crate::commands::Period;
use crate::domain::time::{local_day, short_date};
use crate::state::AppState;
use crate::store::stats;
use chrono::{Datelike, Duration, NaiveDate};

pub(super) async fn show(
    state: &AppState,
    caller: &Caller,
    period: Period,
    user: Option<String>,
) -> Result<Reply> {
    let subject = user.unwrap_or_else(|| caller.user_id.clone());
    let at = super::super::profile::locate(state, &caller.team_id, &subject).await?;
    let manager = at.member.as_ref().and_then(|m| m.manager_id.as_deref());
    if subject != caller.user_id && manager != Some(caller.user_id.as_str()) {
        return Ok(Reply::ephemeral(format!(
            "🔒 Only <@{subject}> and their manager see their numbers. Managers add reps with `/momentum team add @name`."
        )));
    }
    let today = local_day(state.clock.now(), at.tz);
    let (from, label) = period_start(period, today);
    let s = stats::member(state.db.reader(), &caller.team_id, &subject, from, today).await?;
    let streak = at.streak(today);
    let who = if subject == caller.user_id {
        "Your".to_owned()
    } else {
        format!("<@{subject}>'s")
    };
    let mut text = render_stats(&who, label, from, today, &s, streak);
    if let Some(p) = super::goals::progress_of(state, &caller.team_id, &subject, today).await? {
        text.push_str(&format!("\n🎯 *Goals this week:* {}", p.line()));
    }
    Ok(Reply::ephemeral(text))
}

fn period_start(period: Period, today: NaiveDate) -> (NaiveDate, &'static str) {
    match period {
        Period::Today => (today, "today"),
        Period::Week => (
            today - Duration::days(today.weekday().num_days_from_monday().into()),
            "this week",
        ),
        Period::Month => (today.with_day(1).unwrap_or(today), "this month"),
    }
}

fn list<K: Copy + Into<&'static str>>(pairs: &[(K, i64)]) -> String {
    pairs
        .iter()
        .map(|(k, n)| format!("{n} {}", (*k).into().replace('_', " ")))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn render_stats(
    who: &str,
    label: &str,
    from: NaiveDate,
    to: NaiveDate,
    s: &stats::MemberStats,
    streak: i64,
) -> String {
    let wins: i64 = s.wins_by_kind.iter().map(|(_, n)| n).sum();
    // One definition of each number: a block's dials, emails and social touches are touches.
    let totals = s.totals();
    let touches = totals.touches();
    let by_channel = {
        let mut pairs: Vec<(crate::domain::Channel, i64)> =
            totals.touches_by_channel.clone().into_iter().collect();
        pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        pairs
    };
    let range = if from == to {
        short_date(from)
    } else {
        format!("{} – {}", short_date(from), short_date(to))
    };
    let mut out = format!("📊 *{who} prospecting {label}* ({range})\n");
    out.push_str(&format!("*Wins:* {}", wins));
    if wins > 0 {
        out.push_str(&format!(" — {}", list(&s.wins_by_kind)));
    }
    out.push_str(&format!("\n*Touches:* {touches}"));
    if touches > 0 {
        out.push_str(&format!(" — {}", list(&by_channel)));
        if !s.touches_by_outcome.is_empty() {
            out.push_str(&format!(
                "\n*Outcomes of logged touches:* {}",
                list(&s.touches_by_outcome)
            ));
        }
        if let Some(rate) = totals.rate() {
            out.push_str(&format!("\n*Response rate:* {rate}%"));
        }
    }
    out.push_str(&format!(
        "\n*Blocks:* {}",
        crate::domain::words::blocks_done_of_planned(s.blocks_done, s.blocks_planned)
    ));
    let block_total = s.dials + s.emails + s.social;
    if block_total > 0 || s.conversations > 0 {
        out.push_str(&format!(
            " — {} · {} · {} social · {} · {} · {} · {}",
            count(s.dials, "dial"),
            count(s.emails, "email"),
            s.social,
            count(s.conversations, "conversation"),
            count(s.meetings, "meeting"),
            count(s.callbacks, "call-back"),
            plural(s.nos, "no", "no's")
        ));
    }
    out.push_str(&format!("\n*Active days:* {}", s.active_days));
    if streak >= 2 {
        out.push_str(&format!(" · 🔥 {streak}-day streak"));
    }
    if wins + touches + s.blocks_done == 0 {
        out.push_str(
            "\nNothing logged yet — one small step is enough to start: `/win …` or `/touch …`.",
        );
    }
    out
}
