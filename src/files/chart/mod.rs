//! Draws the charts of `domain::chart` as PNG pictures, in memory, with the DejaVu Sans font
//! embedded in the binary (no system fonts, no fontconfig, nothing for the image or CI to
//! install). Wide and with large type so a phone shows it readably; the Okabe–Ito palette,
//! which colour-blind readers tell apart.
use crate::domain::chart::{BlitzChart, PeriodChart};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};
use std::sync::Once;

/// Every chart is this wide (Slack shows it full width on a phone and scales it down).
pub const WIDTH: u32 = 1400;
const FONT: &str = "momentum-sans";
const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Okabe & Ito's colour-blind-safe palette, in the order series take it.
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(240, 228, 66),  // yellow
];
const INK: RGBColor = RGBColor(29, 28, 29);
const MUTED: RGBColor = RGBColor(97, 96, 97);
const GHOST: RGBColor = RGBColor(221, 221, 221);

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("drawing failed: {0}")]
    Draw(String),
    #[error("PNG encoding failed: {0}")]
    Encode(#[from] png::EncodingError),
}

fn draw_error(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

fn fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded files are valid fonts; a failure would show as missing text, not a panic.
        let _ = register_font(FONT, FontStyle::Normal, REGULAR);
        let _ = register_font(FONT, FontStyle::Bold, BOLD);
    });
}

fn text(size: f64) -> TextStyle<'static> {
    (FONT, size).into_font().color(&INK)
}

fn bold(size: f64) -> TextStyle<'static> {
    (FONT, size, FontStyle::Bold).into_font().color(&INK)
}

/// Text the embedded font can draw: emoji and other characters outside the Basic
/// Multilingual Plane are dropped, and long names cut.
fn drawable(s: &str, max: usize) -> String {
    let kept: String = s
        .chars()
        .filter(|c| (*c as u32) <= 0xFFFF && !('\u{FE00}'..='\u{FE0F}').contains(c))
        .collect();
    let kept = kept.trim();
    if kept.chars().count() <= max {
        return kept.to_owned();
    }
    let mut cut: String = kept.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// Renders into an RGB buffer of `WIDTH × height` and encodes it as PNG.
fn picture(
    height: u32,
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), ChartError>,
) -> Result<Vec<u8>, ChartError> {
    fonts();
    let mut rgb = vec![255u8; (WIDTH * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        draw(&root)?;
        root.present().map_err(draw_error)?;
    }
    let mut out = Vec::with_capacity(rgb.len() / 8);
    {
        let mut encoder = png::Encoder::new(&mut out, WIDTH, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&rgb)?;
    }
    Ok(out)
}

/// The label of a horizontal bar chart's row: rows are drawn bottom up, so the first name
/// goes on top.
fn row_label(names: &[String], v: &SegmentValue<i32>) -> String {
    let n = names.len() as i32;
    match v {
        SegmentValue::CenterOf(i) => usize::try_from(n - 1 - *i)
            .ok()
            .and_then(|k| names.get(k))
            .cloned()
            .unwrap_or_default(),
        _ => String::new(),
    }
}

const DAYS_HEIGHT: u32 = 640;
const GOAL_ROW: u32 = 58;

/// The period chart: stacked bars per working day over ghost bars of the previous period,
/// then a bar per rep toward their goal.
pub fn period(chart: &PeriodChart) -> Result<Vec<u8>, ChartError> {
    let goals_height = if chart.goals.is_empty() {
        0
    } else {
        110 + GOAL_ROW * chart.goals.len() as u32
    };
    picture(DAYS_HEIGHT + goals_height, |root| {
        let (days_area, goals_area) = root.split_vertically(DAYS_HEIGHT);
        days(chart, &days_area)?;
        if !chart.goals.is_empty() {
            goals(chart, &goals_area)?;
        }
        Ok(())
    })
}

fn days(
    chart: &PeriodChart,
    area: &DrawingArea<BitMapBackend<'_>, Shift>,
) -> Result<(), ChartError> {
    let area = area.margin(24, 8, 24, 40);
    area.draw(&Text::new(drawable(&chart.title, 60), (0, 0), bold(40.0)))
        .map_err(draw_error)?;
    let subtitle = format!(
        "{} · {} in all · {} {}",
        drawable(&chart.subtitle, 40),
        chart.total(),
        chart.previous_label,
        chart.previous_total
    );
    area.draw(&Text::new(subtitle, (0, 50), text(28.0).color(&MUTED)))
        .map_err(draw_error)?;
    // Each series keeps its colour from week to week; the key names only those with touches.
    let used = |s: usize| {
        chart
            .days
            .iter()
            .any(|d| d.counts.get(s).is_some_and(|n| *n > 0))
    };
    let mut keys: Vec<(String, RGBColor)> = chart
        .series
        .iter()
        .enumerate()
        .filter(|(s, _)| used(*s))
        .map(|(s, name)| (drawable(name, 16), PALETTE[s % PALETTE.len()]))
        .collect();
    keys.push((format!("{} (same day)", chart.previous_label), GHOST));
    legend(&area, &keys, 100)?;
    let area = area.margin(150, 0, 0, 0);
    let n = chart.days.len().max(1) as i32;
    let top = chart
        .days
        .iter()
        .map(|d| d.total().max(d.previous))
        .max()
        .unwrap_or(0)
        .max(4);
    let top = top + top / 6 + 1;
    let labels: Vec<String> = chart.days.iter().map(|d| drawable(&d.label, 12)).collect();
    let mut plot = ChartBuilder::on(&area)
        .x_label_area_size(56)
        .y_label_area_size(80)
        .build_cartesian_2d((0..n - 1).into_segmented(), 0i64..top)
        .map_err(draw_error)?;
    plot.configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GHOST.mix(0.6))
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .x_labels(labels.len().max(1))
        .x_label_style(text(28.0))
        .y_label_style(text(24.0).color(&MUTED))
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .y_labels(5)
        .draw()
        .map_err(draw_error)?;
    let bar = |i: i32, from: i64, to: i64, style: ShapeStyle, inset: u32| {
        let mut r = Rectangle::new(
            [
                (SegmentValue::Exact(i), from),
                (SegmentValue::Exact(i + 1), to),
            ],
            style,
        );
        r.set_margin(0, 0, inset, inset);
        r
    };
    // The previous period behind, wider and pale: a ghost to measure against.
    plot.draw_series(
        chart
            .days
            .iter()
            .enumerate()
            .filter(|(_, d)| d.previous > 0)
            .map(|(i, d)| bar(i as i32, 0, d.previous, GHOST.filled(), 14)),
    )
    .map_err(draw_error)?;
    for s in 0..chart.series.len() {
        let colour = PALETTE[s % PALETTE.len()];
        let stacked = chart.days.iter().enumerate().filter_map(move |(i, d)| {
            let below: i64 = d.counts.iter().take(s).sum();
            let n = d.counts.get(s).copied().unwrap_or(0);
            (n > 0).then(|| bar(i as i32, below, below + n, colour.filled(), 40))
        });
        plot.draw_series(stacked).map_err(draw_error)?;
    }
    plot.draw_series(chart.days.iter().enumerate().map(|(i, d)| {
        Text::new(
            d.total().to_string(),
            (SegmentValue::CenterOf(i as i32), d.total()),
            bold(28.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
        )
    }))
    .map_err(draw_error)?;
    Ok(())
}

/// A row of coloured keys and their names at `y`, wrapping when the row is full.
fn legend(
    area: &DrawingArea<BitMapBackend<'_>, Shift>,
    keys: &[(String, RGBColor)],
    y: i32,
) -> Result<(), ChartError> {
    let width = area.dim_in_pixel().0 as i32;
    let (mut x, mut y) = (0, y);
    for (name, colour) in keys {
        let style = text(24.0);
        let (w, _) = area.estimate_text_size(name, &style).map_err(draw_error)?;
        let step = 34 + w as i32 + 28;
        if x > 0 && x + step > width {
            x = 0;
            y += 36;
        }
        area.draw(&Rectangle::new([(x, y), (x + 24, y + 24)], colour.filled()))
            .map_err(draw_error)?;
        area.draw(&Text::new(name.clone(), (x + 34, y), style))
            .map_err(draw_error)?;
        x += step;
    }
    Ok(())
}

fn goals(
    chart: &PeriodChart,
    area: &DrawingArea<BitMapBackend<'_>, Shift>,
) -> Result<(), ChartError> {
    let area = area.margin(24, 24, 24, 40);
    area.draw(&Text::new("Weekly goals", (0, 0), bold(32.0)))
        .map_err(draw_error)?;
    let area = area.margin(60, 0, 0, 0);
    let n = chart.goals.len() as i32;
    let far = chart
        .goals
        .iter()
        .map(|g| g.share())
        .fold(1.0f64, f64::max)
        .min(3.0)
        * 1.35;
    let names: Vec<String> = chart.goals.iter().map(|g| drawable(&g.name, 18)).collect();
    let mut plot = ChartBuilder::on(&area)
        .y_label_area_size(300)
        .build_cartesian_2d(0f64..far, (0..n - 1).into_segmented())
        .map_err(draw_error)?;
    plot.configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .axis_style(TRANSPARENT)
        .y_labels(names.len().max(1))
        .y_label_style(text(28.0))
        .y_label_formatter(&|v| row_label(&names, v))
        .draw()
        .map_err(draw_error)?;
    let row = |i: usize| n - 1 - i as i32;
    let bar = |i: usize, to: f64, style: ShapeStyle| {
        let mut r = Rectangle::new(
            [
                (0.0, SegmentValue::Exact(row(i))),
                (to, SegmentValue::Exact(row(i) + 1)),
            ],
            style,
        );
        r.set_margin(10, 10, 0, 0);
        r
    };
    plot.draw_series(
        chart
            .goals
            .iter()
            .enumerate()
            .map(|(i, _)| bar(i, 1.0, GHOST.filled())),
    )
    .map_err(draw_error)?;
    plot.draw_series(chart.goals.iter().enumerate().map(|(i, g)| {
        let colour = if g.done >= g.goal {
            PALETTE[2]
        } else {
            PALETTE[0]
        };
        bar(i, g.share().min(far), colour.filled())
    }))
    .map_err(draw_error)?;
    plot.draw_series(chart.goals.iter().enumerate().map(|(i, g)| {
        let tick = if g.done >= g.goal { " ✓" } else { "" };
        Text::new(
            format!("  {}/{} {}{tick}", g.done, g.goal, g.metric),
            (g.share().max(1.0).min(far), SegmentValue::CenterOf(row(i))),
            text(26.0).pos(Pos::new(HPos::Left, VPos::Center)),
        )
    }))
    .map_err(draw_error)?;
    Ok(())
}

const BLITZ_ROW: u32 = 64;

/// The blitz results: attempts and responses side by side for each participant.
pub fn blitz(chart: &BlitzChart) -> Result<Vec<u8>, ChartError> {
    let n = chart.people.len().max(1) as i32;
    let height = 230 + BLITZ_ROW * n as u32;
    picture(height, |root| {
        let area = root.margin(24, 24, 24, 40);
        area.draw(&Text::new(drawable(&chart.title, 60), (0, 0), bold(40.0)))
            .map_err(draw_error)?;
        legend(
            &area,
            &[
                ("attempts".into(), PALETTE[0]),
                ("responses".into(), PALETTE[1]),
            ],
            60,
        )?;
        let area = area.margin(110, 0, 0, 0);
        let far = chart
            .people
            .iter()
            .map(|p| p.attempts.max(p.responses))
            .max()
            .unwrap_or(0)
            .max(4) as f64
            * 1.25;
        let names: Vec<String> = chart.people.iter().map(|p| drawable(&p.name, 18)).collect();
        let mut plot = ChartBuilder::on(&area)
            .y_label_area_size(300)
            .x_label_area_size(40)
            .build_cartesian_2d(0f64..far, (0..n - 1).into_segmented())
            .map_err(draw_error)?;
        plot.configure_mesh()
            .disable_y_mesh()
            .bold_line_style(GHOST.mix(0.6))
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
            .x_labels(5)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .x_label_style(text(22.0).color(&MUTED))
            .y_labels(names.len().max(1))
            .y_label_style(text(28.0))
            .y_label_formatter(&|v| row_label(&names, v))
            .draw()
            .map_err(draw_error)?;
        let row = |i: usize| n - 1 - i as i32;
        let series = [(PALETTE[0], 8u32, 34u32), (PALETTE[1], 34, 8)];
        for (s, (colour, top, bottom)) in series.into_iter().enumerate() {
            let bars = chart.people.iter().enumerate().map(move |(i, p)| {
                let value = if s == 0 { p.attempts } else { p.responses } as f64;
                let mut r = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(row(i))),
                        (value, SegmentValue::Exact(row(i) + 1)),
                    ],
                    colour.filled(),
                );
                r.set_margin(top, bottom, 0, 0);
                r
            });
            plot.draw_series(bars).map_err(draw_error)?;
        }
        plot.draw_series(chart.people.iter().enumerate().map(|(i, p)| {
            Text::new(
                format!("  {} · {}", p.attempts, p.responses),
                (
                    p.attempts.max(p.responses) as f64,
                    SegmentValue::CenterOf(row(i)),
                ),
                text(24.0).pos(Pos::new(HPos::Left, VPos::Center)),
            )
        }))
        .map_err(draw_error)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests;
