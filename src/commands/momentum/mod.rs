//! `/momentum`: help, stats, team, channel, away, private, settings.
use super::{ParseError, channel_mention, tokenize, user_mention, words};
use crate::domain::files::ExportPeriod;
use crate::domain::goals::{Goals, Metric};
use crate::domain::time::WorkDays;
use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;

mod export;
use export::export;

const EXAMPLES: &[&str] = &[
    "/momentum help",
    "/momentum stats week",
    "/momentum team add @jane @bob",
    "/momentum away until 2026-12-31",
];
const SETTINGS: &[&str] = &[
    "/momentum settings",
    "/momentum settings tz Europe/Paris",
    "/momentum settings quiet 3",
    "/momentum settings shoutout 16:00",
    "/momentum settings digest mon 08:00",
    "/momentum settings digest daily 08:30",
    "/momentum settings workdays mon-fri",
    "/momentum settings hours 09:00-17:30",
    "/momentum settings holiday 2026-12-25",
    "/momentum settings holiday 2026-12-25 off",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MomentumRequest {
    Help,
    Stats {
        period: Period,
        user: Option<String>,
    },
    TeamShow,
    TeamAdd(Vec<String>),
    TeamLeave,
    Channel(String),
    /// Away through this local day; `None` means back now.
    Away(Option<NaiveDate>),
    Private(bool),
    Settings(Option<SettingChange>),
    /// The manager digest, now, by DM to the caller.
    Digest,
    Goals(GoalsRequest),
    /// CSV files of the caller's steps (a manager's: their team's, or one rep's), by DM.
    Export {
        period: ExportPeriod,
        rep: Option<String>,
    },
}

/// `/momentum goals …`: show this week's goals and progress, set them for the caller's team or
/// one rep, or clear them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoalsRequest {
    Show,
    Set { goals: Goals, rep: Option<String> },
    Clear { rep: Option<String> },
}

const GOALS: &[&str] = &[
    "/momentum goals",
    "/momentum goals touches 50 conversations 10 meetings 2 blocks 3",
    "/momentum goals touches 80 @jane",
    "/momentum goals off @jane",
];

/// The largest weekly goal accepted for any number.
pub const MAX_GOAL: u32 = 9999;

fn goals(rest: &[String]) -> Result<MomentumRequest, ParseError> {
    let mut rep = None;
    let mut goals = Goals::default();
    let mut off = false;
    let mut pending_number: Option<u32> = None;
    let mut pending_metric: Option<Metric> = None;
    for word in rest {
        if let Some(user) = user_mention(word) {
            if rep.replace(user).is_some() {
                return Err(ParseError::new("Set goals for one rep at a time.", GOALS));
            }
            continue;
        }
        let lower = word.to_lowercase();
        if matches!(lower.as_str(), "off" | "clear" | "none" | "remove") {
            off = true;
            continue;
        }
        if let Some(n) = words::count(&lower) {
            if !(1..=MAX_GOAL).contains(&n) {
                return Err(ParseError::new(
                    format!("A weekly goal is a number from 1 to {MAX_GOAL}."),
                    GOALS,
                ));
            }
            match pending_metric.take() {
                Some(m) => goals.set(m, Some(n.into())),
                None => pending_number = Some(n),
            }
            continue;
        }
        let Some(metric) = metric(&lower) else {
            return Err(ParseError::new(
                format!(
                    "I set goals on touches, conversations, meetings and blocks — not `{}`.",
                    super::echo(word, 30)
                ),
                GOALS,
            ));
        };
        match pending_number.take() {
            Some(n) => goals.set(metric, Some(n.into())),
            None => pending_metric = Some(metric),
        }
    }
    if pending_metric.is_some() || pending_number.is_some() {
        return Err(ParseError::new(
            "Give each goal a number, like `touches 50`.",
            GOALS,
        ));
    }
    match (off, goals.is_empty()) {
        (true, true) => Ok(MomentumRequest::Goals(GoalsRequest::Clear { rep })),
        (true, false) => Err(ParseError::new(
            "Either set goals or clear them with `off`.",
            GOALS,
        )),
        (false, true) if rep.is_none() => Ok(MomentumRequest::Goals(GoalsRequest::Show)),
        (false, true) => Err(ParseError::new(
            "Which goals? Give numbers, or `off` to clear theirs.",
            GOALS,
        )),
        (false, false) => Ok(MomentumRequest::Goals(GoalsRequest::Set { goals, rep })),
    }
}

fn metric(word: &str) -> Option<Metric> {
    Some(match word.trim_end_matches([',', ':']) {
        "touches" | "touch" => Metric::Touches,
        "conversations" | "conversation" | "convos" | "convo" => Metric::Conversations,
        "meetings" | "meeting" => Metric::Meetings,
        "blocks" | "block" => Metric::Blocks,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Today,
    Week,
    Month,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingChange {
    Tz(Tz),
    QuietAfter(u8),
    Shoutout(NaiveTime),
    Digest {
        day: Option<Weekday>,
        time: NaiveTime,
    },
    WorkDays(WorkDays),
    Hours(NaiveTime, NaiveTime),
    /// A team holiday (no nudges that day), added or removed.
    Holiday {
        day: NaiveDate,
        on: bool,
    },
}

pub fn parse(text: &str) -> Result<MomentumRequest, ParseError> {
    let tokens = tokenize(text);
    let Some(first) = tokens.first() else {
        return Ok(MomentumRequest::Help);
    };
    let rest = &tokens[1..];
    match first.to_lowercase().as_str() {
        "help" | "?" => Ok(MomentumRequest::Help),
        "stats" => stats(rest),
        "team" => team(rest),
        "channel" => match rest {
            [c] => channel_mention(c)
                .map(MomentumRequest::Channel)
                .ok_or_else(|| {
                    ParseError::new(
                        "Pick the channel with # so Slack links it.",
                        &["/momentum channel #wins"],
                    )
                }),
            _ => Err(ParseError::new(
                "Which channel should celebrate the team's wins?",
                &["/momentum channel #wins"],
            )),
        },
        "away" => away(rest),
        "back" => Ok(MomentumRequest::Away(None)),
        "private" => match rest.first().map(|s| s.to_lowercase()).as_deref() {
            None | Some("on") | Some("yes") => Ok(MomentumRequest::Private(true)),
            Some("off") | Some("no") => Ok(MomentumRequest::Private(false)),
            _ => Err(ParseError::new(
                "Say `on` or `off`.",
                &["/momentum private", "/momentum private off"],
            )),
        },
        "settings" | "setting" | "set" => settings(rest),
        "digest" if rest.is_empty() => Ok(MomentumRequest::Digest),
        "goals" | "goal" => goals(rest),
        "export" => export(rest),
        other => Err(ParseError::new(
            format!("I don't know `/momentum {}`.", super::echo(other, 30)),
            EXAMPLES,
        )),
    }
}

fn stats(rest: &[String]) -> Result<MomentumRequest, ParseError> {
    let mut period = Period::Week;
    let mut user = None;
    for word in rest {
        match word.to_lowercase().as_str() {
            "today" | "day" => period = Period::Today,
            "week" | "this-week" => period = Period::Week,
            "month" => period = Period::Month,
            _ => match user_mention(word) {
                Some(id) if user.is_none() => user = Some(id),
                _ => {
                    return Err(ParseError::new(
                        format!(
                            "I read `{}` in stats, but expected week, month or @someone.",
                            super::echo(word, 30)
                        ),
                        &["/momentum stats", "/momentum stats month @jane"],
                    ));
                }
            },
        }
    }
    Ok(MomentumRequest::Stats { period, user })
}

/// People one `team add` names at most: each is looked up in Slack (bot or person) before the
/// answer, all at once, within Slack's three seconds.
pub const MAX_TEAM_ADD: usize = 20;

fn team(rest: &[String]) -> Result<MomentumRequest, ParseError> {
    const TEAM: &[&str] = &[
        "/momentum team",
        "/momentum team add @jane @bob",
        "/momentum team leave",
    ];
    let Some(verb) = rest.first() else {
        return Ok(MomentumRequest::TeamShow);
    };
    match verb.to_lowercase().as_str() {
        "add" => {
            let mut ids = Vec::new();
            for word in &rest[1..] {
                let Some(id) = user_mention(word) else {
                    return Err(ParseError::new(
                        format!(
                            "`{}` isn't a Slack mention — pick people with @.",
                            super::echo(word, 30)
                        ),
                        TEAM,
                    ));
                };
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            if ids.len() > MAX_TEAM_ADD {
                return Err(ParseError::new(
                    format!(
                        "Add up to {MAX_TEAM_ADD} people at a time — send the rest in another `/momentum team add`."
                    ),
                    TEAM,
                ));
            }
            if ids.is_empty() {
                return Err(ParseError::new(
                    "Who joins your team? Mention them with @.",
                    TEAM,
                ));
            }
            if ids.len() > 50 {
                return Err(ParseError::new("Add at most 50 people at a time.", TEAM));
            }
            Ok(MomentumRequest::TeamAdd(ids))
        }
        "leave" if rest.len() == 1 => Ok(MomentumRequest::TeamLeave),
        "show" | "list" if rest.len() == 1 => Ok(MomentumRequest::TeamShow),
        _ => Err(ParseError::new("Manage who sees whose numbers:", TEAM)),
    }
}

fn away(rest: &[String]) -> Result<MomentumRequest, ParseError> {
    const AWAY: &[&str] = &["/momentum away until 2026-12-31", "/momentum away off"];
    let words: Vec<String> = rest.iter().map(|w| w.to_lowercase()).collect();
    match words
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["off"] | ["back"] | ["none"] => Ok(MomentumRequest::Away(None)),
        ["until", d] | [d] => words::date(d)
            .map(|d| MomentumRequest::Away(Some(d)))
            .ok_or_else(|| ParseError::new("Give the last day you are away as YYYY-MM-DD.", AWAY)),
        _ => Err(ParseError::new(
            "Until when are you away? I'll pause nudges until then.",
            AWAY,
        )),
    }
}

fn settings(rest: &[String]) -> Result<MomentumRequest, ParseError> {
    let Some(key) = rest.first() else {
        return Ok(MomentumRequest::Settings(None));
    };
    let args: Vec<String> = rest[1..].iter().map(|w| w.to_lowercase()).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let bad = |what: &str| Err(ParseError::new(what.to_owned(), SETTINGS));
    let change = match (key.to_lowercase().as_str(), args.as_slice()) {
        ("tz" | "timezone" | "time-zone", [_]) => match rest[1].parse::<Tz>() {
            Ok(tz) => SettingChange::Tz(tz),
            Err(_) => {
                return bad(
                    "That isn't a time zone I know: use an IANA name like Europe/Paris or America/New_York.",
                );
            }
        },
        ("quiet" | "quiet_after" | "quiet-after", [n, ..]) if args.len() <= 2 => {
            match n.parse::<u8>() {
                Ok(n @ 1..=20) => SettingChange::QuietAfter(n),
                _ => return bad("Quiet after how many working days? A number from 1 to 20."),
            }
        }
        ("shoutout" | "shoutouts" | "shout-out", [t]) => match words::time(t) {
            Some(t) => SettingChange::Shoutout(t),
            None => return bad("At what time should the shout-out go out? For example 16:00."),
        },
        ("digest", rest) if !rest.is_empty() => digest(rest)?,
        ("workdays" | "days" | "working-days", [spec]) => match work_days(spec) {
            Some(d) => SettingChange::WorkDays(d),
            None => {
                return bad("Give working days as a range or a list, like mon-fri or mon,tue,thu.");
            }
        },
        ("hours" | "working-hours", [spec]) => {
            let parsed = spec
                .split_once('-')
                .and_then(|(a, b)| Some((words::time(a)?, words::time(b)?)));
            match parsed {
                Some((a, b)) if a < b => SettingChange::Hours(a, b),
                _ => return bad("Give working hours as start-end, like 09:00-17:30."),
            }
        }
        ("holiday" | "holidays", [d]) | ("holiday" | "holidays", [d, "on"]) => match words::date(d)
        {
            Some(day) => SettingChange::Holiday { day, on: true },
            None => return bad("Give the holiday as YYYY-MM-DD."),
        },
        ("holiday" | "holidays", [d, "off"]) => match words::date(d) {
            Some(day) => SettingChange::Holiday { day, on: false },
            None => return bad("Give the holiday as YYYY-MM-DD."),
        },
        _ => return bad("I can change tz, quiet, shoutout, digest, workdays, hours and holiday:"),
    };
    Ok(MomentumRequest::Settings(Some(change)))
}

fn digest(args: &[&str]) -> Result<SettingChange, ParseError> {
    let err = || ParseError::new("Digest: `weekly DAY TIME` or `daily TIME`.", SETTINGS);
    let args = match args {
        ["weekly", rest @ ..] => rest,
        other => other,
    };
    match args {
        ["daily", t] => Ok(SettingChange::Digest {
            day: None,
            time: words::time(t).ok_or_else(err)?,
        }),
        [d, t] => Ok(SettingChange::Digest {
            day: Some(words::weekday(d).ok_or_else(err)?),
            time: words::time(t).ok_or_else(err)?,
        }),
        _ => Err(err()),
    }
}

/// `mon-fri`, `mon,tue,thu`, `sun-thu`.
fn work_days(spec: &str) -> Option<WorkDays> {
    let mut bits = 0u8;
    for part in spec.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (
                    words::weekday(a)?.num_days_from_monday(),
                    words::weekday(b)?.num_days_from_monday(),
                );
                let mut d = a;
                loop {
                    bits |= 1 << d;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => bits |= 1 << words::weekday(part)?.num_days_from_monday(),
        }
    }
    (bits != 0).then_some(WorkDays(bits))
}

#[cfg(test)]
mod tests;
