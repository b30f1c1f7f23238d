//! `/momentum channel` and `/momentum settings`: the team's celebration channel, zone,
//! working week and hours, quiet threshold, shout-out and digest schedules, and holidays.
//! Changes are for workspace admins (Slack's admins and owners, the installer, `MOMENTUM_ADMINS`).
use super::super::{Caller, Reply, Result, plural};
use super::{admins_only, is_admin};
use crate::commands::SettingChange;
use crate::domain::schedule::Schedule;
use crate::domain::time::{WorkDays, local_day};
use crate::state::AppState;
use crate::store::teams::{self, Setting, TeamChange};
use chrono::{NaiveDate, NaiveTime, Timelike};

pub(super) async fn set_channel(
    state: &AppState,
    caller: &Caller,
    channel: String,
) -> Result<Reply> {
    if !is_admin(state, caller).await? {
        return admins_only(state, caller).await;
    }
    let setting = Setting::CelebrationChannel(channel.clone());
    state
        .db
        .write(
            (caller.team_id.clone(), setting, state.clock.now()),
            |c, (team, setting, now)| Box::pin(teams::set(c, team, setting, *now)),
        )
        .await?;
    Ok(Reply::ephemeral(format!(
        "🎉 The team's wins will be celebrated in <#{channel}>. For a private channel, invite me there first (`/invite @Momentum`)."
    )))
}

pub(super) async fn change(
    state: &AppState,
    caller: &Caller,
    change: Option<SettingChange>,
) -> Result<Reply> {
    let Some(change) = change else {
        return Ok(Reply::ephemeral(current_settings(state, caller).await?));
    };
    if !is_admin(state, caller).await? {
        return admins_only(state, caller).await;
    }
    let now = state.clock.now();
    let team = teams::get(state.db.reader(), &caller.team_id).await?;
    let updates = updates_for(change, &team);
    teams::apply(&state.db, &caller.team_id, updates, now).await?;
    Ok(Reply::ephemeral(format!(
        "✅ Saved.\n{}",
        current_settings(state, caller).await?
    )))
}

/// The team's settings as a person reads them, with holidays from today on.
async fn current_settings(state: &AppState, caller: &Caller) -> Result<String> {
    let reader = state.db.reader();
    let team = teams::get(reader, &caller.team_id).await?;
    let today = local_day(state.clock.now(), team.tz);
    let holidays = teams::holidays(reader, &caller.team_id, today).await?;
    Ok(render_settings(&team, &holidays))
}

fn updates_for(change: SettingChange, team: &teams::TeamRow) -> Vec<TeamChange> {
    let daily = |at: NaiveTime, days: WorkDays| Schedule { at, days };
    match change {
        SettingChange::Tz(tz) => vec![TeamChange::Set(Setting::Zone(tz))],
        SettingChange::QuietAfter(n) => vec![TeamChange::Set(Setting::QuietAfter(n.into()))],
        SettingChange::Holiday { day, on } => vec![TeamChange::Holiday(day, on)],
        SettingChange::Shoutout(t) => {
            vec![TeamChange::Set(Setting::Shoutouts(daily(
                t,
                team.work_days,
            )))]
        }
        SettingChange::Digest { day: Some(d), time } => {
            let one_day = WorkDays(1 << d.num_days_from_monday());
            vec![TeamChange::Set(Setting::Digests(daily(time, one_day)))]
        }
        SettingChange::Digest { day: None, time } => {
            vec![TeamChange::Set(Setting::Digests(daily(
                time,
                team.work_days,
            )))]
        }
        SettingChange::WorkDays(days) => vec![
            TeamChange::Set(Setting::WorkDays(days)),
            TeamChange::Set(Setting::Shoutouts(daily(team.shoutouts.at, days))),
        ],
        SettingChange::Hours(start, end) => {
            let minutes = |t: NaiveTime| i64::from(t.hour() * 60 + t.minute());
            vec![
                TeamChange::Set(Setting::WorkStartMin(minutes(start))),
                TeamChange::Set(Setting::WorkEndMin(minutes(end))),
            ]
        }
    }
}

fn render_settings(team: &teams::TeamRow, holidays: &[NaiveDate]) -> String {
    let tz = team.tz.name();
    let channel = team
        .celebration_channel
        .as_deref()
        .map(|c| format!("<#{c}>"))
        .unwrap_or_else(|| "not set (`/momentum channel #wins`)".into());
    let quiet = team.quiet_after;
    let days = team.work_days;
    let (start, end) = (team.work_start_min, team.work_end_min);
    let describe = |s: &Schedule| format!("{} {}", s.describe_days(), s.at.format("%H:%M"));
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
        describe(&team.shoutouts),
        describe(&team.digests),
        if holidays.is_empty() {
            "none planned".to_owned()
        } else {
            holidays
                .iter()
                .map(NaiveDate::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        },
    )
}
