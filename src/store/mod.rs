//! All SQL lives here. `Db` holds a pool of readers and one writer task that commits writes in
//! groups: each caller's work runs inside a shared transaction and the caller hears back only
//! after COMMIT, so a reply that says "logged" always follows a durable write, while the cost
//! of a commit is shared by every request that arrived meanwhile (group commit).
//!
//! If any work in a group fails, the group is rolled back and each piece of work is run again
//! alone, so one bad request never costs another its write.
//!
//! On SQLite the writer is a thread of its own. Work with an in-thread form
//! ([`Db::write_direct`], the hot path) runs there on the connection's own handle, with no
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
pub mod copy;
pub mod digest;
pub mod direct;
pub mod goals;
pub mod interactions;
pub mod invites;
pub mod jobs;
pub mod members;
pub mod outbox;
pub mod prospects;
pub mod schedule;
pub mod sql;
pub mod stats;
pub mod teams;
pub mod touches;
pub mod undo;
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
pub use sql::{Conn, Ex, Reader};

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

    /// [`Db::write`] for the hot path: on SQLite `lite` runs in the writer's own thread on the
    /// connection's handle ([`direct`]), with no hand-off per statement; on PostgreSQL `pg`
    /// runs as `write` would run it. Both run inside the writer's transaction, with the same
    /// group-commit contract (they may run twice, and are committed before they return).
    pub async fn write_direct<D, T, L, P>(&self, data: D, lite: L, pg: P) -> Result<T>
    where
        D: Send + 'static,
        T: Send + 'static,
        L: Fn(&Direct, &D) -> Result<T, rusqlite::Error> + Send + 'static,
        P: for<'c> Fn(&'c mut Conn, &'c D) -> BoxFuture<'c, Result<T, sqlx::Error>>
            + Send
            + 'static,
    {
        self.submit(|deadline, done| {
            Box::new(DirectJob {
                lite,
                job: Job::new(pg, data, done, deadline),
            })
        })
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

/// One caller's piece of work, type-erased for the writer queue.
trait Work: Send {
    fn run<'c>(&'c mut self, conn: &'c mut Conn) -> BoxFuture<'c, Result<(), sqlx::Error>>;
    /// Whether this work has an in-thread SQLite form ([`Work::run_direct`]).
    fn direct(&self) -> bool {
        false
    }
    fn run_direct(&mut self, _conn: &Direct) -> Result<(), sqlx::Error> {
        Err(sqlx::Error::Protocol("no in-thread form".into()))
    }
    /// Whether someone still waits for this work and its deadline has not passed.
    fn wanted(&self, now: Instant) -> bool;
    fn finish(self: Box<Self>, result: Result<(), StoreError>);
}

struct Job<F, D, T> {
    work: F,
    data: D,
    out: Option<T>,
    done: Option<oneshot::Sender<Result<T>>>,
    deadline: Instant,
}

impl<F, D, T> Job<F, D, T> {
    fn new(work: F, data: D, done: oneshot::Sender<Result<T>>, deadline: Instant) -> Self {
        Self {
            work,
            data,
            out: None,
            done: Some(done),
            deadline,
        }
    }
}

impl<F, D, T> Work for Job<F, D, T>
where
    D: Send + 'static,
    T: Send + 'static,
    F: for<'c> Fn(&'c mut Conn, &'c D) -> BoxFuture<'c, Result<T, sqlx::Error>> + Send + 'static,
{
    fn run<'c>(&'c mut self, conn: &'c mut Conn) -> BoxFuture<'c, Result<(), sqlx::Error>> {
        Box::pin(async move {
            let Job {
                work, data, out, ..
            } = self;
            *out = Some(work(conn, data).await?);
            Ok(())
        })
    }

    fn wanted(&self, now: Instant) -> bool {
        now < self.deadline && self.done.as_ref().is_some_and(|d| !d.is_closed())
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

/// A [`Job`] (its PostgreSQL form) with an in-thread SQLite form.
struct DirectJob<L, F, D, T> {
    lite: L,
    job: Job<F, D, T>,
}

impl<L, F, D, T> Work for DirectJob<L, F, D, T>
where
    D: Send + 'static,
    T: Send + 'static,
    L: Fn(&Direct, &D) -> Result<T, rusqlite::Error> + Send + 'static,
    F: for<'c> Fn(&'c mut Conn, &'c D) -> BoxFuture<'c, Result<T, sqlx::Error>> + Send + 'static,
{
    fn run<'c>(&'c mut self, conn: &'c mut Conn) -> BoxFuture<'c, Result<(), sqlx::Error>> {
        self.job.run(conn)
    }

    fn direct(&self) -> bool {
        true
    }

    fn run_direct(&mut self, conn: &Direct) -> Result<(), sqlx::Error> {
        self.job.out = Some((self.lite)(conn, &self.job.data).map_err(direct::error)?);
        Ok(())
    }

    fn wanted(&self, now: Instant) -> bool {
        self.job.wanted(now)
    }

    fn finish(self: Box<Self>, result: Result<(), StoreError>) {
        Box::new(self.job).finish(result)
    }
}

/// The writer's connection: sqlx's, and on SQLite the same connection's handle in-thread.
struct Writer {
    conn: Conn,
    handle: Option<direct::Handle>,
    reconnect: Option<PgConnectOptions>,
}

impl Writer {
    /// Runs one piece of work inside the open transaction.
    async fn run(&mut self, work: &mut dyn Work) -> Result<(), sqlx::Error> {
        match (&mut self.handle, &mut self.conn) {
            (Some(handle), Conn::Lite(c)) if work.direct() => {
                work.run_direct(&*handle.lock(c).await?)
            }
            (_, conn) => work.run(conn).await,
        }
    }

    /// Whether the whole group can run in-thread (SQLite, every piece written for it).
    fn all_in_thread(&self, group: &[Box<dyn Work>]) -> bool {
        self.handle.is_some() && group.iter().all(|w| w.direct())
    }

    /// BEGIN, the group and COMMIT in-thread, under one lock of the handle: one hand-off to
    /// sqlx's worker for the whole transaction. `Ok(false)`, with nothing begun, when SQLite's
    /// write lock is held elsewhere (the caller then waits for it in short polls); an error
    /// when a piece failed or a caller stopped waiting (rolled back: nothing was written).
    async fn commit_in_thread(&mut self, group: &mut [Box<dyn Work>]) -> Result<bool, sqlx::Error> {
        let (Some(handle), Conn::Lite(c)) = (&mut self.handle, &mut self.conn) else {
            return Ok(false);
        };
        let locked = handle.lock(c).await?;
        if let Err(e) = locked.execute_batch("BEGIN IMMEDIATE") {
            return match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    Ok(false)
                }
                _ => Err(direct::error(e)),
            };
        }
        for work in group.iter_mut() {
            if let Err(e) = work.run_direct(&locked) {
                let _ = locked.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
        commit_if_wanted(group, |how| {
            locked.execute_batch(how).map_err(direct::error)
        })
        .map(|()| true)
    }

    /// Runs the group inside the open transaction, in-thread work first and all of it under
    /// one lock of the handle; commits there too when nothing else is left.
    async fn run_group(&mut self, group: &mut [Box<dyn Work>]) -> Result<(), sqlx::Error> {
        let direct = match (&mut self.handle, &mut self.conn) {
            (Some(handle), Conn::Lite(c)) => {
                group.sort_by_key(|w| !w.direct());
                let n = group.iter().take_while(|w| w.direct()).count();
                if n > 0 {
                    let locked = handle.lock(c).await?;
                    for work in group[..n].iter_mut() {
                        if let Err(e) = work.run_direct(&locked) {
                            let _ = locked.execute_batch("ROLLBACK");
                            return Err(e);
                        }
                    }
                    if n == group.len() {
                        return commit_if_wanted(group, |how| {
                            locked.execute_batch(how).map_err(direct::error)
                        });
                    }
                }
                n
            }
            _ => 0,
        };
        for work in group[direct..].iter_mut() {
            if let Err(e) = work.run(&mut self.conn).await {
                let _ = finish_transaction(&mut self.conn, "ROLLBACK").await;
                return Err(e);
            }
        }
        let now = Instant::now();
        if group.iter().any(|w| !w.wanted(now)) {
            let _ = finish_transaction(&mut self.conn, "ROLLBACK").await;
            return Err(stopped_waiting());
        }
        if let Err(e) = finish_transaction(&mut self.conn, "COMMIT").await {
            let _ = finish_transaction(&mut self.conn, "ROLLBACK").await;
            return Err(e);
        }
        Ok(())
    }
}

fn stopped_waiting() -> sqlx::Error {
    sqlx::Error::Protocol("a caller stopped waiting before COMMIT".into())
}

/// Commits with `exec` unless a caller stopped waiting meanwhile (rolled back either way).
fn commit_if_wanted(
    group: &[Box<dyn Work>],
    exec: impl Fn(&str) -> Result<(), sqlx::Error>,
) -> Result<(), sqlx::Error> {
    let now = Instant::now();
    let result = if group.iter().any(|w| !w.wanted(now)) {
        Err(stopped_waiting())
    } else {
        exec("COMMIT")
    };
    if result.is_err() {
        let _ = exec("ROLLBACK");
    }
    result
}

/// How often the checkpointer looks whether there is WAL to copy back.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Past this many frames (1 GB of 4 KB pages) the writer resets the WAL itself. Under a
/// sustained heavy load a passive checkpoint never catches the last frames up, and SQLite only
/// starts the WAL afresh once every frame is back in the database file: the first pause of a
/// few milliseconds does it. A reset costs the writer tens of milliseconds, so only a load
/// that never pauses (a benchmark) pays for it.
const WAL_RESET_FRAMES: i64 = 262_144;

/// What SQLite's writer and checkpointer tell each other. The writer holds one reference and
/// drops it when it stops, which stops the checkpointer.
#[derive(Default)]
struct Wal {
    /// Something was committed since the last checkpoint.
    written: AtomicBool,
    /// The WAL has grown past [`WAL_RESET_FRAMES`]: the writer resets it after its next group.
    reset: AtomicBool,
}

async fn run_writer(
    mut writer: Writer,
    mut rx: mpsc::Receiver<Box<dyn Work>>,
    wal: Option<Arc<Wal>>,
) {
    let mut group: Vec<Box<dyn Work>> = Vec::with_capacity(MAX_GROUP);
    while rx.recv_many(&mut group, MAX_GROUP).await > 0 {
        // A dropped PostgreSQL connection is reopened where it shows: at BEGIN (`begin`).
        commit_group(&mut writer, &mut group, &mut rx).await;
        group.clear();
        if let (Some(wal), Conn::Lite(c)) = (&wal, &mut writer.conn) {
            wal.written.store(true, Ordering::Relaxed);
            // Only under a long, heavy load (1 GB of WAL without a pause): the rest of the
            // copy, and a wait for readers, taken by the writer once.
            if wal.reset.load(Ordering::Relaxed) {
                match sqlx::query("PRAGMA wal_checkpoint(RESTART)")
                    .execute(&mut *c)
                    .await
                {
                    Ok(_) => wal.reset.store(false, Ordering::Relaxed),
                    Err(e) => tracing::warn!(error = %e, "could not reset the WAL; will try again"),
                }
            }
        }
    }
    if let (Some(handle), Conn::Lite(c)) = (writer.handle.take(), &mut writer.conn) {
        handle.detach(c).await;
    }
}

/// SQLite: copies committed WAL frames back into the database file in the background
/// (a PASSIVE checkpoint: it never blocks the writer or a reader), so no write waits for a
/// checkpoint's fsync. Stops, after a last checkpoint, with the writer.
async fn checkpoint_wal(mut conn: SqliteConnection, wal: Arc<Wal>) {
    loop {
        tokio::time::sleep(CHECKPOINT_EVERY).await;
        let stopping = Arc::strong_count(&wal) == 1;
        // While a reset is due, the writer checkpoints; two at once would only wait for each other.
        let resetting = wal.reset.load(Ordering::Relaxed) && !stopping;
        if !resetting && (wal.written.swap(false, Ordering::Relaxed) || stopping) {
            let passive: Result<(i64, i64, i64), _> =
                sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
                    .fetch_one(&mut conn)
                    .await;
            match passive {
                // Never touch the database file from outside SQLite here (say, to flush it):
                // closing any other descriptor of it drops every POSIX lock this process holds
                // on it, and another process could then take the WAL away from under us.
                Ok((_, frames, _)) if frames >= WAL_RESET_FRAMES => {
                    wal.reset.store(true, Ordering::Relaxed)
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; will try again"),
            }
        }
        if stopping {
            let _ = conn.close().await;
            return;
        }
    }
}

/// Answers `Busy` to the work nobody waits for any more (deadline passed or caller gone).
fn drop_unwanted(group: &mut Vec<Box<dyn Work>>) {
    let now = Instant::now();
    let mut i = 0;
    while i < group.len() {
        if group[i].wanted(now) {
            i += 1;
        } else {
            group.swap_remove(i).finish(Err(StoreError::Busy));
        }
    }
}

/// SQLite's BUSY or LOCKED; PostgreSQL's lock timeout (the write lock is held elsewhere).
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code == "55P03" || code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
        }),
        _ => false,
    }
}

/// Whether the error says the connection itself is gone (rather than a statement failing).
fn connection_lost(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("57P") || c.starts_with("08")),
        _ => false,
    }
}

/// Opens the write transaction: SQLite's `BEGIN IMMEDIATE` takes the file's write lock;
/// PostgreSQL takes [`WRITE_LOCK`], waiting at most one [`LOCK_POLL`] per try.
async fn begin_transaction(conn: &mut Conn) -> Result<(), sqlx::Error> {
    match conn {
        Conn::Lite(c) => sqlx::query("BEGIN IMMEDIATE").execute(c).await.map(|_| ()),
        Conn::Pg(c) => {
            let sql = format!(
                "BEGIN; SET LOCAL lock_timeout = '{}ms'; SELECT pg_advisory_xact_lock({WRITE_LOCK})",
                LOCK_POLL.as_millis()
            );
            match sqlx::Executor::execute(&mut *c, sql.as_str()).await {
                Ok(_) => Ok(()),
                Err(e) => {
                    let _ = sqlx::Executor::execute(&mut *c, "ROLLBACK").await;
                    Err(e)
                }
            }
        }
    }
}

async fn finish_transaction(conn: &mut Conn, how: &'static str) -> Result<(), sqlx::Error> {
    sql::query(how).execute(conn).await.map(|_| ())
}

/// Takes SQLite's write lock (`BEGIN IMMEDIATE`) for the group, waiting in short polls while
/// someone else holds it. Between polls, work past its deadline is answered `Busy` and, when
/// `arrivals` is given, work that arrived meanwhile joins the group (so its deadline is kept
/// too). `false` when nothing is left to write, or on an error other than busy (then
/// everyone has been answered).
async fn begin(
    writer: &mut Writer,
    group: &mut Vec<Box<dyn Work>>,
    mut arrivals: Option<&mut mpsc::Receiver<Box<dyn Work>>>,
) -> bool {
    let mut waited = false;
    let mut reconnected = false;
    loop {
        drop_unwanted(group);
        if group.is_empty() {
            return false;
        }
        match begin_transaction(&mut writer.conn).await {
            Ok(_) => return true,
            // PostgreSQL dropped the connection (a restart, a failover, an idle kill): nothing
            // of this group has run yet, so open a new connection and begin again, once.
            Err(e) if !reconnected && connection_lost(&e) => {
                reconnected = true;
                if let (Conn::Pg(pg), Some(options)) = (&mut writer.conn, &writer.reconnect) {
                    match PgConnection::connect_with(options).await {
                        Ok(fresh) => {
                            tracing::warn!(error = %e, "the database connection was lost; reconnected");
                            *pg = fresh;
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "could not reconnect to the database")
                        }
                    }
                }
            }
            Err(e) if is_busy(&e) => {
                if !waited {
                    tracing::warn!("the database is locked by another connection; writes wait");
                    waited = true;
                }
                if let Some(rx) = arrivals.as_deref_mut() {
                    while group.len() < MAX_GROUP {
                        match rx.try_recv() {
                            Ok(work) => group.push(work),
                            Err(_) => break,
                        }
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "could not start a write transaction");
                let message = e.to_string();
                for work in group.drain(..) {
                    work.finish(Err(StoreError::Sqlx(sqlx::Error::Protocol(
                        message.clone(),
                    ))));
                }
                return false;
            }
        }
    }
}

async fn commit_group(
    writer: &mut Writer,
    group: &mut Vec<Box<dyn Work>>,
    rx: &mut mpsc::Receiver<Box<dyn Work>>,
) {
    // SQLite, in-thread work only: the whole transaction under one lock of the handle.
    if writer.all_in_thread(group) {
        drop_unwanted(group);
        if group.is_empty() {
            return;
        }
        match writer.commit_in_thread(group).await {
            Ok(true) => {
                for work in group.drain(..) {
                    work.finish(Ok(()));
                }
                return;
            }
            // SQLite's write lock is held elsewhere: wait for it in short polls, as below.
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(error = %e, size = group.len(), "group write failed; retrying one by one");
                return commit_one_by_one(writer, group).await;
            }
        }
    }
    if !begin(writer, group, Some(rx)).await {
        return;
    }
    if group.len() == 1 {
        if let Some(mut work) = group.pop() {
            let result = run_begun(writer, work.as_mut()).await;
            work.finish(result);
        }
        return;
    }
    match writer.run_group(group).await {
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
    commit_one_by_one(writer, group).await
}

/// Each piece of work in a transaction of its own (after its group failed): one bad request
/// never costs another its write.
async fn commit_one_by_one(writer: &mut Writer, group: &mut Vec<Box<dyn Work>>) {
    for work in std::mem::take(group) {
        let mut one = vec![work];
        if !begin(writer, &mut one, None).await {
            continue;
        }
        if let Some(mut work) = one.pop() {
            let result = run_begun(writer, work.as_mut()).await;
            work.finish(result);
        }
    }
}

/// Runs one piece of work inside the transaction already begun, and commits it unless it
/// failed or its caller stopped waiting (then `Busy`: nothing was written).
async fn run_begun(writer: &mut Writer, work: &mut dyn Work) -> Result<()> {
    let result = match writer.run(work).await {
        Ok(()) if !work.wanted(Instant::now()) => Err(StoreError::Busy),
        Ok(()) => finish_transaction(&mut writer.conn, "COMMIT")
            .await
            .map_err(StoreError::from),
        Err(e) => Err(StoreError::from(e)),
    };
    if result.is_err() {
        let _ = finish_transaction(&mut writer.conn, "ROLLBACK").await;
    }
    result
}

/// Timestamps as stored: RFC 3339 UTC with milliseconds, so text order is time order.
pub fn ts(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
