//! The closed vocabularies as the store writes them into SQL text. Each is the domain's one
//! mapping (`as_str`, a `const fn`), never a second spelling here. They are written into the
//! statement rather than bound because a partial index (`prospects_cold`, `prospects_let_go`,
//! `blocks` on planned ones, the outbox's pending rows) is usable only when the planner sees
//! its terms word for word in the statement; a bound value would hide them.
use crate::domain::{BlockStatus, Outcome, ProspectStatus, Stage, WinKind, WinSource};
use std::sync::LazyLock;

pub(super) const STATUS_ACTIVE: &str = ProspectStatus::Active.as_str();
pub(super) const STATUS_DROPPED: &str = ProspectStatus::Dropped.as_str();

pub(super) const STAGE_PROSPECTING: &str = Stage::Prospecting.as_str();
pub(super) const STAGE_CLOSED: &str = Stage::Closed.as_str();

/// Wins typed with `/win` (not a touch outcome or block result celebrated for the rep).
pub(super) const SOURCE_TYPED: &str = WinSource::Typed.as_str();

pub(super) const OUTCOME_TALKED: &str = Outcome::Talked.as_str();
pub(super) const OUTCOME_MEETING: &str = Outcome::Meeting.as_str();
pub(super) const OUTCOME_NO: &str = Outcome::No.as_str();

pub(super) const PLANNED: &str = BlockStatus::Planned.as_str();
pub(super) const DONE: &str = BlockStatus::Done.as_str();
pub(super) const CANCELLED: &str = BlockStatus::Cancelled.as_str();

/// The outcomes that count as a response, as an SQL list of quoted words.
pub(super) static RESPONSES: LazyLock<String> = LazyLock::new(|| {
    Outcome::ALL
        .iter()
        .filter(|o| o.is_response())
        .map(|o| format!("'{}'", o.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
});

/// A win's rank among those worth recognising (`WinKind::WORTH_RECOGNISING`), as an SQL
/// `CASE` on the `kind` column: 0 for the most worth it.
pub(super) static RECOGNITION_RANK: LazyLock<String> = LazyLock::new(|| {
    let whens: Vec<String> = WinKind::WORTH_RECOGNISING
        .iter()
        .enumerate()
        .map(|(i, k)| format!("WHEN '{}' THEN {i}", k.as_str()))
        .collect();
    format!(
        "CASE kind {} ELSE {} END",
        whens.join(" "),
        WinKind::WORTH_RECOGNISING.len()
    )
});
