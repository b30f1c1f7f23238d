//! Block Kit messages the bot sends by DM or to channels; pure builders returning the JSON
//! body of a `chat.postMessage` call, ready for the outbox.
use super::limits::{Surface, fitted};
use slack_morphism::prelude::*;

/// A `chat.postMessage` body: `text` is the notification fallback, `blocks` what people see.
pub fn post(channel: &str, text: &str, blocks: Vec<SlackBlock>) -> String {
    let content = SlackMessageContent::new()
        .with_text(text.into())
        .with_blocks(blocks);
    let request =
        SlackApiChatPostMessageRequest::new(channel.into(), content).with_unfurl_links(false);
    fitted("chat.postMessage", Surface::Message, &request)
}

/// A `mrkdwn` text object, `verbatim`: Slack formats only what Momentum wrote explicitly
/// (`<@U…>`, `<#C…>`, `*bold*`) and never turns words people typed — a URL, a `#channel`, an
/// `@here` — into links or mentions on its own.
pub fn mrkdwn(text: impl Into<String>) -> SlackBlockMarkDownText {
    SlackBlockMarkDownText::new(text.into()).with_verbatim(true)
}

pub fn section(text: impl Into<String>) -> SlackBlock {
    SlackSectionBlock::new()
        .with_text(SlackBlockText::MarkDown(mrkdwn(text)))
        .into()
}

/// A button that Momentum answers at `/slack/interactions`.
pub fn button(action_id: &str, text: &str, value: &str) -> SlackBlockButtonElement {
    SlackBlockButtonElement::new(pt!(text.to_owned()))
        .with_action_id(action_id.into())
        .with_value(value.into())
}

/// A section with a button beside its text.
pub fn section_with_button(text: impl Into<String>, button: SlackBlockButtonElement) -> SlackBlock {
    SlackSectionBlock::new()
        .with_text(SlackBlockText::MarkDown(mrkdwn(text)))
        .with_accessory(button.into())
        .into()
}

pub fn context(text: impl Into<String>) -> SlackBlock {
    SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(mrkdwn(text))]).into()
}

/// A `chat.update` body replacing the message `ts` in `channel`.
pub fn update(channel: &str, ts: &str, text: &str, blocks: Vec<SlackBlock>) -> String {
    let content = SlackMessageContent::new()
        .with_text(text.into())
        .with_blocks(blocks);
    let request = SlackApiChatUpdateRequest::new(channel.into(), content, ts.into());
    fitted("chat.update", Surface::Message, &request)
}

/// Joins lines into section texts under Slack's 3,000-character limit (at most 20 sections).
pub fn chunk_lines(lines: &[String]) -> Vec<String> {
    let mut out = vec![String::new()];
    for line in lines {
        let line = crate::domain::text::cut(line, 2800);
        let last = out.last().map_or(0, String::len);
        if last + line.len() + 1 > 2900 {
            if out.len() >= 20 {
                break;
            }
            out.push(String::new());
        }
        if let Some(current) = out.last_mut() {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(&line);
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The first DM a rep gets when a manager adds them: what Momentum does, the three commands
/// they will use most, and who now sees their numbers.
pub fn welcome(rep: &str, manager: &str) -> String {
    let text = format!("Welcome to Momentum! <@{manager}> added you to their team.");
    let blocks = vec![
        SlackHeaderBlock::new(pt!("👋 Welcome to Momentum")).into(),
        section(format!(
            "<@{manager}> added you to their team. Momentum keeps prospecting moving: log each small \
             step in seconds, the team celebrates them, and I nudge you privately if a prospect goes cold."
        )),
        section(
            "*The three commands you'll use most*\n\
             • `/win Jane at Acme accepted my invite` — any small step: a connection, a reply, a meeting\n\
             • `/touch Jane Doe @ Acme phone no_answer` — each attempt on a prospect (it takes ~10)\n\
             • `/block tomorrow 9:30 45m` — plan a prospecting block; `/block done 25 dials 3 convos` after",
        ),
        context(format!(
            "🔒 Your individual numbers are visible to you and <@{manager}> only — never posted to a channel. \
             Not right? `/momentum team leave`. More: `/momentum help`."
        )),
    ];
    post(rep, &text, blocks)
}

/// Asks a rep whether `manager` may see their numbers: Accept or Decline.
pub fn team_invite(rep: &str, manager: &str, lifetime_days: i64) -> String {
    use super::interaction::Action;
    let text = format!("<@{manager}> asks to add you to their team on Momentum.");
    let answer = |accept| Action::AnswerInvite {
        manager: manager.to_owned(),
        accept,
    };
    let accept = answer(true)
        .button("Accept")
        .with_style(SlackBlockButtonStyle::Primary);
    let decline = answer(false).button("Decline");
    let blocks = vec![
        section(format!(
            "👋 <@{manager}> asks to add you to their team on Momentum. If you accept, <@{manager}> sees your \
             individual numbers — your steps, prospects, blocks and goals — in their digest and on their Home tab. \
             Nobody else does, and nothing is posted about you."
        )),
        SlackActionsBlock::new(vec![accept.into(), decline.into()]).into(),
        context(format!(
            "Until you accept, <@{manager}> sees nothing of yours. This invitation lapses in {lifetime_days} days. \
             You can always leave later with `/momentum team leave`."
        )),
    ];
    post(rep, &text, blocks)
}

/// The invitation message once answered: its buttons give way to what happened.
pub fn invite_answered(channel: &str, ts: &str, text: &str) -> String {
    update(channel, ts, text, vec![section(text)])
}

/// A DM: `text` as the message and its only section.
pub fn note(channel: &str, text: &str) -> String {
    post(channel, text, vec![section(text)])
}

/// Tells a rep who was already welcomed that a different manager now sees their numbers.
pub fn manager_changed(rep: &str, manager: &str, previous: Option<&str>) -> String {
    let was = previous
        .map(|p| format!(" (instead of <@{p}>)"))
        .unwrap_or_default();
    let text = format!("<@{manager}> now sees your Momentum numbers{was}.");
    let blocks = vec![section(format!(
        "🔒 <@{manager}> added you to their team on Momentum, so they now see your individual numbers{was}. \
         Nobody else does. Not right? `/momentum team leave`."
    ))];
    post(rep, &text, blocks)
}

/// Tells a manager that a rep left their team or moved to another manager.
pub fn rep_left(manager: &str, rep: &str, new_manager: Option<&str>) -> String {
    let text = match new_manager {
        Some(m) => {
            format!("<@{rep}> moved to <@{m}>'s team on Momentum; you no longer see their numbers.")
        }
        None => format!("<@{rep}> left your team on Momentum; you no longer see their numbers."),
    };
    post(manager, &text, vec![section(&text)])
}

/// To a rep: their manager set weekly goals for them.
pub fn goals_set(rep: &str, manager: &str, goals: &str) -> String {
    let text = format!("🎯 <@{manager}> set your weekly goals: {goals}");
    post(
        rep,
        &text,
        vec![section(format!(
            "{text}.\nYour progress is in `/momentum stats` and on your Home tab; only you and <@{manager}> see it. \
                 Reaching one gets a shout-out."
        ))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_welcome_dm_names_the_manager_and_the_three_commands() {
        let body: serde_json::Value = serde_json::from_str(&welcome("U0REP", "U0BOSS")).unwrap();
        insta::assert_json_snapshot!("welcome_dm", body);
    }
}
