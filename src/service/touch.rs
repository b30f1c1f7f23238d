//! `/touch`: one attempt on a prospect (created on first touch), with where it stands on the
//! way to ten touches and when the next one is due.
use super::{Caller, Reply, Result, count_step, step_context};
use crate::commands::{TouchRequest, name_key};
use crate::domain::cadence::{Cadence, TOUCH_GOAL};
use crate::domain::text::UserText;
use crate::domain::time::{days_ago, short_date};
use crate::domain::{Channel, Outcome, Stage, WinSource};
use crate::slack::interaction::{Action, ProspectRef};
use crate::state::AppState;
use crate::store::{prospects, touches, wins};
use chrono::NaiveDate;

struct Touched {
    id: i64,
    name: UserText,
    company: Option<UserText>,
    before: Cadence,
    after: Cadence,
    stage_before: Stage,
    stage: Stage,
    /// Touches on the prospect so far by channel, this one included.
    channels: Vec<(Channel, i64)>,
    callback_on: Option<NaiveDate>,
    today_total: i64,
}

/// A call-back day that has passed or is too far away: nothing is logged.
struct BadCallbackDay;

pub async fn log(state: &AppState, caller: &Caller, request: TouchRequest) -> Result<Reply> {
    let now = state.clock.now();
    let data = (caller.clone(), request.clone(), now);
    let (member, touched) = state
        .db
        .write(data, |c, (caller, r, now)| {
            Box::pin(async move {
                let ctx = step_context(c, &caller.team_id, &caller.user_id, *now).await?;
                let callback_on = match r.callback.map(|d| d.resolve(ctx.today)) {
                    Some(None) => return Ok((ctx, Err(BadCallbackDay))),
                    Some(day) => day,
                    None => None,
                };
                let at = *now;
                let key = name_key(&r.prospect);
                let new = prospects::NewProspect {
                    team_id: &caller.team_id,
                    user_id: &caller.user_id,
                    name: &r.prospect,
                    name_key: &key,
                    company: r.company.as_deref(),
                    replaces_id: None,
                    at,
                };
                let (prospect, _) = prospects::add(c, &new).await?;
                if let Some(company) = r
                    .company
                    .as_deref()
                    .filter(|c| prospect.company.as_ref().map(|p| p.raw()) != Some(*c))
                {
                    prospects::set_company(c, prospect.id, company).await?;
                }
                let day = ctx.today;
                let stage = prospect.stage.after(r.outcome);
                let touch = touches::NewTouch {
                    team_id: &caller.team_id,
                    user_id: &caller.user_id,
                    prospect_id: prospect.id,
                    channel: r.channel,
                    outcome: r.outcome,
                    note: &r.note,
                    callback_on,
                    stage,
                    day,
                    at,
                };
                let touch_id = touches::insert(c, &touch).await?;
                let company = r.company.clone().map(UserText::from).or(prospect.company);
                if let Some(kind) = r.outcome.win_kind() {
                    let with = match &company {
                        Some(co) => format!("{} ({})", prospect.name.raw(), co.raw()),
                        None => prospect.name.raw().to_owned(),
                    };
                    let win = wins::StepWin {
                        team_id: &caller.team_id,
                        user_id: &caller.user_id,
                        kind,
                        text: &with,
                        source: WinSource::Touch,
                        touch_id: Some(touch_id),
                        block_id: None,
                        steps: 1,
                        day,
                        at,
                    };
                    wins::insert_step(c, &win).await?;
                }
                let channels = touches::channels_used(&mut *c, prospect.id).await?;
                if r.outcome == Outcome::No {
                    prospects::drop(c, prospect.id, at).await?;
                }
                let counted = count_step(c, &ctx, 0, 1).await?;
                let before = Cadence {
                    touches: prospect.touches,
                    last_touch: prospect.last_touch_day,
                };
                let after = Cadence {
                    touches: prospect.touches + 1,
                    last_touch: Some(ctx.today),
                };
                Ok((
                    ctx,
                    Ok(Touched {
                        id: prospect.id,
                        name: prospect.name,
                        company,
                        before,
                        after,
                        stage_before: prospect.stage,
                        stage,
                        channels,
                        callback_on,
                        today_total: counted.touches_today,
                    }),
                ))
            })
        })
        .await?;
    super::profile::refresh_in_background(state, &member.member);
    let Ok(touched) = touched else {
        return Ok(Reply::ephemeral(format!(
            "I can set a call-back from today up to a year ahead — that day doesn't fit. \
             Nothing logged.\nFor example: `/touch {} phone callback fri`",
            crate::domain::text::mrkdwn(&request.prospect, 60).replace('`', "'")
        )));
    };
    let reply = Reply::ephemeral(render(&request, &touched, member.today));
    Ok(if request.outcome == Outcome::No {
        reply.with_button(
            Action::AddReplacement(ProspectRef::Id(touched.id))
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
