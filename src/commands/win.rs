//! `/win [kind] text`: a small step worth celebrating; the kind is given or inferred.
use super::{MAX_TEXT, ParseError};
use crate::domain::WinKind;

const EXAMPLES: &[&str] = &[
    "/win Jane Doe at Acme accepted my LinkedIn invite",
    "/win meeting booked a first call with Globex for Tuesday",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WinRequest {
    pub kind: WinKind,
    pub text: String,
}

pub fn parse(text: &str) -> Result<WinRequest, ParseError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ParseError::new(
            "Tell me what happened — a connection, a reply, a meeting, any small step.",
            EXAMPLES,
        ));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(ParseError::new(
            format!("That's a long one — please keep a win under {MAX_TEXT} characters."),
            EXAMPLES,
        ));
    }
    let (first, rest) = match text.split_once(char::is_whitespace) {
        Some((first, rest)) => (first, rest.trim()),
        None => (text, ""),
    };
    if let Some(kind) = explicit_kind(first) {
        if rest.is_empty() {
            return Err(ParseError::new(
                format!("Nice — a {kind}! Add a few words about it so the team can celebrate."),
                EXAMPLES,
            ));
        }
        return Ok(WinRequest {
            kind,
            text: rest.to_owned(),
        });
    }
    Ok(WinRequest {
        kind: infer_kind(text),
        text: text.to_owned(),
    })
}

/// The kind named as the first word: `connect`, `reply`, `meeting`… (singular or plural).
fn explicit_kind(word: &str) -> Option<WinKind> {
    let w = word.trim_end_matches([':', ',']).to_lowercase();
    let kind = match w.as_str() {
        "connect" | "connection" | "connects" | "connections" => WinKind::Connect,
        "reply" | "replies" => WinKind::Reply,
        "meeting" | "meetings" => WinKind::Meeting,
        "encounter" | "encounters" => WinKind::Encounter,
        "conversation" | "conversations" | "convo" => WinKind::Conversation,
        "referral" | "referrals" => WinKind::Referral,
        "other" => WinKind::Other,
        _ => return None,
    };
    Some(kind)
}

/// "met the VP at …", "met Jane from Acme at …": meeting someone somewhere is an encounter.
fn met_somewhere(t: &str) -> bool {
    t.find(" met ")
        .is_some_and(|i| t[i..].contains(" at ") || t[i..].contains(" during "))
}

/// The kind guessed from the words used, most specific first.
pub fn infer_kind(text: &str) -> WinKind {
    let t = format!(" {} ", text.to_lowercase());
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&[
        "referral",
        "referred",
        " intro ",
        "introduced me",
        "introduction",
    ]) {
        WinKind::Referral
    } else if has(&[
        "booked",
        "meeting",
        "scheduled",
        " demo",
        "appointment",
        "agreed to meet",
    ]) {
        WinKind::Meeting
    } else if has(&[
        "met at",
        "meetup",
        "meet-up",
        "mixer",
        "happy hour",
        "summit",
        " expo",
        "ran into",
        "bumped into",
        "met him at",
        "met her at",
        "met them at",
        "at the event",
        "conference",
        "trade show",
        "networking",
    ]) || met_somewhere(&t)
    {
        WinKind::Encounter
    } else if has(&[
        "accepted",
        "connected",
        "connection",
        "linkedin invite",
        "followed back",
    ]) {
        WinKind::Connect
    } else if has(&[
        "replied",
        "reply",
        "responded",
        "answered",
        "wrote back",
        "got back to me",
        "emailed back",
    ]) {
        WinKind::Reply
    } else if has(&[
        "talked",
        "spoke",
        "conversation",
        "chatted",
        " call with",
        "picked up",
        " convo",
    ]) {
        WinKind::Conversation
    } else {
        WinKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_can_be_named_first() {
        let w = parse("meeting with Globex on Tuesday").unwrap();
        assert_eq!(
            (w.kind, w.text.as_str()),
            (WinKind::Meeting, "with Globex on Tuesday")
        );
    }

    #[test]
    fn the_kind_is_inferred_from_the_words() {
        assert_eq!(
            parse("Jane at Acme accepted my invite").unwrap().kind,
            WinKind::Connect
        );
        assert_eq!(
            parse("Bob replied to my second email").unwrap().kind,
            WinKind::Reply
        );
        assert_eq!(
            parse("booked a demo with Initech").unwrap().kind,
            WinKind::Meeting
        );
        assert_eq!(
            parse("met at the SaaStr booth: the CFO of Umbrella")
                .unwrap()
                .kind,
            WinKind::Encounter
        );
        for chance in [
            "met the VP at the meetup",
            "Met the CTO of Initech during the conference dinner",
            "chatted with Ann at the Acme mixer",
        ] {
            assert_eq!(parse(chance).unwrap().kind, WinKind::Encounter, "{chance}");
        }
        assert_eq!(
            parse("spoke with the VP for 10 minutes").unwrap().kind,
            WinKind::Conversation
        );
        assert_eq!(
            parse("Ann referred me to her boss").unwrap().kind,
            WinKind::Referral
        );
        assert_eq!(
            parse("sent 30 personalised emails").unwrap().kind,
            WinKind::Other
        );
    }

    #[test]
    fn empty_and_kind_only_text_is_explained() {
        assert!(parse("   ").unwrap_err().message().contains("/win"));
        assert!(
            parse("meeting")
                .unwrap_err()
                .message()
                .contains("Add a few words")
        );
    }

    #[test]
    fn overlong_text_is_refused() {
        assert!(parse(&"a".repeat(MAX_TEXT + 1)).is_err());
    }
}
