//! `/blitz start DURATION [goal N]`, `/blitz status`, `/blitz end`.
use super::{ParseError, tokenize, words};

const EXAMPLES: &[&str] = &[
    "/blitz start 60m goal 200",
    "/blitz status",
    "/blitz end",
    "/blitz board",
];

/// Shortest and longest blitz, in minutes.
pub const MIN_MINUTES: u32 = 5;
pub const MAX_MINUTES: u32 = 480;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlitzRequest {
    Start {
        minutes: u32,
        goal: Option<u32>,
    },
    Status,
    End,
    /// The channel's board link for a screen (a new one with `reset`, retiring the old).
    Board {
        reset: bool,
    },
}

pub fn parse(text: &str) -> Result<BlitzRequest, ParseError> {
    let tokens = tokenize(text);
    let lower: Vec<String> = tokens.iter().map(|t| t.to_lowercase()).collect();
    let words: Vec<&str> = lower.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] | ["status"] => Ok(BlitzRequest::Status),
        ["end" | "stop" | "finish"] => Ok(BlitzRequest::End),
        ["board" | "tv" | "screen"] => Ok(BlitzRequest::Board { reset: false }),
        ["board" | "tv" | "screen", "reset" | "new" | "revoke"] => {
            Ok(BlitzRequest::Board { reset: true })
        }
        ["start", rest @ ..] => start(rest),
        _ => Err(ParseError::new(
            "Start a team blitz, check the score, or end it:",
            EXAMPLES,
        )),
    }
}

fn start(rest: &[&str]) -> Result<BlitzRequest, ParseError> {
    let (minutes, goal) = match rest {
        [] => (60, None),
        [d] => (duration(d)?, None),
        [d, "goal", n] => (duration(d)?, Some(goal(n)?)),
        ["goal", n] => (60, Some(goal(n)?)),
        _ => {
            return Err(ParseError::new(
                "Give a length and, if you like, a goal in attempts.",
                EXAMPLES,
            ));
        }
    };
    if !(MIN_MINUTES..=MAX_MINUTES).contains(&minutes) {
        return Err(ParseError::new(
            format!(
                "A blitz lasts between {MIN_MINUTES} minutes and {} hours.",
                MAX_MINUTES / 60
            ),
            EXAMPLES,
        ));
    }
    Ok(BlitzRequest::Start { minutes, goal })
}

fn duration(word: &str) -> Result<u32, ParseError> {
    words::duration_minutes(word).ok_or_else(|| {
        ParseError::new(
            format!("I couldn't read `{}` as a length.", super::echo(word, 30)),
            EXAMPLES,
        )
    })
}

fn goal(word: &str) -> Result<u32, ParseError> {
    words::count(word).filter(|n| *n > 0).ok_or_else(|| {
        ParseError::new(
            "The goal is a number of attempts, like `goal 200`.",
            EXAMPLES,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blitz_reads_its_length_and_goal() {
        assert_eq!(
            parse("start 60m goal 200"),
            Ok(BlitzRequest::Start {
                minutes: 60,
                goal: Some(200)
            })
        );
        assert_eq!(
            parse("start 45m"),
            Ok(BlitzRequest::Start {
                minutes: 45,
                goal: None
            })
        );
        assert_eq!(
            parse("START"),
            Ok(BlitzRequest::Start {
                minutes: 60,
                goal: None
            })
        );
        assert_eq!(parse(""), Ok(BlitzRequest::Status));
        assert_eq!(parse("end"), Ok(BlitzRequest::End));
        assert!(parse("start forever").is_err());
        assert!(parse("start 60m goal lots").is_err());
        assert!(parse("start 2m").is_err());
        assert!(parse("dance").is_err());
    }
}
