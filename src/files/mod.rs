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
            let png = tokio::task::spawn_blocking(move || chart::period(&c)).await??;
            Ok(vec![NewPart {
                filename: "momentum-week.png".into(),
                title: chart.title.clone(),
                alt_txt: Some(chart.alt_text()),
                content: png,
            }])
        }
        Make::BlitzChart(chart) => {
            let c = chart.clone();
            let png = tokio::task::spawn_blocking(move || chart::blitz(&c)).await??;
            Ok(vec![NewPart {
                filename: "momentum-blitz.png".into(),
                title: chart.title.clone(),
                alt_txt: Some(chart.alt_text()),
                content: png,
            }])
        }
        Make::Export(req) => Ok(export::for_slack(reader, req).await?),
    }
}
