//! Charts as data: what a picture of numbers shows, and the same in words. The picture is drawn
//! by `files::chart`; the words are its alt text (for screen readers and notifications). A
//! chart travels in an outbox row's payload, so it carries its own labels rather than
//! indexes into a vocabulary that a later version might reorder.
use serde::{Deserialize, Serialize};

/// Slack keeps at most this many characters of a file's alt text.
pub const MAX_ALT_TEXT: usize = 1000;

/// A period of a team's touches: per working day, stacked by channel, with the previous
/// period beside it, and each rep's progress to their weekly goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodChart {
    /// "Touches per day · Mon 16 – Fri 20 Nov".
    pub title: String,
    /// Whose numbers: "Team of Dana (4 reps)".
    pub subtitle: String,
    /// The stacked series, bottom up (channel labels).
    pub series: Vec<String>,
    pub days: Vec<ChartDay>,
    /// "previous week".
    pub previous_label: String,
    pub previous_total: i64,
    /// One bar per rep with a goal, in the digest's order.
    pub goals: Vec<GoalBar>,
}

/// One working day of a [`PeriodChart`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartDay {
    /// "Mon 16".
    pub label: String,
    /// Touches per series, in the order of [`PeriodChart::series`].
    pub counts: Vec<i64>,
    /// The same day of the previous period, all series together.
    pub previous: i64,
}

impl ChartDay {
    pub fn total(&self) -> i64 {
        self.counts.iter().sum()
    }
}

/// A rep's progress toward one weekly goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalBar {
    pub name: String,
    /// "touches".
    pub metric: String,
    pub done: i64,
    pub goal: i64,
}

impl GoalBar {
    /// Done over goal, from 0 up (past 1 when the goal is beaten).
    pub fn share(&self) -> f64 {
        if self.goal <= 0 {
            return 1.0;
        }
        self.done.max(0) as f64 / self.goal as f64
    }
}

impl PeriodChart {
    pub fn total(&self) -> i64 {
        self.days.iter().map(ChartDay::total).sum()
    }

    /// The chart in words: "Touches per day, Mon 16 – Fri 20 Nov: Mon 16 12, Tue 17 30; 42 in
    /// all, previous week 64. Goals: Ann 12/50 touches, Bo 8/10 meetings."
    pub fn alt_text(&self) -> String {
        let days: Vec<String> = self
            .days
            .iter()
            .map(|d| format!("{} {}", d.label, d.total()))
            .collect();
        let mut text = format!(
            "{}, {}: {}; {} in all, {} {}.",
            self.title,
            self.subtitle,
            days.join(", "),
            self.total(),
            self.previous_label,
            self.previous_total
        );
        if !self.goals.is_empty() {
            let goals: Vec<String> = self
                .goals
                .iter()
                .map(|g| format!("{} {}/{} {}", g.name, g.done, g.goal, g.metric))
                .collect();
            text.push_str(&format!(" Goals: {}.", goals.join(", ")));
        }
        clip(text)
    }
}

/// A blitz's results: each participant's attempts and responses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlitzChart {
    /// "Blitz results · 45 min".
    pub title: String,
    pub people: Vec<BlitzBar>,
}

/// One participant of a [`BlitzChart`] (named as the channel sees them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlitzBar {
    pub name: String,
    pub attempts: i64,
    pub responses: i64,
}

impl BlitzChart {
    /// "Blitz results: Ann 12 attempts, 3 responses; a teammate 9 attempts, 1 response."
    pub fn alt_text(&self) -> String {
        let people: Vec<String> = self
            .people
            .iter()
            .map(|p| {
                format!(
                    "{} {}, {}",
                    p.name,
                    super::words::count(p.attempts, "attempt"),
                    super::words::count(p.responses, "response")
                )
            })
            .collect();
        clip(format!("{}: {}.", self.title, people.join("; ")))
    }
}

/// Text cut to Slack's alt-text limit, on a character boundary, with an ellipsis.
fn clip(text: String) -> String {
    if text.chars().count() <= MAX_ALT_TEXT {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_ALT_TEXT - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week() -> PeriodChart {
        PeriodChart {
            title: "Touches per day · Mon 16 – Fri 20 Nov".into(),
            subtitle: "Team of Dana (2 reps)".into(),
            series: vec!["phone".into(), "email".into()],
            days: vec![
                ChartDay {
                    label: "Mon 16".into(),
                    counts: vec![10, 2],
                    previous: 5,
                },
                ChartDay {
                    label: "Tue 17".into(),
                    counts: vec![0, 0],
                    previous: 1,
                },
            ],
            previous_label: "previous week".into(),
            previous_total: 6,
            goals: vec![GoalBar {
                name: "Ann".into(),
                metric: "touches".into(),
                done: 12,
                goal: 50,
            }],
        }
    }

    #[test]
    fn the_alt_text_says_each_day_the_total_the_previous_period_and_the_goals() {
        assert_eq!(
            week().alt_text(),
            "Touches per day · Mon 16 – Fri 20 Nov, Team of Dana (2 reps): Mon 16 12, Tue 17 0; \
             12 in all, previous week 6. Goals: Ann 12/50 touches."
        );
    }

    #[test]
    fn a_long_alt_text_is_cut_to_slacks_limit() {
        let mut chart = week();
        chart.goals = (0..200)
            .map(|i| GoalBar {
                name: format!("Rep number {i}"),
                metric: "touches".into(),
                done: i,
                goal: 50,
            })
            .collect();
        let alt = chart.alt_text();
        assert_eq!(alt.chars().count(), MAX_ALT_TEXT);
        assert!(alt.ends_with('…'));
    }
}
