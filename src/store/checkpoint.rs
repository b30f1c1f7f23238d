//! SQLite's checkpointer: copies committed WAL frames back into the database file in the
//! background, so no write waits for a checkpoint's fsync; past a size, asks the writer to
//! reset the WAL.
use super::*;

/// How often the checkpointer looks whether there is WAL to copy back.
pub(super) const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Past this many frames (1 GB of 4 KB pages) the writer resets the WAL itself. Under a
/// sustained heavy load a passive checkpoint never catches the last frames up, and SQLite only
/// starts the WAL afresh once every frame is back in the database file: the first pause of a
/// few milliseconds does it. A reset costs the writer tens of milliseconds, so only a load
/// that never pauses (a benchmark) pays for it.
pub(super) const WAL_RESET_FRAMES: i64 = 262_144;

/// What SQLite's writer and checkpointer tell each other. The writer holds one reference and
/// drops it when it stops, which stops the checkpointer.
#[derive(Default)]
pub(super) struct Wal {
    /// Something was committed since the last checkpoint.
    pub(super) written: AtomicBool,
    /// The WAL has grown past [`WAL_RESET_FRAMES`]: the writer resets it after its next group.
    pub(super) reset: AtomicBool,
}

/// SQLite: copies committed WAL frames back into the database file in the background
/// (a PASSIVE checkpoint: it never blocks the writer or a reader), so no write waits for a
/// checkpoint's fsync. Stops, after a last checkpoint, with the writer.
pub(super) async fn checkpoint_wal(mut conn: SqliteConnection, wal: Arc<Wal>) {
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
