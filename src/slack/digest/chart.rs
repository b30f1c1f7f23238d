//! The digest's picture, as data (`domain::chart`): drawn by `files::chart`, shared after the
//! digest's message.
use super::DigestInput;
use crate::domain::Channel;
use crate::domain::chart::{ChartDay, GoalBar, PeriodChart};
use crate::domain::goals::Metric;
use crate::domain::words::count;
use chrono::NaiveDate;

/// The picture of the digest's period: the team's touches per day stacked by channel over
/// the previous period's, and each rep's progress to their weekly goal. `None` for a manager
/// without reps, or a team with nothing in either period.
pub fn chart(input: &DigestInput<'_>) -> Option<PeriodChart> {
    let reps = &input.reps;
    if reps.is_empty() {
        return None;
    }
    let sum = |day: NaiveDate| {
        let mut total = [0i64; Channel::ALL.len()];
        for rep in reps {
            if let Some(counts) = input.by_day.get(&(*rep, day)) {
                for (t, n) in total.iter_mut().zip(counts) {
                    *t += n;
                }
            }
        }
        total
    };
    let days: Vec<ChartDay> = input
        .days
        .iter()
        .map(|(day, before)| ChartDay {
            label: day.format("%a %-d").to_string(),
            counts: sum(*day).to_vec(),
            previous: sum(*before).iter().sum(),
        })
        .collect();
    let before = input.by.totals(reps, false);
    let goals: Vec<GoalBar> = reps
        .iter()
        .filter_map(|rep| {
            let p = input.goals.get(rep)?;
            let metric = Metric::ALL
                .iter()
                .copied()
                .find(|m| p.goals.get(*m).is_some())?;
            Some(GoalBar {
                name: input
                    .names
                    .get(*rep)
                    .cloned()
                    .unwrap_or_else(|| (*rep).to_owned()),
                metric: metric.as_str().to_owned(),
                done: p.done.get(metric),
                goal: p.goals.get(metric)?,
            })
        })
        .collect();
    let active = days.iter().any(|d| d.total() > 0 || d.previous > 0)
        || before.touches() > 0
        || !goals.is_empty();
    active.then(|| PeriodChart {
        title: format!("Touches per day · {}", input.period_label),
        subtitle: format!("Your team ({})", count(reps.len() as i64, "rep")),
        series: Channel::ALL.iter().map(|c| c.label().to_owned()).collect(),
        days,
        previous_label: "period before".into(),
        previous_total: before.touches(),
        goals,
    })
}
