//! Slash-command text → typed request. Pure: no I/O, no clock. Bad text becomes a
//! [`ParseError`] that tells the person what was wrong and shows an example.
pub mod blitz;
pub mod block;
pub mod momentum;
pub mod targets;
pub mod touch;
pub mod win;
pub mod words;

pub use blitz::BlitzRequest;
pub use block::{BlockRequest, BlockStart, DaySpec};
pub use momentum::{GoalsRequest, MomentumRequest, Period, SettingChange};
pub use targets::TargetsRequest;
pub use touch::TouchRequest;
pub use win::WinRequest;

/// Longest free text (a win, a note) we keep; longer text is refused with a hint.
pub const MAX_TEXT: usize = 1000;
/// Longest prospect or company name.
pub const MAX_NAME: usize = 120;

#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Win(WinRequest),
    Block(BlockRequest),
    Touch(TouchRequest),
    Targets(TargetsRequest),
    Momentum(MomentumRequest),
    Blitz(BlitzRequest),
    /// `/win undo`, `/touch undo`, `/block undo`: remove your own last log of that kind.
    Undo(Undo),
}

pub use crate::domain::Undo;

/// Text we could not read: what was wrong, and an example that works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub problem: String,
    pub examples: &'static [&'static str],
}

impl ParseError {
    pub fn new(problem: impl Into<String>, examples: &'static [&'static str]) -> Self {
        Self {
            problem: problem.into(),
            examples,
        }
    }

    /// The ephemeral message a person reads.
    pub fn message(&self) -> String {
        let mut out = self.problem.clone();
        if !self.examples.is_empty() {
            out.push_str(if self.examples.len() == 1 {
                "\nFor example: "
            } else {
                "\nFor example:"
            });
            for (i, ex) in self.examples.iter().enumerate() {
                if self.examples.len() > 1 || i > 0 {
                    out.push_str("\n• ");
                }
                out.push('`');
                out.push_str(ex);
                out.push('`');
            }
        }
        out
    }
}

/// Parses the text of one slash command. `command` is the name Slack sends (`/win`).
///
/// ```
/// use momentum::commands::{parse, Request};
/// use momentum::domain::WinKind;
///
/// let Ok(Request::Win(win)) = parse("/win", "Jane at Acme accepted my invite") else { panic!() };
/// assert_eq!(win.kind, WinKind::Connect);
/// assert!(parse("/touch", "Jane Doe").unwrap_err().message().contains("For example"));
/// ```
pub fn parse(command: &str, text: &str) -> Result<Request, ParseError> {
    if text.trim().eq_ignore_ascii_case("undo") {
        match command {
            "/win" => return Ok(Request::Undo(Undo::Win)),
            "/touch" => return Ok(Request::Undo(Undo::Touch)),
            "/block" => return Ok(Request::Undo(Undo::Block)),
            _ => {}
        }
    }
    match command {
        "/win" => win::parse(text).map(Request::Win),
        "/block" => block::parse(text).map(Request::Block),
        "/touch" => touch::parse(text).map(Request::Touch),
        "/targets" => targets::parse(text).map(Request::Targets),
        "/momentum" => momentum::parse(text).map(Request::Momentum),
        "/blitz" => blitz::parse(text).map(Request::Blitz),
        _ => Err(ParseError::new(
            format!("I don't know the command `{}`.", echo(command, 40)),
            &["/momentum help"],
        )),
    }
}

/// Cuts `s` to at most `max` characters, on a character boundary, adding `…` when cut.
pub use crate::domain::text::cut as truncate;

/// A word the person typed, repeated in an explanation: cut to `max` characters and escaped
/// for `mrkdwn`, so it shows as typed and never pings or links.
pub use crate::domain::text::mrkdwn as echo;

/// A Slack user mention as escaped by Slack: `<@U012ABC>` or `<@U012ABC|name>`.
pub fn user_mention(token: &str) -> Option<String> {
    let inner = token.strip_prefix("<@")?.strip_suffix('>')?;
    let id = inner.split('|').next()?;
    valid_slack_id(id, &['U', 'W']).then(|| id.to_owned())
}

/// A channel mention as escaped by Slack: `<#C012ABC>` or `<#C012ABC|name>`.
pub fn channel_mention(token: &str) -> Option<String> {
    let inner = token.strip_prefix("<#")?.strip_suffix('>')?;
    let id = inner.split('|').next()?;
    valid_slack_id(id, &['C', 'G']).then(|| id.to_owned())
}

fn valid_slack_id(id: &str, prefixes: &[char]) -> bool {
    id.len() >= 3
        && id.len() <= 32
        && id.starts_with(prefixes)
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Whitespace-separated words, where `"two words"` in straight or curly quotes stay one word.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if matches!(c, '"' | '“' | '”') {
            chars.next();
            let mut word = String::new();
            for c in chars.by_ref() {
                if matches!(c, '"' | '“' | '”') {
                    break;
                }
                word.push(c);
            }
            let word = word.split_whitespace().collect::<Vec<_>>().join(" ");
            if !word.is_empty() {
                out.push(word);
            }
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            word.push(c);
            chars.next();
        }
        out.push(word);
    }
    out
}

/// Lower-cased, single-spaced: how names are compared.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_read_in_both_escaped_forms() {
        assert_eq!(user_mention("<@U012ABC>"), Some("U012ABC".into()));
        assert_eq!(user_mention("<@U012ABC|jane>"), Some("U012ABC".into()));
        assert_eq!(channel_mention("<#C012ABC|wins>"), Some("C012ABC".into()));
        assert_eq!(user_mention("@jane"), None);
        assert_eq!(user_mention("<@>"), None);
    }

    #[test]
    fn quoted_words_stay_together() {
        assert_eq!(
            tokenize(r#"add "Jane  Doe" @ Acme"#),
            vec!["add", "Jane Doe", "@", "Acme"]
        );
        assert_eq!(tokenize("“Ann Lee” email"), vec!["Ann Lee", "email"]);
    }

    #[test]
    fn truncation_respects_characters() {
        assert_eq!(truncate("héllo wörld", 5), "héllo…");
        assert_eq!(truncate("🎉🎉", 5), "🎉🎉");
    }

    #[test]
    fn an_unknown_command_points_to_help() {
        let err = parse("/nope", "").unwrap_err();
        assert!(
            err.message().contains("/momentum help"),
            "{}",
            err.message()
        );
    }
}
