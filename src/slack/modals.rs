//! Modals: the forms behind a bare `/win`, `/touch` or `/block`, and behind the "log how it
//! went" and "add a replacement" buttons. Pure: builders of views, and readers that turn a
//! submitted view's state into the same typed requests the text commands produce — or into
//! errors shown on the fields (`response_action: errors`), keyed by block id.
use super::interaction::Form;
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

/// Lengths offered when planning a block, in minutes.
const LENGTHS: [u32; 6] = [15, 30, 45, 60, 90, 120];

fn text_input(
    id: &str,
    label: &str,
    placeholder: &str,
    multiline: bool,
    optional: bool,
    max: u64,
) -> SlackBlock {
    let element = SlackBlockPlainTextInputElement::new()
        .with_action_id(id.into())
        .with_placeholder(pt!(placeholder.to_owned()))
        .with_multiline(multiline)
        .with_max_length(max);
    SlackInputBlock::new(
        pt!(label.to_owned()),
        SlackInputBlockElement::PlainTextInput(element),
    )
    .with_block_id(id.into())
    .with_optional(optional)
    .into()
}

fn select(id: &str, label: &str, options: &[(&str, String)], optional: bool) -> SlackBlock {
    let choices = options
        .iter()
        .map(|(value, text)| SlackBlockChoiceItem::new(pt!(text.clone()), (*value).to_owned()))
        .collect();
    let element = SlackBlockStaticSelectElement::new()
        .with_action_id(id.into())
        .with_options(choices);
    SlackInputBlock::new(
        pt!(label.to_owned()),
        SlackInputBlockElement::StaticSelect(element),
    )
    .with_block_id(id.into())
    .with_optional(optional)
    .into()
}

fn number(id: &str, label: &str) -> SlackBlock {
    let element = SlackBlockNumberInputElement::new(false)
        .with_action_id(id.into())
        .with_min_value("0".into())
        .with_max_value(crate::commands::block::MAX_COUNT.to_string());
    SlackInputBlock::new(
        pt!(label.to_owned()),
        SlackInputBlockElement::NumberInput(element),
    )
    .with_block_id(id.into())
    .with_optional(true)
    .into()
}

fn modal(
    form: Form,
    title: &str,
    submit: &str,
    blocks: Vec<SlackBlock>,
    metadata: Option<String>,
) -> SlackView {
    let mut view = SlackModalView::new(pt!(title.to_owned()), blocks)
        .with_submit(pt!(submit.to_owned()))
        .with_close(pt!("Cancel".to_owned()))
        .with_callback_id(form.callback_id().into());
    if let Some(m) = metadata {
        view = view.with_private_metadata(m);
    }
    SlackView::Modal(view)
}

fn label(s: &str) -> String {
    let s = s.replace('_', " ");
    s[..1].to_uppercase() + &s[1..]
}

pub fn win_form() -> SlackView {
    let kinds: Vec<(&str, String)> = WinKind::ALL
        .iter()
        .map(|k| (k.as_str(), format!("{} {}", k.emoji(), label(k.as_str()))))
        .collect();
    modal(
        Form::Win,
        "Log a win",
        "Log it",
        vec![
            text_input(
                "text",
                "What happened?",
                "Jane at Acme accepted my LinkedIn invite",
                true,
                false,
                MAX_TEXT as u64,
            ),
            select(
                "kind",
                "Kind (guessed from your words if left empty)",
                &kinds,
                true,
            ),
        ],
        None,
    )
}

pub fn touch_form(prospect: Option<&str>) -> SlackView {
    let channels: Vec<(&str, String)> = Channel::ALL
        .iter()
        .map(|c| (c.as_str(), label(c.as_str())))
        .collect();
    let outcomes: Vec<(&str, String)> = Outcome::ALL
        .iter()
        .map(|o| (o.as_str(), label(o.as_str())))
        .collect();
    let mut name = text_input(
        "prospect",
        "Prospect",
        "Jane Doe",
        false,
        false,
        MAX_NAME as u64,
    );
    if let (
        Some(p),
        SlackBlock::Input(SlackInputBlock {
            element: SlackInputBlockElement::PlainTextInput(e),
            ..
        }),
    ) = (prospect, &mut name)
    {
        e.initial_value = Some(p.to_owned());
    }
    modal(
        Form::Touch,
        "Log a touch",
        "Log it",
        vec![
            name,
            text_input("company", "Company", "Acme", false, true, MAX_NAME as u64),
            select("channel", "How", &channels, false),
            select("outcome", "What happened", &outcomes, false),
            text_input(
                "note",
                "Note",
                "wants pricing next week",
                true,
                true,
                MAX_TEXT as u64,
            ),
            SlackInputBlock::new(
                pt!("Call back on (for a call-back)".to_owned()),
                SlackInputBlockElement::DatePicker(
                    SlackBlockDatePickerElement::new().with_action_id("callback_on".into()),
                ),
            )
            .with_block_id("callback_on".into())
            .with_optional(true)
            .into(),
        ],
        None,
    )
}

/// Planning a block: a day, a start time (in the member's own zone) and a length.
pub fn block_plan_form(today: chrono::NaiveDate) -> SlackView {
    let date = SlackBlockDatePickerElement::new()
        .with_action_id("day".into())
        .with_initial_date(today.to_string());
    let time = SlackBlockTimePickerElement::new()
        .with_action_id("time".into())
        .with_initial_time("09:30".into());
    let lengths: Vec<(String, String)> = LENGTHS
        .iter()
        .map(|m| (m.to_string(), format!("{m} minutes")))
        .collect();
    let lengths: Vec<(&str, String)> = lengths
        .iter()
        .map(|(v, t)| (v.as_str(), t.clone()))
        .collect();
    modal(
        Form::BlockPlan,
        "Plan a block",
        "Plan it",
        vec![
            SlackInputBlock::new(pt!("Day".to_owned()), SlackInputBlockElement::DatePicker(date)).with_block_id("day".into()).into(),
            SlackInputBlock::new(pt!("Start (your time)".to_owned()), SlackInputBlockElement::TimePicker(time))
                .with_block_id("time".into())
                .into(),
            select("minutes", "Length", &lengths, false),
            SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(super::messages::mrkdwn(
                "Logging how one went? `/block done 25 dials 4 convos` or the button on your reminder.",
            ))])
            .into(),
        ],
        None,
    )
}

pub fn block_done_form(block_id: Option<i64>) -> SlackView {
    modal(
        Form::BlockDone,
        "How did it go?",
        "Log it",
        vec![
            number("dials", "Dials"),
            number("emails", "Emails"),
            number("social", "Social touches"),
            number("conversations", "Conversations"),
            number("meetings", "Meetings booked"),
            number("callbacks", "Call-backs"),
            number("nos", "No's"),
        ],
        block_id.map(|id| id.to_string()),
    )
}

pub fn replacement_form(old: &str) -> SlackView {
    modal(
        Form::Replacement,
        "Add a replacement",
        "Add",
        vec![
            text_input(
                "prospect",
                &format!("Who replaces {}?", crate::domain::text::cut(old, 60)),
                "Bob Lee",
                false,
                false,
                MAX_NAME as u64,
            ),
            text_input("company", "Company", "Globex", false, true, MAX_NAME as u64),
        ],
        Some(crate::domain::text::cut(old, 200)),
    )
}

/// Weekly goals for the manager's team, or for one rep when one is picked.
pub fn goals_form() -> SlackView {
    let rep = SlackInputBlock::new(
        pt!("Only for (leave empty for the whole team)".to_owned()),
        SlackInputBlockElement::UsersSelect(
            SlackBlockUsersSelectElement::new().with_action_id("rep".into()),
        ),
    )
    .with_block_id("rep".into())
    .with_optional(true)
    .into();
    let mut blocks = vec![rep];
    for metric in Metric::ALL {
        blocks.push(number(
            metric.as_str(),
            &format!("{} per week", label(metric.as_str())),
        ));
    }
    blocks.push(
        SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(
            super::messages::mrkdwn(
                "Leave all four empty to clear the goals. Reaching one is celebrated; missing one is never posted.",
            ),
        )])
        .into(),
    );
    modal(Form::Goals, "Weekly goals", "Set goals", blocks, None)
}

/// A short modal that confirms a submission with the same reply the text command gives.
pub fn done(text: &str) -> SlackView {
    let blocks = vec![
        SlackSectionBlock::new()
            .with_text(SlackBlockText::MarkDown(super::messages::mrkdwn(
                crate::domain::text::cut(text, 2900),
            )))
            .into(),
    ];
    SlackView::Modal(
        SlackModalView::new(pt!("Momentum".to_owned()), blocks).with_close(pt!("Done".to_owned())),
    )
}

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
