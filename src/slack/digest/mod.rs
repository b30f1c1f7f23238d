//! The manager digest's message: what the team did this period against the last, one line
//! per rep, who went quiet, who gave up early, which no's still need a replacement, and the
//! wins worth recognising. Pure: built from the numbers in `domain::digest`.
use super::messages::{self, chunk_lines, context, section};
use crate::domain::digest::{ByPerson, PlannedSlot, Totals, median};
use crate::domain::goals::Progress;
use crate::domain::quiet::Standing;
use crate::domain::text::{UserText, cut};
use crate::domain::time::short_date;
use crate::domain::words::count;
use crate::domain::{Channel, WinKind};
use chrono::NaiveDate;
use chrono_tz::Tz;
use slack_morphism::prelude::*;

mod chart;
pub use chart::chart;
use std::collections::{BTreeMap, HashMap};

/// "142 (↑18)" — a figure with its change from the previous period.
fn versus(now: i64, before: i64) -> String {
    match now - before {
        0 => format!("{now} (=)"),
        d if d > 0 => format!("{now} (↑{d})"),
        d => format!("{now} (↓{})", -d),
    }
}

/// "12 phone · 3 email": counts by word, most first, then by word.
fn breakdown<K: Copy + Into<&'static str>>(map: &BTreeMap<K, i64>) -> String {
    let mut pairs: Vec<(&'static str, &i64)> = map
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| ((*k).into(), n))
        .collect();
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
        "*Blocks* {} (before: {})",
        crate::domain::words::blocks_done_of_planned(now.blocks_done, now.blocks_planned),
        crate::domain::words::blocks_done_of_planned(before.blocks_done, before.blocks_planned)
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

/// Everything one manager's digest shows.
pub struct DigestInput<'a> {
    pub manager: &'a str,
    /// The manager's zone and local day (planned blocks are shown in it).
    pub tz: Tz,
    pub today: NaiveDate,
    pub reps: Vec<&'a str>,
    pub period_label: String,
    pub by: &'a ByPerson<'a>,
    /// Reps gone quiet, never started or away (`domain::quiet`), in team order.
    pub quiet: Vec<(&'a str, Standing)>,
    /// Goal progress over the period, by member (those with goals).
    pub goals: &'a HashMap<&'a str, &'a Progress>,
    /// Blocks planned for the coming week, by member, in start order.
    pub planned: &'a HashMap<&'a str, Vec<&'a PlannedSlot>>,
    /// The period's days worth a bar (working days, and any day someone worked), oldest first,
    /// each with the same day of the previous period.
    pub days: Vec<(NaiveDate, NaiveDate)>,
    /// Touches per person and local day, by channel.
    pub by_day: &'a HashMap<(&'a str, NaiveDate), [i64; Channel::ALL.len()]>,
    /// Display names (people without one are named by their Slack id, never mentioned).
    pub names: &'a HashMap<String, String>,
}

pub fn render(input: &DigestInput<'_>) -> String {
    let by = input.by;
    let reps = &input.reps;
    let now = by.totals(reps, true);
    let before = by.totals(reps, false);
    let title = format!("📊 Team digest — {}", input.period_label);
    let mut blocks: Vec<SlackBlock> = vec![SlackHeaderBlock::new(pt!(cut(&title, 140))).into()];
    if reps.is_empty() {
        blocks.push(section("You don't manage anyone yet. Add your reps with `/momentum team add @a @b` and their prospecting shows up here."));
    } else {
        blocks.push(section(format!(
            "*Your team ({}), against the period before*\n{}",
            reps.len(),
            summary(&now, &before)
        )));
        let sections = [
            each_rep(by, reps),
            vec![cadence(by, reps)],
            goals(input),
            planned(input),
            gone_quiet(&input.quiet),
            one_channel(by, reps),
            chunk_lines(&accountability(by, reps)),
            worth_recognising(by, reps).into_iter().collect(),
        ];
        blocks.extend(sections.into_iter().flatten().map(section));
    }
    let mine = by.totals(&[input.manager], true);
    blocks.push(section(format!(
        "*Your own prospecting:* {}",
        activity(&mine)
    )));
    blocks.push(context("🔒 Individual numbers are for you and each rep only. `/momentum stats @rep` for one rep's detail."));
    let fallback = format!(
        "{title}: {}, {}",
        count(now.touches(), "touch"),
        count(now.wins(), "win")
    );
    messages::post(input.manager, &fallback, blocks)
}

/// The manager's Home tab: their team's week so far as sections — a line per rep, goals, the
/// coming week's blocks, who is quiet, and no's without a replacement.
pub fn team_week(input: &DigestInput<'_>) -> Vec<String> {
    let (by, reps) = (input.by, &input.reps);
    if reps.is_empty() {
        return Vec::new();
    }
    let sections = [
        each_rep(by, reps),
        goals(input),
        planned(input),
        gone_quiet(&input.quiet),
        chunk_lines(&accountability(by, reps)),
    ];
    sections.into_iter().flatten().collect()
}

/// "12 touches · 3 wins · 1 block done · 2 planned · 1 meeting".
fn activity(t: &Totals) -> String {
    format!(
        "{} · {} · {} · {}",
        count(t.touches(), "touch"),
        count(t.wins(), "win"),
        crate::domain::words::blocks_done_of_planned(t.blocks_done, t.blocks_planned),
        count(t.meetings(), "meeting")
    )
}

/// One line per rep, busiest first, in as many sections as it takes.
fn each_rep(by: &ByPerson<'_>, reps: &[&str]) -> Vec<String> {
    let mut rep_lines: Vec<(i64, String)> = reps
        .iter()
        .map(|rep| {
            let t = by.totals(&[rep], true);
            let rate = t
                .rate()
                .map(|r| format!(" · {r}% response"))
                .unwrap_or_default();
            let line = format!("• <@{rep}> — {}{rate}", activity(&t));
            (t.touches() + t.wins(), line)
        })
        .collect();
    rep_lines.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let lines: Vec<String> = std::iter::once("*Each rep*".to_owned())
        .chain(rep_lines.into_iter().map(|l| l.1))
        .collect();
    chunk_lines(&lines)
}

/// The median gap between touches on a prospect, flagged when it is over a week.
fn cadence(by: &ByPerson<'_>, reps: &[&str]) -> String {
    let gaps: Vec<(i64, i64)> = reps
        .iter()
        .filter_map(|r| by.gaps.get(r))
        .flatten()
        .copied()
        .collect();
    match median(&gaps) {
        Some(m) if m > 7.0 => {
            format!("*Median days between touches:* {m} ⚠️ — at least weekly reaches people")
        }
        Some(m) => format!("*Median days between touches:* {m}"),
        None => "*Median days between touches:* — (no repeat touches yet)".to_owned(),
    }
}

/// Each rep's progress toward their goals over the period (for the manager only), in as
/// many sections as it takes.
pub(super) fn goals(input: &DigestInput<'_>) -> Vec<String> {
    let lines: Vec<String> = input
        .reps
        .iter()
        .filter_map(|rep| {
            let p = input.goals.get(rep)?;
            Some(format!("• <@{rep}> — {}", p.line()))
        })
        .collect();
    titled("*Goals*", lines)
}

/// A titled list in as many sections as it takes; nothing when the list is empty.
fn titled(title: &str, lines: Vec<String>) -> Vec<String> {
    if lines.is_empty() {
        return Vec::new();
    }
    chunk_lines(&[vec![title.to_owned()], lines].concat())
}

/// Each rep's blocks planned for the coming week, in the manager's zone.
pub(super) fn planned(input: &DigestInput<'_>) -> Vec<String> {
    let mut lines = vec![format!(
        "*Blocks planned for the coming week* (times in {})",
        input.tz
    )];
    for rep in &input.reps {
        let slots: Vec<String> = input
            .planned
            .get(rep)
            .into_iter()
            .flatten()
            .map(|b| {
                let start = b.starts_at.with_timezone(&input.tz);
                let day = if start.date_naive() == input.today {
                    "today".to_owned()
                } else {
                    start.format("%a %-d").to_string()
                };
                format!("{day} {} ({}m)", start.format("%H:%M"), b.minutes)
            })
            .collect();
        lines.push(if slots.is_empty() {
            format!("• <@{rep}> — none yet")
        } else {
            format!("• <@{rep}> — {}", slots.join(", "))
        });
    }
    chunk_lines(&lines)
}

/// Reps whose touches were mostly one channel: varied persistence reaches more people.
fn one_channel(by: &ByPerson<'_>, reps: &[&str]) -> Vec<String> {
    let lines: Vec<String> = reps
        .iter()
        .filter_map(|rep| {
            let t = by.totals(&[rep], true);
            let (channel, share) = t.mostly_one_channel()?;
            let others: Vec<&str> = Channel::SUGGESTED
                .into_iter()
                .filter(|c| *c != channel)
                .take(2)
                .map(Channel::label)
                .collect();
            Some(format!(
                "• <@{rep}>: {share}% {} ({} of {}) — suggest mixing in {}",
                channel.label(),
                t.touches_by_channel.get(&channel).copied().unwrap_or(0),
                t.touches(),
                others.join(" and ")
            ))
        })
        .collect();
    titled(
        "*Mostly one channel* — ten different touches reach more people than the same call ten times:",
        lines,
    )
}

/// Reps with no step for a while, one line each (a big team can have hundreds); reps away are
/// shown apart, never as quiet.
fn gone_quiet(quiet: &[(&str, Standing)]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut away = Vec::new();
    for (r, standing) in quiet {
        match standing {
            Standing::Quiet { missed, .. } => {
                lines.push(format!("• <@{r}> ({})", count(*missed, "working day")))
            }
            Standing::NeverStarted { joined, .. } => lines.push(format!(
                "• <@{r}> — hasn't logged a first step since joining on {}",
                short_date(*joined)
            )),
            Standing::Away { until } => away.push(format!("<@{r}> until {}", short_date(*until))),
            Standing::Active => {}
        }
    }
    let mut out = if lines.is_empty() {
        vec!["*Gone quiet:* nobody — everyone logged a step recently 👏".to_owned()]
    } else {
        let mut all =
            vec!["*Gone quiet* — a word from you helps more than a nudge from me:".to_owned()];
        all.extend(lines);
        chunk_lines(&all)
    };
    if !away.is_empty() {
        out.extend(chunk_lines(&[format!("*Away:* {}", away.join(" · "))]));
    }
    out
}

/// Prospects given up too early, and no's nobody replaced yet.
fn accountability(by: &ByPerson<'_>, reps: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let dropped: Vec<String> = reps
        .iter()
        .flat_map(|r| {
            by.dropped
                .get(r)
                .into_iter()
                .flatten()
                .map(move |(name, n)| (r, name, n))
        })
        .map(|(r, name, n)| {
            format!(
                "• <@{r}> dropped *{}* after {n} {}",
                name.mrkdwn(60),
                if *n == 1 { "touch" } else { "touches" }
            )
        })
        .collect();
    if !dropped.is_empty() {
        out.push(format!(
            "*Dropped after 3 or fewer touches* (it usually takes ~10):\n{}",
            dropped.join("\n")
        ));
    }
    let nos: Vec<String> = reps
        .iter()
        .flat_map(|r| {
            by.nos
                .get(r)
                .into_iter()
                .flatten()
                .map(move |name| (r, name))
        })
        .map(|(r, name)| {
            format!(
                "• <@{r}>: *{}* said no — who replaces them?",
                name.mrkdwn(60)
            )
        })
        .collect();
    if !nos.is_empty() {
        out.push(format!(
            "*No's without a replacement target:*\n{}",
            nos.join("\n")
        ));
    }
    out
}

/// The team's three best wins of the period.
fn worth_recognising(by: &ByPerson<'_>, reps: &[&str]) -> Option<String> {
    let mut candidates: Vec<(usize, &str, WinKind, &UserText)> = reps
        .iter()
        .flat_map(|r| {
            by.best
                .get(r)
                .into_iter()
                .flatten()
                .map(move |(rank, kind, text)| (*rank, *r, *kind, *text))
        })
        .collect();
    candidates.sort_by_key(|c| c.0);
    let best: Vec<String> = candidates
        .into_iter()
        .take(3)
        .map(|(_, r, kind, text)| format!("• <@{r}>: {} {}", kind.emoji(), text.mrkdwn(140)))
        .collect();
    (!best.is_empty()).then(|| format!("*Worth recognising:*\n{}", best.join("\n")))
}
