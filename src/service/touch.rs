//! `/touch`: one attempt on a prospect (created on first touch), with where it stands on the
//! way to ten touches and when the next one is due.
use super::{Caller, Reply, Result, count_step, step_context};
use crate::commands::{TouchRequest, name_key};
use crate::domain::Outcome;
use crate::domain::cadence::{Cadence, TOUCH_GOAL};
use crate::domain::text::UserText;
use crate::domain::time::{days_ago, short_date};
use crate::slack::interaction::{Action, ProspectRef};
use crate::state::AppState;
use crate::store::{prospects, touches};

struct Touched {
    id: i64,
    name: UserText,
    company: Option<UserText>,
    before: Cadence,
    after: Cadence,
    today_total: i64,
}

pub async fn log(state: &AppState, caller: &Caller, request: TouchRequest) -> Result<Reply> {
    let now = state.clock.now();
    let data = (caller.clone(), request.clone(), now);
    let (member, touched) = state
        .db
        .write(data, |c, (caller, r, now)| {
            Box::pin(async move {
                let ctx = step_context(c, &caller.team_id, &caller.user_id, *now).await?;
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
                let touch = touches::NewTouch {
                    team_id: &caller.team_id,
                    user_id: &caller.user_id,
                    prospect_id: prospect.id,
                    channel: r.channel,
                    outcome: r.outcome,
                    note: &r.note,
                    day,
                    at,
                };
                touches::insert(c, &touch).await?;
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
                let company = r.company.clone().map(UserText::from).or(prospect.company);
                Ok((
                    ctx,
                    Touched {
                        id: prospect.id,
                        name: prospect.name,
                        company,
                        before,
                        after,
                        today_total: counted.touches_today,
                    },
                ))
            })
        })
        .await?;
    super::profile::refresh_in_background(state, &member.member);
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

fn render(r: &TouchRequest, t: &Touched, today: chrono::NaiveDate) -> String {
    let who = match &t.company {
        Some(c) => format!("*{}* ({})", t.name.mrkdwn(120), c.mrkdwn(60)),
        None => format!("*{}*", t.name.mrkdwn(120)),
    };
    let how = format!(
        "{}, {}",
        r.channel.as_str().replace('_', " "),
        r.outcome.as_str().replace('_', " ")
    );
    let n = t.after.touches;
    let mut lines = vec![if n <= TOUCH_GOAL {
        format!("📞 Touch {n} of {TOUCH_GOAL} on {who} · {how}")
    } else {
        format!("📞 Touch {n} on {who} · {how}")
    }];
    let mut facts = Vec::new();
    match t.before.last_touch {
        Some(last) => facts.push(format!(
            "last touch {}",
            days_ago((today - last).num_days())
        )),
        None => facts.push("first touch — it usually takes about 10 to reach someone".into()),
    }
    if let Some(due) = t.after.next_due().filter(|_| r.outcome != Outcome::No) {
        facts.push(format!("next due by {}", short_date(due)));
    }
    facts.push(format!(
        "{} today",
        super::plural(t.today_total, "touch", "touches")
    ));
    lines.push(facts.join(" · "));
    if n == TOUCH_GOAL {
        lines.push("🏆 Ten touches — that's the persistence that reaches people.".into());
    }
    if r.outcome.is_response() && t.before.touches >= 5 {
        lines.push(format!(
            "🎯 A response after {} — persistence paid off.",
            super::count(t.before.touches, "touch")
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
