use super::*;
use crate::domain::chart::{BlitzBar, ChartDay, GoalBar};

/// The PNG's width and height, read back by a decoder.
fn decoded(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(bytes);
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).expect("its pixels");
    assert!(pixels.iter().any(|p| *p < 128), "something dark is drawn");
    (info.width, info.height)
}

fn team(reps: usize) -> PeriodChart {
    PeriodChart {
        title: "Touches per day · Mon 16 – Fri 20 Nov".into(),
        subtitle: "Team of Dana 🎯".into(),
        series: ["phone", "email", "social", "text", "in person", "video"]
            .map(String::from)
            .into(),
        days: (0..5)
            .map(|d| ChartDay {
                label: format!("Day {d}"),
                counts: (0..6).map(|c| (d * 3 + c) as i64 % 7).collect(),
                previous: 9 + d as i64,
            })
            .collect(),
        previous_label: "previous week".into(),
        previous_total: 55,
        goals: (0..reps)
            .map(|i| GoalBar {
                name: format!("Rep {i} with a rather long name indeed 🚀"),
                metric: "touches".into(),
                done: (i as i64 * 7) % 60,
                goal: 50,
            })
            .collect(),
    }
}

#[test]
fn a_period_chart_is_a_wide_png_that_grows_with_the_team() {
    let (w, h) = decoded(&period(&team(3)).unwrap());
    assert_eq!((w, h), (WIDTH, DAYS_HEIGHT + 110 + 3 * GOAL_ROW));
    let (_, h50) = decoded(&period(&team(50)).unwrap());
    assert_eq!(h50, DAYS_HEIGHT + 110 + 50 * GOAL_ROW);
    let (_, alone) = decoded(&period(&team(0)).unwrap());
    assert_eq!(alone, DAYS_HEIGHT);
}

#[test]
fn an_empty_period_still_draws() {
    let mut chart = team(0);
    chart.days.clear();
    chart.series.clear();
    assert_eq!(decoded(&period(&chart).unwrap()).0, WIDTH);
}

#[test]
fn a_blitz_chart_has_a_row_per_participant() {
    let chart = BlitzChart {
        title: "Blitz results".into(),
        people: vec![
            BlitzBar {
                name: "Ann".into(),
                attempts: 12,
                responses: 3,
            },
            BlitzBar {
                name: "a teammate".into(),
                attempts: 0,
                responses: 0,
            },
        ],
    };
    assert_eq!(
        decoded(&blitz(&chart).unwrap()),
        (WIDTH, 230 + 2 * BLITZ_ROW)
    );
}
