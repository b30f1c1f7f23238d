//! Files Slack receives and the operator writes: charts (PNG) and exports (CSV). Made outside
//! any write transaction — by the outbox's delivery for Slack, by `momentum export` on disk.
pub mod calendar;
pub mod chart;
pub mod csv;
pub mod export;

use crate::domain::files::Make;
use crate::store::files::NewPart;
use crate::store::sql::Reader;

/// Makes the files an upload carries. Charts are drawn on a blocking thread (tens of
/// milliseconds of CPU), never on the writer.
pub async fn make(reader: &Reader, make: &Make) -> anyhow::Result<Vec<NewPart>> {
    match make {
        Make::PeriodChart(chart) => {
            let c = chart.clone();
            let alt = chart.alt_text();
            png("momentum-week.png", &chart.title, alt, move || {
                chart::period(&c)
            })
            .await
        }
        Make::BlitzChart(chart) => {
            let c = chart.clone();
            let alt = chart.alt_text();
            png("momentum-blitz.png", &chart.title, alt, move || {
                chart::blitz(&c)
            })
            .await
        }
        Make::Export(req) => Ok(export::for_slack(reader, req).await?),
    }
}

/// A chart drawn on a blocking thread by `draw`, as the one PNG an upload carries.
async fn png(
    filename: &str,
    title: &str,
    alt_txt: String,
    draw: impl FnOnce() -> Result<Vec<u8>, chart::ChartError> + Send + 'static,
) -> anyhow::Result<Vec<NewPart>> {
    let content = tokio::task::spawn_blocking(draw).await??;
    Ok(vec![NewPart {
        filename: filename.into(),
        title: title.to_owned(),
        alt_txt: Some(alt_txt),
        content,
    }])
}
