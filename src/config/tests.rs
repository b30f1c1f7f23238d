//! Tests of the parent module.
use super::*;
use clap::Parser;

#[test]
fn a_database_urls_password_is_found_and_hidden_in_any_text() {
    let urls = [
        "postgres://momentum:s3cr%40t@db.internal:5432/momentum?sslmode=require",
        "postgres://nopassword@db/momentum",
        "sqlite://momentum.db",
    ];
    let secrets = url_passwords(urls);
    assert_eq!(secrets, ["s3cr%40t"]);
    let error =
        "error connecting to postgres://momentum:s3cr%40t@db.internal: password s3cr@t rejected";
    assert_eq!(
        redact(error, &secrets),
        "error connecting to postgres://momentum:***@db.internal: password *** rejected"
    );
}

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
    let settings = Settings::single_workspace(s.clone(), s, "x");
    assert!(!format!("{settings:?}").contains("very-secret"));
}

fn slack_args() -> SlackArgs {
    let cli = Cli::try_parse_from(["momentum", "serve"]).unwrap();
    let Command::Serve(args) = cli.command else {
        panic!("not serve")
    };
    let mut slack = args.slack;
    slack.signing_secret = Some(Secret::new("s"));
    slack.bot_token = None;
    slack.app_token = None;
    slack.client_id = None;
    slack.client_secret = None;
    slack.token_key = None;
    slack
}

#[test]
fn one_bot_token_and_add_to_slack_are_exclusive() {
    let mut slack = slack_args();
    slack.bot_token = Some(Secret::new("xoxb-1"));
    slack.client_id = Some("123.456".into());
    slack.client_secret = Some(Secret::new("cs"));
    let err = slack.settings().unwrap_err();
    assert!(err.contains("not both"), "{err}");
}

#[test]
fn add_to_slack_needs_a_well_formed_token_key() {
    let mut slack = slack_args();
    slack.client_id = Some("123.456".into());
    slack.client_secret = Some(Secret::new("cs"));
    let err = slack.settings().unwrap_err();
    assert!(err.contains("MOMENTUM_TOKEN_KEY is not set"), "{err}");
    slack.token_key = Some(Secret::new("short"));
    let err = slack.settings().unwrap_err();
    assert!(err.contains("openssl rand -hex 32"), "{err}");
    slack.token_key = Some(Secret::new("ab".repeat(32)));
    slack.public_url = Some("https://m.example.com/".into());
    let Workspaces::Installed(app) = slack.settings().unwrap().workspaces else {
        panic!("not installed mode")
    };
    assert_eq!(
        app.redirect_url.as_deref(),
        Some("https://m.example.com/slack/oauth/callback")
    );
    assert!(!format!("{app:?}").contains("abab"), "{app:?}");
}

#[test]
fn socket_mode_needs_no_signing_secret_but_an_app_level_token() {
    let mut slack = slack_args();
    slack.signing_secret = None;
    slack.bot_token = Some(Secret::new("xoxb-1"));
    assert!(
        slack
            .settings()
            .unwrap_err()
            .contains("SLACK_SIGNING_SECRET")
    );
    slack.app_token = Some(Secret::new("xoxb-wrong-kind"));
    assert!(slack.settings().unwrap_err().contains("xapp-"));
    slack.app_token = Some(Secret::new("xapp-1"));
    let settings = slack.settings().unwrap();
    assert!(settings.signing_secret.is_none() && settings.app_token.is_some());
}
