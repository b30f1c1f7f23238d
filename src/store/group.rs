//! Group commit: a group of work in one transaction — begun once the write lock is free,
//! committed once for all, retried one by one when any of it failed — and the reconnect of
//! a dropped PostgreSQL connection before the next write.
use super::writer::{Work, Writer, drop_unwanted};
use super::*;

/// SQLite's BUSY or LOCKED; PostgreSQL's lock timeout (the write lock is held elsewhere).
pub(super) fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code == "55P03" || code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
        }),
        _ => false,
    }
}

/// Whether the error says the connection itself is gone (rather than a statement failing).
pub(super) fn connection_lost(e: &sqlx::Error) -> bool {
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
pub(super) async fn begin_transaction(conn: &mut Conn) -> Result<(), sqlx::Error> {
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

pub(super) async fn finish_transaction(
    conn: &mut Conn,
    how: &'static str,
) -> Result<(), sqlx::Error> {
    sql::query(how).execute(conn).await.map(|_| ())
}

/// Takes SQLite's write lock (`BEGIN IMMEDIATE`) for the group, waiting in short polls while
/// someone else holds it. Between polls, work past its deadline is answered `Busy` and, when
/// `arrivals` is given, work that arrived meanwhile joins the group (so its deadline is kept
/// too). `false` when nothing is left to write, or on an error other than busy (then
/// everyone has been answered).
pub(super) async fn begin(
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

pub(super) async fn commit_group(
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
pub(super) async fn commit_one_by_one(writer: &mut Writer, group: &mut Vec<Box<dyn Work>>) {
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
pub(super) async fn run_begun(writer: &mut Writer, work: &mut dyn Work) -> Result<()> {
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
