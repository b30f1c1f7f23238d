//! Block reminders: "your block starts in 10 min" and, after it, "how did it go?". Pure.
use super::interaction::{Action, ProspectRef};
use super::messages::{self, context, section};
use crate::domain::PlannedBlock;
use crate::domain::cadence::CallbackDue;
use crate::domain::words::count;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use slack_morphism::prelude::*;

fn local_hhmm(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%H:%M").to_string()
}

/// "Your block starts in 10 min".
pub fn starting(b: &PlannedBlock, now: DateTime<Utc>) -> String {
    let minutes_left = (b.starts_at - now).num_minutes().max(0);
    let text = format!(
        "⏰ Your prospecting block starts at {} (in {minutes_left} min) — {}.",
        local_hhmm(b.starts_at, b.local.tz),
        count(b.minutes, "minute")
    );
    let blocks = vec![
        section(format!(
            "{text}\nClose the inbox, open `/targets` and start with whoever is most overdue. \
             Log each attempt with `/touch`."
        )),
        context(format!(
            "Block #{}. Can't make it? `/block cancel {}`",
            b.id, b.id
        )),
    ];
    messages::post(&b.user_id, &text, blocks)
}

/// After the block: "how did it go?" with a button to log the numbers.
pub fn how_did_it_go(b: &PlannedBlock) -> String {
    let text = format!(
        "How did your {}-minute block at {} go?",
        b.minutes,
        local_hhmm(b.starts_at, b.local.tz)
    );
    let blocks = vec![
        section(format!(
            "🙌 {text} Log the numbers while they're fresh — it takes five seconds:\n\
             `/block done 25 dials 8 emails 4 convos 2 meetings 1 callback 3 no`"
        )),
        SlackActionsBlock::new(vec![
            Action::LogBlock(Some(b.id))
                .button("✍️ Log how it went")
                .into(),
        ])
        .into(),
        context("Your numbers go to you and your manager only."),
    ];
    messages::post(&b.user_id, &text, blocks)
}

/// The morning of a call-back: who, what they said, and the button to log it.
pub fn callback(c: &CallbackDue) -> String {
    let company = c
        .company
        .as_ref()
        .map(|co| format!(" ({})", co.mrkdwn(60)))
        .unwrap_or_default();
    let text = format!("📞 Call-back due today: {}", c.name.mrkdwn(60));
    let agreed = c.day.format("%a %-d %b");
    let mut lines = vec![format!(
        "📞 *Call-back due today:* *{}*{company} — agreed {agreed} by {}.",
        c.name.mrkdwn(120),
        c.channel.label()
    )];
    if !c.note.raw().is_empty() {
        lines.push(format!("> {}", c.note.mrkdwn(500)));
    }
    lines.push(format!(
        "Then log it: `/touch {} phone talked`",
        c.name.mrkdwn(60).replace('`', "'")
    ));
    let blocks = vec![
        section(lines.join("\n")),
        SlackActionsBlock::new(vec![
            Action::LogStep(Some(ProspectRef::Id(c.prospect_id)))
                .button("✍️ Log the call")
                .into(),
        ])
        .into(),
        context("Only you see this."),
    ];
    messages::post(&c.user_id, &text, blocks)
}
