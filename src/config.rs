//! Configuration: one struct of flags, each with an environment fallback (`momentum --help`
//! lists them all). Secrets are wrapped so that `Debug` never prints them.
use clap::{Args, Parser, Subcommand};
use std::fmt;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "momentum",
    version,
    about = "A Slack bot that keeps sales teams prospecting"
)]
pub struct Cli {
    /// SQLite database; created and migrated at start.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://momentum.db",
        global = true
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
    /// Play a scripted week of a sample team (no Slack needed) and print what the channel,
    /// a rep and the manager would have received.
    Demo,
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
    #[arg(long, env = "SLACK_SIGNING_SECRET", hide_env_values = true)]
    pub signing_secret: Option<Secret>,

    /// `xoxb-…` bot token for the Web API (app settings → OAuth & Permissions).
    #[arg(long, env = "SLACK_BOT_TOKEN", hide_env_values = true)]
    pub bot_token: Option<Secret>,

    /// Slack Web API base URL; tests point it at a fake server.
    #[arg(long, env = "SLACK_API_URL", default_value = "https://slack.com/api/")]
    pub slack_api_url: String,

    /// Team time zone (IANA name) until one is set with `/momentum settings tz …`.
    #[arg(long, env = "MOMENTUM_TZ", default_value = "UTC", value_parser = parse_tz)]
    pub tz: chrono_tz::Tz,
}

fn parse_tz(s: &str) -> Result<chrono_tz::Tz, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not an IANA time zone such as Europe/Paris"))
}

/// A value that must never reach a log: `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// The validated settings the running service needs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub signing_secret: Secret,
    pub bot_token: Secret,
    pub slack_api_url: String,
    pub default_tz: chrono_tz::Tz,
}

impl SlackArgs {
    /// Checks that both secrets are present; the error names the variable and where to find it.
    pub fn settings(&self) -> Result<Settings, String> {
        let missing = |var: &str, place: &str| {
            format!(
                "{var} is not set. Find it in your Slack app's settings page ({place}) at \
                 https://api.slack.com/apps — create the app from manifest.yml first if you have \
                 not — then run again with {var}=… in the environment or the matching flag."
            )
        };
        let signing_secret = match &self.signing_secret {
            Some(s) if !s.expose().trim().is_empty() => s.clone(),
            _ => {
                return Err(missing(
                    "SLACK_SIGNING_SECRET",
                    "Basic Information → App Credentials → Signing Secret",
                ));
            }
        };
        let bot_token = match &self.bot_token {
            Some(s) if !s.expose().trim().is_empty() => s.clone(),
            _ => {
                return Err(missing(
                    "SLACK_BOT_TOKEN",
                    "OAuth & Permissions → Bot User OAuth Token, xoxb-…",
                ));
            }
        };
        Ok(Settings {
            signing_secret,
            bot_token,
            slack_api_url: self.slack_api_url.clone(),
            default_tz: self.tz,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn a_missing_signing_secret_names_the_variable_and_where_to_find_it() {
        let cli = Cli::try_parse_from(["momentum", "serve"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve")
        };
        let mut slack = args.slack;
        slack.signing_secret = None;
        slack.bot_token = Some(Secret::new("xoxb-1"));
        let err = slack.settings().unwrap_err();
        assert!(err.contains("SLACK_SIGNING_SECRET"), "{err}");
        assert!(
            err.contains("Signing Secret") && err.contains("manifest.yml"),
            "{err}"
        );
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("xoxb-very-secret");
        assert_eq!(format!("{s:?}"), "***");
        let settings = Settings {
            signing_secret: s.clone(),
            bot_token: s,
            slack_api_url: "x".into(),
            default_tz: chrono_tz::UTC,
        };
        assert!(!format!("{settings:?}").contains("very-secret"));
    }
}
