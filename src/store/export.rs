//! What an export reads: a team's (or some reps') touches, wins and blocks over local days,
//! oldest first, streamed row by row so millions of rows never sit in memory.
use super::sql::{self, Reader};
use crate::domain::files::{BlockRow, ExportRequest, TouchRow, WinRow, stage_rank};
use crate::domain::{Outcome, TextValue};
use std::collections::HashMap;

/// `AND <column> IN (?, ?, …)` for the request's reps (nothing for the whole team).
fn reps_filter(column: &str, req: &ExportRequest) -> String {
    match &req.reps {
        None => String::new(),
        Some(reps) if reps.is_empty() => " AND 1 = 0".into(),
        Some(reps) => format!(" AND {column} IN ({})", vec!["?"; reps.len()].join(", ")),
    }
}

fn bind_reps<'q>(mut q: sql::Query<'q>, req: &'q ExportRequest) -> sql::Query<'q> {
    for rep in req.reps.iter().flatten() {
        q = q.bind(rep.as_str());
    }
    q
}

/// `statement` with the request's team, first and last day, then its reps bound, in that
/// order (`WHERE … team_id = ? AND day >= ? AND day <= ?` and the reps' filter).
fn in_period<'q>(statement: &'q str, req: &'q ExportRequest) -> sql::Query<'q> {
    let q = sql::query_as(statement)
        .bind(req.team_id.as_str())
        .bind(req.from)
        .bind(req.to);
    bind_reps(q, req)
}

/// The stage rank each outcome moves a prospect to, as SQL (from the domain's one rule).
fn stage_rank_sql() -> String {
    let arms: Vec<String> = Outcome::ALL
        .iter()
        .filter(|o| stage_rank(**o) > 0)
        .map(|o| format!("WHEN '{}' THEN {}", o.to_text(), stage_rank(*o)))
        .collect();
    format!("CASE outcome {} ELSE 0 END", arms.join(" "))
}

/// Streams the touches into `each`, oldest first; returns how many. The stage after each
/// touch is the running maximum of its prospect's outcomes: started from what the prospect's
/// touches before the period reached (one grouped read), then carried along the stream in a
/// map of the prospects seen — no sort of the whole period in the database.
pub async fn touches(
    reader: &Reader,
    req: &ExportRequest,
    mut each: impl FnMut(TouchRow) -> std::io::Result<()>,
) -> sqlx::Result<u64> {
    let rank = stage_rank_sql();
    let reps = reps_filter("user_id", req);
    let before = format!(
        "SELECT prospect_id, CAST(MAX({rank}) AS BIGINT) FROM touches
         WHERE team_id = ? AND day < ?{reps}
           AND prospect_id IN (SELECT prospect_id FROM touches WHERE team_id = ? AND day >= ? AND day <= ?{reps})
         GROUP BY prospect_id"
    );
    let q = sql::query_as(&before)
        .bind(req.team_id.as_str())
        .bind(req.from);
    let q = bind_reps(q, req)
        .bind(req.team_id.as_str())
        .bind(req.from)
        .bind(req.to);
    let earlier: Vec<(i64, i64)> = bind_reps(q, req).fetch_all(reader).await?;
    let mut stages: HashMap<i64, i64> = earlier.into_iter().collect();
    let statement = format!(
        "SELECT t.created_at, t.prospect_id, t.user_id, m.name AS rep_name, m.tz AS rep_tz, p.name AS prospect,
                p.company, t.channel, t.outcome, CAST(0 AS BIGINT) AS stage_rank, t.note, t.callback_on
         FROM touches t
         JOIN prospects p ON p.id = t.prospect_id
         LEFT JOIN members m ON m.team_id = t.team_id AND m.user_id = t.user_id
         WHERE t.team_id = ? AND t.day >= ? AND t.day <= ?{}
         ORDER BY t.created_at, t.id",
        reps_filter("t.user_id", req),
    );
    in_period(&statement, req)
        .for_each(reader, |mut row: TouchRow| {
            let stage = stages.entry(row.prospect_id).or_insert(0);
            *stage = (*stage).max(stage_rank(row.outcome));
            row.stage_rank = *stage;
            each(row)
        })
        .await
}

/// Streams the wins into `each`; returns how many.
pub async fn wins(
    reader: &Reader,
    req: &ExportRequest,
    each: impl FnMut(WinRow) -> std::io::Result<()>,
) -> sqlx::Result<u64> {
    let statement = format!(
        "SELECT w.created_at, w.user_id, m.name AS rep_name, m.tz AS rep_tz, w.kind, w.text, w.source,
                (SELECT COUNT(*) FROM kudos k WHERE k.win_id = w.id) AS kudos
         FROM wins w LEFT JOIN members m ON m.team_id = w.team_id AND m.user_id = w.user_id
         WHERE w.team_id = ? AND w.day >= ? AND w.day <= ?{}
         ORDER BY w.created_at, w.id",
        reps_filter("w.user_id", req)
    );
    in_period(&statement, req).for_each(reader, each).await
}

/// Streams the blocks (cancelled ones too: the status says so) into `each`; returns how many.
pub async fn blocks(
    reader: &Reader,
    req: &ExportRequest,
    each: impl FnMut(BlockRow) -> std::io::Result<()>,
) -> sqlx::Result<u64> {
    let statement = format!(
        "SELECT b.starts_at, b.user_id, m.name AS rep_name, m.tz AS rep_tz, b.minutes, b.status,
                b.dials, b.emails, b.social, b.conversations, b.meetings, b.callbacks, b.nos, b.planned
         FROM blocks b LEFT JOIN members m ON m.team_id = b.team_id AND m.user_id = b.user_id
         WHERE b.team_id = ? AND b.day >= ? AND b.day <= ?{}
         ORDER BY b.starts_at, b.id",
        reps_filter("b.user_id", req)
    );
    in_period(&statement, req).for_each(reader, each).await
}
