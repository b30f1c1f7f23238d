//! The App Home tab: the member's week at a glance. Pure: numbers in, `views.publish` body out.
use super::interaction::Action;
use super::messages::{context, section};
use crate::domain::WinKind;
use crate::domain::text::UserText;
use slack_morphism::prelude::*;

/// A target on the home tab: name, company, touches so far, and where it stands.
pub type DueTarget = (UserText, Option<UserText>, i64, String);

/// What the home tab shows.
pub struct Home {
    pub user_id: String,
    pub week_label: String,
    /// (kind, count), most first.
    pub wins_by_kind: Vec<(WinKind, i64)>,
    pub touches: i64,
    pub response_rate: Option<i64>,
    pub streak: i64,
    pub blocks_planned: i64,
    pub blocks_done: i64,
    pub kudos: i64,
    /// (prospect, company, touches, status text), most urgent first.
    pub due: Vec<DueTarget>,
    pub due_total: usize,
    /// This week's goal progress, when the member has goals.
    pub goals: Option<String>,
    /// For a manager: their team's week, as sections.
    pub team: Vec<String>,
}

pub fn publish(h: &Home) -> String {
    let wins: i64 = h.wins_by_kind.iter().map(|(_, n)| n).sum();
    let kinds = h
        .wins_by_kind
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let mut blocks: Vec<SlackBlock> = vec![
        SlackHeaderBlock::new(pt!(format!("Your week — {}", h.week_label))).into(),
        section(format!(
            "*Wins:* {wins}{}\n*Touches:* {}{}\n*Blocks:* {}\n*Streak:* {}\n*Kudos from teammates:* {}",
            if kinds.is_empty() {
                String::new()
            } else {
                format!(" — {kinds}")
            },
            h.touches,
            h.response_rate
                .map(|r| format!(" · {r}% response rate"))
                .unwrap_or_default(),
            crate::domain::words::blocks_done_of_planned(h.blocks_done, h.blocks_planned),
            match h.streak {
                0 => "start one today".to_owned(),
                1 => "🔥 1 working day".to_owned(),
                n => format!("🔥 {n} working days"),
            },
            h.kudos,
        )),
    ];
    if let Some(goals) = &h.goals {
        blocks.push(section(format!("🎯 *Goals this week:* {goals}")));
    }
    blocks.push(SlackDividerBlock::new().into());
    if h.due.is_empty() {
        blocks.push(section(
            "*Targets:* nobody is due — add one with `/targets add Jane Doe @ Acme`.",
        ));
    } else {
        let mut lines = vec![format!("*Targets due or overdue* ({})", h.due_total)];
        for (name, company, touches, status) in &h.due {
            let company = company
                .as_ref()
                .map(|c| format!(" ({})", c.mrkdwn(40)))
                .unwrap_or_default();
            lines.push(format!(
                "• *{}*{company} — {touches}/10 · {status}",
                name.mrkdwn(60)
            ));
        }
        if h.due_total > h.due.len() {
            lines.push(format!(
                "…and {} more in `/targets`",
                h.due_total - h.due.len()
            ));
        }
        blocks.push(section(lines.join("\n")));
    }
    blocks.push(
        SlackActionsBlock::new(vec![
            Action::OpenWin.button("🎉 Log a win").into(),
            Action::LogStep(None).button("📞 Log a touch").into(),
            Action::PlanBlock.button("📅 Plan a block").into(),
            Action::LogBlock(None).button("✅ Log a block").into(),
        ])
        .into(),
    );
    blocks.push(context(
        "Or type it: `/win Jane accepted my invite` · `/touch Jane Doe @ Acme phone no_answer` · `/block tomorrow 9:30 45m`",
    ));
    blocks.push(context(
        "🔒 Only you (and your manager, in their digest) see your numbers.",
    ));
    if !h.team.is_empty() {
        blocks.push(SlackDividerBlock::new().into());
        blocks.push(SlackHeaderBlock::new(pt!("Your team this week".to_owned())).into());
        blocks.extend(h.team.iter().map(|s| section(s.clone())));
        blocks.push(
            SlackActionsBlock::new(vec![Action::SetGoals.button("🎯 Set team goals").into()])
                .into(),
        );
        blocks.push(context(
            "🔒 Only you see your team's individual numbers. `/momentum stats @rep` · `/targets @rep`",
        ));
    }
    let request = SlackApiViewsPublishRequest::new(
        h.user_id.clone().into(),
        SlackView::Home(SlackHomeView::new(blocks)),
    );
    super::limits::fitted("views.publish", super::limits::Surface::Home, &request)
}
