//! Modals: the forms behind a bare `/win`, `/touch` or `/block`, and behind the "log how it
//! went" and "add a replacement" buttons. Pure: builders of views, and readers that turn a
//! submitted view's state into the same typed requests the text commands produce — or into
//! errors shown on the fields (`response_action: errors`), keyed by block id.
use super::interaction::Form;
use crate::commands::{MAX_NAME, MAX_TEXT};
use crate::domain::goals::Metric;
use crate::domain::{Channel, Outcome, WinKind};
use slack_morphism::prelude::*;

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

mod read;
pub use read::{FieldErrors, read};
