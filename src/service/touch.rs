//! `/touch`: one attempt on a prospect (created on first touch), with where it stands on the
//! way to ten touches and when the next one is due.
use super::{Caller, Reply, Result};
use crate::commands::{TouchRequest, name_key};
use crate::domain::cadence::TOUCH_GOAL;
use crate::domain::time::{days_ago, short_date};
use crate::domain::{Channel, Outcome};
use crate::slack::interaction::{Action, ProspectRef};
use crate::state::AppState;
use crate::store::touches::{self, TouchInput, Touched};
use chrono::NaiveDate;

pub async fn log(state: &AppState, caller: &Caller, request: TouchRequest) -> Result<Reply> {
    let input = TouchInput {
        team_id: caller.team_id.clone(),
        user_id: caller.user_id.clone(),
        prospect: request.prospect.clone(),
        name_key: name_key(&request.prospect),
        company: request.company.clone(),
        channel: request.channel,
        outcome: request.outcome,
        callback: request.callback,
        note: request.note.clone(),
        at: state.clock.now(),
    };
    let done = touches::record(&state.db, input).await?;
    super::profile::refresh_in_background(state, &done.member);
    let Ok(touched) = done.touched else {
        return Ok(Reply::ephemeral(format!(
            "I can set a call-back from today up to a year ahead — that day doesn't fit. \
             Nothing logged.\nFor example: `/touch {} phone callback fri`",
            crate::domain::text::mrkdwn(&request.prospect, 60).replace('`', "'")
        )));
    };
    let reply = Reply::ephemeral(render(&request, &touched, done.today));
    Ok(if request.outcome == Outcome::No {
        reply.with_button(
            Action::AddReplacement(ProspectRef::Id(touched.prospect_id))
                .button("➕ Add a replacement target"),
        )
    } else {
        reply
    })
}

fn render(r: &TouchRequest, t: &Touched, today: NaiveDate) -> String {
    let who = match &t.company {
        Some(c) => format!("*{}* ({})", t.name.mrkdwn(120), c.mrkdwn(60)),
        None => format!("*{}*", t.name.mrkdwn(120)),
    };
    let how = format!(
        "{}, {}",
        r.channel.label(),
        r.outcome.as_str().replace('_', " ")
    );
    let n = t.after.touches;
    let chasing = t.stage_before.is_prospecting();
    let mut lines = vec![if chasing && n <= TOUCH_GOAL {
        format!("📞 Touch {n} of {TOUCH_GOAL} on {who} · {how}")
    } else if chasing {
        format!("📞 Touch {n} on {who} · {how}")
    } else {
        format!("📞 Touch on {who} · {how} · {}", t.stage_before.as_str())
    }];
    let mut facts = Vec::new();
    match t.before.last_touch {
        Some(last) => facts.push(format!(
            "last touch {}",
            days_ago((today - last).num_days())
        )),
        None => facts.push("first touch — it usually takes about 10 to reach someone".into()),
    }
    let still_chasing = t.stage.is_prospecting() && r.outcome != Outcome::No;
    if let Some(due) = t.after.next_due().filter(|_| still_chasing) {
        facts.push(format!("next due by {}", short_date(due)));
    }
    facts.push(format!(
        "{} today",
        super::plural(t.today_total, "touch", "touches")
    ));
    lines.push(facts.join(" · "));
    if n > 1 {
        let used: Vec<String> = t
            .channels
            .iter()
            .map(|(c, n)| format!("{} ×{n}", c.label()))
            .collect();
        let mut line = format!("Channels so far: {}", used.join(" · "));
        let untried = Channel::not_yet_used(t.channels.iter().map(|(c, _)| *c));
        if let Some(next) = untried.filter(|_| still_chasing) {
            line.push_str(&format!(" — try {} next", next.label()));
        }
        lines.push(line);
    }
    if chasing && n == TOUCH_GOAL {
        lines.push("🏆 Ten touches — that's the persistence that reaches people.".into());
    }
    if r.outcome.is_response() && t.before.touches >= 5 {
        lines.push(format!(
            "🎯 A response after {} — persistence paid off.",
            super::count(t.before.touches, "touch")
        ));
    }
    if chasing && !t.stage.is_prospecting() {
        lines.push(format!(
            "✨ {} is {} now — no more cadence reminders for them. It goes in today's shout-out.",
            t.name.mrkdwn(120),
            t.stage.as_str()
        ));
    } else if t.stage_before != t.stage {
        lines.push(format!(
            "✨ {} moved to {} — it goes in today's shout-out.",
            t.name.mrkdwn(120),
            t.stage.as_str()
        ));
    }
    if let Some(day) = t.callback_on {
        lines.push(format!(
            "⏰ Call-back set for {} — I'll DM you that morning with your note.",
            short_date(day)
        ));
    }
    if still_chasing && n >= TOUCH_GOAL && !r.outcome.is_response() {
        lines.push(format!(
            "{n} touches without a response. It may be time to let {name} go and put someone new on your list: \
             `/targets replace {name} with NEW NAME @ Company`",
            name = t.name.mrkdwn(120).replace('`', "'")
        ));
    }
    if r.outcome == Outcome::No {
        lines.push(format!(
            "A clear no is an answer too. I've taken {name} off your active targets — keep your list full: \
             `/targets replace {name} with NEW NAME @ Company`",
            name = t.name.mrkdwn(120)
        ));
    }
    lines.join("\n")
}
