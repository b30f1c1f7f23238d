//! Files on their way to Slack, as the outbox keeps them: what to make (a chart, an export)
//! and where it goes. The bytes are made later, by the delivery, outside any write
//! transaction; an export's rows are read then, so the file holds what was logged by the
//! time it is made.
use super::chart::{BlitzChart, PeriodChart};
use super::goals::week_of;
use super::{BlockStatus, Channel, Outcome, Stage, WinKind, WinSource};
use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// An outbox row of method `files.completeUploadExternal`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    pub make: Make,
    /// Share into the thread of the message this row follows (else just after it).
    #[serde(default)]
    pub in_thread: bool,
}

/// What the files are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Make {
    PeriodChart(PeriodChart),
    BlitzChart(BlitzChart),
    Export(ExportRequest),
}

/// Whose steps go into an export, and over which local days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRequest {
    pub team_id: String,
    /// The reps whose steps are exported; `None` exports everyone on the team (the operator's
    /// `momentum export`).
    pub reps: Option<Vec<String>>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The zone of a rep whose own zone is unknown.
    pub team_tz: String,
}

impl ExportRequest {
    /// `momentum-2026-11-01-2026-11-30`: the files' common stem.
    pub fn stem(&self) -> String {
        format!("momentum-{}-{}", self.from, self.to)
    }
}

/// The period `/momentum export` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportPeriod {
    /// This week so far (Monday to today).
    Week,
    /// This month so far.
    Month,
    LastWeek,
    LastMonth,
    /// From one day to another, both included.
    Days(NaiveDate, NaiveDate),
}

/// The longest period one export covers.
pub const MAX_EXPORT_DAYS: i64 = 366;

impl ExportPeriod {
    /// The first and last local day, given today.
    pub fn days(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let first_of_month = today.with_day(1).unwrap_or(today);
        match self {
            ExportPeriod::Week => (week_of(today).0, today),
            ExportPeriod::Month => (first_of_month, today),
            ExportPeriod::LastWeek => {
                let monday = week_of(today).0 - Days::new(7);
                (monday, monday + Days::new(6))
            }
            ExportPeriod::LastMonth => {
                let first = first_of_month
                    .checked_sub_months(Months::new(1))
                    .unwrap_or(first_of_month);
                (first, first_of_month - Days::new(1))
            }
            ExportPeriod::Days(from, to) => (from, to),
        }
    }
}

/// Who logged an exported row, as the store knows them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Rep {
    pub user_id: String,
    pub rep_name: Option<String>,
    /// Their own IANA zone, if Slack told us.
    pub rep_tz: Option<String>,
}

/// One `/touch` log, for `touches.csv`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TouchRow {
    pub created_at: DateTime<Utc>,
    pub prospect_id: i64,
    #[sqlx(flatten)]
    pub rep: Rep,
    pub prospect: String,
    pub company: Option<String>,
    pub channel: Channel,
    pub outcome: Outcome,
    /// The prospect's stage once this touch was logged, as the rank of [`Stage::ALL`].
    pub stage_rank: i64,
    pub note: String,
    pub callback_on: Option<NaiveDate>,
}

impl TouchRow {
    pub fn stage_after(&self) -> Stage {
        usize::try_from(self.stage_rank)
            .ok()
            .and_then(|i| Stage::ALL.get(i).copied())
            .unwrap_or(Stage::Prospecting)
    }
}

/// The rank of the stage an outcome moves a prospect to (0 when it moves none): the running
/// maximum of these over a prospect's touches is its stage after each.
pub fn stage_rank(outcome: Outcome) -> i64 {
    outcome
        .stage()
        .and_then(|s| Stage::ALL.iter().position(|x| *x == s))
        .unwrap_or(0) as i64
}

/// One win, typed or celebrated from a touch or a block, for `wins.csv`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WinRow {
    pub created_at: DateTime<Utc>,
    #[sqlx(flatten)]
    pub rep: Rep,
    pub kind: WinKind,
    pub text: String,
    pub source: WinSource,
    pub kudos: i64,
}

/// One prospecting block, for `blocks.csv`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BlockRow {
    pub starts_at: DateTime<Utc>,
    #[sqlx(flatten)]
    pub rep: Rep,
    pub minutes: i64,
    pub status: BlockStatus,
    pub dials: i64,
    pub emails: i64,
    pub social: i64,
    pub conversations: i64,
    pub meetings: i64,
    pub callbacks: i64,
    pub nos: i64,
    /// Planned ahead (`false` for a block logged after the fact).
    pub planned: bool,
}

/// The stable column names of the three CSV files (documented in the README).
pub const TOUCH_COLUMNS: [&str; 13] = [
    "local_date",
    "local_time",
    "time_zone",
    "utc_time",
    "rep_id",
    "rep_name",
    "prospect",
    "company",
    "channel",
    "outcome",
    "stage_after",
    "note",
    "callback_on",
];
pub const WIN_COLUMNS: [&str; 10] = [
    "local_date",
    "local_time",
    "time_zone",
    "utc_time",
    "rep_id",
    "rep_name",
    "kind",
    "text",
    "source",
    "kudos",
];
pub const BLOCK_COLUMNS: [&str; 16] = [
    "local_date",
    "planned_start",
    "time_zone",
    "utc_start",
    "rep_id",
    "rep_name",
    "minutes",
    "status",
    "dials",
    "emails",
    "social",
    "conversations",
    "meetings",
    "callbacks",
    "nos",
    "planned",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn export_periods_are_whole_local_days() {
        let today = d("2026-12-02"); // a Wednesday
        assert_eq!(ExportPeriod::Week.days(today), (d("2026-11-30"), today));
        assert_eq!(ExportPeriod::Month.days(today), (d("2026-12-01"), today));
        assert_eq!(
            ExportPeriod::LastWeek.days(today),
            (d("2026-11-23"), d("2026-11-29"))
        );
        assert_eq!(
            ExportPeriod::LastMonth.days(today),
            (d("2026-11-01"), d("2026-11-30"))
        );
        assert_eq!(
            ExportPeriod::LastMonth.days(d("2026-03-31")),
            (d("2026-02-01"), d("2026-02-28"))
        );
    }

    #[test]
    fn an_upload_keeps_its_kind_in_the_payload() {
        let upload = Upload {
            make: Make::Export(ExportRequest {
                team_id: "T1".into(),
                reps: Some(vec!["U1".into()]),
                from: d("2026-11-01"),
                to: d("2026-11-30"),
                team_tz: "Europe/Paris".into(),
            }),
            in_thread: false,
        };
        let json = serde_json::to_string(&upload).unwrap();
        assert!(json.contains(r#""kind":"export""#), "{json}");
        assert_eq!(serde_json::from_str::<Upload>(&json).unwrap(), upload);
    }
}
