//! The command line: `momentum serve` and `momentum migrate`.
use crate::clock::Clock;
use crate::config::{Cli, Command};
use crate::startup::{Application, build_state};
use crate::store::Db;
use std::process::ExitCode;

pub fn main(cli: Cli) -> ExitCode {
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("momentum: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("momentum: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Migrate => {
            Db::migrate(&cli.database_url).await?;
            println!("database {} is up to date", cli.database_url);
            Ok(())
        }
        Command::Serve(args) => {
            let settings = args.slack.settings().map_err(anyhow::Error::msg)?;
            let state = build_state(settings, &cli.database_url, Clock::system()).await?;
            Application::build(state, args.port)
                .await?
                .run_until_stopped()
                .await
        }
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
