//! `/touch prospect [@ company] channel outcome [note]`: one attempt on a prospect.
use super::{MAX_NAME, MAX_TEXT, ParseError, tokenize};
use crate::domain::{Channel, Outcome};

const EXAMPLES: &[&str] = &[
    "/touch Jane Doe @ Acme phone no_answer",
    "/touch Bob Lee email replied wants pricing next week",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TouchRequest {
    pub prospect: String,
    pub company: Option<String>,
    pub channel: Channel,
    pub outcome: Outcome,
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
    let Some((at, channel, outcome, note_from)) = found else {
        return Err(ParseError::new(
            "I need the prospect, then how you reached them (phone, email, social, text, in_person, video) \
             and what happened (no_answer, voicemail, replied, talked, meeting, callback, no).",
            EXAMPLES,
        ));
    };
    let (prospect, company) = name_and_company(&tokens[..at])?;
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
