//! Every interaction id Momentum uses, in one place: the buttons it puts in messages (their
//! `action_id` and the format of their `value`) and the forms it opens (their `callback_id`).
//! Producers build buttons from [`Action`]; the router reads them back with [`Action::parse`].
use super::messages;
use slack_morphism::prelude::SlackBlockButtonElement;

/// A button in a bot message, with what its value carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// 🎉 on a shout-out line: kudos for that person's wins in the post.
    Celebrate(Kudos),
    /// 😴 on a nudge: no nudges for a day.
    SnoozeDay,
    /// "Log how it went" on a block reminder (the block), or "Log a block" on Home (none).
    LogBlock(Option<i64>),
    /// "Add a replacement target" after a no.
    AddReplacement(ProspectRef),
    /// "Log a win" on Home.
    OpenWin,
    /// "Plan a block" on Home.
    PlanBlock,
    /// "Log a step" on a nudge (the prospect), or "Log a touch" on Home (none).
    LogStep(Option<ProspectRef>),
    /// "Set team goals" on a manager's Home.
    SetGoals,
    /// Accept or Decline on an invitation to a manager's team (the manager who asked).
    AnswerInvite { manager: String, accept: bool },
}

/// The wins a 🎉 refers to: `FIRST-LAST` (one person's wins in a post), or — on posts from
/// before ranges — one id or a comma-separated list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kudos {
    Range(i64, i64),
    Ids(Vec<i64>),
}

/// A prospect a button refers to: its id, or its name on messages from before ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProspectRef {
    Id(i64),
    Name(String),
}

/// What a button without an object carries.
const NONE: &str = "-";

impl Action {
    pub fn action_id(&self) -> &'static str {
        match self {
            Action::Celebrate(_) => "celebrate",
            Action::SnoozeDay => "snooze_day",
            Action::LogBlock(_) => "log_block",
            Action::AddReplacement(_) => "add_replacement",
            Action::OpenWin => "open_win",
            Action::PlanBlock => "plan_block",
            Action::LogStep(_) => "log_step",
            Action::SetGoals => "set_goals",
            Action::AnswerInvite { accept: true, .. } => "team_accept",
            Action::AnswerInvite { accept: false, .. } => "team_decline",
        }
    }

    pub fn value(&self) -> String {
        let prospect = |p: &ProspectRef| match p {
            ProspectRef::Id(id) => id.to_string(),
            ProspectRef::Name(name) => name.clone(),
        };
        match self {
            Action::Celebrate(Kudos::Range(a, b)) if a == b => a.to_string(),
            Action::Celebrate(Kudos::Range(a, b)) => format!("{a}-{b}"),
            Action::Celebrate(Kudos::Ids(ids)) => {
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            }
            Action::SnoozeDay | Action::OpenWin => "1".to_owned(),
            Action::PlanBlock | Action::SetGoals => NONE.to_owned(),
            Action::LogBlock(block) => block.map_or(NONE.to_owned(), |id| id.to_string()),
            Action::AddReplacement(p) => prospect(p),
            Action::LogStep(p) => p.as_ref().map_or(NONE.to_owned(), prospect),
            Action::AnswerInvite { manager, .. } => manager.clone(),
        }
    }

    /// The button showing `text`.
    pub fn button(&self, text: &str) -> SlackBlockButtonElement {
        messages::button(self.action_id(), text, &self.value())
    }

    /// Reads a pressed button back; `None` for an id Momentum never made.
    pub fn parse(action_id: &str, value: Option<&str>) -> Option<Action> {
        let value = value.unwrap_or_default();
        let prospect = || {
            (!value.is_empty() && value != NONE).then(|| match value.parse() {
                Ok(id) => ProspectRef::Id(id),
                Err(_) => ProspectRef::Name(value.to_owned()),
            })
        };
        Some(match action_id {
            "celebrate" => Action::Celebrate(Kudos::parse(value)),
            "snooze_day" => Action::SnoozeDay,
            "log_block" => Action::LogBlock(value.parse().ok()),
            "add_replacement" => Action::AddReplacement(prospect()?),
            "open_win" => Action::OpenWin,
            "plan_block" => Action::PlanBlock,
            "log_step" => Action::LogStep(prospect()),
            "set_goals" => Action::SetGoals,
            "team_accept" | "team_decline" if !value.is_empty() => Action::AnswerInvite {
                manager: value.to_owned(),
                accept: action_id == "team_accept",
            },
            _ => return None,
        })
    }
}

impl Kudos {
    /// The wins of one person's line: their first and last in the post.
    pub fn of(first: i64, last: i64) -> Self {
        Kudos::Range(first, last)
    }

    fn parse(value: &str) -> Self {
        let range = value
            .split_once('-')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
        match range {
            Some((a, b)) => Kudos::Range(a, b),
            None => Kudos::Ids(
                value
                    .split(',')
                    .filter_map(|v| v.parse().ok())
                    .take(50)
                    .collect(),
            ),
        }
    }
}

/// A form Momentum opens (its view's `callback_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Win,
    Touch,
    BlockDone,
    BlockPlan,
    Replacement,
    Goals,
}

impl Form {
    pub const ALL: [Form; 6] = [
        Form::Win,
        Form::Touch,
        Form::BlockDone,
        Form::BlockPlan,
        Form::Replacement,
        Form::Goals,
    ];

    pub fn callback_id(self) -> &'static str {
        match self {
            Form::Win => "win",
            Form::Touch => "touch",
            Form::BlockDone => "block_done",
            Form::BlockPlan => "block_plan",
            Form::Replacement => "replacement",
            Form::Goals => "goals",
        }
    }

    pub fn parse(callback_id: &str) -> Option<Form> {
        Form::ALL
            .into_iter()
            .find(|f| f.callback_id() == callback_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_button_reads_back_as_itself() {
        let all = [
            Action::Celebrate(Kudos::Range(3, 9)),
            Action::Celebrate(Kudos::Ids(vec![3, 5])),
            Action::SnoozeDay,
            Action::LogBlock(Some(7)),
            Action::LogBlock(None),
            Action::AddReplacement(ProspectRef::Id(12)),
            Action::AddReplacement(ProspectRef::Name("Jane Doe".into())),
            Action::OpenWin,
            Action::PlanBlock,
            Action::LogStep(Some(ProspectRef::Id(4))),
            Action::LogStep(None),
            Action::SetGoals,
            Action::AnswerInvite {
                manager: "U0BOSS".into(),
                accept: true,
            },
            Action::AnswerInvite {
                manager: "U0BOSS".into(),
                accept: false,
            },
        ];
        for action in all {
            let back = Action::parse(action.action_id(), Some(&action.value()));
            assert_eq!(back, Some(action));
        }
        assert_eq!(
            Action::parse("celebrate", Some("8")),
            Some(Action::Celebrate(Kudos::Ids(vec![8])))
        );
        assert_eq!(Action::parse("something_else", Some("1")), None);
    }

    #[test]
    fn every_form_reads_back_as_itself() {
        for form in Form::ALL {
            assert_eq!(Form::parse(form.callback_id()), Some(form));
        }
        assert_eq!(Form::parse("nope"), None);
    }
}
