//! `/block`: plan a prospecting block, report its results, list or cancel blocks.
use super::{ParseError, tokenize, words};
use crate::domain::BlockResults;
use chrono::{NaiveDate, NaiveTime, Weekday};

const PLAN: &[&str] = &[
    "/block 14:00 60m",
    "/block tomorrow 9:30 45m",
    "/block now 30m",
];
const DONE: &[&str] = &["/block done 25 dials 8 emails 4 convos 2 meetings 1 callback 3 no"];
const ALL: &[&str] = &[
    "/block tomorrow 9:30 45m",
    "/block done 25 dials 4 convos 1 meeting",
    "/block list",
    "/block cancel",
    "/block calendar",
];

/// Shortest and longest block we accept, in minutes.
pub const MIN_MINUTES: u32 = 5;
pub const MAX_MINUTES: u32 = 480;
/// Length when none is given.
pub const DEFAULT_MINUTES: u32 = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockRequest {
    Plan {
        start: BlockStart,
        minutes: u32,
    },
    Done(BlockResults),
    List,
    /// Cancel the block with this number (as `/block list` shows it), or the next one.
    Cancel(Option<i64>),
    /// The private calendar link (a new one with `reset`, which retires the old).
    Calendar {
        reset: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockStart {
    Now,
    At { day: DaySpec, time: NaiveTime },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaySpec {
    /// Today, or — when no day was given — the next time that clock time comes round is not
    /// assumed: a past time today is refused with a hint.
    Today,
    Tomorrow,
    Next(Weekday),
    On(NaiveDate),
}

pub fn parse(text: &str) -> Result<BlockRequest, ParseError> {
    let tokens = tokenize(text);
    let Some(first) = tokens.first() else {
        return Err(ParseError::new(
            "When will you prospect? Give a time and a length.",
            ALL,
        ));
    };
    match first.to_lowercase().as_str() {
        "done" | "results" | "report" => done(&tokens[1..]),
        "list" | "ls" => Ok(BlockRequest::List),
        "cancel" | "delete" | "remove" => cancel(&tokens[1..]),
        "calendar" | "ical" | "ics" | "feed" => match tokens[1..] {
            [] => Ok(BlockRequest::Calendar { reset: false }),
            [ref word] if matches!(word.to_lowercase().as_str(), "reset" | "new" | "revoke") => {
                Ok(BlockRequest::Calendar { reset: true })
            }
            _ => Err(ParseError::new(
                "Your calendar link, or a new one:",
                &["/block calendar", "/block calendar reset"],
            )),
        },
        "help" => Err(ParseError::new(
            "Plan a block, log how it went, list or cancel:",
            ALL,
        )),
        _ => plan(&tokens),
    }
}

fn plan(tokens: &[String]) -> Result<BlockRequest, ParseError> {
    let mut rest = tokens;
    let first = rest[0].to_lowercase();
    if first == "now" {
        let minutes = minutes(&rest[1..])?;
        return Ok(BlockRequest::Plan {
            start: BlockStart::Now,
            minutes,
        });
    }
    let day = match first.as_str() {
        "today" => Some(DaySpec::Today),
        "tomorrow" | "tmrw" | "tmw" => Some(DaySpec::Tomorrow),
        _ => words::weekday(&first)
            .map(DaySpec::Next)
            .or_else(|| words::date(&first).map(DaySpec::On)),
    };
    if day.is_some() {
        rest = &rest[1..];
    }
    let Some(time_word) = rest.first() else {
        return Err(ParseError::new(
            "At what time? Add a start time after the day.",
            PLAN,
        ));
    };
    let Some(time) = words::time(time_word) else {
        return Err(ParseError::new(
            format!(
                "I couldn't read `{}` as a start time.",
                super::echo(time_word, 30)
            ),
            PLAN,
        ));
    };
    let minutes = minutes(&rest[1..])?;
    Ok(BlockRequest::Plan {
        start: BlockStart::At {
            day: day.unwrap_or(DaySpec::Today),
            time,
        },
        minutes,
    })
}

fn minutes(rest: &[String]) -> Result<u32, ParseError> {
    let minutes = match rest {
        [] => DEFAULT_MINUTES,
        [one] => words::duration_minutes(one).ok_or_else(|| {
            ParseError::new(
                format!("I couldn't read `{}` as a length.", super::echo(one, 30)),
                PLAN,
            )
        })?,
        _ => {
            return Err(ParseError::new(
                "That's more than a day, a time and a length.",
                PLAN,
            ));
        }
    };
    if !(MIN_MINUTES..=MAX_MINUTES).contains(&minutes) {
        return Err(ParseError::new(
            format!(
                "A block lasts between {MIN_MINUTES} minutes and {} hours.",
                MAX_MINUTES / 60
            ),
            PLAN,
        ));
    }
    Ok(minutes)
}

/// The largest count a block's result may hold, each number on its own (the form's limit too).
pub const MAX_COUNT: u32 = 9999;

fn done(rest: &[String]) -> Result<BlockRequest, ParseError> {
    if rest.is_empty() {
        return Err(ParseError::new("How did it go? Give the counts.", DONE));
    }
    let mut results = BlockResults::default();
    let mut i = 0;
    while i < rest.len() {
        let (n, label) = match (words::count(&rest[i]), rest.get(i + 1)) {
            (Some(n), Some(label)) => (n, label),
            _ => {
                return Err(ParseError::new(
                    format!(
                        "I expected a number and what it counts, at `{}`.",
                        super::echo(&rest[i], 30)
                    ),
                    DONE,
                ));
            }
        };
        let label = label.to_lowercase();
        let label = label.trim_end_matches([',', '.']);
        let slot = match label {
            "dial" | "dials" | "call" | "calls" => &mut results.dials,
            "email" | "emails" | "mail" | "mails" => &mut results.emails,
            "social" | "socials" | "linkedin" | "dm" | "dms" | "messages" => &mut results.social,
            "convo" | "convos" | "conversation" | "conversations" | "talk" | "talks"
            | "contacts" => &mut results.conversations,
            "meeting" | "meetings" | "booked" => &mut results.meetings,
            "callback" | "callbacks" | "call-back" | "call-backs" => &mut results.callbacks,
            "no" | "nos" | "no's" | "noes" => &mut results.nos,
            other => {
                return Err(ParseError::new(
                    format!(
                        "I don't count `{}` — I know dials, emails, social, convos, meetings, callbacks and no.",
                        super::echo(other, 30)
                    ),
                    DONE,
                ));
            }
        };
        *slot = slot.saturating_add(n);
        if *slot > MAX_COUNT {
            return Err(ParseError::new(
                format!(
                    "A block's counts go up to {MAX_COUNT} each, and your `{label}` add up to more."
                ),
                DONE,
            ));
        }
        i += 2;
    }
    Ok(BlockRequest::Done(results))
}

fn cancel(rest: &[String]) -> Result<BlockRequest, ParseError> {
    match rest {
        [] => Ok(BlockRequest::Cancel(None)),
        [n] => match n.trim_start_matches('#').parse::<i64>() {
            Ok(id) if id > 0 => Ok(BlockRequest::Cancel(Some(id))),
            _ => Err(ParseError::new(
                "Give the block's number from `/block list`, or nothing for the next one.",
                &["/block cancel", "/block cancel 12"],
            )),
        },
        _ => Err(ParseError::new(
            "Cancel one block at a time.",
            &["/block cancel", "/block cancel 12"],
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: DaySpec, h: u32, m: u32) -> BlockStart {
        BlockStart::At {
            day,
            time: NaiveTime::from_hms_opt(h, m, 0).unwrap(),
        }
    }

    #[test]
    fn a_plan_reads_day_time_and_length() {
        assert_eq!(
            parse("14:00 60m"),
            Ok(BlockRequest::Plan {
                start: at(DaySpec::Today, 14, 0),
                minutes: 60
            })
        );
        assert_eq!(
            parse("tomorrow 9:30 45m"),
            Ok(BlockRequest::Plan {
                start: at(DaySpec::Tomorrow, 9, 30),
                minutes: 45
            })
        );
        assert_eq!(
            parse("now 30m"),
            Ok(BlockRequest::Plan {
                start: BlockStart::Now,
                minutes: 30
            })
        );
        assert_eq!(
            parse("fri 2pm 1h"),
            Ok(BlockRequest::Plan {
                start: at(DaySpec::Next(Weekday::Fri), 14, 0),
                minutes: 60
            })
        );
        assert_eq!(
            parse("9am"),
            Ok(BlockRequest::Plan {
                start: at(DaySpec::Today, 9, 0),
                minutes: DEFAULT_MINUTES
            })
        );
    }

    #[test]
    fn results_read_counts_and_labels() {
        let BlockRequest::Done(r) =
            parse("done 25 dials 8 emails 4 convos 2 meetings 1 callback 3 no").unwrap()
        else {
            panic!("not a report")
        };
        assert_eq!(
            r,
            BlockResults {
                dials: 25,
                emails: 8,
                social: 0,
                conversations: 4,
                meetings: 2,
                callbacks: 1,
                nos: 3
            }
        );
    }

    #[test]
    fn nonsense_is_explained_with_an_example() {
        assert!(
            parse("whenever")
                .unwrap_err()
                .message()
                .contains("/block 14:00 60m")
        );
        assert!(parse("done lots of dials").is_err());
        assert!(parse("done 9999 dials").is_ok());
        assert!(parse("done 10000 dials").is_err());
        for over in ["done 9999 dials 9999 dials", "done 5000 calls 5000 dials"] {
            let error = parse(over).unwrap_err();
            assert!(
                error.problem.contains("up to 9999"),
                "{over}: {}",
                error.problem
            );
        }
        assert!(
            parse("done 5 unicorns")
                .unwrap_err()
                .message()
                .contains("unicorns")
        );
        assert!(parse("14:00 9h").is_err());
        assert!(parse("").is_err());
    }
}
