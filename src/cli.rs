//! The command line: `momentum serve`, `migrate`, `run-job`, `migrate-data`,
//! `forget-workspace`, `demo` and `export`.
use crate::clock::Clock;
use crate::config::{Cli, Command};
use crate::startup::{Application, build_state};
use crate::store::Db;
use std::process::ExitCode;

pub fn main(cli: Cli) -> ExitCode {
    // Every database URL this run was given: their passwords never reach the terminal.
    let mut urls = vec![cli.database_url.clone()];
    if let Command::MigrateData(args) = &cli.command {
        urls.extend([args.from.clone(), args.to.clone()]);
    }
    // The demo prints a story: its logs (Slack is never reached) only when RUST_LOG asks.
    let quiet = matches!(cli.command, Command::Demo);
    init_tracing(if quiet { "off" } else { "info,sqlx=warn" });
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
            let secrets = crate::config::url_passwords(urls.iter().map(String::as_str));
            eprintln!(
                "momentum: {}",
                crate::config::redact(&format!("{e:#}"), &secrets)
            );
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Migrate => {
            Db::migrate(&cli.database_url).await?;
            println!("the database is up to date");
            Ok(())
        }
        Command::RunJob(args) => run_job(&cli.database_url, args).await,
        Command::MigrateData(args) => {
            let counts = crate::store::copy::copy(&args.from, &args.to).await?;
            let total: i64 = counts.iter().map(|(_, n)| n).sum();
            for (table, n) in &counts {
                println!("{table:<16} {n:>10}");
            }
            println!("copied {total} rows; every table's count matches the source");
            Ok(())
        }
        Command::ForgetWorkspace(args) => {
            let db = Db::open(&cli.database_url).await?;
            let deleted = db
                .write(args.team_id.clone(), |c, team| {
                    Box::pin(crate::store::workspaces::forget(c, team))
                })
                .await?;
            db.close().await;
            println!("deleted {deleted} rows of workspace {}", args.team_id);
            Ok(())
        }
        Command::Demo => {
            print!("{}", crate::demo::run().await?);
            Ok(())
        }
        Command::Export(args) => export(&cli.database_url, args).await,
        Command::Serve(args) => {
            let settings = args.slack.settings().map_err(anyhow::Error::msg)?;
            let clock = args.now.map_or_else(Clock::system, Clock::running_from);
            let state = build_state(settings, &cli.database_url, clock).await?;
            Application::build(state, args.port)
                .await?
                .run_until_stopped()
                .await
        }
    }
}

/// `momentum export`: the three CSV files of a workspace's period, streamed to disk.
async fn export(database_url: &str, args: crate::config::ExportArgs) -> anyhow::Result<()> {
    if args.from > args.to {
        anyhow::bail!("--from {} comes after --to {}", args.from, args.to);
    }
    let db = Db::open(database_url).await?;
    let team = crate::store::teams::get(db.reader(), &args.team).await?;
    let request = crate::domain::files::ExportRequest {
        team_id: args.team.clone(),
        reps: (!args.rep.is_empty()).then(|| args.rep.clone()),
        from: args.from,
        to: args.to,
        team_tz: team.tz.name().to_owned(),
    };
    let started = std::time::Instant::now();
    let written = crate::files::export::to_dir(db.reader(), &request, &args.out).await;
    db.close().await;
    let (rows, paths) = written?;
    for path in &paths {
        println!("{}", path.display());
    }
    println!(
        "{} touches, {} wins and {} blocks of {} from {} to {} in {:.1} s",
        rows.touches,
        rows.wins,
        rows.blocks,
        args.team,
        args.from,
        args.to,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// How long `run-job` keeps delivering before leaving the rest to `momentum serve`.
const DELIVERY_WINDOW: std::time::Duration = std::time::Duration::from_secs(30);

async fn run_job(database_url: &str, args: crate::config::RunJobArgs) -> anyhow::Result<()> {
    let Some(job) = crate::jobs::Job::from_name(&args.name) else {
        let names: Vec<&str> = crate::jobs::Job::ALL.iter().map(|j| j.name()).collect();
        anyhow::bail!(
            "unknown job `{}`; the jobs are {}",
            args.name,
            names.join(", ")
        );
    };
    let settings = args.slack.settings().map_err(anyhow::Error::msg)?;
    let clock = args.now.map_or_else(Clock::system, Clock::running_from);
    let state = build_state(settings, database_url, clock).await?;
    let now = state.clock.now();
    let report = crate::jobs::run(&state, job, now).await?;
    println!(
        "{}: {} run(s) claimed, {} message(s) queued (as of {now})",
        job.name(),
        report.claimed,
        report.queued
    );
    let started = std::time::Instant::now();
    loop {
        let pass = crate::delivery::drain_once(&state).await?;
        let pending = crate::store::outbox::pending(state.db.reader()).await?;
        if pending == 0 {
            println!("outbox delivered");
            break;
        }
        if started.elapsed() > DELIVERY_WINDOW {
            println!("{pending} message(s) still queued; a running `momentum serve` delivers them");
            break;
        }
        let pause = if pass.sent + pass.given_up > 0 {
            50
        } else {
            500
        };
        tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
    }
    state.db.close().await;
    Ok(())
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
/// Log targets whose lines would carry a credential, silenced whatever `RUST_LOG` asks:
/// slack-morphism writes Socket Mode's WebSocket URL (it holds the connection's ticket) and
/// the URI of every Web API request (the OAuth `code` of an install among them). Momentum logs
/// the failures of both itself, without them; tungstenite traces the WebSocket handshake's
/// request line.
const NEVER_LOGGED: [&str; 4] = [
    "slack_morphism::hyper_tokio::socket_mode=off",
    "slack_morphism::hyper_tokio::connector=off",
    "tungstenite=off",
    "tokio_tungstenite=off",
];

fn init_tracing(default_filter: &str) {
    use tracing_subscriber::EnvFilter;
    let mut filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    for directive in NEVER_LOGGED {
        if let Ok(d) = directive.parse() {
            filter = filter.add_directive(d);
        }
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
