//! The blitz board for a screen: `/blitz board` hands out the channel's private link (shown
//! once: only its token's hash is kept), `/blitz board reset` retires it for a new one (the old
//! page stops within a second and the link answers 404), and the page follows the database —
//! a touch taken by any replica shows on every board within two seconds.
use super::links::{Issued, issue};
use super::{Caller, Reply, Result};
use crate::crypto::token_hash;
use crate::domain::blitz::MIN_ATTEMPTS_FOR_RATE;
use crate::domain::blitz::{Tally, team};
use crate::domain::board::{BlitzBoard, Board, Line, WeekBoard};
use crate::domain::goals::week_of;
use crate::domain::response_rate;
use crate::domain::time::{local_day, short_date};
use crate::state::AppState;
use crate::store::links::{self, Link, LinkKind};
use crate::store::{self, blitz, board, teams};

/// Celebrated steps listed on the board at most.
const TODAY_SHOWN: i64 = 12;

pub async fn link(state: &AppState, caller: &Caller, reset: bool) -> Result<Reply> {
    let token = match issue(
        state,
        LinkKind::Board,
        &caller.team_id,
        &caller.channel_id,
        reset,
    )
    .await?
    {
        Issued::New(token) => token,
        Issued::Exists(made) => {
            return Ok(Reply::ephemeral(format!(
                "📺 This channel already has a board link (made {}). It is shown only once; whoever \
                 set up the screen has it. `/blitz board reset` makes a new one — the old screen \
                 stops at once.",
                short_date(made.date_naive())
            )));
        }
    };
    let path = format!("/board/{token}");
    let retired = if reset {
        "The old link no longer works. "
    } else {
        ""
    };
    let at = match &state.settings.public_url {
        Some(base) => format!("<{base}{path}>"),
        None => format!(
            "`http://<this Momentum's host>:<its port>{path}` (no MOMENTUM_PUBLIC_URL is set: open it \
             on the office network, at the address Momentum runs on)"
        ),
    };
    Ok(Reply::ephemeral(format!(
        "📺 {retired}This channel's board for a screen: {at}\nIt shows the live scoreboard during \
         a blitz, and the team's week between blitzes — nothing the channel doesn't already see. \
         🔒 Anyone with the link can watch: share it only with the screen. It is shown only this once."
    )))
}

/// Whose board a token opens (`None`: never issued, or reset).
pub async fn opened_by(state: &AppState, token: &str) -> store::Result<Option<Link>> {
    Ok(links::opened_by(state.db.reader(), LinkKind::Board, &token_hash(token)).await?)
}

/// The board's link and a marker that changes whenever the board would; `None` once the link
/// is reset.
pub async fn marker(state: &AppState, token: &str) -> store::Result<Option<(Link, String)>> {
    let Some(link) = opened_by(state, token).await? else {
        return Ok(None);
    };
    let team = teams::get(state.db.reader(), &link.team_id).await?;
    let today = local_day(state.clock.now(), team.tz);
    let changes = board::marker(state.db.reader(), &link.team_id, week_of(today).0).await?;
    Ok(Some((link, format!("{today}.{changes}"))))
}

fn line(name: String, t: &Tally) -> Line {
    Line {
        name,
        attempts: t.attempts,
        conversations: t.conversations,
        responses: t.responses,
        meetings: t.meetings,
        rate: response_rate(t.responses, t.attempts)
            .filter(|_| t.attempts >= MIN_ATTEMPTS_FOR_RATE),
    }
}

/// What the board of `link` shows now.
pub async fn snapshot(state: &AppState, link: &Link) -> store::Result<Board> {
    let reader = state.db.reader();
    let now = state.clock.now();
    if let Some(b) = blitz::running_in(reader, &link.team_id, &link.owner).await? {
        let tallies = blitz::tallies(
            reader,
            &b.team_id,
            b.team_manager.as_deref(),
            b.starts_at,
            now,
        )
        .await?;
        let people = tallies
            .iter()
            .map(|t| {
                let name = match &t.name {
                    Some(n) if !t.private && !n.is_empty() => n.plain(40),
                    _ => "a teammate".to_owned(),
                };
                line(name, t)
            })
            .collect();
        return Ok(Board::Blitz(BlitzBoard {
            title: "Prospecting blitz".into(),
            ends_at: b.ends_at.to_rfc3339(),
            seconds_left: (b.ends_at - now).num_seconds().max(0),
            goal: b.goal,
            team: line("Team".into(), &team(&tallies)),
            people,
        }));
    }
    let tz = teams::get(reader, &link.team_id).await?.tz;
    let today = local_day(now, tz);
    let monday = week_of(today).0;
    let (totals, celebrated) = tokio::try_join!(
        board::week_totals(reader, &link.team_id, monday, today),
        board::celebrated(reader, &link.team_id, today, TODAY_SHOWN),
    )?;
    let (touches, conversations, meetings, wins) = totals;
    let mut today_lines = Vec::new();
    let mut unnamed = 0;
    for c in &celebrated {
        match &c.name {
            Some(name) if !c.private && !name.is_empty() => today_lines.push(format!(
                "{} — {} {}",
                name.plain(40),
                c.kind.emoji(),
                c.text.plain(120)
            )),
            _ => unnamed += 1,
        }
    }
    let week = if monday == today {
        short_date(today)
    } else {
        format!("{} – {}", short_date(monday), short_date(today))
    };
    Ok(Board::Week(WeekBoard {
        title: "The team's week".into(),
        week,
        touches,
        conversations,
        meetings,
        wins,
        today: today_lines,
        unnamed_today: unnamed,
    }))
}
