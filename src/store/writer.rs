//! The writer: one task (a thread of its own on SQLite) that takes every piece of write work
//! from a queue and commits it in groups; the work's type-erased form ([`Work`]) and the
//! connection it runs on ([`Writer`]), in-thread on SQLite when the work has that form.
use super::checkpoint::Wal;
use super::group::{commit_group, finish_transaction};
use super::*;

/// One caller's piece of work, type-erased for the writer queue.
pub(super) trait Work: Send {
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

pub(super) struct Job<F, D, T> {
    pub(super) work: F,
    pub(super) data: D,
    pub(super) out: Option<T>,
    pub(super) done: Option<oneshot::Sender<Result<T>>>,
    pub(super) deadline: Instant,
}

impl<F, D, T> Job<F, D, T> {
    pub(super) fn new(
        work: F,
        data: D,
        done: oneshot::Sender<Result<T>>,
        deadline: Instant,
    ) -> Self {
        Self {
            work,
            data,
            out: None,
            done: Some(done),
            deadline,
        }
    }
}

impl<F, D, T> Job<F, D, T> {
    fn is_wanted(&self, now: Instant) -> bool {
        now < self.deadline && self.done.as_ref().is_some_and(|d| !d.is_closed())
    }

    /// Sends the caller the work's value once committed, else the error.
    fn answer(mut self, result: Result<(), StoreError>) {
        let reply = match result {
            Ok(()) => self.out.take().ok_or(StoreError::WriterGone),
            Err(e) => Err(e),
        };
        if let Some(done) = self.done.take() {
            let _ = done.send(reply);
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
        self.is_wanted(now)
    }

    fn finish(self: Box<Self>, result: Result<(), StoreError>) {
        (*self).answer(result)
    }
}

/// Work written once against [`Tx`] (a business write of `store/`): on SQLite the writer runs
/// it in-thread on the connection's handle, elsewhere through sqlx.
pub(super) struct InThreadJob<F, D, T>(pub(super) Job<F, D, T>);

impl<F, D, T> Work for InThreadJob<F, D, T>
where
    D: Send + 'static,
    T: Send + 'static,
    F: for<'c, 't> Fn(&'c mut Tx<'t>, &'c D) -> BoxFuture<'c, Result<T, sqlx::Error>>
        + Send
        + 'static,
{
    fn run<'c>(&'c mut self, conn: &'c mut Conn) -> BoxFuture<'c, Result<(), sqlx::Error>> {
        Box::pin(async move {
            let Job {
                work, data, out, ..
            } = &mut self.0;
            let mut tx = Tx::from(conn);
            *out = Some(work(&mut tx, data).await?);
            Ok(())
        })
    }

    fn direct(&self) -> bool {
        true
    }

    /// The same work, polled once: in-thread, every statement completes without waiting.
    fn run_direct(&mut self, conn: &Direct) -> Result<(), sqlx::Error> {
        use futures::FutureExt;
        let Job {
            work, data, out, ..
        } = &mut self.0;
        let mut tx = Tx::InThread(conn);
        let done = work(&mut tx, data).now_or_never().ok_or_else(|| {
            sqlx::Error::Protocol("in-thread work waited for something; rolled back".into())
        })?;
        *out = Some(done?);
        Ok(())
    }

    fn wanted(&self, now: Instant) -> bool {
        self.0.is_wanted(now)
    }

    fn finish(self: Box<Self>, result: Result<(), StoreError>) {
        self.0.answer(result)
    }
}

/// The writer's connection: sqlx's, and on SQLite the same connection's handle in-thread.
pub(super) struct Writer {
    pub(super) conn: Conn,
    pub(super) handle: Option<direct::Handle>,
    pub(super) reconnect: Option<PgConnectOptions>,
}

impl Writer {
    /// Runs one piece of work inside the open transaction.
    pub(super) async fn run(&mut self, work: &mut dyn Work) -> Result<(), sqlx::Error> {
        match (&mut self.handle, &mut self.conn) {
            (Some(handle), Conn::Lite(c)) if work.direct() => {
                work.run_direct(&*handle.lock(c).await?)
            }
            (_, conn) => work.run(conn).await,
        }
    }

    /// Whether the whole group can run in-thread (SQLite, every piece written for it).
    pub(super) fn all_in_thread(&self, group: &[Box<dyn Work>]) -> bool {
        self.handle.is_some() && group.iter().all(|w| w.direct())
    }

    /// BEGIN, the group and COMMIT in-thread, under one lock of the handle: one hand-off to
    /// sqlx's worker for the whole transaction. `Ok(false)`, with nothing begun, when SQLite's
    /// write lock is held elsewhere (the caller then waits for it in short polls); an error
    /// when a piece failed or a caller stopped waiting (rolled back: nothing was written).
    pub(super) async fn commit_in_thread(
        &mut self,
        group: &mut [Box<dyn Work>],
    ) -> Result<bool, sqlx::Error> {
        let (Some(handle), Conn::Lite(c)) = (&mut self.handle, &mut self.conn) else {
            return Ok(false);
        };
        let locked = handle.lock(c).await?;
        if let Err(e) = locked.batch("BEGIN IMMEDIATE") {
            return match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    Ok(false)
                }
                _ => Err(direct::error(e)),
            };
        }
        for work in group.iter_mut() {
            if let Err(e) = work.run_direct(&locked) {
                let _ = locked.batch("ROLLBACK");
                return Err(e);
            }
        }
        commit_if_wanted(group, |how| locked.batch(how).map_err(direct::error)).map(|()| true)
    }

    /// Runs the group inside the open transaction, in-thread work first and all of it under
    /// one lock of the handle; commits there too when nothing else is left.
    pub(super) async fn run_group(
        &mut self,
        group: &mut [Box<dyn Work>],
    ) -> Result<(), sqlx::Error> {
        let direct = match (&mut self.handle, &mut self.conn) {
            (Some(handle), Conn::Lite(c)) => {
                group.sort_by_key(|w| !w.direct());
                let n = group.iter().take_while(|w| w.direct()).count();
                if n > 0 {
                    let locked = handle.lock(c).await?;
                    for work in group[..n].iter_mut() {
                        if let Err(e) = work.run_direct(&locked) {
                            let _ = locked.batch("ROLLBACK");
                            return Err(e);
                        }
                    }
                    if n == group.len() {
                        return commit_if_wanted(group, |how| {
                            locked.batch(how).map_err(direct::error)
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

pub(super) fn stopped_waiting() -> sqlx::Error {
    sqlx::Error::Protocol("a caller stopped waiting before COMMIT".into())
}

/// Commits with `exec` unless a caller stopped waiting meanwhile (rolled back either way).
pub(super) fn commit_if_wanted(
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

pub(super) async fn run_writer(
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

/// Answers `Busy` to the work nobody waits for any more (deadline passed or caller gone).
pub(super) fn drop_unwanted(group: &mut Vec<Box<dyn Work>>) {
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
