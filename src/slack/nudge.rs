//! The nudge DM: a rep gone quiet, or prospects going cold. Private, specific, with one step
//! to take and a button for it. Pure: built from a `domain::cadence::Nudge`.
use super::interaction::{Action, ProspectRef};
use super::messages::{self, context, section};
use crate::domain::cadence::{MAX_GAP_DAYS, MAX_LISTED, Nudge, TOUCH_GOAL};
use crate::domain::text::UserText;
use crate::domain::time::days_ago;
use crate::domain::words::count;
use slack_morphism::prelude::*;

/// How a prospect's name is typed in a suggested `/touch` command (a code span): cut short
/// and escaped like any text a person typed, with no backtick to end the span early.
fn touch_name(name: &UserText) -> String {
    name.mrkdwn(60).replace('`', "'")
}

/// The DM, or `None` when the rep is neither quiet nor letting anyone go cold.
pub fn render(n: &Nudge) -> Option<String> {
    if n.quiet_days.is_none() && n.cold.is_empty() && n.let_go.is_empty() {
        return None;
    }
    let mut blocks = Vec::new();
    let first_cold = n.cold.first();
    // Ten different touches, not the same call ten times: suggest a channel not yet tried.
    let step = match first_cold {
        Some(p) => {
            let channel = p.next_channel();
            format!(
                "try {} this time: `/touch {} {} no_answer`",
                channel.label(),
                touch_name(&p.name),
                channel.as_str()
            )
        }
        None => "`/block now 30m`".to_owned(),
    };
    let since = if n.first_step {
        "since you joined — your first step is the hardest, and it takes seconds"
    } else {
        "since your last logged step"
    };
    let opening = match (n.quiet_days, first_cold) {
        (Some(days), Some(p)) => format!(
            "👋 Morning! It's been {} {since}. One small step gets things moving: \
             a quick touch on *{}* — {step}",
            count(days, "working day"),
            p.name.mrkdwn(60)
        ),
        (Some(days), None) => format!(
            "👋 Morning! It's been {} {since}. One small step gets things moving: \
             a 30-minute block — {step}, then `/block done …`",
            count(days, "working day")
        ),
        (None, Some(_)) => format!(
            "👋 Morning! A few of your prospects are going cold. A quick touch keeps them warm — {step}"
        ),
        (None, None) => "👋 Morning! A thought on your list:".to_owned(),
    };
    blocks.push(section(opening));
    if !n.cold.is_empty() {
        let mut lines = vec![format!(
            "*Going cold* (fewer than {TOUCH_GOAL} touches, over {MAX_GAP_DAYS} days since the last):"
        )];
        for p in n.cold.iter().take(MAX_LISTED) {
            let company = p
                .company
                .as_ref()
                .map(|c| format!(" ({})", c.mrkdwn(40)))
                .unwrap_or_default();
            let ago = days_ago((n.today - p.last_touch_day).num_days());
            let tried: Vec<&str> = p.used.0.iter().map(|c| c.label()).collect();
            let tried = if tried.is_empty() {
                String::new()
            } else {
                format!(" · tried {}", tried.join(", "))
            };
            lines.push(format!(
                "• *{}*{company} — {}/{TOUCH_GOAL} · last touch {ago}{tried}",
                p.name.mrkdwn(60),
                p.touch_count
            ));
        }
        let total = n
            .cold
            .first()
            .map_or(0, |p| p.cold_total as usize)
            .max(n.cold.len());
        if total > n.cold.len().min(MAX_LISTED) {
            lines.push(format!(
                "…and {} more in `/targets`",
                total - n.cold.len().min(MAX_LISTED)
            ));
        }
        blocks.push(section(lines.join("\n")));
    }
    if !n.let_go.is_empty() {
        let mut lines = vec![format!(
            "*Time to let go?* {} touches without a response is real persistence. Freeing the slot for \
             someone new keeps your list working:",
            TOUCH_GOAL
        )];
        for p in &n.let_go {
            lines.push(format!(
                "• *{}* — {} · `/targets replace {} with NEW NAME @ Company`",
                p.name.mrkdwn(60),
                count(p.touch_count, "touch"),
                touch_name(&p.name)
            ));
        }
        blocks.push(section(lines.join("\n")));
    }
    let prospect = first_cold.map(|p| ProspectRef::Id(p.id));
    blocks.push(
        SlackActionsBlock::new(vec![
            Action::LogStep(prospect).button("✍️ Log a step").into(),
            Action::SnoozeDay.button("😴 Snooze a day").into(),
        ])
        .into(),
    );
    blocks.push(context(
        "Only you see this. Away? `/momentum away until YYYY-MM-DD` pauses nudges.",
    ));
    let text = match n.quiet_days {
        Some(days) if n.first_step => format!(
            "It's been {} since you joined — one small first step today?",
            count(days, "working day")
        ),
        Some(days) => {
            format!(
                "It's been {} since your last step — one small one today?",
                count(days, "working day")
            )
        }
        None if n.cold.is_empty() => "Time to let a prospect go and pick someone new?".to_owned(),
        None => {
            let cold = n
                .cold
                .first()
                .map_or(0, |p| p.cold_total)
                .max(n.cold.len() as i64);
            if cold == 1 {
                "One of your prospects is going cold".to_owned()
            } else {
                format!("{cold} of your prospects are going cold")
            }
        }
    };
    Some(messages::post(&n.user_id, &text, blocks))
}
