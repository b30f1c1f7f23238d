//! `/momentum export`: CSV files of touches, wins and blocks over a period, in the caller's DM.
//! A rep exports their own steps; a manager their team's (their reps' and their own) or one
//! rep's; nobody else's. The answer comes at once; the DM and the files follow through the
//! outbox, the files made by the delivery (never inside a write transaction).
use super::super::{Caller, Reply, Result};
use crate::domain::files::{ExportPeriod, ExportRequest, Make, Upload};
use crate::domain::time::{local_day, short_date};
use crate::domain::words::count;
use crate::slack::messages::{context, post, section};
use crate::state::AppState;
use crate::store::members;
use crate::store::outbox;

pub(super) async fn export(
    state: &AppState,
    caller: &Caller,
    period: ExportPeriod,
    rep: Option<String>,
) -> Result<Reply> {
    let at = super::super::profile::locate(state, &caller.team_id, &caller.user_id).await?;
    let reader = state.db.reader();
    let (reps, whose) = match rep.filter(|r| *r != caller.user_id) {
        Some(rep) => {
            let theirs = members::get(reader, &caller.team_id, &rep).await?;
            if theirs.and_then(|m| m.manager_id).as_deref() != Some(caller.user_id.as_str()) {
                return Ok(Reply::ephemeral(format!(
                    "🔒 Only <@{rep}> and their manager can export <@{rep}>'s steps. Nothing was exported."
                )));
            }
            let whose = format!("<@{rep}>'s steps");
            (vec![rep], whose)
        }
        None => {
            let team = members::reps_of(reader, &caller.team_id, &caller.user_id).await?;
            let whose = if team.is_empty() {
                "your own steps".to_owned()
            } else {
                format!(
                    "your team's steps (yours and {})",
                    count(team.len() as i64, "rep")
                )
            };
            let mut reps: Vec<String> = team.into_iter().map(|m| m.user_id).collect();
            reps.push(caller.user_id.clone());
            (reps, whose)
        }
    };
    let today = local_day(state.clock.now(), at.tz);
    let (from, to) = period.days(today);
    let label = format!("{} – {}", short_date(from), short_date(to));
    let upload = Upload {
        make: Make::Export(ExportRequest {
            team_id: caller.team_id.clone(),
            reps: Some(reps),
            from,
            to,
            team_tz: at.team.tz.name().to_owned(),
        }),
        in_thread: false,
    };
    let upload = serde_json::to_string(&upload).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let dm = post(
        &caller.user_id,
        &format!("📦 Your export, {label}"),
        vec![
            section(format!(
                "📦 *Your export, {label}*: {whose}. Three CSV files follow — touches, wins and blocks."
            )),
            context(
                "UTF-8 CSV with one header row: it opens in Excel, Numbers and Google Sheets. \
                 Times are in each rep's zone and in UTC. 🔒 For you only.",
            ),
        ],
    );
    let now = state.clock.now();
    outbox::post_then_upload(&state.db, &caller.team_id, &caller.user_id, dm, upload, now).await?;
    state.outbox_wake.notify_one();
    Ok(Reply::ephemeral(format!(
        "📦 Preparing your export ({label}: {whose})… the files arrive in your DMs from Momentum in a moment."
    )))
}
