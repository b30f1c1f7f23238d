//! Members' Slack profiles (time zone, admin): cached in the members table, refreshed from
//! `users.info` in the background, or — when a reply truly needs it — with a short timeout.
use crate::state::AppState;
use crate::store::{self, members, teams};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

/// How long a profile read from Slack is trusted.
pub const PROFILE_TTL_HOURS: i64 = 24;

/// A member as stored (if known), their team's settings, and the zone their days count in.
pub struct Located {
    pub member: Option<members::MemberRow>,
    pub team: teams::TeamRow,
    pub tz: Tz,
}

impl Located {
    /// The member's streak as it stands on `today`.
    pub fn streak(&self, today: chrono::NaiveDate) -> i64 {
        self.member.as_ref().map_or(0, |m| {
            crate::domain::streak::current(m.last_step_day, m.streak, today, self.team.work_days)
        })
    }
}

/// Reads the member and their team; the zone is the member's (as the store resolves it), or
/// the team's for someone not seen yet.
pub async fn locate(state: &AppState, team_id: &str, user_id: &str) -> store::Result<Located> {
    let reader = state.db.reader();
    let member = members::get(reader, team_id, user_id).await?;
    let team = teams::get(reader, team_id).await?;
    let tz = member.as_ref().map_or(team.tz, |m| m.local.tz);
    Ok(Located { member, team, tz })
}

/// True when the stored profile is missing or older than the TTL.
pub fn is_stale(state: &AppState, member: &members::MemberRow) -> bool {
    let fresh_after = state.clock.now() - Duration::hours(PROFILE_TTL_HOURS);
    member.profile_at.is_none_or(|at| at < fresh_after)
}

fn recently_asked(state: &AppState, team_id: &str, user_id: &str) -> bool {
    let asked = state
        .profile_asked
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    asked_within_the_hour(
        &asked,
        &(team_id.to_owned(), user_id.to_owned()),
        state.clock.now(),
    )
}

fn asked_within_the_hour(
    asked: &crate::state::ProfileAsks,
    key: &(String, String),
    now: DateTime<Utc>,
) -> bool {
    asked
        .get(key)
        .is_some_and(|at| *at > now - Duration::hours(1))
}

/// Asks Slack for the member's profile now and stores it; background refreshes go through
/// the functions below, which ask at most once an hour per member. Returns the fresh profile,
/// or `None` when Slack did not answer in `timeout`.
pub async fn refresh_profile(
    state: &AppState,
    team_id: &str,
    user_id: &str,
    timeout: std::time::Duration,
) -> Option<crate::slack::Profile> {
    let now = state.clock.now();
    remember_asked(
        &mut state
            .profile_asked
            .lock()
            .unwrap_or_else(|e| e.into_inner()),
        (team_id.to_owned(), user_id.to_owned()),
        now,
    );
    let token = match state.bot_token(team_id).await {
        Ok(Some(token)) => token,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the workspace's token");
            return None;
        }
    };
    match state.slack.user_profile(&token, user_id, timeout).await {
        Ok(profile) => {
            let data = (team_id.to_owned(), user_id.to_owned(), profile.clone(), now);
            let stored = state
                .db
                .write(data, |c, (team, user, p, at)| {
                    Box::pin(members::set_profile(
                        c,
                        team,
                        user,
                        p.tz,
                        p.is_admin,
                        p.name.as_deref(),
                        *at,
                    ))
                })
                .await;
            if let Err(e) = stored {
                tracing::warn!(error = %e, "could not store a member profile");
            }
            Some(profile)
        }
        Err(e) => {
            tracing::info!(error = %e, "users.info failed; using the cached or team time zone");
            None
        }
    }
}

/// Learns a member's profile in the background if it is missing or stale (for commands that
/// do not read the member row themselves, and for reps just added to a team).
pub fn learn_in_background(state: &AppState, team_id: &str, user_id: &str) {
    if recently_asked(state, team_id, user_id) {
        return;
    }
    let (state, team, user) = (state.clone(), team_id.to_owned(), user_id.to_owned());
    tokio::spawn(async move {
        let member = members::get(state.db.reader(), &team, &user)
            .await
            .ok()
            .flatten();
        if member.is_none_or(|m| is_stale(&state, &m)) {
            refresh_profile(&state, &team, &user, crate::slack::CALL_TIMEOUT).await;
        }
    });
}

/// Refreshes a stale profile without making the caller wait.
pub fn refresh_in_background(state: &AppState, member: &members::MemberRow) {
    refresh_if_stale(state, &member.team_id, &member.user_id, member.profile_at);
}

/// Refreshes the profile read at `profile_at` (never, if `None`) when it is stale: queued for
/// the [`refresher`], so a step never waits for Slack nor starts a call of its own.
pub fn refresh_if_stale(
    state: &AppState,
    team_id: &str,
    user_id: &str,
    profile_at: Option<DateTime<Utc>>,
) {
    let now = state.clock.now();
    if profile_at.is_some_and(|at| at >= now - Duration::hours(PROFILE_TTL_HOURS)) {
        return;
    }
    let key = (team_id.to_owned(), user_id.to_owned());
    let mut asked = state
        .profile_asked
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    // Queued once an hour at most; when the queue is full, a later step asks again.
    if asked_within_the_hour(&asked, &key, now) {
        return;
    }
    if state.profile_queue.try_send(key.clone()).is_ok() {
        remember_asked(&mut asked, key, now);
    }
}

/// Past this many remembered asks, those older than an hour (which no longer hold anything
/// back) are forgotten: the memory stays bounded however many members pass by.
const ASKS_KEPT: usize = 10_000;

/// Notes that a member's profile was asked for at `now`, forgetting stale asks when many.
fn remember_asked(
    asked: &mut crate::state::ProfileAsks,
    key: (String, String),
    now: DateTime<Utc>,
) {
    asked.insert(key, now);
    if asked.len() > ASKS_KEPT {
        let hour_ago = now - Duration::hours(1);
        asked.retain(|_, at| *at > hour_ago);
    }
}

/// How many background profile requests may wait for the [`refresher`].
pub const QUEUE: usize = 4096;

/// The least time between two background `users.info` calls: at most 20 a second however many
/// new members arrive at once (a blitz, a bulk import), well within Slack's rate limits over
/// several workspaces, and no burst of outgoing connections on the request path.
const SPACING: std::time::Duration = std::time::Duration::from_millis(50);

/// Asks Slack for the queued members' profiles, one at a time, [`SPACING`] apart.
pub async fn refresher(state: AppState, mut queue: tokio::sync::mpsc::Receiver<(String, String)>) {
    while let Some((team, user)) = queue.recv().await {
        refresh_profile(&state, &team, &user, crate::slack::CALL_TIMEOUT).await;
        tokio::time::sleep(SPACING).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_asks_are_forgotten_once_stale_and_many() {
        let mut asked = crate::state::ProfileAsks::new();
        let t0: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        for i in 0..ASKS_KEPT {
            remember_asked(&mut asked, ("T".into(), format!("U{i}")), t0);
        }
        assert_eq!(asked.len(), ASKS_KEPT);
        let later = t0 + Duration::hours(2);
        remember_asked(&mut asked, ("T".into(), "UNEW".into()), later);
        assert_eq!(asked.len(), 1, "only the fresh ask is left");
        assert!(asked_within_the_hour(
            &asked,
            &("T".into(), "UNEW".into()),
            later
        ));
    }
}
