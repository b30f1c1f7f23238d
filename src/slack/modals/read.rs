//! Reading a submitted form: its state into the same typed request the text command makes,
//! or into errors shown on the fields (`response_action: errors`), keyed by block id.
use super::super::interaction::Form;
use crate::commands::momentum::MAX_GOAL;
use crate::commands::touch::CallbackDay;
use crate::commands::{
    BlockRequest, BlockStart, DaySpec, MAX_NAME, MAX_TEXT, Request, TargetsRequest, TouchRequest,
    WinRequest, win,
};
use crate::commands::{GoalsRequest, MomentumRequest};
use crate::domain::goals::{Goals, Metric};
use crate::domain::{BlockResults, Channel, Outcome, WinKind};
use slack_morphism::prelude::*;
use std::collections::BTreeMap;

use super::LENGTHS;

/// Errors to show on the form, by block id.
pub type FieldErrors = BTreeMap<String, String>;

struct Values<'a>(&'a SlackViewState);

impl Values<'_> {
    fn get(&self, id: &str) -> Option<&SlackViewStateValue> {
        self.0
            .values
            .get(&id.into())
            .and_then(|actions| actions.get(&id.into()))
    }
    fn text(&self, id: &str) -> String {
        self.get(id)
            .and_then(|v| v.value.clone())
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    }
    fn choice(&self, id: &str) -> Option<String> {
        self.get(id)
            .and_then(|v| v.selected_option.as_ref())
            .map(|o| o.value.clone())
    }
}

/// Reads a submitted form into the request its text command would have made.
pub fn read(
    form: Form,
    state: &SlackViewState,
    metadata: Option<&str>,
) -> Result<Request, FieldErrors> {
    let v = Values(state);
    let mut errors = FieldErrors::new();
    let mut need = |id: &str, value: &str, what: &str, max: usize| {
        if value.is_empty() {
            errors.insert(id.to_owned(), format!("Please add {what}."));
        } else if value.chars().count() > max {
            errors.insert(id.to_owned(), format!("Keep it under {max} characters."));
        }
    };
    let request = match form {
        Form::Win => {
            let text = v.text("text");
            need("text", &text, "a few words about the win", MAX_TEXT);
            let kind = v
                .choice("kind")
                .and_then(|k| WinKind::from_db(&k))
                .unwrap_or_else(|| win::infer_kind(&text));
            Request::Win(WinRequest { kind, text })
        }
        Form::Touch => {
            let prospect = v.text("prospect");
            need("prospect", &prospect, "the prospect's name", MAX_NAME);
            let company = Some(v.text("company")).filter(|c| !c.is_empty());
            let channel = v.choice("channel").and_then(|c| Channel::from_db(&c));
            let outcome = v.choice("outcome").and_then(|o| Outcome::from_db(&o));
            if channel.is_none() {
                errors.insert("channel".into(), "How did you reach them?".into());
            }
            if outcome.is_none() {
                errors.insert("outcome".into(), "What came of it?".into());
            }
            let (Some(channel), Some(outcome)) = (channel, outcome) else {
                return Err(errors);
            };
            let callback = v
                .get("callback_on")
                .and_then(|x| x.selected_date.as_deref())
                .and_then(|d| d.parse::<chrono::NaiveDate>().ok())
                .map(CallbackDay::On);
            if callback.is_some() && outcome != Outcome::Callback {
                errors.insert(
                    "callback_on".into(),
                    "A call-back day goes with the outcome “callback”.".into(),
                );
            }
            Request::Touch(TouchRequest {
                prospect,
                company,
                channel,
                outcome,
                callback,
                note: v.text("note"),
            })
        }
        Form::BlockDone => {
            let mut count = |id: &str| -> u32 {
                let raw = v.text(id);
                match raw.parse::<u32>() {
                    Ok(n) if n <= crate::commands::block::MAX_COUNT => n,
                    _ if raw.is_empty() => 0,
                    _ => {
                        errors.insert(
                            id.to_owned(),
                            "A whole number from 0 to 9999, please.".into(),
                        );
                        0
                    }
                }
            };
            let r = BlockResults {
                dials: count("dials"),
                emails: count("emails"),
                social: count("social"),
                conversations: count("conversations"),
                meetings: count("meetings"),
                callbacks: count("callbacks"),
                nos: count("nos"),
            };
            if errors.is_empty() && r == BlockResults::default() {
                errors.insert(
                    "dials".into(),
                    "Add at least one number — even one dial counts.".into(),
                );
            }
            Request::Block(BlockRequest::Done(r))
        }
        Form::BlockPlan => {
            let day = v
                .get("day")
                .and_then(|x| x.selected_date.as_deref())
                .and_then(|d| d.parse::<chrono::NaiveDate>().ok());
            let time = v
                .get("time")
                .and_then(|x| x.selected_time.as_deref())
                .and_then(crate::commands::words::time);
            let minutes = v
                .choice("minutes")
                .and_then(|m| m.parse::<u32>().ok())
                .filter(|m| LENGTHS.contains(m));
            if day.is_none() {
                errors.insert("day".into(), "Pick a day.".into());
            }
            if time.is_none() {
                errors.insert("time".into(), "Pick a start time.".into());
            }
            if minutes.is_none() {
                errors.insert("minutes".into(), "Pick a length.".into());
            }
            let (Some(day), Some(time), Some(minutes)) = (day, time, minutes) else {
                return Err(errors);
            };
            Request::Block(BlockRequest::Plan {
                start: BlockStart::At {
                    day: DaySpec::On(day),
                    time,
                },
                minutes,
            })
        }
        Form::Goals => {
            let rep = v
                .get("rep")
                .and_then(|x| x.selected_user.as_ref())
                .map(|u| u.to_string());
            let mut goals = Goals::default();
            for metric in Metric::ALL {
                let raw = v.text(metric.as_str());
                match raw.parse::<i64>() {
                    Ok(n) if (1..=i64::from(MAX_GOAL)).contains(&n) => goals.set(*metric, Some(n)),
                    _ if raw.is_empty() => {}
                    _ => {
                        errors.insert(
                            metric.as_str().to_owned(),
                            format!("A whole number from 1 to {MAX_GOAL}, or empty."),
                        );
                    }
                }
            }
            Request::Momentum(MomentumRequest::Goals(if goals.is_empty() {
                GoalsRequest::Clear { rep }
            } else {
                GoalsRequest::Set { goals, rep }
            }))
        }
        Form::Replacement => {
            let new = v.text("prospect");
            need("prospect", &new, "the new target's name", MAX_NAME);
            let company = Some(v.text("company")).filter(|c| !c.is_empty());
            let old = metadata.unwrap_or_default().to_owned();
            if old.is_empty() {
                errors.insert(
                    "prospect".into(),
                    "This form has expired — use `/targets replace OLD with NEW`.".into(),
                );
            }
            Request::Targets(TargetsRequest::Replace { old, new, company })
        }
    };
    if errors.is_empty() {
        Ok(request)
    } else {
        Err(errors)
    }
}
