//! `/touch prospect [@ company] channel outcome [note]`: one attempt on a prospect.
use super::words;
use super::{MAX_NAME, MAX_TEXT, ParseError, tokenize};
pub use crate::domain::time::{CallbackDay, MAX_CALLBACK_DAYS};
use crate::domain::{Channel, Outcome};
use chrono::Weekday;

const EXAMPLES: &[&str] = &[
    "/touch Jane Doe @ Acme phone no_answer",
    "/touch Bob Lee email replied wants pricing next week",
    "/touch Ann Park @ Initech phone callback fri after the board meeting",
];

/// A call-back day at `words[i..]`, with how many words it took.
fn callback_day_at(words: &[String], i: usize) -> Option<(CallbackDay, usize)> {
    let at = |k: usize| words.get(i + k).map(String::as_str);
    // "on fri", "on 2026-12-01"
    if at(0) == Some("on") {
        let (day, used) = callback_day_at(words, i + 1)?;
        return Some((day, used + 1));
    }
    let first = at(0)?;
    match (first, at(1)) {
        ("tomorrow" | "tmrw" | "tmw", _) => return Some((CallbackDay::Tomorrow, 1)),
        ("next", Some("week")) => return Some((CallbackDay::Next(Weekday::Mon), 2)),
        ("next", Some(day)) => return words::weekday(day).map(|d| (CallbackDay::Next(d), 2)),
        ("in", Some(amount)) => {
            // "in 2w", "in 3d", or "in 2 weeks"
            let (n, unit, used) = match amount.find(|c: char| !c.is_ascii_digit()) {
                Some(cut) if cut > 0 => (&amount[..cut], &amount[cut..], 2),
                None => (amount, at(2)?, 3),
                Some(_) => return None,
            };
            let n: u32 = words::count(n)?;
            let per = match unit {
                "d" | "day" | "days" => 1,
                "w" | "wk" | "wks" | "week" | "weeks" => 7,
                _ => return None,
            };
            let days = n
                .checked_mul(per)
                .filter(|d| (1..=MAX_CALLBACK_DAYS).contains(d))?;
            return Some((CallbackDay::In(days), used));
        }
        _ => {}
    }
    if let Some(day) = words::date(first) {
        return Some((CallbackDay::On(day), 1));
    }
    words::weekday(first)
        .filter(|_| first.len() >= 3 && first.chars().all(|c| c.is_ascii_alphabetic()))
        .map(|d| (CallbackDay::Next(d), 1))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TouchRequest {
    pub prospect: String,
    pub company: Option<String>,
    pub channel: Channel,
    pub outcome: Outcome,
    /// For a `callback`: the day to call back, when given.
    pub callback: Option<CallbackDay>,
    pub note: String,
}

pub fn parse(text: &str) -> Result<TouchRequest, ParseError> {
    let tokens = tokenize(text);
    if tokens.is_empty() {
        return Err(ParseError::new(
            "Who did you reach out to, how, and what happened?",
            EXAMPLES,
        ));
    }
    let lower: Vec<String> = tokens.iter().map(|t| t.to_lowercase()).collect();
    let found = (1..tokens.len()).find_map(|i| {
        let (channel, used) = channel_at(&lower, i)?;
        let (outcome, used2) = outcome_at(&lower, i + used)?;
        Some((i, channel, outcome, i + used + used2))
    });
    let Some((at, channel, outcome, mut note_from)) = found else {
        return Err(ParseError::new(
            "I need the prospect, then how you reached them (phone, email, social, text, in_person, video) \
             and what happened (no_answer, voicemail, replied, talked, meeting, callback, no).",
            EXAMPLES,
        ));
    };
    let (prospect, company) = name_and_company(&tokens[..at])?;
    let callback = match outcome {
        Outcome::Callback => callback_day_at(&lower, note_from).map(|(day, used)| {
            note_from += used;
            day
        }),
        _ => None,
    };
    let note = tokens[note_from..].join(" ");
    if note.chars().count() > MAX_TEXT {
        return Err(ParseError::new(
            format!("Please keep the note under {MAX_TEXT} characters."),
            EXAMPLES,
        ));
    }
    Ok(TouchRequest {
        prospect,
        company,
        channel,
        outcome,
        callback,
        note,
    })
}

/// `Jane Doe @ Acme`, `Jane Doe @Acme` or `Jane Doe` → name and optional company.
pub fn name_and_company(tokens: &[String]) -> Result<(String, Option<String>), ParseError> {
    let joined = tokens.join(" ");
    let (name, company) = match joined.split_once('@') {
        Some((n, c)) => (
            n.trim().to_owned(),
            Some(c.trim().to_owned()).filter(|c| !c.is_empty()),
        ),
        None => (joined.trim().to_owned(), None),
    };
    if name.is_empty() {
        return Err(ParseError::new("Start with the prospect's name.", EXAMPLES));
    }
    if name.starts_with('<') {
        return Err(ParseError::new(
            "Prospects are people outside Slack: type their name rather than a mention.",
            EXAMPLES,
        ));
    }
    let too_long = |s: &str| s.chars().count() > MAX_NAME;
    if too_long(&name) || company.as_deref().is_some_and(too_long) {
        return Err(ParseError::new(
            format!(
                "Names are at most {MAX_NAME} characters (I read `{}`).",
                super::echo(&name, 40)
            ),
            EXAMPLES,
        ));
    }
    Ok((name, company))
}

fn channel_at(words: &[String], i: usize) -> Option<(Channel, usize)> {
    let w = words.get(i)?.as_str();
    if w == "in" && words.get(i + 1).map(String::as_str) == Some("person") {
        return Some((Channel::InPerson, 2));
    }
    let channel = match w {
        "phone" | "call" | "called" | "dial" | "dialed" | "dialled" | "cold-call" => Channel::Phone,
        "email" | "e-mail" | "mail" | "emailed" => Channel::Email,
        "social" | "linkedin" | "li" | "twitter" | "dm" | "inmail" => Channel::Social,
        "text" | "sms" | "texted" | "whatsapp" => Channel::Text,
        "in_person" | "in-person" | "inperson" | "person" | "visit" | "walk-in" => {
            Channel::InPerson
        }
        "video" | "zoom" | "teams" | "meet" | "video-call" => Channel::Video,
        _ => return None,
    };
    Some((channel, 1))
}

fn outcome_at(words: &[String], i: usize) -> Option<(Outcome, usize)> {
    let w = words.get(i)?.as_str();
    let next = words.get(i + 1).map(String::as_str);
    match (w, next) {
        ("no", Some("answer")) => return Some((Outcome::NoAnswer, 2)),
        ("call", Some("back")) => return Some((Outcome::Callback, 2)),
        ("not", Some("interested")) => return Some((Outcome::No, 2)),
        ("left", Some("voicemail" | "vm")) => return Some((Outcome::Voicemail, 2)),
        _ => {}
    }
    let outcome = match w.trim_end_matches([',', '.', ':']) {
        "no_answer" | "noanswer" | "no-answer" | "na" | "unanswered" => Outcome::NoAnswer,
        "voicemail" | "vm" | "vmail" => Outcome::Voicemail,
        "replied" | "reply" | "responded" | "answered" => Outcome::Replied,
        "talked" | "spoke" | "conversation" | "convo" | "connected" => Outcome::Talked,
        "meeting" | "booked" | "met" => Outcome::Meeting,
        "callback" | "call-back" | "call_back" => Outcome::Callback,
        "no" | "declined" | "rejected" | "nope" | "not_interested" => Outcome::No,
        _ => return None,
    };
    Some((outcome, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(
        prospect: &str,
        company: Option<&str>,
        channel: Channel,
        outcome: Outcome,
        note: &str,
    ) -> TouchRequest {
        TouchRequest {
            prospect: prospect.into(),
            company: company.map(Into::into),
            channel,
            outcome,
            callback: None,
            note: note.into(),
        }
    }

    #[test]
    fn a_touch_reads_name_company_channel_outcome_and_note() {
        assert_eq!(
            parse("Jane Doe @ Acme phone no_answer"),
            Ok(touch(
                "Jane Doe",
                Some("Acme"),
                Channel::Phone,
                Outcome::NoAnswer,
                ""
            ))
        );
        assert_eq!(
            parse("Bob Lee email replied wants pricing next week"),
            Ok(touch(
                "Bob Lee",
                None,
                Channel::Email,
                Outcome::Replied,
                "wants pricing next week"
            ))
        );
        assert_eq!(
            parse("Ann @Initech in person no answer at reception"),
            Ok(touch(
                "Ann",
                Some("Initech"),
                Channel::InPerson,
                Outcome::NoAnswer,
                "at reception"
            ))
        );
    }

    #[test]
    fn a_channel_word_inside_a_name_is_not_mistaken_for_the_channel() {
        assert_eq!(
            parse("Sam Text @ Phone Co email no"),
            Ok(touch(
                "Sam Text",
                Some("Phone Co"),
                Channel::Email,
                Outcome::No,
                ""
            ))
        );
    }

    #[test]
    fn a_callback_takes_an_optional_day_before_the_note() {
        let day = |text: &str| parse(text).map(|t| (t.callback, t.note));
        let fri = Some(CallbackDay::Next(Weekday::Fri));
        assert_eq!(
            day("Ann phone callback fri after the board"),
            Ok((fri, "after the board".into()))
        );
        assert_eq!(day("Ann phone callback on friday"), Ok((fri, "".into())));
        assert_eq!(
            day("Ann phone callback in 2w"),
            Ok((Some(CallbackDay::In(14)), "".into()))
        );
        assert_eq!(
            day("Ann phone call back in 3 days ok"),
            Ok((Some(CallbackDay::In(3)), "ok".into()))
        );
        assert_eq!(
            day("Ann phone callback 2026-12-01"),
            Ok((
                Some(CallbackDay::On("2026-12-01".parse().unwrap())),
                "".into()
            ))
        );
        assert_eq!(
            day("Ann phone callback tomorrow"),
            Ok((Some(CallbackDay::Tomorrow), "".into()))
        );
        // No day: the words are the note; a day after another outcome is just a note.
        assert_eq!(
            day("Ann phone callback wants a demo"),
            Ok((None, "wants a demo".into()))
        );
        assert_eq!(day("Ann phone talked fri"), Ok((None, "fri".into())));
    }

    #[test]
    fn missing_parts_are_explained() {
        assert!(parse("").is_err());
        assert!(
            parse("Jane Doe")
                .unwrap_err()
                .message()
                .contains("/touch Jane Doe @ Acme")
        );
        assert!(parse("phone talked").is_err());
        assert!(parse("<@U123> phone talked").is_err());
    }
}
