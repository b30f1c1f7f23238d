//! The shout-out: one post in the team's celebration channel celebrating every step since the
//! last one, grouped by person, with milestones, and the people past the eighth in its thread.
//! Praise only: nobody is ever mentioned for doing nothing, and reps who chose
//! `/momentum private` are counted but not named. Pure: built from a `domain::shoutout`.
use super::interaction::{Action, Kudos};
use super::messages::{self, chunk_lines, context, section, section_with_button};
use crate::domain::shoutout::KudosReceived;
use crate::domain::shoutout::{Celebration, ProspectMilestone, WinToCelebrate};
use crate::domain::text::cut;
use crate::domain::words::count;
use crate::domain::{WinKind, WinSource};
use slack_morphism::prelude::*;

/// People named in the post; the rest are summed up.
const MAX_PEOPLE: usize = 45;
/// People named in the post itself; the rest are in its thread.
const IN_POST: usize = 8;

fn who(user: &str, private: bool) -> String {
    if private {
        "A teammate".to_owned()
    } else {
        format!("<@{user}>")
    }
}

/// The shout-out and, when more than a handful of people had wins, the rest in its thread;
/// `None` when there is nothing to celebrate.
pub fn render(channel: &str, c: &Celebration) -> Option<(String, Option<String>)> {
    if c.wins.is_empty()
        && c.tenth_touches.is_empty()
        && c.persistent_meetings.is_empty()
        && c.streaks.is_empty()
        && c.blocks.is_empty()
        && c.goals_reached.is_empty()
    {
        return None;
    }
    let (mut person_blocks, mut lines) = people(c);
    let milestones = milestones(c);
    let in_thread = person_blocks.split_off(person_blocks.len().min(IN_POST));
    if !in_thread.is_empty() {
        lines.insert(
            0,
            format!(
                "🧵 …and {} more {} celebrated in the thread",
                in_thread.len(),
                if in_thread.len() == 1 {
                    "person"
                } else {
                    "people"
                }
            ),
        );
    }
    let total: i64 = c.wins.iter().map(|w| w.steps).sum();
    let title = match total {
        0 => "🎉 Milestones worth celebrating".to_owned(),
        1 => "🎉 Today's win".to_owned(),
        n => format!("🎉 Today's {n} wins"),
    };
    let mut blocks_out: Vec<SlackBlock> = vec![SlackHeaderBlock::new(pt!(title.clone())).into()];
    blocks_out.extend(person_blocks);
    for chunk in chunk_lines(&lines) {
        blocks_out.push(section(chunk));
    }
    if !milestones.is_empty() {
        for chunk in chunk_lines(&milestones) {
            blocks_out.push(section(chunk));
        }
    }
    blocks_out.push(context(
        "Every small step counts. Log yours with `/win`, `/touch` or `/block done`.",
    ));
    let thread =
        (!in_thread.is_empty()).then(|| messages::post(channel, "More of today's wins", in_thread));
    Some((messages::post(channel, &title, blocks_out), thread))
}

/// A celebrated step as its rep reads it: "“booked a demo”", "your meeting booked with Dana
/// Diaz (Acme)", "your block's 3 conversations".
pub fn step_phrase(k: &KudosReceived) -> String {
    let (one_with, _, one, many) = step_words(k.kind);
    match k.source {
        WinSource::Typed => format!("“{}”", k.text.mrkdwn(120)),
        WinSource::Touch => format!("your {one_with} {}", k.text.mrkdwn(60)),
        WinSource::Block => format!(
            "your block's {}",
            crate::domain::words::plural(k.steps, one, many)
        ),
    }
}

/// How a step of `kind` is told: ("meeting booked with", "meetings booked", "meeting",
/// "meetings"). A call-back agreed is a conversation.
fn step_words(kind: WinKind) -> (&'static str, &'static str, &'static str, &'static str) {
    match kind {
        WinKind::Meeting => (
            "meeting booked with",
            "meetings booked",
            "meeting",
            "meetings",
        ),
        WinKind::Reply => ("reply from", "replies", "reply", "replies"),
        _ => (
            "conversation with",
            "conversations",
            "conversation",
            "conversations",
        ),
    }
}

/// The once-a-day DM to a rep naming who celebrated which of their steps; `kudos` are the
/// rep's, oldest first.
pub fn kudos_dm(user: &str, kudos: &[&KudosReceived]) -> String {
    let mut steps: Vec<(i64, String, Vec<String>)> = Vec::new();
    for k in kudos {
        let giver = format!("<@{}>", k.giver);
        match steps.iter_mut().find(|s| s.0 == k.win_id) {
            Some((_, _, givers)) if !givers.contains(&giver) => givers.push(giver),
            Some(_) => {}
            None => steps.push((k.win_id, step_phrase(k), vec![giver])),
        }
    }
    let people: std::collections::BTreeSet<&str> = kudos.iter().map(|k| k.giver.as_str()).collect();
    let text = format!(
        "🎉 {} celebrated your steps",
        count(people.len() as i64, "teammate")
    );
    let mut lines = vec![format!("*{text}:*")];
    for (_, phrase, givers) in steps.iter().take(15) {
        lines.push(format!("• {phrase} — {}", givers.join(", ")));
    }
    if steps.len() > 15 {
        lines.push(format!("…and {} more", steps.len() - 15));
    }
    let blocks = vec![
        section(cut(&lines.join("\n"), 2900)),
        context("Keep them coming: every small step counts."),
    ];
    messages::post(user, &text, blocks)
}

/// The 🎉 buttons of a posted shout-out, in order: what each one celebrates.
pub fn celebrate_buttons(payload: &str) -> Vec<Kudos> {
    let Ok(body) = serde_json::from_str::<serde_json::Value>(payload) else {
        return Vec::new();
    };
    body["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|block| celebrates(&block["accessory"]))
        .collect()
}

/// What a block's accessory celebrates, when it is a 🎉 button.
fn celebrates(accessory: &serde_json::Value) -> Option<Kudos> {
    match Action::parse(
        accessory["action_id"].as_str()?,
        accessory["value"].as_str(),
    ) {
        Some(Action::Celebrate(kudos)) => Some(kudos),
        _ => None,
    }
}

/// The `chat.update` of a posted shout-out (`ts`) showing how many people celebrated each line:
/// `counts` in the order of [`celebrate_buttons`].
pub fn with_counts(payload: &str, ts: &str, counts: &[i64]) -> Option<String> {
    let mut body: serde_json::Value = serde_json::from_str(payload).ok()?;
    let mut i = 0;
    for block in body["blocks"].as_array_mut().into_iter().flatten() {
        let button = &mut block["accessory"];
        if celebrates(button).is_none() {
            continue;
        }
        let n = counts.get(i).copied().unwrap_or(0);
        i += 1;
        button["text"]["text"] = serde_json::Value::String(if n > 0 {
            format!("🎉 {n}")
        } else {
            "🎉 Celebrate".to_owned()
        });
    }
    body["ts"] = serde_json::Value::String(ts.to_owned());
    Some(body.to_string())
}

/// One section per person with their wins and a 🎉 button, in the order people first logged
/// one (private reps pooled), and the line counting everyone past [`MAX_PEOPLE`].
fn people(c: &Celebration) -> (Vec<SlackBlock>, Vec<String>) {
    // Wins grouped by person, in the order people first logged one; private reps pooled.
    let mut people: Vec<(String, Vec<&WinToCelebrate>)> = Vec::new();
    let mut private_wins = 0;
    for w in &c.wins {
        if w.private {
            private_wins += w.steps as usize;
            continue;
        }
        match people.iter_mut().find(|(u, _)| *u == w.user_id) {
            Some((_, list)) => list.push(w),
            None => people.push((w.user_id.clone(), vec![w])),
        }
    }
    let mut person_blocks: Vec<SlackBlock> = Vec::new();
    let mut lines = Vec::new();
    for (user, wins) in people.iter().take(MAX_PEOPLE) {
        let typed: Vec<&&WinToCelebrate> = wins.iter().filter(|w| w.is_typed()).collect();
        let mut shown: Vec<String> = typed
            .iter()
            .take(3)
            .map(|w| format!("{} {}", w.kind.emoji(), w.text.mrkdwn(120)))
            .collect();
        shown.extend(steps_summary(wins));
        let more = if typed.len() > 3 {
            format!(" _+{} more_", typed.len() - 3)
        } else {
            String::new()
        };
        // A short value: the person's first and last win in this post (read back as a range).
        let (Some(first), Some(last)) = (wins.first(), wins.last()) else {
            continue;
        };
        let text = cut(&format!("*<@{user}>* — {}{more}", shown.join(" · ")), 2900);
        person_blocks.push(section_with_button(
            text,
            Action::Celebrate(Kudos::of(first.id, last.id)).button("🎉 Celebrate"),
        ));
    }
    let others: usize = people
        .iter()
        .skip(MAX_PEOPLE)
        .flat_map(|(_, w)| w.iter().map(|w| w.steps as usize))
        .sum::<usize>()
        + private_wins;
    if others > 0 {
        lines.push(format!(
            "…and {others} more {} from the team 🙌",
            if others == 1 { "win" } else { "wins" }
        ));
    }
    (person_blocks, lines)
}

/// A person's touch outcomes and block results in a few words, meetings first:
/// "📅 meeting booked with Jane Doe (Acme)", "📬 3 replies", "💬 conversation with Bob Lee".
fn steps_summary(wins: &[&WinToCelebrate]) -> Vec<String> {
    let mut parts = Vec::new();
    for kind in [WinKind::Meeting, WinKind::Reply, WinKind::Conversation] {
        let (one_with, many, _, _) = step_words(kind);
        let of_kind: Vec<&&WinToCelebrate> = wins
            .iter()
            .filter(|w| !w.is_typed() && w.kind == kind)
            .collect();
        let n: i64 = of_kind.iter().map(|w| w.steps).sum();
        let names: Vec<String> = of_kind
            .iter()
            .filter(|w| !w.text.raw().is_empty())
            .map(|w| w.text.mrkdwn(60))
            .collect();
        let emoji = kind.emoji();
        match (n, names.as_slice()) {
            (0, _) => {}
            (1, [name]) => parts.push(format!("{emoji} {one_with} {name}")),
            (1, _) => parts.push(format!("{emoji} 1 {}", kind.noun())),
            (n, names) if kind == WinKind::Meeting && !names.is_empty() => {
                let listed: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
                parts.push(format!("{emoji} {n} {many} ({})", listed.join(", ")));
            }
            (n, _) => parts.push(format!("{emoji} {n} {many}")),
        }
    }
    parts
}

/// 10th touches, meetings after long persistence, streaks and finished blocks.
fn milestones(c: &Celebration) -> Vec<String> {
    let mut milestones = Vec::new();
    let prospect = |m: &ProspectMilestone| {
        if m.private {
            "a prospect".to_owned()
        } else {
            format!("*{}*", m.prospect.mrkdwn(60))
        }
    };
    for m in &c.tenth_touches {
        milestones.push(format!(
            "🏆 {} made a 10th touch on {} — that's the persistence that reaches people",
            who(&m.user_id, m.private),
            prospect(m)
        ));
    }
    for m in &c.persistent_meetings {
        milestones.push(format!(
            "🎯 {} booked a meeting with {} after {}",
            who(&m.user_id, m.private),
            prospect(m),
            count(m.touches, "touch")
        ));
    }
    for g in &c.goals_reached {
        milestones.push(format!(
            "🎯 {} reached a weekly goal: {}",
            who(&g.user_id, g.private),
            g.metric.count(g.goal)
        ));
    }
    for s in &c.streaks {
        milestones.push(format!(
            "🔥 {} is on a {}-day prospecting streak",
            who(&s.user_id, s.private),
            s.n
        ));
    }
    let blocks: i64 = c.blocks.iter().map(|b| b.n).sum();
    if blocks > 0 {
        let named: Vec<String> = c
            .blocks
            .iter()
            .filter(|b| !b.private)
            .map(|b| format!("<@{}>", b.user_id))
            .collect();
        let by = if named.is_empty() {
            String::new()
        } else {
            format!(" — thanks {}", named.join(", "))
        };
        milestones.push(format!(
            "✅ {blocks} prospecting {} completed{by}",
            if blocks == 1 { "block" } else { "blocks" }
        ));
    }
    milestones
}
