//! All SQL lives here. `Db` holds a pool of readers and one writer task that commits writes in
//! groups: each caller's work runs inside a shared transaction and the caller hears back only
//! after COMMIT, so a reply that says "logged" always follows a durable write, while the cost
//! of a commit is shared by every request that arrived meanwhile (group commit).
//!
//! If any work in a group fails, the group is rolled back and each piece of work is run again
//! alone, so one bad request never costs another its write.
pub mod blitz;
pub mod blocks;
pub mod digest;
pub mod interactions;
pub mod jobs;
pub mod members;
pub mod outbox;
pub mod prospects;
pub mod schedule;
pub mod stats;
pub mod teams;
pub mod touches;
pub mod wins;

use futures::future::BoxFuture;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, SqliteConnection, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

pub use sqlx::SqliteConnection as Conn;

/// How many pieces of work may share one transaction.
const MAX_GROUP: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the database writer has stopped")]
    WriterGone,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone)]
pub struct Db {
    read: SqlitePool,
    writer: mpsc::Sender<Box<dyn Work>>,
}

impl Db {
    /// Opens (creating if needed) and migrates the database, then starts the writer task.
    pub async fn open(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            .pragma("temp_store", "memory")
            .log_statements(tracing::log::LevelFilter::Trace);
        let mut writer = SqliteConnection::connect_with(&options).await?;
        sqlx::migrate!("./migrations").run(&mut writer).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(1)
            .connect_with(options.read_only(true))
            .await?;
        let (tx, rx) = mpsc::channel(4096);
        tokio::spawn(run_writer(writer, rx));
        Ok(Self { read, writer: tx })
    }

    /// Applies the migrations and closes.
    pub async fn migrate(url: &str) -> Result<()> {
        let db = Self::open(url).await?;
        db.close().await;
        Ok(())
    }

    /// A pool for reads; never write through it.
    pub fn reader(&self) -> &SqlitePool {
        &self.read
    }

    /// Runs `work(conn, &data)` in a write transaction and returns its value once it is
    /// committed. `work` may run twice (after a group rollback), so it must have no effect
    /// outside the connection it is given; `data` is what it needs, owned by the job.
    pub async fn write<D, T, F>(&self, data: D, work: F) -> Result<T>
    where
        D: Send + 'static,
        T: Send + 'static,
        F: for<'c> Fn(&'c mut SqliteConnection, &'c D) -> BoxFuture<'c, Result<T, sqlx::Error>>
            + Send
            + 'static,
    {
        let (done, wait) = oneshot::channel();
        let job = Box::new(Job {
            work,
            data,
            out: None,
            done: Some(done),
        });
        self.writer
            .send(job)
            .await
            .map_err(|_| StoreError::WriterGone)?;
        wait.await.map_err(|_| StoreError::WriterGone)?
    }

    pub async fn close(&self) {
        self.read.close().await;
    }
}

/// One caller's piece of work, type-erased for the writer queue.
trait Work: Send {
    fn run<'c>(
        &'c mut self,
        conn: &'c mut SqliteConnection,
    ) -> BoxFuture<'c, Result<(), sqlx::Error>>;
    fn finish(self: Box<Self>, result: Result<(), StoreError>);
}

struct Job<F, D, T> {
    work: F,
    data: D,
    out: Option<T>,
    done: Option<oneshot::Sender<Result<T>>>,
}

impl<F, D, T> Work for Job<F, D, T>
where
    D: Send + 'static,
    T: Send + 'static,
    F: for<'c> Fn(&'c mut SqliteConnection, &'c D) -> BoxFuture<'c, Result<T, sqlx::Error>>
        + Send
        + 'static,
{
    fn run<'c>(
        &'c mut self,
        conn: &'c mut SqliteConnection,
    ) -> BoxFuture<'c, Result<(), sqlx::Error>> {
        Box::pin(async move {
            let Job {
                work, data, out, ..
            } = self;
            *out = Some(work(conn, data).await?);
            Ok(())
        })
    }

    fn finish(mut self: Box<Self>, result: Result<(), StoreError>) {
        let reply = match result {
            Ok(()) => self.out.take().ok_or(StoreError::WriterGone),
            Err(e) => Err(e),
        };
        if let Some(done) = self.done.take() {
            let _ = done.send(reply);
        }
    }
}

async fn run_writer(mut conn: SqliteConnection, mut rx: mpsc::Receiver<Box<dyn Work>>) {
    let mut group: Vec<Box<dyn Work>> = Vec::with_capacity(MAX_GROUP);
    while rx.recv_many(&mut group, MAX_GROUP).await > 0 {
        commit_group(&mut conn, &mut group).await;
        group.clear();
    }
}

async fn commit_group(conn: &mut SqliteConnection, group: &mut Vec<Box<dyn Work>>) {
    if group.len() > 1 {
        match run_all(conn, group).await {
            Ok(()) => {
                for work in group.drain(..) {
                    work.finish(Ok(()));
                }
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, size = group.len(), "group write failed; retrying one by one")
            }
        }
    }
    for mut work in group.drain(..) {
        let result = run_one(conn, work.as_mut()).await;
        work.finish(result.map_err(StoreError::from));
    }
}

async fn run_all(
    conn: &mut SqliteConnection,
    group: &mut [Box<dyn Work>],
) -> Result<(), sqlx::Error> {
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
    for work in group.iter_mut() {
        if let Err(e) = work.run(conn).await {
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
            return Err(e);
        }
    }
    if let Err(e) = sqlx::query("COMMIT").execute(&mut *conn).await {
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        return Err(e);
    }
    Ok(())
}

async fn run_one(conn: &mut SqliteConnection, work: &mut dyn Work) -> Result<(), sqlx::Error> {
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
    let result = match work.run(conn).await {
        Ok(()) => sqlx::query("COMMIT").execute(&mut *conn).await.map(|_| ()),
        Err(e) => Err(e),
    };
    if result.is_err() {
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
    }
    result
}

/// Timestamps as stored: RFC 3339 UTC with milliseconds, so text order is time order.
pub fn ts(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub fn parse_ts(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}
