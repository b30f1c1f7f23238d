//! Blitz scoreboards and results, rendered from `domain::blitz`. People are named, never
//! @-mentioned, on the scoreboard (no ping on every update); private reps appear as "a
//! teammate"; nobody is ranked last or called out.
use super::messages::{self, context, section};
use crate::domain::blitz::{MIN_ATTEMPTS_FOR_RATE, Moment, Tally, team};
use crate::domain::chart::{BlitzBar, BlitzChart};
use crate::domain::response_rate;
use crate::domain::words::count;
use slack_morphism::prelude::*;

/// People thanked by name in a blitz's results; the rest are "everyone else".
pub const THANKED_BY_NAME: usize = 30;

fn display(t: &Tally) -> String {
    if t.private {
        return "A teammate".to_owned();
    }
    t.name
        .as_ref()
        .filter(|n| !n.is_empty())
        .map_or_else(|| "A teammate".to_owned(), |n| n.mrkdwn(40))
}

fn rate(t: &Tally) -> String {
    match response_rate(t.responses, t.attempts) {
        Some(r) if t.attempts >= MIN_ATTEMPTS_FOR_RATE => format!("{r}%"),
        _ => "—".to_owned(),
    }
}

fn line(t: &Tally) -> String {
    format!(
        "{} · {} · {} · {} · {} response rate",
        count(t.attempts, "attempt"),
        count(t.conversations, "conversation"),
        count(t.responses, "response"),
        count(t.meetings, "meeting"),
        rate(t)
    )
}

fn progress(done: i64, goal: i64) -> String {
    let pct = (done * 100 / goal.max(1)).min(100);
    let filled = (pct / 10) as usize;
    format!(
        "{}{} {pct}% of {goal}",
        "▓".repeat(filled),
        "░".repeat(10 - filled)
    )
}

/// The scoreboard's blocks. `minutes_left` is `None` once the blitz is over.
pub fn scoreboard(
    tallies: &[Tally],
    goal: Option<i64>,
    minutes_left: Option<i64>,
    started_by: &str,
) -> (String, Vec<SlackBlock>) {
    let total = team(tallies);
    let title = match minutes_left {
        Some(m) => format!("🏁 Prospecting blitz — {m} min left"),
        None => "🏁 Prospecting blitz — done!".to_owned(),
    };
    let mut blocks: Vec<SlackBlock> = vec![SlackHeaderBlock::new(pt!(title.clone())).into()];
    let mut team_text = format!("*Team:* {}", line(&total));
    if let Some(goal) = goal {
        team_text.push_str(&format!("\n*Goal:* {}", progress(total.attempts, goal)));
    }
    blocks.push(section(team_text));
    if tallies.is_empty() {
        blocks.push(section(
            "No attempts yet — log each one with `/touch`, or a batch with `/block done`.",
        ));
    } else {
        // In the store's order (`domain::blitz::ranked`): by response rate once someone has
        // enough attempts for it to mean something, attempts breaking ties.
        let lines: Vec<String> = tallies
            .iter()
            .take(25)
            .map(|t| format!("• *{}* — {}", display(t), line(t)))
            .collect();
        blocks.push(section(lines.join("\n")));
    }
    blocks.push(context(format!(
        "Started by {started_by}. Every `/touch` and `/block done` by the team counts. Ranked by response rate from {MIN_ATTEMPTS_FOR_RATE} attempts."
    )));
    (title, blocks)
}

/// The results post at the end.
pub struct Results<'a> {
    pub tallies: &'a [Tally],
    pub minutes: i64,
    pub leader: &'a str,
    pub previous: Option<Tally>,
    /// (user, private, what happened).
    pub moments: &'a [Moment],
}

pub fn results(r: &Results<'_>) -> (String, Vec<SlackBlock>) {
    let total = team(r.tallies);
    let title = format!("🏆 Blitz results — {}", count(r.minutes, "minute"));
    let mut blocks: Vec<SlackBlock> = vec![SlackHeaderBlock::new(pt!(title.clone())).into()];
    let rate = response_rate(total.responses, total.attempts)
        .map_or("—".to_owned(), |r| format!("{r}%"));
    let mut summary = format!(
        "*Together:* {} · {} · {} · {} · *{rate}* response rate",
        count(total.attempts, "attempt"),
        count(total.conversations, "conversation"),
        count(total.responses, "response"),
        count(total.meetings, "meeting")
    );
    if let Some(prev) = &r.previous {
        let before = response_rate(prev.responses, prev.attempts);
        let now = response_rate(total.responses, total.attempts);
        let change = match (now, before) {
            (Some(n), Some(b)) if n > b => format!(" — response rate up {} points 📈", n - b),
            (Some(n), Some(b)) if n < b => {
                format!(" — response rate {} points lower this time", b - n)
            }
            (Some(_), Some(_)) => " — the same response rate".to_owned(),
            _ => String::new(),
        };
        summary.push_str(&format!(
            "\n*Your team's last blitz:* {} · {} · {} response rate{change}",
            count(prev.attempts, "attempt"),
            count(prev.meetings, "meeting"),
            before.map_or("—".to_owned(), |r| format!("{r}%")),
        ));
    }
    blocks.push(section(summary));
    if !r.moments.is_empty() {
        let lines: Vec<String> = r
            .moments
            .iter()
            .map(|m| {
                let who = if m.private {
                    "A teammate".to_owned()
                } else {
                    format!("<@{}>", m.user_id)
                };
                if m.meeting {
                    format!("• {who}: booked a meeting with {}", m.text.mrkdwn(60))
                } else {
                    format!("• {who}: {}", m.text.mrkdwn(120))
                }
            })
            .collect();
        blocks.push(section(format!("*Best moments*\n{}", lines.join("\n"))));
    }
    // The leader's own numbers, when they took part: never a zero in public.
    if let Some(leader) = r
        .tallies
        .iter()
        .find(|t| t.user_id == r.leader && t.attempts > 0)
    {
        blocks.push(section(format!(
            "*Leading from the front:* <@{}> — {}",
            r.leader,
            line(leader)
        )));
    }
    // At most THANKED_BY_NAME people are named (a mention each); everyone else is counted.
    let named: Vec<&Tally> = r.tallies.iter().filter(|t| !t.private).collect();
    let thanked: Vec<String> = named
        .iter()
        .take(THANKED_BY_NAME)
        .map(|t| format!("<@{}>", t.user_id))
        .collect();
    let private = r.tallies.len() - thanked.len();
    let mut thanks = if thanked.is_empty() {
        String::new()
    } else {
        format!("Thank you {}", thanked.join(", "))
    };
    if private > 0 {
        thanks.push_str(if thanks.is_empty() {
            "Thank you to everyone"
        } else {
            " and everyone else"
        });
    }
    if !thanks.is_empty() {
        blocks.push(section(format!(
            "🙌 {thanks} who took part — every attempt moves the pipeline."
        )));
    }
    (title, blocks)
}

/// The scoreboard as first posted, before anyone logged an attempt.
pub fn first_post(channel: &str, goal: Option<i64>, minutes: i64, starter: &str) -> String {
    let (title, blocks) = scoreboard(&[], goal, Some(minutes), starter);
    messages::post(channel, &title, blocks)
}

/// The scoreboard message `ts` in `channel`, redrawn (`minutes_left` is `None` once it is over).
pub fn board_update(
    channel: &str,
    ts: &str,
    tallies: &[Tally],
    goal: Option<i64>,
    minutes_left: Option<i64>,
    starter: &str,
) -> String {
    let (title, blocks) = scoreboard(tallies, goal, minutes_left, starter);
    messages::update(channel, ts, &title, blocks)
}

/// The results post.
/// The results as a picture: each participant's attempts and responses, ranked as in the
/// post (the first [`THANKED_BY_NAME`]), named in plain text — never mentioned — and private
/// reps as "a teammate". `None` when nobody took part.
pub fn results_chart(r: &Results<'_>) -> Option<BlitzChart> {
    if r.tallies.is_empty() {
        return None;
    }
    let people = r
        .tallies
        .iter()
        .take(THANKED_BY_NAME)
        .map(|t| BlitzBar {
            name: match &t.name {
                Some(n) if !t.private && !n.is_empty() => n.plain(40),
                _ => "a teammate".to_owned(),
            },
            attempts: t.attempts,
            responses: t.responses,
        })
        .collect();
    Some(BlitzChart {
        title: format!("Blitz results · {}", count(r.minutes, "minute")),
        people,
    })
}

pub fn results_post(channel: &str, r: &Results<'_>) -> String {
    let (title, blocks) = results(r);
    messages::post(channel, &title, blocks)
}
