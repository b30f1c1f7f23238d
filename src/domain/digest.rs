//! The manager digest: what the team did this period against the last, one line per rep, who
//! went quiet, who gave up early, which no's still need a replacement. Pure: it takes the
//! numbers the store read and renders the message.
use super::{Outcome, WinKind, response_rate};
use crate::commands::truncate;
use crate::slack::messages::{self, chunk_lines, context, section};
use crate::store::digest::{Count, DigestData};
use slack_morphism::prelude::*;
use std::collections::BTreeMap;

/// Sums for a set of people over one period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub wins_by_kind: BTreeMap<String, i64>,
    pub touches_by_channel: BTreeMap<String, i64>,
    pub touches_by_outcome: BTreeMap<String, i64>,
    pub blocks_planned: i64,
    pub blocks_done: i64,
    pub block_conversations: i64,
    pub block_meetings: i64,
    pub block_callbacks: i64,
    pub block_nos: i64,
}

impl Totals {
    pub fn of(data: &DigestData, people: &[&str], current: bool) -> Self {
        let mut t = Totals::default();
        let mine = |c: &&Count| c.current == current && people.contains(&c.user_id.as_str());
        for c in data.wins.iter().filter(mine) {
            *t.wins_by_kind.entry(c.key.clone()).or_default() += c.n;
        }
        for c in data.touch_channels.iter().filter(mine) {
            *t.touches_by_channel.entry(c.key.clone()).or_default() += c.n;
        }
        for c in data.touch_outcomes.iter().filter(mine) {
            *t.touches_by_outcome.entry(c.key.clone()).or_default() += c.n;
        }
        for b in data
            .blocks
            .iter()
            .filter(|b| b.current == current && people.contains(&b.user_id.as_str()))
        {
            t.blocks_planned += b.planned;
            t.blocks_done += b.done;
            t.block_conversations += b.conversations;
            t.block_meetings += b.meetings;
            t.block_callbacks += b.callbacks;
            t.block_nos += b.nos;
        }
        t
    }

    pub fn wins(&self) -> i64 {
        self.wins_by_kind.values().sum()
    }
    pub fn touches(&self) -> i64 {
        self.touches_by_channel.values().sum()
    }
    fn outcome(&self, o: Outcome) -> i64 {
        self.touches_by_outcome
            .get(o.as_str())
            .copied()
            .unwrap_or(0)
    }
    pub fn responses(&self) -> i64 {
        Outcome::ALL
            .iter()
            .filter(|o| o.is_response())
            .map(|o| self.outcome(*o))
            .sum()
    }
    pub fn conversations(&self) -> i64 {
        self.outcome(Outcome::Talked) + self.block_conversations
    }
    pub fn meetings(&self) -> i64 {
        self.outcome(Outcome::Meeting) + self.block_meetings
    }
    pub fn callbacks(&self) -> i64 {
        self.outcome(Outcome::Callback) + self.block_callbacks
    }
    pub fn nos(&self) -> i64 {
        self.outcome(Outcome::No) + self.block_nos
    }
    pub fn rate(&self) -> Option<i64> {
        response_rate(self.responses(), self.touches())
    }
}

/// "142 (↑18)" — a figure with its change from the previous period.
fn versus(now: i64, before: i64) -> String {
    match now - before {
        0 => format!("{now} (=)"),
        d if d > 0 => format!("{now} (↑{d})"),
        d => format!("{now} (↓{})", -d),
    }
}

fn breakdown(map: &BTreeMap<String, i64>) -> String {
    let mut pairs: Vec<(&String, &i64)> = map.iter().filter(|(_, n)| **n > 0).collect();
    pairs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    pairs
        .iter()
        .map(|(k, n)| format!("{n} {}", k.replace('_', " ")))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn summary(now: &Totals, before: &Totals) -> String {
    let mut lines = Vec::new();
    let with = |s: String| {
        if s.is_empty() {
            String::new()
        } else {
            format!(" — {s}")
        }
    };
    lines.push(format!(
        "*Touches* {}{}",
        versus(now.touches(), before.touches()),
        with(breakdown(&now.touches_by_channel))
    ));
    lines.push(format!(
        "*Wins* {}{}",
        versus(now.wins(), before.wins()),
        with(breakdown(&now.wins_by_kind))
    ));
    lines.push(format!(
        "*Blocks* {} done of {} planned (before: {} of {})",
        now.blocks_done, now.blocks_planned, before.blocks_done, before.blocks_planned
    ));
    lines.push(format!(
        "*Conversations* {} · *Meetings* {} · *Call-backs* {} · *No's* {}",
        versus(now.conversations(), before.conversations()),
        versus(now.meetings(), before.meetings()),
        versus(now.callbacks(), before.callbacks()),
        versus(now.nos(), before.nos()),
    ));
    let rate = |r: Option<i64>| r.map_or("—".to_owned(), |r| format!("{r}%"));
    lines.push(format!(
        "*Response rate* {} (before: {})",
        rate(now.rate()),
        rate(before.rate())
    ));
    lines.join("\n")
}

/// Median of the gaps, in days, to one decimal.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let mid = values.len() / 2;
    let m = if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    };
    Some((m * 10.0).round() / 10.0)
}

/// Everything one manager's digest shows.
pub struct DigestInput<'a> {
    pub manager: &'a str,
    pub reps: Vec<&'a str>,
    pub period_label: String,
    pub data: &'a DigestData,
    /// (rep, working days without a step) for reps gone quiet.
    pub quiet: Vec<(&'a str, i64)>,
}

pub fn render(input: &DigestInput<'_>) -> String {
    let d = input.data;
    let reps = &input.reps;
    let now = Totals::of(d, reps, true);
    let before = Totals::of(d, reps, false);
    let title = format!("📊 Team digest — {}", input.period_label);
    let mut blocks: Vec<SlackBlock> =
        vec![SlackHeaderBlock::new(pt!(truncate(&title, 140))).into()];
    if reps.is_empty() {
        blocks.push(section("You don't manage anyone yet. Add your reps with `/momentum team add @a @b` and their prospecting shows up here."));
    } else {
        blocks.push(section(format!(
            "*Your team ({}), against the period before*\n{}",
            reps.len(),
            summary(&now, &before)
        )));
        let mut rep_lines: Vec<(i64, String)> = reps
            .iter()
            .map(|rep| {
                let t = Totals::of(d, &[rep], true);
                let rate = t
                    .rate()
                    .map(|r| format!(" · {r}% response"))
                    .unwrap_or_default();
                let line = format!(
                    "• <@{rep}> — {} touches · {} wins · {}/{} blocks · {} meetings{rate}",
                    t.touches(),
                    t.wins(),
                    t.blocks_done,
                    t.blocks_planned,
                    t.meetings()
                );
                (t.touches() + t.wins(), line)
            })
            .collect();
        rep_lines.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let lines: Vec<String> = std::iter::once("*Each rep*".to_owned())
            .chain(rep_lines.into_iter().map(|l| l.1))
            .collect();
        for chunk in chunk_lines(&lines) {
            blocks.push(section(chunk));
        }
        let mut gaps: Vec<f64> = d
            .gaps
            .iter()
            .filter(|g| reps.contains(&g.0.as_str()))
            .map(|g| g.1)
            .collect();
        let cadence = match median(&mut gaps) {
            Some(m) if m > 7.0 => {
                format!("*Median days between touches:* {m} ⚠️ — at least weekly reaches people")
            }
            Some(m) => format!("*Median days between touches:* {m}"),
            None => "*Median days between touches:* — (no repeat touches yet)".to_owned(),
        };
        blocks.push(section(cadence));
        let quiet = if input.quiet.is_empty() {
            "*Gone quiet:* nobody — everyone logged a step recently 👏".to_owned()
        } else {
            let names: Vec<String> = input
                .quiet
                .iter()
                .map(|(r, days)| format!("<@{r}> ({days} working days)"))
                .collect();
            format!(
                "*Gone quiet:* {} — a word from you helps more than a nudge from me",
                names.join(", ")
            )
        };
        blocks.push(section(quiet));
        let mut accountability = Vec::new();
        let dropped: Vec<String> = d
            .dropped_early
            .iter()
            .filter(|p| reps.contains(&p.0.as_str()))
            .map(|(r, name, n)| {
                format!(
                    "• <@{r}> dropped *{}* after {n} {}",
                    truncate(name, 60),
                    if *n == 1 { "touch" } else { "touches" }
                )
            })
            .collect();
        if !dropped.is_empty() {
            accountability.push(format!(
                "*Dropped after 3 or fewer touches* (it usually takes ~10):\n{}",
                dropped.join("\n")
            ));
        }
        let nos: Vec<String> = d
            .nos_unreplaced
            .iter()
            .filter(|p| reps.contains(&p.0.as_str()))
            .map(|(r, name)| {
                format!(
                    "• <@{r}>: *{}* said no — who replaces them?",
                    truncate(name, 60)
                )
            })
            .collect();
        if !nos.is_empty() {
            accountability.push(format!(
                "*No's without a replacement target:*\n{}",
                nos.join("\n")
            ));
        }
        for chunk in chunk_lines(&accountability) {
            blocks.push(section(chunk));
        }
        let best: Vec<String> = d
            .best_wins
            .iter()
            .filter(|w| reps.contains(&w.0.as_str()))
            .take(3)
            .map(|(r, kind, text)| {
                let emoji = WinKind::from_db(kind).map_or("⭐", |k| k.emoji());
                format!("• <@{r}>: {emoji} {}", truncate(text, 140))
            })
            .collect();
        if !best.is_empty() {
            blocks.push(section(format!(
                "*Worth recognising:*\n{}",
                best.join("\n")
            )));
        }
    }
    let mine = Totals::of(d, &[input.manager], true);
    blocks.push(section(format!(
        "*Your own prospecting:* {} touches · {} wins · {}/{} blocks · {} meetings",
        mine.touches(),
        mine.wins(),
        mine.blocks_done,
        mine.blocks_planned,
        mine.meetings()
    )));
    blocks.push(context("🔒 Individual numbers are for you and each rep only. `/momentum stats @rep` for one rep's detail."));
    let fallback = format!("{title}: {} touches, {} wins", now.touches(), now.wins());
    messages::post(input.manager, &fallback, blocks)
}
