//! The manager digest: what the team did this period against the last, one line per rep, who
//! went quiet, who gave up early, which no's still need a replacement. Pure: it takes the
//! numbers the store read and renders the message.
use super::text::UserText;
use super::words::count;
use super::{Outcome, WinKind, response_rate};
use crate::commands::truncate;
use crate::slack::messages::{self, chunk_lines, context, section};
use crate::store::digest::{BlockTotals, CHANNELS, DigestData, OUTCOMES};
use slack_morphism::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// The digest data regrouped by person in one pass, so each manager's digest only visits
/// their own reps.
#[derive(Debug, Default)]
pub struct ByPerson<'a> {
    current: HashMap<&'a str, Totals>,
    previous: HashMap<&'a str, Totals>,
    /// (days between touches, how many touches) per person.
    gaps: HashMap<&'a str, Vec<(i64, i64)>>,
    dropped: HashMap<&'a str, Vec<(&'a UserText, i64)>>,
    nos: HashMap<&'a str, Vec<&'a UserText>>,
    /// (rank in the store's order, kind, text), best first.
    best: HashMap<&'a str, Vec<(usize, &'a str, &'a UserText)>>,
}

impl<'a> ByPerson<'a> {
    pub fn new(d: &'a DigestData) -> Self {
        let mut by = ByPerson::default();
        fn period<'b, 'a>(
            by: &'b mut ByPerson<'a>,
            user: &'a str,
            current: bool,
        ) -> &'b mut Totals {
            let map = if current {
                &mut by.current
            } else {
                &mut by.previous
            };
            map.entry(user).or_default()
        }
        for c in &d.wins {
            *period(&mut by, &c.user_id, c.current)
                .wins_by_kind
                .entry(c.key.clone())
                .or_default() += c.n;
        }
        for c in &d.touches {
            let t = period(&mut by, &c.user_id, c.current);
            for (channel, n) in CHANNELS.iter().zip(c.by_channel) {
                *t.touches_by_channel
                    .entry((*channel).to_owned())
                    .or_default() += n;
            }
            for (outcome, n) in OUTCOMES.iter().zip(c.by_outcome) {
                *t.touches_by_outcome
                    .entry((*outcome).to_owned())
                    .or_default() += n;
            }
        }
        for b in &d.blocks {
            period(&mut by, &b.user_id, b.current).add(&Totals::from(b));
        }
        for (user, gap, n) in &d.gaps {
            by.gaps.entry(user).or_default().push((*gap, *n));
        }
        for (user, name, n) in &d.dropped_early {
            by.dropped.entry(user).or_default().push((name, *n));
        }
        for (user, name) in &d.nos_unreplaced {
            by.nos.entry(user).or_default().push(name);
        }
        for (rank, (user, kind, text)) in d.best_wins.iter().enumerate() {
            let list = by.best.entry(user).or_default();
            if list.len() < 3 {
                list.push((rank, kind, text));
            }
        }
        by
    }

    /// Sums for these people over the current or the previous period.
    pub fn totals(&self, people: &[&str], current: bool) -> Totals {
        let map = if current {
            &self.current
        } else {
            &self.previous
        };
        let mut t = Totals::default();
        for p in people {
            if let Some(one) = map.get(p) {
                t.add(one);
            }
        }
        t
    }
}

impl From<&BlockTotals> for Totals {
    fn from(b: &BlockTotals) -> Self {
        Totals {
            blocks_planned: b.planned,
            blocks_done: b.done,
            block_conversations: b.conversations,
            block_meetings: b.meetings,
            block_callbacks: b.callbacks,
            block_nos: b.nos,
            ..Totals::default()
        }
    }
}

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
    pub fn add(&mut self, other: &Totals) {
        for (k, n) in &other.wins_by_kind {
            *self.wins_by_kind.entry(k.clone()).or_default() += n;
        }
        for (k, n) in &other.touches_by_channel {
            *self.touches_by_channel.entry(k.clone()).or_default() += n;
        }
        for (k, n) in &other.touches_by_outcome {
            *self.touches_by_outcome.entry(k.clone()).or_default() += n;
        }
        self.blocks_planned += other.blocks_planned;
        self.blocks_done += other.blocks_done;
        self.block_conversations += other.block_conversations;
        self.block_meetings += other.block_meetings;
        self.block_callbacks += other.block_callbacks;
        self.block_nos += other.block_nos;
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

/// The median of values given as (value, how many times), to one decimal.
pub fn median(counts: &[(i64, i64)]) -> Option<f64> {
    let mut histogram: BTreeMap<i64, i64> = BTreeMap::new();
    for (value, n) in counts {
        *histogram.entry(*value).or_default() += n;
    }
    let total: i64 = histogram.values().sum();
    if total <= 0 {
        return None;
    }
    let nth = |k: i64| {
        let mut seen = 0;
        histogram.iter().find_map(|(v, n)| {
            seen += n;
            (seen > k).then_some(*v as f64)
        })
    };
    let m = if total % 2 == 1 {
        nth(total / 2)?
    } else {
        (nth(total / 2 - 1)? + nth(total / 2)?) / 2.0
    };
    Some((m * 10.0).round() / 10.0)
}

/// Everything one manager's digest shows.
pub struct DigestInput<'a> {
    pub manager: &'a str,
    pub reps: Vec<&'a str>,
    pub period_label: String,
    pub by: &'a ByPerson<'a>,
    /// (rep, working days without a step) for reps gone quiet.
    pub quiet: Vec<(&'a str, i64)>,
}

pub fn render(input: &DigestInput<'_>) -> String {
    let by = input.by;
    let reps = &input.reps;
    let now = by.totals(reps, true);
    let before = by.totals(reps, false);
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
                let t = by.totals(&[rep], true);
                let rate = t
                    .rate()
                    .map(|r| format!(" · {r}% response"))
                    .unwrap_or_default();
                let line = format!(
                    "• <@{rep}> — {} · {} · {}/{} blocks · {}{rate}",
                    count(t.touches(), "touch"),
                    count(t.wins(), "win"),
                    t.blocks_done,
                    t.blocks_planned,
                    count(t.meetings(), "meeting")
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
        let gaps: Vec<(i64, i64)> = reps
            .iter()
            .filter_map(|r| by.gaps.get(r))
            .flatten()
            .copied()
            .collect();
        let cadence = match median(&gaps) {
            Some(m) if m > 7.0 => {
                format!("*Median days between touches:* {m} ⚠️ — at least weekly reaches people")
            }
            Some(m) => format!("*Median days between touches:* {m}"),
            None => "*Median days between touches:* — (no repeat touches yet)".to_owned(),
        };
        blocks.push(section(cadence));
        if input.quiet.is_empty() {
            blocks.push(section(
                "*Gone quiet:* nobody — everyone logged a step recently 👏",
            ));
        } else {
            // One line per rep, in as many sections as it takes (a big team can have hundreds).
            let lines: Vec<String> = std::iter::once(
                "*Gone quiet* — a word from you helps more than a nudge from me:".to_owned(),
            )
            .chain(
                input
                    .quiet
                    .iter()
                    .map(|(r, days)| format!("• <@{r}> ({})", count(*days, "working day"))),
            )
            .collect();
            for chunk in chunk_lines(&lines) {
                blocks.push(section(chunk));
            }
        }
        let mut accountability = Vec::new();
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
            accountability.push(format!(
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
            accountability.push(format!(
                "*No's without a replacement target:*\n{}",
                nos.join("\n")
            ));
        }
        for chunk in chunk_lines(&accountability) {
            blocks.push(section(chunk));
        }
        let mut candidates: Vec<(usize, &str, &str, &UserText)> = reps
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
            .map(|(_, r, kind, text)| {
                let emoji = WinKind::from_db(kind).map_or("⭐", |k| k.emoji());
                format!("• <@{r}>: {emoji} {}", text.mrkdwn(140))
            })
            .collect();
        if !best.is_empty() {
            blocks.push(section(format!(
                "*Worth recognising:*\n{}",
                best.join("\n")
            )));
        }
    }
    let mine = by.totals(&[input.manager], true);
    blocks.push(section(format!(
        "*Your own prospecting:* {} · {} · {}/{} blocks · {}",
        count(mine.touches(), "touch"),
        count(mine.wins(), "win"),
        mine.blocks_done,
        mine.blocks_planned,
        count(mine.meetings(), "meeting")
    )));
    blocks.push(context("🔒 Individual numbers are for you and each rep only. `/momentum stats @rep` for one rep's detail."));
    let fallback = format!(
        "{title}: {}, {}",
        count(now.touches(), "touch"),
        count(now.wins(), "win")
    );
    messages::post(input.manager, &fallback, blocks)
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_is_read_from_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[(3, 1)]), Some(3.0));
        assert_eq!(median(&[(1, 2), (9, 1)]), Some(1.0));
        assert_eq!(median(&[(1, 1), (4, 1)]), Some(2.5));
        assert_eq!(median(&[(7, 2), (2, 3)]), Some(2.0));
    }
}
