//! All SQL lives here. `Db` holds a pool of readers and one writer task that commits writes in
//! groups: each caller's work runs inside a shared transaction and the caller hears back only
//! after COMMIT, so a reply that says "logged" always follows a durable write, while the cost
//! of a commit is shared by every request that arrived meanwhile (group commit).
//!
//! If any work in a group fails, the group is rolled back and each piece of work is run again
//! alone, so one bad request never costs another its write.
//!
//! The machinery has a file each: the writer and its queue of work (`writer.rs`), group
//! commit, one-by-one retries and PostgreSQL's reconnect (`group.rs`), and SQLite's WAL
//! checkpointer (`checkpoint.rs`); this file opens the database and hands out the two doors,
//! [`Db::reader`] and [`Db::write`].
//!
//! On SQLite the writer is a thread of its own. Work with an in-thread form
//! (the business writes of `store/` written against [`Tx`]: `/win`, `/touch`, `/block done`) runs there on the connection's own handle, with no
//! hand-off to sqlx's worker per statement ([`direct`]); the writer never checkpoints, a
//! checkpointer connection copies the WAL back in the background.
//!
//! Two backends, one store: a `sqlite://` URL (the embedded default) or a `postgres://` one
//! (several replicas on one database). Each statement is written once in SQL both accept,
//! with a PostgreSQL form where the dialects differ ([`sql`]); the schemas are
//! `migrations/*.sql` and `migrations/postgres/*.sql`. On PostgreSQL every write transaction
//! takes one advisory lock ([`WRITE_LOCK`]) so writes are serialized across replicas as SQLite
//! serializes them in its file: the same read-then-write code is correct on both.
pub mod blitz;
pub mod blocks;
pub mod board;
pub mod calendar;
pub mod copy;
pub mod digest;
pub mod direct;
pub mod export;
pub mod files;
pub mod goals;
pub mod interactions;
pub mod invites;
pub mod jobs;
pub mod links;
pub mod members;
pub mod outbox;
pub mod presence;
pub mod prospects;
pub mod schedule;
pub mod sql;
pub mod stats;
pub mod targets;
pub mod team;
pub mod teams;
pub mod touches;
pub mod undo;
mod vocab;
pub mod wins;
pub mod workspaces;

use futures::future::BoxFuture;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, PgConnection, SqliteConnection};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

pub use direct::Direct;
pub use sql::{Conn, Ex, Reader, Tx};

/// The key of PostgreSQL's transaction-level advisory lock that every write transaction takes:
/// writes are serialized across replicas exactly as SQLite serializes them within one file, so
/// every read-then-write in `store/` means the same on both backends.
pub const WRITE_LOCK: i64 = 0x6d6f6d656e74; // "moment"

/// The writer's page cache (SQLite's default is 2 MB): the pages every write descends through
/// (the indexes' upper levels, the members and the day counts) stay in memory instead of being
/// read again from the OS at each group. It fills only as the database is written.
const WRITER_CACHE_KB: u32 = 32 * 1024;
/// How many pieces of work may share one transaction.
const MAX_GROUP: usize = 256;
/// How long the writer waits for SQLite's write lock before it looks again at who is still
/// waiting for it (callers past their deadline are answered and dropped meanwhile).
const LOCK_POLL: Duration = Duration::from_millis(100);
/// The deadline of a write made outside a request (jobs, the outbox, the command line).
pub const BACKGROUND_DEADLINE: Duration = Duration::from_secs(30);

tokio::task_local! {
    /// The deadline of the request being served, set by the edge with [`within`].
    static DEADLINE: Instant;
}

/// Runs `work` (a request's handling) with every write in it due by `deadline`: a write not
/// committed by then is never committed, and its caller gets [`StoreError::Busy`].
pub async fn within<F: std::future::Future>(deadline: Instant, work: F) -> F::Output {
    DEADLINE.scope(deadline, work).await
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the database writer has stopped")]
    WriterGone,
    /// The write could not start before its deadline (the database is locked by someone
    /// else); nothing was written.
    #[error("the database was busy; nothing was written")]
    Busy,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What a write planned on an earlier read finds when that read no longer holds: nothing was
/// written; read (and render) again. The shout-out, team changes and kudos counts plan this way,
/// so nothing is rendered inside a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stale;

#[derive(Clone)]
pub struct Db {
    read: Reader,
    writer: mpsc::Sender<Box<dyn Work>>,
}

/// Whether a database URL names PostgreSQL (else it is a SQLite file).
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl Db {
    /// Opens and migrates the database — PostgreSQL for a `postgres://` URL, else a SQLite
    /// file (created if needed) — then starts the writer task.
    pub async fn open(url: &str) -> Result<Self> {
        if is_postgres(url) {
            return Self::open_postgres(url).await;
        }
        direct::configure_process();
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
        // From here the writer waits for the lock in short polls, so deadlines are kept, and
        // never checkpoints itself: copying the WAL back into the file (and its fsync) is the
        // checkpointer's, off the path of every write.
        sqlx::query(&format!(
            "PRAGMA busy_timeout = {}; PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -{}",
            LOCK_POLL.as_millis(),
            WRITER_CACHE_KB
        ))
        .execute(&mut writer)
        .await?;
        let checkpointer = SqliteConnection::connect_with(&options).await?;
        let wal = Arc::new(Wal::default());
        tokio::spawn(checkpoint_wal(checkpointer, wal.clone()));
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(1)
            .connect_with(options.read_only(true))
            .await?;
        let handle = direct::Handle::attach(&mut writer).await?;
        let (tx, rx) = mpsc::channel(4096);
        let writer = Writer {
            conn: Conn::Lite(writer),
            handle: Some(handle),
            reconnect: None,
        };
        // SQLite's writer has a thread of its own: in-thread statements never hold up the
        // request handlers' runtime.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(sqlx::Error::Io)?;
        std::thread::Builder::new()
            .name("momentum-writer".into())
            .spawn(move || runtime.block_on(run_writer(writer, rx, Some(wal))))
            .map_err(sqlx::Error::Io)?;
        Ok(Self {
            read: Reader::Lite(read),
            writer: tx,
        })
    }

    /// PostgreSQL: migrations run under sqlx's migration lock, so replicas starting together
    /// migrate once; one writer connection per process commits in groups like SQLite's.
    async fn open_postgres(url: &str) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)?
            .application_name("momentum")
            .log_statements(tracing::log::LevelFilter::Trace);
        let mut writer = PgConnection::connect_with(&options).await?;
        sqlx::migrate!("./migrations/postgres")
            .run(&mut writer)
            .await?;
        let read = PgPoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .connect_with(options.clone())
            .await?;
        let (tx, rx) = mpsc::channel(4096);
        let writer = Writer {
            conn: Conn::Pg(writer),
            handle: None,
            reconnect: Some(options),
        };
        tokio::spawn(run_writer(writer, rx, None));
        Ok(Self {
            read: Reader::Pg(read),
            writer: tx,
        })
    }

    /// Applies the migrations and closes.
    pub async fn migrate(url: &str) -> Result<()> {
        let db = Self::open(url).await?;
        db.close().await;
        Ok(())
    }

    /// A pool for reads; never write through it.
    /// A trivial read: whether the database answers.
    pub async fn ping(&self) -> sqlx::Result<()> {
        sql::query("SELECT 1").execute(&self.read).await.map(|_| ())
    }

    pub fn reader(&self) -> &Reader {
        &self.read
    }

    /// Runs `work(conn, &data)` in a write transaction and returns its value once it is
    /// committed. `work` may run twice (after a group rollback), so it must have no effect
    /// outside the connection it is given; `data` is what it needs, owned by the job.
    ///
    /// The write is due by the request's deadline (see [`within`]), else within
    /// [`BACKGROUND_DEADLINE`]. One that cannot start by then returns [`StoreError::Busy`]
    /// and is never committed; neither is one whose caller stopped waiting (a dropped future).
    pub async fn write<D, T, F>(&self, data: D, work: F) -> Result<T>
    where
        D: Send + 'static,
        T: Send + 'static,
        F: for<'c> Fn(&'c mut Conn, &'c D) -> BoxFuture<'c, Result<T, sqlx::Error>>
            + Send
            + 'static,
    {
        self.submit(|deadline, done| Box::new(Job::new(work, data, done, deadline)))
            .await
    }

    /// [`Db::write`] for the business writes of `store/` written once against [`Tx`]: on
    /// SQLite the writer runs `work` in its own thread on the connection's handle
    /// ([`direct`]), with no hand-off per statement; on PostgreSQL through sqlx. Either way it
    /// runs inside the writer's transaction, with the same group-commit contract (it may run
    /// twice, and is committed before this returns). Private to `store/`: a service calls the
    /// business write (`wins::record`, `touches::record`, `blocks::record_done`), never this.
    async fn write_in_thread<D, T, F>(&self, data: D, work: F) -> Result<T>
    where
        D: Send + 'static,
        T: Send + 'static,
        F: for<'c, 't> Fn(&'c mut Tx<'t>, &'c D) -> BoxFuture<'c, Result<T, sqlx::Error>>
            + Send
            + 'static,
    {
        self.submit(|deadline, done| Box::new(InThreadJob(Job::new(work, data, done, deadline))))
            .await
    }

    /// Queues the work `make` builds and waits for its answer (see [`Db::write`]).
    async fn submit<T>(
        &self,
        make: impl FnOnce(Instant, oneshot::Sender<Result<T>>) -> Box<dyn Work>,
    ) -> Result<T> {
        let deadline = DEADLINE
            .try_with(|d| *d)
            .unwrap_or_else(|_| Instant::now() + BACKGROUND_DEADLINE);
        let (done, wait) = oneshot::channel();
        let job = make(deadline, done);
        match tokio::time::timeout_at(deadline.into(), self.writer.send(job)).await {
            Err(_) => return Err(StoreError::Busy),
            Ok(sent) => sent.map_err(|_| StoreError::WriterGone)?,
        }
        // The writer answers every job by its deadline (give or take one lock poll) unless a
        // statement itself hangs; past that, stop waiting (the writer then rolls it back).
        match tokio::time::timeout_at((deadline + 4 * LOCK_POLL).into(), wait).await {
            Err(_) => Err(StoreError::Busy),
            Ok(answer) => answer.map_err(|_| StoreError::WriterGone)?,
        }
    }

    pub async fn close(&self) {
        match &self.read {
            Reader::Lite(p) => p.close().await,
            Reader::Pg(p) => p.close().await,
        }
    }
}

mod checkpoint;
mod group;
mod writer;

use checkpoint::{Wal, checkpoint_wal};
use writer::{InThreadJob, Job, Work, Writer, run_writer};

/// Timestamps as stored: RFC 3339 UTC with milliseconds, so text order is time order.
pub fn ts(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests;
