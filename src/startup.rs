//! Start-up as a library: build the state (database, Slack client, clock), bind the port,
//! run the HTTP service and the outbox sender until SIGTERM or Ctrl-C.
use crate::clock::Clock;
use crate::config::Settings;
use crate::delivery as sender;
use crate::slack::SlackApi;
use crate::state::AppState;
use crate::store::Db;
use anyhow::Context;
use tokio::net::TcpListener;

/// Builds the shared state: opens and migrates the database, creates the Slack client.
pub async fn build_state(
    settings: Settings,
    database_url: &str,
    clock: Clock,
) -> anyhow::Result<AppState> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let db = Db::open(database_url).await.with_context(|| {
        let hidden = crate::config::url_passwords([database_url]);
        format!(
            "opening the database {}",
            crate::config::redact(database_url, &hidden)
        )
    })?;
    // Members and teams with no zone of their own count their days in this one.
    db.write(settings.default_tz, |c, tz| {
        Box::pin(crate::store::teams::set_default_zone(c, *tz))
    })
    .await
    .context("storing the default time zone")?;
    check_token_key(&db, &settings).await?;
    let slack = SlackApi::new(&settings.slack_api_url).context("creating the Slack client")?;
    let (profile_queue, queued) = tokio::sync::mpsc::channel(crate::service::profile::QUEUE);
    let state = AppState::new(db, slack, clock, settings, profile_queue);
    tokio::spawn(crate::service::profile::refresher(state.clone(), queued));
    crate::service::workspaces::resume_single_workspace(&state)
        .await
        .context("resuming a paused workspace")?;
    Ok(state)
}

/// With "Add to Slack", the keys must open the tokens already stored: a changed or mistyped
/// `MOMENTUM_TOKEN_KEY` stops start-up with a clear error instead of failing every call. A
/// token sealed by another key (`MOMENTUM_TOKEN_KEY_PREVIOUS`, after a rotation) or in the
/// older unnamed format is sealed again under the current key, row by row.
async fn check_token_key(db: &Db, settings: &Settings) -> anyhow::Result<()> {
    let crate::config::Workspaces::Installed(app) = &settings.workspaces else {
        return Ok(());
    };
    let stored = crate::store::workspaces::sealed_tokens(db.reader())
        .await
        .context("reading the installed workspaces")?;
    let mut resealed = 0;
    for (team, sealed) in stored {
        let Ok(token) = app.open(&team, &sealed) else {
            anyhow::bail!(
                "MOMENTUM_TOKEN_KEY does not decrypt the bot tokens stored in this database{}. Run \
                 with the key they were stored with (or, after changing it, give the old one as \
                 MOMENTUM_TOKEN_KEY_PREVIOUS); if it is lost, every workspace must install \
                 Momentum again (Add to Slack) after the `installations` rows are deleted.",
                if app.previous_key.is_some() {
                    " (nor does MOMENTUM_TOKEN_KEY_PREVIOUS)"
                } else {
                    ""
                }
            );
        };
        if app.key.sealed_it(&sealed) {
            continue;
        }
        let fresh = app.key.seal(&team, &token);
        let changed = db
            .write((team, sealed, fresh), |c, (team, old, new)| {
                Box::pin(crate::store::workspaces::reseal(c, team, old, new))
            })
            .await
            .context("sealing a bot token under the current key")?;
        resealed += usize::from(changed);
    }
    if resealed > 0 {
        tracing::info!(
            resealed,
            key = app.key.id(),
            "bot tokens sealed again under the current MOMENTUM_TOKEN_KEY"
        );
    }
    Ok(())
}

pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Binds `0.0.0.0:port` (port 0 picks a free one, as tests do).
    pub async fn build(state: AppState, port: u16) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(("0.0.0.0", port))
            .await
            .with_context(|| format!("binding port {port}"))?;
        Ok(Self { listener, state })
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until a shutdown signal, then lets in-flight requests and the sender finish.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let sender = tokio::spawn(sender::run(self.state.clone(), stop_rx.clone()));
        let socket = self.state.settings.app_token.clone().map(|token| {
            tokio::spawn(crate::socket::run(
                self.state.clone(),
                token,
                stop_rx.clone(),
            ))
        });
        let scheduler = tokio::spawn(crate::jobs::run_scheduler(self.state.clone(), stop_rx));
        let app = crate::http::router(self.state.clone());
        tracing::info!(port = self.port(), "Momentum is listening");
        // Replies go out at once: no Nagle wait for the client's delayed ACK.
        let listener = axum::serve::ListenerExt::tap_io(self.listener, |tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
        });
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown({
            let stopping = self.state.stopping.clone();
            async move {
                shutdown_signal().await;
                stopping.send_replace(true);
            }
        })
        .await
        .context("serving HTTP")?;
        let _ = stop_tx.send(true);
        let _ = sender.await;
        let _ = scheduler.await;
        if let Some(socket) = socket {
            let _ = socket.await;
        }
        self.state.db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received");
}
