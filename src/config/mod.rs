//! Configuration: one struct of flags, each with an environment fallback (`momentum --help`
//! lists them all). Secrets are wrapped so that `Debug` never prints them.
use clap::{Args, Parser, Subcommand};

mod redact;
pub use redact::{redact, url_passwords};

#[derive(Parser, Debug, Clone)]
#[command(
    name = "momentum",
    version,
    about = "A Slack bot that keeps sales teams prospecting"
)]
pub struct Cli {
    /// `sqlite://…` (the default) or `postgres://…`; created and migrated at start.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://momentum.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Run the HTTP service for Slack and the background workers.
    Serve(ServeArgs),
    /// Create the database if needed, apply migrations and exit.
    Migrate,
    /// Run one scheduled job now (shoutouts, nudges, reminders, digests), deliver what it
    /// queued if Slack answers, and exit. Running it twice for the same instant does the work once.
    RunJob(RunJobArgs),
    /// Copy an existing deployment's data into an empty PostgreSQL database (scaling out):
    /// `momentum migrate-data --from sqlite://momentum.db --to postgres://…`. Both are
    /// migrated first; the row counts are checked; a non-empty target is refused.
    MigrateData(MigrateDataArgs),
    /// Delete everything stored about one workspace now (`momentum forget-workspace T0123`),
    /// instead of waiting for MOMENTUM_RETENTION_DAYS after it uninstalls Momentum.
    ForgetWorkspace(ForgetArgs),
    /// Play a scripted week of a sample team (no Slack needed) and print what the channel,
    /// a rep and the manager would have received.
    Demo,
    /// Write a workspace's touches, wins and blocks over local days as three CSV files, without
    /// Slack (`momentum export --team T0123 --from 2026-11-01 --to 2026-11-30 --out DIR`).
    Export(ExportArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    /// The workspace's team id (T…).
    #[arg(long)]
    pub team: String,
    /// The first local day (YYYY-MM-DD).
    #[arg(long)]
    pub from: chrono::NaiveDate,
    /// The last local day (YYYY-MM-DD), included.
    #[arg(long)]
    pub to: chrono::NaiveDate,
    /// Only this member's steps (U…); everyone's by default. May be given several times.
    #[arg(long)]
    pub rep: Vec<String>,
    /// The directory the files are written to (created if missing).
    #[arg(long)]
    pub out: std::path::PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct ForgetArgs {
    /// The workspace's team id (T…), as shown in the logs and the installations table.
    pub team_id: String,
}

#[derive(Args, Debug, Clone)]
pub struct MigrateDataArgs {
    /// The database to copy from (`sqlite://…`).
    #[arg(long)]
    pub from: String,
    /// The empty database to copy into (`postgres://…`).
    #[arg(long)]
    pub to: String,
}

#[derive(Args, Debug, Clone)]
pub struct RunJobArgs {
    /// shoutouts, nudges, reminders or digests.
    pub name: String,

    /// Run as if at this instant (RFC 3339, e.g. 2026-11-23T16:00:00Z).
    #[arg(long, value_parser = parse_instant)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,

    #[command(flatten)]
    pub slack: SlackArgs,
}

fn parse_instant(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| format!("`{s}` is not an RFC 3339 instant such as 2026-11-23T16:00:00Z"))
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub slack: SlackArgs,

    /// HTTP port (listens on all interfaces).
    #[arg(long, env = "PORT", default_value_t = 3000)]
    pub port: u16,

    /// Runs as if the clock read this instant at start-up (RFC 3339), then at the normal pace:
    /// for rehearsing a schedule and for tests with real processes. Never in production.
    #[arg(long, value_parser = parse_instant, hide = true)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Args, Debug, Clone)]
pub struct SlackArgs {
    /// Verifies every request from Slack (app settings → Basic Information → Signing Secret).
    /// Needed over HTTP; optional with Socket Mode.
    #[arg(long, env = "SLACK_SIGNING_SECRET", hide_env_values = true)]
    pub signing_secret: Option<Secret>,

    /// `xoxb-…` bot token for the Web API (app settings → OAuth & Permissions): one workspace.
    /// Leave unset to install into many workspaces with SLACK_CLIENT_ID/SLACK_CLIENT_SECRET.
    #[arg(long, env = "SLACK_BOT_TOKEN", hide_env_values = true)]
    pub bot_token: Option<Secret>,

    /// `xapp-…` app-level token with `connections:write`: Slack reaches Momentum over Socket
    /// Mode, so no public URL is needed (app settings → Basic Information → App-Level Tokens).
    #[arg(long, env = "SLACK_APP_TOKEN", hide_env_values = true)]
    pub app_token: Option<Secret>,

    /// "Add to Slack" for many workspaces (app settings → Basic Information → App Credentials).
    #[arg(long, env = "SLACK_CLIENT_ID")]
    pub client_id: Option<String>,

    /// The app's Client Secret, for "Add to Slack".
    #[arg(long, env = "SLACK_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Option<Secret>,

    /// 64 hex characters (`openssl rand -hex 32`) that encrypt the installed workspaces' bot
    /// tokens in the database. Required with "Add to Slack"; keep it with your backups.
    #[arg(long, env = "MOMENTUM_TOKEN_KEY", hide_env_values = true)]
    pub token_key: Option<Secret>,

    /// The key the tokens were sealed with before `MOMENTUM_TOKEN_KEY` changed: start-up opens
    /// them with it and seals them again under the new key (then this can be removed).
    #[arg(long, env = "MOMENTUM_TOKEN_KEY_PREVIOUS", hide_env_values = true)]
    pub token_key_previous: Option<Secret>,

    /// The public HTTPS address of this deployment (e.g. https://momentum.example.com), for
    /// the OAuth redirect URL `…/slack/oauth/callback` (unset, Slack uses the app's only one)
    /// and the private calendar links.
    #[arg(long, env = "MOMENTUM_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Days a workspace's data is kept after it uninstalls Momentum, then deleted.
    #[arg(long, env = "MOMENTUM_RETENTION_DAYS", default_value_t = 30)]
    pub retention_days: u32,

    /// Slack Web API base URL; tests point it at a fake server.
    #[arg(long, env = "SLACK_API_URL", default_value = "https://slack.com/api/")]
    pub slack_api_url: String,

    /// Requests from Slack handled at once; beyond it, 503 with Retry-After (load shedding).
    #[arg(long, env = "MOMENTUM_MAX_IN_FLIGHT", default_value_t = DEFAULT_MAX_IN_FLIGHT)]
    pub max_in_flight: usize,

    /// Slack user ids (comma-separated, e.g. U012AB3CD,U045EF6GH) who may change workspace
    /// settings besides Slack's workspace admins and owners and the installer: for a
    /// one-token deployment whose sales lead is not a Slack admin.
    #[arg(long, env = "MOMENTUM_ADMINS", value_delimiter = ',', value_parser = parse_user_id)]
    pub admins: Vec<String>,

    /// Team time zone (IANA name) until one is set with `/momentum settings tz …`.
    #[arg(long, env = "MOMENTUM_TZ", default_value = "UTC", value_parser = parse_tz)]
    pub tz: chrono_tz::Tz,
}

fn parse_user_id(s: &str) -> Result<String, String> {
    let id = s.trim();
    let valid = id.len() >= 2
        && id.starts_with(['U', 'W'])
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if valid {
        Ok(id.to_owned())
    } else {
        Err(format!(
            "`{s}` is not a Slack user id such as U012AB3CD (a member's profile → ⋮ → Copy member ID)"
        ))
    }
}

fn parse_tz(s: &str) -> Result<chrono_tz::Tz, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not an IANA time zone such as Europe/Paris"))
}

pub use crate::secret::Secret;

/// Where each workspace's bot token comes from.
#[derive(Debug, Clone)]
pub enum Workspaces {
    /// One workspace, one `SLACK_BOT_TOKEN`.
    Single(Secret),
    /// Many workspaces installed through "Add to Slack"; their tokens are in the database.
    Installed(Box<OAuthApp>),
}

/// The app's OAuth credentials and the key its stored tokens are sealed with.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    pub client_id: String,
    pub client_secret: Secret,
    pub key: crate::crypto::TokenKey,
    /// `MOMENTUM_TOKEN_KEY_PREVIOUS`: opens tokens sealed before a rotation.
    pub previous_key: Option<crate::crypto::TokenKey>,
    /// `{MOMENTUM_PUBLIC_URL}/slack/oauth/callback`, when set.
    pub redirect_url: Option<String>,
}

impl OAuthApp {
    /// Opens a stored token with the key that sealed it: the current one, else the previous.
    pub fn open(&self, team_id: &str, sealed: &str) -> Result<Secret, crate::crypto::Unsealable> {
        self.key
            .open(team_id, sealed)
            .or_else(|e| match &self.previous_key {
                Some(previous) => previous.open(team_id, sealed),
                None => Err(e),
            })
    }
}

/// The validated settings the running service needs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Verifies HTTP requests from Slack; `None` only with Socket Mode (then every request
    /// to the Slack routes is refused).
    pub signing_secret: Option<Secret>,
    pub workspaces: Workspaces,
    /// Socket Mode's app-level token.
    pub app_token: Option<Secret>,
    pub slack_api_url: String,
    pub default_tz: chrono_tz::Tz,
    /// Days a workspace's data is kept after it leaves.
    pub retention_days: u32,
    /// `MOMENTUM_ADMINS`: user ids who may change workspace settings (besides Slack's admins
    /// and owners and the installer).
    pub admins: Vec<String>,
    /// Requests from Slack handled at once; more are shed with 503.
    pub max_in_flight: usize,
    /// How long a request's writes may take to commit before it answers "not saved"
    /// ([`WRITE_BUDGET`]; only tests change it).
    pub write_budget: std::time::Duration,
    /// `MOMENTUM_PUBLIC_URL`, without a trailing slash: the base of the private links to
    /// pages outside Slack (the calendar feed).
    pub public_url: Option<String>,
}

/// Every write a request makes is committed within this long of the request's arrival, or
/// not at all: Slack gives up on an answer after 3 seconds.
pub const WRITE_BUDGET: std::time::Duration = std::time::Duration::from_millis(2000);

/// Slack requests handled at once by default: far above what two cores serve within Slack's
/// 3 seconds (each takes well under 10 ms), low enough that a flood queues no unbounded work.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 512;

impl Settings {
    /// One workspace over HTTP: the first version's settings.
    pub fn single_workspace(
        signing_secret: Secret,
        bot_token: Secret,
        slack_api_url: &str,
    ) -> Self {
        Self {
            signing_secret: Some(signing_secret),
            workspaces: Workspaces::Single(bot_token),
            app_token: None,
            slack_api_url: slack_api_url.to_owned(),
            default_tz: chrono_tz::UTC,
            retention_days: 30,
            admins: Vec::new(),
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            write_budget: WRITE_BUDGET,
            public_url: None,
        }
    }
}

fn present(value: &Option<Secret>) -> Option<Secret> {
    value.clone().filter(|s| !s.expose().trim().is_empty())
}

impl SlackArgs {
    /// Checks that the secrets fit together; each error names the variable and where to find
    /// it.
    pub fn settings(&self) -> Result<Settings, String> {
        let missing = |var: &str, place: &str| {
            format!(
                "{var} is not set. Find it in your Slack app's settings page ({place}) at \
                 https://api.slack.com/apps — create the app from manifest.yml (or \
                 manifest.socket.yml for Socket Mode) first if you have not — then run again \
                 with {var}=… in the environment or the matching flag."
            )
        };
        let app_token = present(&self.app_token);
        if let Some(token) = &app_token
            && !token.expose().starts_with("xapp-")
        {
            return Err(
                "SLACK_APP_TOKEN must be an app-level token starting with xapp- \
                 (Basic Information → App-Level Tokens, with the connections:write scope)."
                    .into(),
            );
        }
        let signing_secret = present(&self.signing_secret);
        if signing_secret.is_none() && app_token.is_none() {
            return Err(missing(
                "SLACK_SIGNING_SECRET",
                "Basic Information → App Credentials → Signing Secret; or use Socket Mode \
                 with SLACK_APP_TOKEN",
            ));
        }
        let client = (
            self.client_id.clone().filter(|s| !s.trim().is_empty()),
            present(&self.client_secret),
        );
        let workspaces = match (present(&self.bot_token), client) {
            (Some(_), (Some(_), _) | (_, Some(_))) => {
                return Err(
                    "Set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and \
                     SLACK_CLIENT_SECRET (\"Add to Slack\", many workspaces), not both."
                        .into(),
                );
            }
            (Some(token), _) => Workspaces::Single(token),
            (None, (Some(client_id), Some(client_secret))) => {
                let key = present(&self.token_key).ok_or_else(|| {
                    "MOMENTUM_TOKEN_KEY is not set. \"Add to Slack\" stores each workspace's bot \
                     token encrypted with it: make one with `openssl rand -hex 32`, keep it \
                     safe, and run again with MOMENTUM_TOKEN_KEY=… in the environment."
                        .to_owned()
                })?;
                Workspaces::Installed(Box::new(OAuthApp {
                    client_id,
                    client_secret,
                    key: crate::crypto::TokenKey::from_hex(key.expose())?,
                    previous_key: present(&self.token_key_previous)
                        .map(|k| {
                            crate::crypto::TokenKey::from_hex(k.expose()).map_err(|e| {
                                e.replace("MOMENTUM_TOKEN_KEY", "MOMENTUM_TOKEN_KEY_PREVIOUS")
                            })
                        })
                        .transpose()?,
                    redirect_url: self
                        .public_url
                        .as_deref()
                        .map(|u| format!("{}/slack/oauth/callback", u.trim_end_matches('/'))),
                }))
            }
            (None, (Some(_), None)) => {
                return Err(missing(
                    "SLACK_CLIENT_SECRET",
                    "Basic Information → App Credentials → Client Secret",
                ));
            }
            (None, (None, Some(_))) => {
                return Err(missing(
                    "SLACK_CLIENT_ID",
                    "Basic Information → App Credentials → Client ID",
                ));
            }
            (None, (None, None)) => {
                return Err(missing(
                    "SLACK_BOT_TOKEN",
                    "OAuth & Permissions → Bot User OAuth Token, xoxb-…; or SLACK_CLIENT_ID and \
                     SLACK_CLIENT_SECRET for \"Add to Slack\"",
                ));
            }
        };
        Ok(Settings {
            signing_secret,
            workspaces,
            app_token,
            slack_api_url: self.slack_api_url.clone(),
            default_tz: self.tz,
            retention_days: self.retention_days,
            admins: self.admins.clone(),
            max_in_flight: self.max_in_flight.max(1),
            write_budget: WRITE_BUDGET,
            public_url: self
                .public_url
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(|u| u.trim_end_matches('/').to_owned()),
        })
    }
}

#[cfg(test)]
mod tests;
