//! Times drawing the digest's chart for a 50-rep team (five days, six channels, a goal bar per
//! rep) and the blitz chart for 30 people, PNG encoding included.
//!
//! ```sh
//! cargo run --release --example chart_bench            # 50 rounds each, median and worst
//! ```
use momentum::domain::chart::{BlitzBar, BlitzChart, ChartDay, GoalBar, PeriodChart};
use momentum::files::chart;
use std::time::{Duration, Instant};

fn period(reps: usize) -> PeriodChart {
    PeriodChart {
        title: "Touches per day · Mon 16 Nov – Sun 22 Nov".into(),
        subtitle: format!("Your team ({reps} reps)"),
        series: ["phone", "email", "social", "text", "in person", "video"]
            .map(String::from)
            .into(),
        days: (0..5)
            .map(|d| ChartDay {
                label: format!("Mon {}", 16 + d),
                counts: (0..6).map(|c| ((d * 7 + c * 13) % 40) as i64 * 3).collect(),
                previous: 300 + d as i64 * 10,
            })
            .collect(),
        previous_label: "period before".into(),
        previous_total: 1600,
        goals: (0..reps)
            .map(|i| GoalBar {
                name: format!("Representative {i}"),
                metric: "touches".into(),
                done: (i as i64 * 17) % 90,
                goal: 50,
            })
            .collect(),
    }
}

fn time(label: &str, rounds: usize, mut draw: impl FnMut() -> usize) {
    let mut times: Vec<Duration> = Vec::with_capacity(rounds);
    let mut bytes = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        bytes = draw();
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "{label}: median {:.1} ms, worst {:.1} ms, {} KB PNG ({rounds} rounds)",
        times[rounds / 2].as_secs_f64() * 1000.0,
        times[rounds - 1].as_secs_f64() * 1000.0,
        bytes / 1024
    );
}

fn main() -> anyhow::Result<()> {
    let rounds = 50;
    let team = period(50);
    chart::period(&team)?; // the font is registered once, outside the timing
    time("digest chart, 50 reps", rounds, || {
        chart::period(&team).map(|png| png.len()).unwrap_or(0)
    });
    let blitz = BlitzChart {
        title: "Blitz results · 60 minutes".into(),
        people: (0..30)
            .map(|i| BlitzBar {
                name: format!("Representative {i}"),
                attempts: 10 + (i * 7) % 30,
                responses: (i * 3) % 9,
            })
            .collect(),
    };
    time("blitz chart, 30 people", rounds, || {
        chart::blitz(&blitz).map(|png| png.len()).unwrap_or(0)
    });
    Ok(())
}
