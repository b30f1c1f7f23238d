//! SQLite's in-thread write path for the business writes people type all day.
//!
//! sqlx runs every SQLite statement on its connection's own worker thread: each statement
//! (and each row it returns) is a hand-off to that thread and back, two futex wake-ups that
//! cost more than the statement itself on small virtual machines. For work written against
//! [`super::sql::Tx`] (`wins::record`, `touches::record`, `blocks::record_done`) the writer
//! instead borrows the connection's raw handle from sqlx
//! ([`sqlx::SqliteConnection::lock_handle`], which parks sqlx's worker) once per group and
//! runs the statements itself, prepared once and cached, in one go; everything else still
//! goes through sqlx on the same connection and in the same transaction.
//!
//! The borrowed handle is wrapped in a `rusqlite::Connection` that does not own it (it never
//! closes it); it is used only while sqlx's worker is locked out, and its prepared
//! statements are finalized, under the lock, before the sqlx connection can be closed.
use sqlx::SqliteConnection;
use std::mem::ManuallyDrop;

/// Turns off SQLite's memory statistics, once per process, before the first connection
/// opens. With them on (the bundled build's default), every allocation SQLite makes — each
/// row value sqlx copies out, each sorter record — takes one process-wide mutex, and the
/// reader and writer threads queue on it (`__lll_lock_wait` under `sqlite3VdbeExec` in a
/// profile of the digest job). Nothing here reads the statistics.
pub(super) fn configure_process() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: `sqlite3_config` is called before this process opens any SQLite connection
        // (from `Db::open`, first thing); if SQLite were already initialized it would only
        // return SQLITE_MISUSE and change nothing.
        unsafe {
            rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0);
        }
    });
}

/// The SQLite connection as in-thread work sees it (inside the writer's open transaction).
///
/// A mutex around the borrowed connection, so a business write's future may hold a reference
/// to it and still be `Send` (the same future runs through sqlx on PostgreSQL). It is never
/// contended: only the writer's thread uses it, one statement at a time.
pub struct Direct {
    conn: std::sync::Mutex<rusqlite::Connection>,
}

impl Direct {
    /// Runs `f` on the connection.
    pub(super) fn with<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> T) -> T {
        let conn = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&conn)
    }

    /// One statement (or several, without arguments) run as is: BEGIN, COMMIT, ROLLBACK.
    pub(super) fn batch(&self, sql: &str) -> Result<(), rusqlite::Error> {
        self.with(|c| c.execute_batch(sql))
    }
}

/// How many prepared statements the in-thread connection keeps.
const STATEMENT_CACHE: usize = 256;

/// The writer's in-thread view of its SQLite connection.
pub(super) struct Handle {
    /// Dropped only in [`Handle::detach`], under the lock (dropping finalizes statements).
    conn: ManuallyDrop<Direct>,
}

/// sqlx's worker is parked while this lives: the handle is ours alone.
pub(super) struct Locked<'h> {
    conn: &'h Direct,
    _guard: sqlx::sqlite::LockedSqliteHandle<'h>,
}

impl std::ops::Deref for Locked<'_> {
    type Target = Direct;
    fn deref(&self) -> &Direct {
        self.conn
    }
}

impl Handle {
    pub(super) async fn attach(sqlx_conn: &mut SqliteConnection) -> sqlx::Result<Self> {
        let mut locked = sqlx_conn.lock_handle().await?;
        // SAFETY: the handle stays open as long as `sqlx_conn`, which the writer keeps for as
        // long as this `Handle` (it detaches it first); `rusqlite` does not close a handle it
        // was given, and every use goes through `lock`, which parks sqlx's worker meanwhile.
        let conn = unsafe { rusqlite::Connection::from_handle(locked.as_raw_handle().as_ptr()) }
            .map_err(|e| sqlx::Error::Protocol(format!("borrowing the SQLite handle: {e}")))?;
        // Every statement of the business writes stays prepared: /touch alone has a dozen, and
        // its day count one per channel and outcome (rusqlite keeps 16 by default).
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(Self {
            conn: ManuallyDrop::new(Direct {
                conn: std::sync::Mutex::new(conn),
            }),
        })
    }

    /// Parks sqlx's worker and lends the connection (one hand-off for any number of statements).
    pub(super) async fn lock<'h>(
        &'h mut self,
        sqlx_conn: &'h mut SqliteConnection,
    ) -> sqlx::Result<Locked<'h>> {
        Ok(Locked {
            _guard: sqlx_conn.lock_handle().await?,
            conn: &self.conn,
        })
    }

    /// Finalizes the cached statements (under the lock) so sqlx can close the connection.
    pub(super) async fn detach(mut self, sqlx_conn: &mut SqliteConnection) {
        // When the worker is gone, the handle went with it: there is nothing to finalize.
        if let Ok(_guard) = sqlx_conn.lock_handle().await {
            // SAFETY: dropped once, here, with the handle ours.
            unsafe { ManuallyDrop::drop(&mut self.conn) }
        }
    }
}

/// A rusqlite error as the store reports it.
pub(super) fn error(e: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Protocol(format!("sqlite: {e}"))
}
