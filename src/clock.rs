//! The one clock of the app: the system clock in production, a settable one in tests and
//! `run-job --now`. Rules never call `Utc::now()`; they take `now` from here.
//!
//! Two readings: [`Clock::now`] is business time (days, schedules, streaks: what `--now` and
//! tests set), [`Clock::wall`] is Slack's real time (per-channel pacing and rate-limit pauses,
//! which are about the calls Slack receives, whatever day a job was run for).
use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Option<Arc<Mutex<DateTime<Utc>>>>,
    offset: Duration,
    /// Milliseconds [`Clock::advance`] skipped: a test that moves time on moves the wall too,
    /// so pacing lets its next message through without a real wait.
    skipped_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that stands still at `at` until set or advanced.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self {
            fixed: Some(Arc::new(Mutex::new(at))),
            offset: Duration::zero(),
            skipped_ms: Arc::default(),
        }
    }

    /// A clock that reads `at` now and then runs at the normal pace (`run-job --now`).
    pub fn running_from(at: DateTime<Utc>) -> Self {
        Self {
            fixed: None,
            offset: at - Utc::now(),
            skipped_ms: Arc::default(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            None => Utc::now() + self.offset,
            Some(at) => *at.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a fixed clock; a running clock ignores it.
    pub fn set(&self, to: DateTime<Utc>) {
        if let Some(at) = &self.fixed {
            *at.lock().unwrap_or_else(|e| e.into_inner()) = to;
        }
    }

    /// Moves a fixed clock on by `by`, and the wall with it.
    pub fn advance(&self, by: Duration) {
        self.set(self.now() + by);
        self.skipped_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }

    /// Slack's real time: the system clock (plus what [`Clock::advance`] skipped), never the
    /// business time `run-job --now` or a test set.
    pub fn wall(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.skipped_ms.load(Ordering::Relaxed))
    }
}
