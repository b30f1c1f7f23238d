//! `/momentum export`: which period, and whose steps.
use super::super::echo;
use super::{MomentumRequest, ParseError, user_mention, words};
use crate::domain::files::{ExportPeriod, MAX_EXPORT_DAYS};

const EXPORT: &[&str] = &[
    "/momentum export",
    "/momentum export last-month",
    "/momentum export 2026-11-01..2026-11-30 @jane",
];

/// `/momentum export [week|month|last-week|last-month|FROM..TO] [@rep]`; this month so far
/// by default.
pub(super) fn export(rest: &[String]) -> Result<MomentumRequest, ParseError> {
    let mut period = None;
    let mut rep = None;
    let words: Vec<String> = rest.iter().map(|w| w.to_lowercase()).collect();
    let mut i = 0;
    while i < words.len() {
        let word = words[i].as_str();
        let next = words.get(i + 1).map(String::as_str);
        let (found, used) = match (word, next) {
            ("last", Some("week")) => (Some(ExportPeriod::LastWeek), 2),
            ("last", Some("month")) => (Some(ExportPeriod::LastMonth), 2),
            ("week" | "this-week", _) => (Some(ExportPeriod::Week), 1),
            ("month" | "this-month", _) => (Some(ExportPeriod::Month), 1),
            ("last-week" | "lastweek", _) => (Some(ExportPeriod::LastWeek), 1),
            ("last-month" | "lastmonth", _) => (Some(ExportPeriod::LastMonth), 1),
            _ => (None, 1),
        };
        if let Some(p) = found {
            if period.replace(p).is_some() {
                return Err(ParseError::new("Export one period at a time.", EXPORT));
            }
        } else if let Some((a, b)) = word.split_once("..") {
            let (Some(from), Some(to)) = (words::date(a), words::date(b)) else {
                return Err(ParseError::new(
                    "Give the days as YYYY-MM-DD..YYYY-MM-DD.",
                    EXPORT,
                ));
            };
            if from > to {
                return Err(ParseError::new(
                    "The first day comes before the last.",
                    EXPORT,
                ));
            }
            if (to - from).num_days() >= MAX_EXPORT_DAYS {
                return Err(ParseError::new(
                    format!("Export at most {MAX_EXPORT_DAYS} days at a time."),
                    EXPORT,
                ));
            }
            if period.replace(ExportPeriod::Days(from, to)).is_some() {
                return Err(ParseError::new("Export one period at a time.", EXPORT));
            }
        } else if let Some(user) = user_mention(&rest[i]) {
            if rep.replace(user).is_some() {
                return Err(ParseError::new("Export one rep at a time.", EXPORT));
            }
        } else {
            return Err(ParseError::new(
                format!(
                    "I read `{}` in export, but expected a period (week, month, last-week, last-month, \
                     FROM..TO) or @someone.",
                    echo(&rest[i], 30)
                ),
                EXPORT,
            ));
        }
        i += used;
    }
    Ok(MomentumRequest::Export {
        period: period.unwrap_or(ExportPeriod::Month),
        rep,
    })
}
