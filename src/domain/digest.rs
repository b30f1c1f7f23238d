//! The manager digest's numbers: what the team did this period against the last, per rep, who
//! gave up early, which no's still need a replacement. Pure: the store reads [`DigestData`],
//! [`ByPerson`] regroups it, and `slack::digest` renders it.
use super::text::UserText;
use super::{Channel, Outcome, WinKind, response_rate};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// The two periods compared, as local days: `current` is `[from, to]`, `previous` is
/// `[prev_from, from)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    pub prev_from: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Wins of one kind by one person in the current (`true`) or previous period.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KindCount {
    pub user_id: String,
    pub current: bool,
    pub kind: WinKind,
    pub n: i64,
}

/// Block plans and results of one person in one period.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BlockTotals {
    pub user_id: String,
    pub current: bool,
    pub planned: i64,
    pub done: i64,
    pub dials: i64,
    pub emails: i64,
    pub social: i64,
    pub conversations: i64,
    pub meetings: i64,
    pub callbacks: i64,
    pub nos: i64,
}

/// Touch counts for one person and period: one count per channel and per outcome, in the
/// order of [`Channel::ALL`] and [`Outcome::ALL`].
#[derive(Debug, Clone)]
pub struct TouchCount {
    pub user_id: String,
    pub current: bool,
    pub by_channel: [i64; Channel::ALL.len()],
    pub by_outcome: [i64; Outcome::ALL.len()],
}

/// One person's touches of one local day by channel (in the order of [`Channel::ALL`]):
/// `/touch` logs and a block's dials, emails and social touches, as everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTouches {
    pub user_id: String,
    pub day: NaiveDate,
    pub by_channel: [i64; Channel::ALL.len()],
}

/// A prospect dropped in the period after 3 or fewer touches, not after a no.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DroppedEarly {
    pub user_id: String,
    pub prospect: UserText,
    pub touches: i64,
}

/// A prospect who said no in the period and has no replacement target yet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Unreplaced {
    pub user_id: String,
    pub prospect: UserText,
}

/// `n` of a person's touches in the period came `days` after the previous touch on the
/// same prospect.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Gap {
    pub user_id: String,
    pub days: i64,
    pub n: i64,
}

/// One of a person's wins most worth recognising.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BestWin {
    pub user_id: String,
    pub kind: WinKind,
    pub text: UserText,
}

/// A person's last step, if any.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LastStep {
    pub user_id: String,
    pub day: Option<NaiveDate>,
    /// Away through this local day (now or in the past).
    pub away_until: Option<NaiveDate>,
    /// When they joined: welcomed onto a team, else first seen.
    pub joined_at: chrono::DateTime<chrono::Utc>,
}

/// A block a rep has planned (for the manager's view of the coming week).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlannedSlot {
    pub user_id: String,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub minutes: i64,
}

/// What a team's digests read over two periods.
#[derive(Debug, Clone, Default)]
pub struct DigestData {
    pub wins: Vec<KindCount>,
    pub touches: Vec<TouchCount>,
    pub blocks: Vec<BlockTotals>,
    pub dropped_early: Vec<DroppedEarly>,
    pub nos_unreplaced: Vec<Unreplaced>,
    pub gaps: Vec<Gap>,
    /// Each person's three best wins, best first.
    pub best_wins: Vec<BestWin>,
    pub last_steps: Vec<LastStep>,
}

/// The digest data regrouped by person in one pass, so each manager's digest only visits
/// their own reps.
#[derive(Debug, Default)]
pub struct ByPerson<'a> {
    current: HashMap<&'a str, Totals>,
    previous: HashMap<&'a str, Totals>,
    /// (days between touches, how many touches) per person.
    pub gaps: HashMap<&'a str, Vec<(i64, i64)>>,
    pub dropped: HashMap<&'a str, Vec<(&'a UserText, i64)>>,
    pub nos: HashMap<&'a str, Vec<&'a UserText>>,
    /// (rank in the store's order, kind, text), best first.
    pub best: HashMap<&'a str, Vec<(usize, WinKind, &'a UserText)>>,
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
                .entry(c.kind)
                .or_default() += c.n;
        }
        for c in &d.touches {
            let t = period(&mut by, &c.user_id, c.current);
            for (channel, n) in Channel::ALL.iter().zip(c.by_channel) {
                *t.touches_by_channel.entry(*channel).or_default() += n;
            }
            for (outcome, n) in Outcome::ALL.iter().zip(c.by_outcome) {
                *t.touches_by_outcome.entry(*outcome).or_default() += n;
            }
        }
        for b in &d.blocks {
            period(&mut by, &b.user_id, b.current).add(&Totals::from(b));
        }
        for g in &d.gaps {
            by.gaps.entry(&g.user_id).or_default().push((g.days, g.n));
        }
        for p in &d.dropped_early {
            by.dropped
                .entry(&p.user_id)
                .or_default()
                .push((&p.prospect, p.touches));
        }
        for p in &d.nos_unreplaced {
            by.nos.entry(&p.user_id).or_default().push(&p.prospect);
        }
        for (rank, w) in d.best_wins.iter().enumerate() {
            let list = by.best.entry(&w.user_id).or_default();
            if list.len() < 3 {
                list.push((rank, w.kind, &w.text));
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
            touches_by_channel: block_touches(b.dials, b.emails, b.social),
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

/// A block's dials, emails and social touches as touches by channel (phone, email, social).
pub fn block_touches(dials: i64, emails: i64, social: i64) -> BTreeMap<Channel, i64> {
    [
        (Channel::Phone, dials),
        (Channel::Email, emails),
        (Channel::Social, social),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .collect()
}

/// Sums for a set of people over one period, with the one definition of each number that
/// stats, Home, the digest's lines and totals, goals and the blitz share:
///
/// - a **touch** is a `/touch` log or one of a block's dials (phone), emails (email) and
///   social touches (social) — `touches_by_channel` holds both;
/// - a **conversation** is a `talked` touch or a block's conversation; a **meeting**, a
///   `meeting` touch or a block's meeting; likewise call-backs and no's;
/// - a **response** is a `replied`, `talked`, `meeting` or `callback` touch, or a block's
///   conversation, meeting or call-back; the **response rate** is responses over touches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub wins_by_kind: BTreeMap<WinKind, i64>,
    pub touches_by_channel: BTreeMap<Channel, i64>,
    pub touches_by_outcome: BTreeMap<Outcome, i64>,
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
            *self.wins_by_kind.entry(*k).or_default() += n;
        }
        for (k, n) in &other.touches_by_channel {
            *self.touches_by_channel.entry(*k).or_default() += n;
        }
        for (k, n) in &other.touches_by_outcome {
            *self.touches_by_outcome.entry(*k).or_default() += n;
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
        self.touches_by_outcome.get(&o).copied().unwrap_or(0)
    }
    pub fn responses(&self) -> i64 {
        let touched: i64 = Outcome::ALL
            .iter()
            .filter(|o| o.is_response())
            .map(|o| self.outcome(*o))
            .sum();
        touched + self.block_conversations + self.block_meetings + self.block_callbacks
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

    /// The channel that carried at least [`ONE_CHANNEL_PERCENT`] of [`MIN_TOUCHES_FOR_MIX`] or
    /// more touches, with its share in whole percent.
    pub fn mostly_one_channel(&self) -> Option<(Channel, i64)> {
        let total = self.touches();
        if total < MIN_TOUCHES_FOR_MIX {
            return None;
        }
        let (channel, n) = self
            .touches_by_channel
            .iter()
            .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))?;
        let share = n * 100 / total;
        (share >= ONE_CHANNEL_PERCENT).then_some((*channel, share))
    }
}

/// A rep's touches are "mostly one channel" from this share…
pub const ONE_CHANNEL_PERCENT: i64 = 80;
/// …of at least this many touches in the period.
pub const MIN_TOUCHES_FOR_MIX: i64 = 10;

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

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn mostly_one_channel_needs_ten_touches_and_four_in_five_on_one() {
        use super::{Channel, Totals};
        let with = |phone: i64, email: i64| Totals {
            touches_by_channel: [(Channel::Phone, phone), (Channel::Email, email)].into(),
            ..Totals::default()
        };
        assert_eq!(with(8, 2).mostly_one_channel(), Some((Channel::Phone, 80)));
        assert_eq!(with(7, 3).mostly_one_channel(), None);
        assert_eq!(with(8, 0).mostly_one_channel(), None);
        assert_eq!(with(1, 19).mostly_one_channel(), Some((Channel::Email, 95)));
    }

    #[test]
    fn the_median_is_read_from_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[(3, 1)]), Some(3.0));
        assert_eq!(median(&[(1, 2), (9, 1)]), Some(1.0));
        assert_eq!(median(&[(1, 1), (4, 1)]), Some(2.5));
        assert_eq!(median(&[(7, 2), (2, 3)]), Some(2.0));
    }
}
