//! `/targets`: list active prospects; `add`, `drop`, `replace X with Y`.
use super::touch::name_and_company;
use super::{ParseError, tokenize};

const EXAMPLES: &[&str] = &[
    "/targets",
    "/targets add Jane Doe @ Acme",
    "/targets drop Jane Doe",
    "/targets close Jane Doe",
    "/targets replace Jane Doe with Bob Lee @ Globex",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetsRequest {
    List,
    /// A rep's targets and planned blocks, for their manager.
    Of(String),
    Add {
        name: String,
        company: Option<String>,
    },
    Drop {
        name: String,
    },
    /// The prospect became a customer (or the deal is otherwise done): off the list, closed.
    Close {
        name: String,
    },
    Replace {
        old: String,
        new: String,
        company: Option<String>,
    },
}

pub fn parse(text: &str) -> Result<TargetsRequest, ParseError> {
    let tokens = tokenize(text);
    let Some(first) = tokens.first() else {
        return Ok(TargetsRequest::List);
    };
    let rest = &tokens[1..];
    if let Some(user) = super::user_mention(first) {
        return Ok(TargetsRequest::Of(user));
    }
    match first.to_lowercase().as_str() {
        "list" | "ls" | "due" => Ok(TargetsRequest::List),
        "add" | "new" => {
            let (name, company) = named(rest, "Who is the new target?")?;
            Ok(TargetsRequest::Add { name, company })
        }
        "drop" | "remove" | "delete" => {
            let (name, _) = named(rest, "Which target should I drop?")?;
            Ok(TargetsRequest::Drop { name })
        }
        "close" | "closed" | "won" => {
            let (name, _) = named(rest, "Which target did you close?")?;
            Ok(TargetsRequest::Close { name })
        }
        "replace" => {
            let Some(with) = rest
                .iter()
                .position(|t| t.eq_ignore_ascii_case("with") || t.eq_ignore_ascii_case("by"))
            else {
                return Err(ParseError::new(
                    "Say who replaces whom: `replace OLD with NEW`.",
                    EXAMPLES,
                ));
            };
            let (old, _) = named(&rest[..with], "Which target is being replaced?")?;
            let (new, company) = named(&rest[with + 1..], "Who is the new target?")?;
            Ok(TargetsRequest::Replace { old, new, company })
        }
        "help" => Err(ParseError::new(
            "Your targets are the prospects you are working on:",
            EXAMPLES,
        )),
        _ => Err(ParseError::new(
            format!("I don't know `/targets {}`.", super::echo(first, 30)),
            EXAMPLES,
        )),
    }
}

fn named(tokens: &[String], ask: &str) -> Result<(String, Option<String>), ParseError> {
    if tokens.is_empty() {
        return Err(ParseError::new(ask, EXAMPLES));
    }
    name_and_company(tokens).map_err(|e| ParseError::new(e.problem, EXAMPLES))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_listed_added_dropped_and_replaced() {
        assert_eq!(parse(""), Ok(TargetsRequest::List));
        assert_eq!(
            parse("<@U0JANE|jane>"),
            Ok(TargetsRequest::Of("U0JANE".into()))
        );
        assert_eq!(
            parse("add Jane Doe @ Acme"),
            Ok(TargetsRequest::Add {
                name: "Jane Doe".into(),
                company: Some("Acme".into())
            })
        );
        assert_eq!(
            parse("drop jane doe"),
            Ok(TargetsRequest::Drop {
                name: "jane doe".into()
            })
        );
        assert_eq!(
            parse("replace Jane Doe with Bob Lee @ Globex"),
            Ok(TargetsRequest::Replace {
                old: "Jane Doe".into(),
                new: "Bob Lee".into(),
                company: Some("Globex".into())
            })
        );
    }

    #[test]
    fn incomplete_requests_are_explained() {
        assert!(parse("add").is_err());
        assert!(
            parse("replace Jane")
                .unwrap_err()
                .message()
                .contains("replace")
        );
        assert!(parse("replace with Bob").is_err());
        assert!(parse("frobnicate").is_err());
    }
}
