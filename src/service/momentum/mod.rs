//! `/momentum`: help, stats, who manages whom, the celebration channel, away, privacy and
//! team settings, by subject. Individual numbers go to the member and their manager only.
mod export;
pub(crate) mod goals;
mod presence;
mod settings;
mod stats;
mod team;

pub use team::answer as answer_invite;

use super::{Caller, Reply, Result};
use crate::commands::MomentumRequest;
use crate::state::AppState;
use crate::store::{members, workspaces};

const ADMIN_LOOKUP: std::time::Duration = std::time::Duration::from_secs(2);

pub const HELP: &str = "*Momentum* keeps your prospecting moving. Log small steps in seconds:\n\
• `/win Jane at Acme accepted my invite` — a small win (connect, reply, meeting, encounter, conversation, referral)\n\
• `/touch Jane Doe @ Acme phone no_answer` — an attempt on a prospect; it takes ~10, at least weekly\n\
• `/targets` — your prospects and who is due · `add`, `drop`, `replace Jane with Bob`\n\
• `/block tomorrow 9:30 45m` — plan a prospecting block · `/block done 25 dials 4 convos 1 meeting` · `list` · `cancel` · `calendar` (your blocks in your calendar)\n\
• `/blitz start 60m goal 200` — a team prospecting blitz in this channel, with a live scoreboard · `status` · `end` · `board` (for a screen)\n\
• `/momentum stats [week|month] [@rep]` — your numbers (managers: their reps')\n\
• `/momentum team add @a @b` — invite them to your team: once they accept, you see their numbers · `team leave` · `digest` (by DM, now)\n\
• `/momentum goals` — this week's goals and progress · managers: `goals touches 50 conversations 10 meetings 2 blocks 3 [@rep]`\n\
• `/win undo`, `/touch undo`, `/block undo` — remove your last log of the last 24 hours\n\
• `/momentum export [week|month|last-week|last-month|2026-11-01..2026-11-30] [@rep]` — CSV files of touches, wins and blocks, by DM\n\
• `/momentum away until 2026-12-31` · `private` (counted, not named in channel posts)\n\
• `/momentum channel #wins` · `settings` (workspace admins)\n\
🔒 Your individual numbers go to you and your manager only.";

pub async fn handle(state: &AppState, caller: &Caller, request: MomentumRequest) -> Result<Reply> {
    match request {
        MomentumRequest::Help => Ok(Reply::ephemeral(HELP)),
        MomentumRequest::Stats { period, user } => stats::show(state, caller, period, user).await,
        MomentumRequest::TeamShow => team::show(state, caller).await,
        MomentumRequest::TeamAdd(reps) => team::add(state, caller, reps).await,
        MomentumRequest::TeamLeave => team::leave(state, caller).await,
        MomentumRequest::Channel(channel) => settings::set_channel(state, caller, channel).await,
        MomentumRequest::Away(until) => presence::away(state, caller, until).await,
        MomentumRequest::Private(on) => presence::private(state, caller, on).await,
        MomentumRequest::Settings(change) => settings::change(state, caller, change).await,
        MomentumRequest::Digest => digest_now(state, caller).await,
        MomentumRequest::Goals(r) => goals::handle(state, caller, r).await,
        MomentumRequest::Export { period, rep } => export::export(state, caller, period, rep).await,
    }
}

/// Whether the caller is a workspace admin for Momentum: a Slack workspace admin or owner
/// (asking Slack when the cached answer is stale), the person who installed the app, or one of
/// `MOMENTUM_ADMINS`. Admins change workspace settings and assign reps to managers directly.
pub(crate) async fn is_admin(state: &AppState, caller: &Caller) -> Result<bool> {
    if state.settings.admins.contains(&caller.user_id) {
        return Ok(true);
    }
    let reader = state.db.reader();
    if workspaces::installer(reader, &caller.team_id)
        .await?
        .as_deref()
        == Some(&caller.user_id)
    {
        return Ok(true);
    }
    let member = members::get(reader, &caller.team_id, &caller.user_id).await?;
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

/// The 🔒 answer to someone who may not change a workspace setting, naming who can.
async fn admins_only(state: &AppState, caller: &Caller) -> Result<Reply> {
    let installer = workspaces::installer(state.db.reader(), &caller.team_id).await?;
    let mut who = vec!["Slack's workspace admins and owners".to_owned()];
    if let Some(i) = installer {
        who.push(format!("<@{i}> (who installed Momentum)"));
    }
    who.extend(state.settings.admins.iter().map(|a| format!("<@{a}>")));
    let last = who.pop().unwrap_or_default();
    let names = if who.is_empty() {
        last
    } else {
        format!("{} and {last}", who.join(", "))
    };
    Ok(Reply::ephemeral(format!(
        "🔒 Workspace settings (celebration channel, time zone, working days and hours, holidays, shout-out and \
         digest times) are changed by {names}. Ask one of them. As a manager you set your own reps' goals \
         (`/momentum goals`) and run your team's blitz."
    )))
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
