//! `/momentum`: help, stats, who manages whom, the celebration channel, away, privacy and
//! team settings. Individual numbers go to the member and their manager only.
use super::{Caller, Reply, Result, count, plural};
use crate::commands::{MomentumRequest, Period, SettingChange};
use crate::domain::response_rate;
use crate::domain::time::{WorkDays, local_day, short_date};
use crate::jobs::schedule::{cron_at, cron_days, describe_cron_days};
use crate::slack::messages;
use crate::state::AppState;
use crate::store::{self, members, outbox, stats, teams};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Timelike};

const ADMIN_LOOKUP: std::time::Duration = std::time::Duration::from_secs(2);

pub const HELP: &str = "*Momentum* keeps your prospecting moving. Log small steps in seconds:\n\
• `/win Jane at Acme accepted my invite` — a small win (connect, reply, meeting, encounter, conversation, referral)\n\
• `/touch Jane Doe @ Acme phone no_answer` — an attempt on a prospect; it takes ~10, at least weekly\n\
• `/targets` — your prospects and who is due · `add`, `drop`, `replace Jane with Bob`\n\
• `/block tomorrow 9:30 45m` — plan a prospecting block · `/block done 25 dials 4 convos 1 meeting` · `list` · `cancel`\n\
• `/blitz start 60m goal 200` — a team prospecting blitz in this channel, with a live scoreboard · `status` · `end`\n\
• `/momentum stats [week|month] [@rep]` — your numbers (managers: their reps')\n\
• `/momentum team add @a @b` — you manage them and see their numbers · `team leave` · `digest` (by DM, now)\n\
• `/momentum away until 2026-12-31` · `private` (counted, not named in channel posts)\n\
• `/momentum channel #wins` · `settings` (managers and admins)\n\
🔒 Your individual numbers go to you and your manager only.";

pub async fn handle(state: &AppState, caller: &Caller, request: MomentumRequest) -> Result<Reply> {
    match request {
        MomentumRequest::Help => Ok(Reply::ephemeral(HELP)),
        MomentumRequest::Stats { period, user } => show_stats(state, caller, period, user).await,
        MomentumRequest::TeamShow => team_show(state, caller).await,
        MomentumRequest::TeamAdd(reps) => team_add(state, caller, reps).await,
        MomentumRequest::TeamLeave => team_leave(state, caller).await,
        MomentumRequest::Channel(channel) => set_channel(state, caller, channel).await,
        MomentumRequest::Away(until) => away(state, caller, until).await,
        MomentumRequest::Private(on) => private(state, caller, on).await,
        MomentumRequest::Settings(change) => settings(state, caller, change).await,
        MomentumRequest::Digest => digest_now(state, caller).await,
    }
}

/// Whether the caller is a workspace admin, asking Slack when the cached answer is stale.
async fn is_admin(state: &AppState, caller: &Caller) -> Result<bool> {
    let member = members::get(state.db.reader(), &caller.team_id, &caller.user_id).await?;
    if let Some(m) = member
        .as_ref()
        .filter(|m| !super::profile::is_stale(state, m))
    {
        return Ok(m.is_admin);
    }
    match super::refresh_profile(state, &caller.team_id, &caller.user_id, ADMIN_LOOKUP).await {
        Some(profile) => Ok(profile.is_admin),
        None => Ok(member.is_some_and(|m| m.is_admin)),
    }
}

async fn is_manager_or_admin(state: &AppState, caller: &Caller) -> Result<bool> {
    Ok(
        members::is_manager(state.db.reader(), &caller.team_id, &caller.user_id).await?
            || is_admin(state, caller).await?,
    )
}

async fn digest_now(state: &AppState, caller: &Caller) -> Result<Reply> {
    let tz = super::profile::locate(state, &caller.team_id, &caller.user_id)
        .await?
        .tz;
    crate::jobs::digests::send_now(state, &caller.team_id, &caller.user_id, tz).await?;
    Ok(Reply::ephemeral(
        "📬 Your digest for the last 7 days is on its way to your DMs.",
    ))
}

async fn show_stats(
    state: &AppState,
    caller: &Caller,
    period: Period,
    user: Option<String>,
) -> Result<Reply> {
    let subject = user.unwrap_or_else(|| caller.user_id.clone());
    let at = super::profile::locate(state, &caller.team_id, &subject).await?;
    let manager = at.member.as_ref().and_then(|m| m.manager_id.as_deref());
    if subject != caller.user_id && manager != Some(caller.user_id.as_str()) {
        return Ok(Reply::ephemeral(format!(
            "🔒 Only <@{subject}> and their manager see their numbers. Managers add reps with `/momentum team add @name`."
        )));
    }
    let today = local_day(state.clock.now(), at.tz);
    let (from, label) = period_start(period, today);
    let s = stats::member(
        state.db.reader(),
        &caller.team_id,
        &subject,
        &from.to_string(),
        &today.to_string(),
    )
    .await?;
    let streak = at.streak(today);
    let who = if subject == caller.user_id {
        "Your".to_owned()
    } else {
        format!("<@{subject}>'s")
    };
    Ok(Reply::ephemeral(render_stats(
        &who, label, from, today, &s, streak,
    )))
}

fn period_start(period: Period, today: NaiveDate) -> (NaiveDate, &'static str) {
    match period {
        Period::Today => (today, "today"),
        Period::Week => (
            today - Duration::days(today.weekday().num_days_from_monday().into()),
            "this week",
        ),
        Period::Month => (today.with_day(1).unwrap_or(today), "this month"),
    }
}

fn list(pairs: &[(String, i64)]) -> String {
    pairs
        .iter()
        .map(|(k, n)| format!("{n} {}", k.replace('_', " ")))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn render_stats(
    who: &str,
    label: &str,
    from: NaiveDate,
    to: NaiveDate,
    s: &stats::MemberStats,
    streak: i64,
) -> String {
    let wins: i64 = s.wins_by_kind.iter().map(|(_, n)| n).sum();
    let touches: i64 = s.touches_by_channel.iter().map(|(_, n)| n).sum();
    let responses = crate::domain::responses(&s.touches_by_outcome);
    let range = if from == to {
        short_date(from)
    } else {
        format!("{} – {}", short_date(from), short_date(to))
    };
    let mut out = format!("📊 *{who} prospecting {label}* ({range})\n");
    out.push_str(&format!("*Wins:* {}", wins));
    if wins > 0 {
        out.push_str(&format!(" — {}", list(&s.wins_by_kind)));
    }
    out.push_str(&format!("\n*Touches:* {touches}"));
    if touches > 0 {
        out.push_str(&format!(" — {}", list(&s.touches_by_channel)));
        out.push_str(&format!("\n*Outcomes:* {}", list(&s.touches_by_outcome)));
        if let Some(rate) = response_rate(responses, touches) {
            out.push_str(&format!("\n*Response rate:* {rate}%"));
        }
    }
    out.push_str(&format!(
        "\n*Blocks:* {} planned, {} done",
        s.blocks_planned, s.blocks_done
    ));
    let block_total = s.dials + s.emails + s.social;
    if block_total > 0 || s.conversations > 0 {
        out.push_str(&format!(
            " — {} · {} · {} social · {} · {} · {} · {}",
            count(s.dials, "dial"),
            count(s.emails, "email"),
            s.social,
            count(s.conversations, "conversation"),
            count(s.meetings, "meeting"),
            count(s.callbacks, "call-back"),
            plural(s.nos, "no", "no's")
        ));
    }
    out.push_str(&format!("\n*Active days:* {}", s.active_days));
    if streak >= 2 {
        out.push_str(&format!(" · 🔥 {streak}-day streak"));
    }
    if wins + touches + s.blocks_done == 0 {
        out.push_str(
            "\nNothing logged yet — one small step is enough to start: `/win …` or `/touch …`.",
        );
    }
    out
}

async fn team_show(state: &AppState, caller: &Caller) -> Result<Reply> {
    let reader = state.db.reader();
    let me = members::get(reader, &caller.team_id, &caller.user_id).await?;
    let reps = members::reps_of(reader, &caller.team_id, &caller.user_id).await?;
    let mut out = match me.and_then(|m| m.manager_id) {
        Some(manager) => format!(
            "Your manager: <@{manager}> (sees your numbers; `/momentum team leave` to undo)."
        ),
        None => "You're not on anyone's team.".to_owned(),
    };
    if reps.is_empty() {
        out.push_str("\nYou don't manage anyone yet: `/momentum team add @a @b`.");
    } else {
        let names: Vec<String> = reps.iter().map(|r| format!("<@{}>", r.user_id)).collect();
        out.push_str(&format!(
            "\nYour team ({}): {}",
            reps.len(),
            names.join(", ")
        ));
    }
    Ok(Reply::ephemeral(out))
}

/// What happened to each rep named in `team add`.
enum Added {
    Welcomed(String),
    Moved(String),
    Already(String),
    Yourself,
    Guarded { rep: String, manager: String },
}

async fn team_add(state: &AppState, caller: &Caller, reps: Vec<String>) -> Result<Reply> {
    let reader = state.db.reader();
    let mut needs_admin = false;
    for rep in &reps {
        if let Some(m) = members::get(reader, &caller.team_id, rep).await? {
            needs_admin |= m
                .manager_id
                .as_deref()
                .is_some_and(|mgr| mgr != caller.user_id);
        }
    }
    let admin = needs_admin && is_admin(state, caller).await?;
    let now = state.clock.now();
    let outcomes = state
        .db
        .write(
            (caller.clone(), reps, admin, now),
            |c, (caller, reps, admin, now)| {
                Box::pin(async move {
                    let at = store::ts(*now);
                    members::upsert(c, &caller.team_id, &caller.user_id, &at).await?;
                    let mut outcomes = Vec::new();
                    for rep in reps {
                        if *rep == caller.user_id {
                            outcomes.push(Added::Yourself);
                            continue;
                        }
                        let m = members::upsert(c, &caller.team_id, rep, &at).await?;
                        let previous = m.manager_id.clone();
                        match previous.as_deref() {
                            Some(mgr) if mgr == caller.user_id => {
                                outcomes.push(Added::Already(rep.clone()));
                                continue;
                            }
                            Some(mgr) if !admin => {
                                outcomes.push(Added::Guarded {
                                    rep: rep.clone(),
                                    manager: mgr.to_owned(),
                                });
                                continue;
                            }
                            _ => {}
                        }
                        members::set_manager(c, &caller.team_id, rep, Some(&caller.user_id))
                            .await?;
                        let dm = if m.welcomed_at.is_none() {
                            members::mark_welcomed(c, &caller.team_id, rep, &at).await?;
                            messages::welcome(rep, &caller.user_id)
                        } else {
                            messages::manager_changed(rep, &caller.user_id, previous.as_deref())
                        };
                        outbox::post(c, &caller.team_id, rep, &dm, &at).await?;
                        if let Some(old) = previous.as_deref() {
                            outbox::post(
                                c,
                                &caller.team_id,
                                old,
                                &messages::rep_left(old, rep, Some(&caller.user_id)),
                                &at,
                            )
                            .await?;
                        }
                        outcomes.push(if m.welcomed_at.is_none() {
                            Added::Welcomed(rep.clone())
                        } else {
                            Added::Moved(rep.clone())
                        });
                    }
                    Ok(outcomes)
                })
            },
        )
        .await?;
    state.outbox_wake.notify_one();
    for o in &outcomes {
        if let Added::Welcomed(rep) | Added::Moved(rep) = o {
            super::profile::learn_in_background(state, &caller.team_id, rep);
        }
    }
    Ok(Reply::ephemeral(render_added(&outcomes)))
}

fn render_added(outcomes: &[Added]) -> String {
    let mut added = Vec::new();
    let mut lines = Vec::new();
    for o in outcomes {
        match o {
            Added::Welcomed(r) | Added::Moved(r) => added.push(format!("<@{r}>")),
            Added::Already(r) => lines.push(format!("<@{r}> is already on your team.")),
            Added::Yourself => lines.push("You see your own numbers already — no need to add yourself.".to_owned()),
            Added::Guarded { rep, manager } => lines.push(format!(
                "<@{rep}> is on <@{manager}>'s team; only <@{manager}> or a workspace admin can move them."
            )),
        }
    }
    if !added.is_empty() {
        lines.insert(
            0,
            format!(
                "👥 Added {} to your team. Each gets a DM saying you now see their numbers (and how to leave). \
                 `/momentum stats @name` shows theirs.",
                added.join(", ")
            ),
        );
    }
    lines.join("\n")
}

async fn team_leave(state: &AppState, caller: &Caller) -> Result<Reply> {
    let now = state.clock.now();
    let left = state
        .db
        .write((caller.clone(), now), |c, (caller, now)| {
            Box::pin(async move {
                let at = store::ts(*now);
                let me = members::upsert(c, &caller.team_id, &caller.user_id, &at).await?;
                let Some(manager) = me.manager_id else {
                    return Ok(None);
                };
                members::set_manager(c, &caller.team_id, &caller.user_id, None).await?;
                outbox::post(
                    c,
                    &caller.team_id,
                    &manager,
                    &messages::rep_left(&manager, &caller.user_id, None),
                    &at,
                )
                .await?;
                Ok(Some(manager))
            })
        })
        .await?;
    state.outbox_wake.notify_one();
    Ok(Reply::ephemeral(match left {
        Some(manager) => {
            format!("Done — <@{manager}> no longer sees your numbers. I've let them know.")
        }
        None => "You're not on anyone's team, so only you see your numbers.".to_owned(),
    }))
}

const MANAGERS_ONLY: &str = "🔒 Team settings are for managers and workspace admins. A manager is anyone who added reps with `/momentum team add @name`.";

async fn set_channel(state: &AppState, caller: &Caller, channel: String) -> Result<Reply> {
    if !is_manager_or_admin(state, caller).await? {
        return Ok(Reply::ephemeral(MANAGERS_ONLY));
    }
    let now = store::ts(state.clock.now());
    state
        .db
        .write(
            (caller.team_id.clone(), channel.clone(), now),
            |c, (team, channel, now)| {
                Box::pin(teams::set_text(
                    c,
                    team,
                    teams::TextSetting::CelebrationChannel,
                    channel,
                    now,
                ))
            },
        )
        .await?;
    Ok(Reply::ephemeral(format!(
        "🎉 The team's wins will be celebrated in <#{channel}>. For a private channel, invite me there first (`/invite @Momentum`)."
    )))
}

async fn away(state: &AppState, caller: &Caller, until: Option<NaiveDate>) -> Result<Reply> {
    let now = state.clock.now();
    let done = state
        .db
        .write(
            (caller.clone(), until, now, state.settings.default_tz),
            |c, (caller, until, now, tz)| {
                Box::pin(async move {
                    let ctx =
                        super::step_context(c, &caller.team_id, &caller.user_id, *now, *tz).await?;
                    if until.is_some_and(|d| d < ctx.today) {
                        return Ok(Err(ctx.today));
                    }
                    let value = until.map(|d| d.to_string());
                    members::set_away(c, &caller.team_id, &caller.user_id, value.as_deref())
                        .await?;
                    Ok(Ok(()))
                })
            },
        )
        .await?;
    Ok(Reply::ephemeral(match (done, until) {
        (Err(today), _) => format!(
            "That date has passed (today is {today}). Give your last day away, like `/momentum away until {}`.",
            today + Duration::days(7)
        ),
        (Ok(()), Some(d)) => format!(
            "🌴 Away through {} — no nudges until you're back. Enjoy! (`/momentum away off` if plans change)",
            short_date(d)
        ),
        (Ok(()), None) => "👋 Welcome back — nudges are on again.".to_owned(),
    }))
}

async fn private(state: &AppState, caller: &Caller, on: bool) -> Result<Reply> {
    let now = store::ts(state.clock.now());
    state
        .db
        .write((caller.clone(), on, now), |c, (caller, on, now)| {
            Box::pin(async move {
                members::upsert(c, &caller.team_id, &caller.user_id, now).await?;
                members::set_private(c, &caller.team_id, &caller.user_id, *on).await
            })
        })
        .await?;
    Ok(Reply::ephemeral(if on {
        "🙈 Private: your steps still count toward the team's totals, but channel posts won't name you."
    } else {
        "🙌 Channel posts may name you again when they celebrate your wins."
    }))
}

async fn settings(
    state: &AppState,
    caller: &Caller,
    change: Option<SettingChange>,
) -> Result<Reply> {
    let Some(change) = change else {
        return Ok(Reply::ephemeral(current_settings(state, caller).await?));
    };
    if !is_manager_or_admin(state, caller).await? {
        return Ok(Reply::ephemeral(MANAGERS_ONLY));
    }
    let now = store::ts(state.clock.now());
    let team = teams::get(state.db.reader(), &caller.team_id).await?;
    let work_days = WorkDays::from_bits(
        team.as_ref()
            .map_or(WorkDays::MON_FRI.0.into(), |t| t.work_days),
    );
    let updates = updates_for(change, team.as_ref(), work_days);
    state
        .db
        .write(
            (caller.team_id.clone(), updates, now),
            |c, (team, updates, now)| {
                Box::pin(async move {
                    for u in updates {
                        match u {
                            Update::Text(s, v) => teams::set_text(c, team, *s, v, now).await?,
                            Update::Int(s, v) => teams::set_int(c, team, *s, *v, now).await?,
                            Update::Holiday(day, on) => {
                                teams::set_holiday(c, team, day, *on).await?
                            }
                        }
                    }
                    Ok(())
                })
            },
        )
        .await?;
    Ok(Reply::ephemeral(format!(
        "✅ Saved.\n{}",
        current_settings(state, caller).await?
    )))
}

/// The team's settings as a person reads them, with holidays from today on.
async fn current_settings(state: &AppState, caller: &Caller) -> Result<String> {
    let reader = state.db.reader();
    let team = teams::get(reader, &caller.team_id).await?;
    let tz = team
        .as_ref()
        .and_then(|t| t.tz.as_deref())
        .and_then(|t| t.parse().ok())
        .unwrap_or(state.settings.default_tz);
    let holidays = teams::holidays(
        reader,
        &caller.team_id,
        &local_day(state.clock.now(), tz).to_string(),
    )
    .await?;
    Ok(render_settings(
        team.as_ref(),
        state.settings.default_tz,
        &holidays,
    ))
}

enum Update {
    Text(teams::TextSetting, String),
    Int(teams::IntSetting, i64),
    Holiday(String, bool),
}

fn cron_time(cron: &str) -> Option<NaiveTime> {
    let f: Vec<&str> = cron.split_whitespace().collect();
    NaiveTime::from_hms_opt(f.get(2)?.parse().ok()?, f.get(1)?.parse().ok()?, 0)
}

fn updates_for(
    change: SettingChange,
    team: Option<&teams::TeamRow>,
    work_days: WorkDays,
) -> Vec<Update> {
    use teams::{IntSetting as I, TextSetting as T};
    match change {
        SettingChange::Tz(tz) => vec![Update::Text(T::Tz, tz.name().to_owned())],
        SettingChange::QuietAfter(n) => vec![Update::Int(I::QuietAfter, n.into())],
        SettingChange::Holiday { day, on } => vec![Update::Holiday(day.to_string(), on)],
        SettingChange::Shoutout(t) => vec![Update::Text(
            T::ShoutoutCron,
            cron_at(t, &cron_days(work_days)),
        )],
        SettingChange::Digest { day: Some(d), time } => {
            vec![Update::Text(T::DigestCron, cron_at(time, &d.to_string()))]
        }
        SettingChange::Digest { day: None, time } => vec![Update::Text(
            T::DigestCron,
            cron_at(time, &cron_days(work_days)),
        )],
        SettingChange::WorkDays(days) => {
            let shout = team
                .and_then(|t| cron_time(&t.shoutout_cron))
                .unwrap_or(NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default());
            vec![
                Update::Int(I::WorkDays, days.0.into()),
                Update::Text(T::ShoutoutCron, cron_at(shout, &cron_days(days))),
            ]
        }
        SettingChange::Hours(start, end) => {
            let minutes = |t: NaiveTime| i64::from(t.hour() * 60 + t.minute());
            vec![
                Update::Int(I::WorkStartMin, minutes(start)),
                Update::Int(I::WorkEndMin, minutes(end)),
            ]
        }
    }
}

fn render_settings(
    team: Option<&teams::TeamRow>,
    default_tz: chrono_tz::Tz,
    holidays: &[String],
) -> String {
    let tz = team
        .and_then(|t| t.tz.clone())
        .unwrap_or_else(|| default_tz.name().to_owned());
    let channel = team
        .and_then(|t| t.celebration_channel.as_deref())
        .map(|c| format!("<#{c}>"))
        .unwrap_or_else(|| "not set (`/momentum channel #wins`)".into());
    let quiet = team.map_or(2, |t| t.quiet_after);
    let days = WorkDays::from_bits(team.map_or(WorkDays::MON_FRI.0.into(), |t| t.work_days));
    let (start, end) = team.map_or((540, 1020), |t| (t.work_start_min, t.work_end_min));
    let shout = team.map_or("0 0 16 * * Mon-Fri".to_owned(), |t| t.shoutout_cron.clone());
    let digest = team.map_or("0 0 8 * * Mon".to_owned(), |t| t.digest_cron.clone());
    let describe = |cron: &str| {
        let f: Vec<&str> = cron.split_whitespace().collect();
        let time = cron_time(cron)
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default();
        format!(
            "{} {time}",
            describe_cron_days(f.get(5).copied().unwrap_or("*"))
        )
    };
    format!(
        "⚙️ *Team settings*\n• Time zone: {tz} (each member's own zone is used for their nudges and blocks)\n\
         • Celebration channel: {channel}\n• Quiet after: {} without a step\n\
         • Working days: {} · hours {:02}:{:02}–{:02}:{:02}\n• Shout-out: {}\n• Manager digest: {}\n\
         • Holidays (no nudges): {}\n\
         Change with e.g. `/momentum settings quiet 3`, `settings shoutout 16:00`, `settings digest mon 08:00`, \
         `settings holiday 2026-12-25`.",
        plural(quiet, "working day", "working days"),
        days.describe(),
        start / 60,
        start % 60,
        end / 60,
        end % 60,
        describe(&shout),
        describe(&digest),
        if holidays.is_empty() {
            "none planned".to_owned()
        } else {
            holidays.join(", ")
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn schedules_are_valid_cron_expressions() {
        let four = NaiveTime::from_hms_opt(16, 5, 0).unwrap();
        for days in [WorkDays::MON_FRI, WorkDays(0b0010101), WorkDays(0b100_1111)] {
            let expr = cron_at(four, &cron_days(days));
            assert!(cron::Schedule::from_str(&expr).is_ok(), "{expr}");
        }
        assert_eq!(cron_at(four, "Mon-Fri"), "0 5 16 * * Mon-Fri");
        assert_eq!(cron_time("0 5 16 * * Mon-Fri"), Some(four));
    }
}
