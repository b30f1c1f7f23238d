//! The rep's private calendar feed: `/block calendar` hands out the link (shown once: only
//! its token's hash is kept), `/block calendar reset` retires it for a new one, and
//! `GET /calendar/<token>.ics` serves the feed to calendar apps, with an ETag so their polls
//! are cheap.
use super::links::{Issued, issue};
use super::{Caller, Reply, Result};
use crate::crypto::token_hash;
use crate::domain::cadence::MAX_GAP_DAYS;
use crate::domain::calendar::{FEED_DAYS_BACK, Feed};
use crate::domain::time::{local_day, short_date};
use crate::state::AppState;
use crate::store::links::{self, LinkKind};
use crate::store::{self, calendar, prospects};
use chrono::Duration;

/// Prospects named as due in a planned block's description.
const DUE_NAMED: i64 = 5;

pub async fn link(state: &AppState, caller: &Caller, reset: bool) -> Result<Reply> {
    let token = match issue(
        state,
        LinkKind::Calendar,
        &caller.team_id,
        &caller.user_id,
        reset,
    )
    .await?
    {
        Issued::New(token) => token,
        Issued::Exists(made) => {
            return Ok(Reply::ephemeral(format!(
                "📅 You already have a private calendar link (made {}). For your privacy it is shown \
                 only once. `/block calendar reset` makes a new one — the old one stops working at \
                 once, so subscribe again with the new one.",
                short_date(made.date_naive())
            )));
        }
    };
    let path = format!("/calendar/{token}.ics");
    let how = "Add it by URL: Google Calendar → Other calendars → + → From URL; Outlook → Add \
               calendar → Subscribe from web; Apple Calendar → File → New Calendar Subscription. \
               Calendar apps fetch it on their own schedule (Google every several hours), so a \
               block planned for today still relies on Momentum's DM reminder.";
    let retired = if reset {
        "Your old link no longer works. "
    } else {
        ""
    };
    let text = match &state.settings.public_url {
        Some(base) => {
            let https = format!("{base}{path}");
            let webcal = https
                .strip_prefix("https://")
                .or_else(|| https.strip_prefix("http://"))
                .map(|rest| format!("webcal://{rest}"))
                .unwrap_or_else(|| https.clone());
            format!(
                "📅 {retired}Your private calendar of prospecting blocks and call-backs:\n`{webcal}`\n\
                 or `{https}`\n{how}\n🔒 Anyone with this link sees your blocks and call-backs: keep it \
                 to yourself. It is shown only this once."
            )
        }
        None => format!(
            "📅 {retired}Your private calendar feed is at `http://<this Momentum's host>:<its port>{path}` \
             (this deployment has no public address set, MOMENTUM_PUBLIC_URL: calendar apps on the \
             office network can subscribe to it; ask whoever runs Momentum for its address).\n{how}\n\
             🔒 Keep the link to yourself. It is shown only this once."
        ),
    };
    Ok(Reply::ephemeral(text))
}

/// A feed as served: the document and its ETag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub body: String,
    pub etag: String,
}

/// The feed the token opens; `None` for a token that opens nothing (never issued, or reset).
pub async fn feed(state: &AppState, token: &str) -> store::Result<Option<Served>> {
    let reader = state.db.reader();
    let Some(link) = links::opened_by(reader, LinkKind::Calendar, &token_hash(token)).await? else {
        return Ok(None);
    };
    let at = super::profile::locate(state, &link.team_id, &link.owner).await?;
    let now = state.clock.now();
    let today = local_day(now, at.tz);
    let since = now - Duration::days(FEED_DAYS_BACK);
    let last_touch_by = today - Duration::days(MAX_GAP_DAYS - 2);
    let (blocks, callbacks, (due, _)) = tokio::try_join!(
        calendar::blocks(reader, &link.team_id, &link.owner, since),
        calendar::callbacks(
            reader,
            &link.team_id,
            &link.owner,
            today - Duration::days(FEED_DAYS_BACK)
        ),
        prospects::due_soonest(reader, &link.team_id, &link.owner, last_touch_by, DUE_NAMED),
    )?;
    let due = due
        .into_iter()
        .filter(|p| p.stage.is_prospecting())
        .map(|p| match &p.company {
            Some(c) => format!("{} ({})", p.name.raw(), c.raw()),
            None => p.name.raw().to_owned(),
        })
        .collect();
    let body = crate::files::calendar::feed(&Feed {
        blocks,
        callbacks,
        due,
    });
    let etag = format!("\"{}\"", &token_hash(&body)[..32]);
    Ok(Some(Served { body, etag }))
}
