//! Exports: a period's touches, wins and blocks as three CSV files, streamed from the store
//! row by row into any writer — files on disk for the operator's `momentum export` (millions
//! of rows in constant memory), bytes for Slack (each file capped at [`SLACK_FILE_CAP`]).
use super::csv::{cell, sheet};
use crate::domain::files::{
    BLOCK_COLUMNS, BlockRow, ExportRequest, Rep, TOUCH_COLUMNS, TouchRow, WIN_COLUMNS, WinRow,
};
use crate::domain::time::short_date;
use crate::store::export;
use crate::store::files::NewPart;
use crate::store::sql::Reader;
use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The most bytes one exported file carries in Slack; a longer period is cut there and the
/// file's title says so (the operator's `momentum export` has no cap).
pub const SLACK_FILE_CAP: usize = 20 * 1024 * 1024;

/// How many rows went into each file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exported {
    pub touches: u64,
    pub wins: u64,
    pub blocks: u64,
}

/// One file written: its name, where it went, its rows, and whether the cap cut it.
struct Written<W> {
    name: String,
    out: W,
    rows: u64,
    cut: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("reading the steps: {0}")]
    Store(#[from] sqlx::Error),
    #[error("writing the file: {0}")]
    Io(#[from] std::io::Error),
}

/// Counts what passes through, to stop at a cap.
struct Counting<W> {
    inner: W,
    written: Arc<AtomicUsize>,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written.fetch_add(n, Ordering::Relaxed);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

const CAP_REACHED: &str = "momentum: export cap reached";

/// A time in the rep's zone (else the team's): (local date, local time, zone name, UTC).
fn when(at: DateTime<Utc>, rep: &Rep, team_tz: Tz) -> [String; 4] {
    let tz = rep
        .rep_tz
        .as_deref()
        .and_then(|t| t.parse::<Tz>().ok())
        .unwrap_or(team_tz);
    let local = at.with_timezone(&tz);
    [
        local.format("%Y-%m-%d").to_string(),
        local.format("%H:%M").to_string(),
        tz.name().to_owned(),
        at.to_rfc3339_opts(SecondsFormat::Secs, true),
    ]
}

/// The six cells every file's row starts with: when (local date, local time, zone, UTC) and
/// who (rep id, rep name).
fn lead(at: DateTime<Utc>, rep: &Rep, team_tz: Tz) -> Vec<String> {
    let [date, time, zone, utc] = when(at, rep, team_tz);
    let name = cell(rep.rep_name.as_deref().unwrap_or("")).into_owned();
    vec![date, time, zone, utc, rep.user_id.clone(), name]
}

/// A row: its [`lead`] cells, then the rest.
fn row(lead: Vec<String>, rest: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut row = lead;
    row.extend(rest);
    row
}

/// Streams one kind of row into the CSV file `{stem}-{kind}.csv`, opened with `$open`, up to
/// `cap` bytes.
macro_rules! stream {
    ($reader:expr, $req:expr, $kind:literal, $open:expr, $cap:expr, $header:expr, $read:path, $record:expr) => {{
        let name = format!("{}-{}.csv", $req.stem(), $kind);
        let written = Arc::new(AtomicUsize::new(0));
        let counting = Counting {
            inner: $open(&name)?,
            written: written.clone(),
        };
        let mut w = sheet(counting, &$header)?;
        let cap: Option<usize> = $cap;
        let record = $record;
        let mut rows = 0u64;
        let result = $read($reader, $req, |row| {
            if cap.is_some_and(|c| written.load(Ordering::Relaxed) >= c) {
                return Err(std::io::Error::other(CAP_REACHED));
            }
            rows += 1;
            w.write_record(record(&row).iter().map(|s: &String| s.as_bytes()))
                .map_err(std::io::Error::other)
        })
        .await;
        let cut = match result {
            Ok(_) => false,
            Err(sqlx::Error::Io(e)) if e.to_string() == CAP_REACHED => true,
            Err(e) => return Err(e.into()),
        };
        let out = w.into_inner().map_err(|e| e.into_error())?;
        Written {
            name,
            out: out.inner,
            rows,
            cut,
        }
    }};
}

/// Writes the three files to the writers `make` opens by file name.
async fn write_all<W: Write>(
    reader: &Reader,
    req: &ExportRequest,
    cap: Option<usize>,
    mut open: impl FnMut(&str) -> std::io::Result<W>,
) -> Result<Vec<Written<W>>, ExportError> {
    let team_tz: Tz = req.team_tz.parse().unwrap_or(Tz::UTC);
    let touches = stream!(
        reader,
        req,
        "touches",
        open,
        cap,
        TOUCH_COLUMNS,
        export::touches,
        |t: &TouchRow| {
            let rest = [
                cell(&t.prospect).into_owned(),
                cell(t.company.as_deref().unwrap_or("")).into_owned(),
                t.channel.as_str().to_owned(),
                t.outcome.as_str().to_owned(),
                t.stage_after().as_str().to_owned(),
                cell(&t.note).into_owned(),
                t.callback_on.map(|d| d.to_string()).unwrap_or_default(),
            ];
            row(lead(t.created_at, &t.rep, team_tz), rest)
        }
    );
    let wins = stream!(
        reader,
        req,
        "wins",
        open,
        cap,
        WIN_COLUMNS,
        export::wins,
        |w: &WinRow| {
            let rest = [
                w.kind.as_str().to_owned(),
                cell(&w.text).into_owned(),
                w.source.as_str().to_owned(),
                w.kudos.to_string(),
            ];
            row(lead(w.created_at, &w.rep, team_tz), rest)
        }
    );
    let blocks = stream!(
        reader,
        req,
        "blocks",
        open,
        cap,
        BLOCK_COLUMNS,
        export::blocks,
        |b: &BlockRow| {
            let rest = [
                b.minutes.to_string(),
                b.status.as_str().to_owned(),
                b.dials.to_string(),
                b.emails.to_string(),
                b.social.to_string(),
                b.conversations.to_string(),
                b.meetings.to_string(),
                b.callbacks.to_string(),
                b.nos.to_string(),
                b.planned.to_string(),
            ];
            row(lead(b.starts_at, &b.rep, team_tz), rest)
        }
    );
    let files = vec![touches, wins, blocks];
    Ok(files)
}

/// The export as files for Slack, each titled with what it holds.
pub async fn for_slack(reader: &Reader, req: &ExportRequest) -> Result<Vec<NewPart>, ExportError> {
    let files = write_all(reader, req, Some(SLACK_FILE_CAP), |_| Ok(Vec::<u8>::new())).await?;
    let period = format!("{} – {}", short_date(req.from), short_date(req.to));
    Ok(files
        .into_iter()
        .zip(["Touches", "Wins", "Blocks"])
        .map(|(file, what)| {
            let cut = if file.cut {
                " (cut at 20 MB: export a shorter period for the rest)"
            } else {
                ""
            };
            NewPart {
                title: format!("{what}, {period}{cut}"),
                filename: file.name,
                alt_txt: None,
                content: file.out,
            }
        })
        .collect())
}

/// The export as three files in `dir` (the operator's `momentum export`); returns their
/// paths and the rows written.
pub async fn to_dir(
    reader: &Reader,
    req: &ExportRequest,
    dir: &Path,
) -> Result<(Exported, Vec<PathBuf>), ExportError> {
    std::fs::create_dir_all(dir)?;
    let files = write_all(reader, req, None, |name| {
        Ok(std::io::BufWriter::new(std::fs::File::create(
            dir.join(name),
        )?))
    })
    .await?;
    let rows = |i: usize| files.get(i).map_or(0, |f: &Written<_>| f.rows);
    let done = Exported {
        touches: rows(0),
        wins: rows(1),
        blocks: rows(2),
    };
    let mut paths = Vec::new();
    for mut file in files {
        file.out.flush()?;
        paths.push(dir.join(file.name));
    }
    Ok((done, paths))
}
