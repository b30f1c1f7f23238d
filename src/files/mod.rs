//! Files Slack receives and the operator writes: charts (PNG) and exports (CSV). Made outside
//! any write transaction — by the outbox's delivery for Slack, by `momentum export` on disk.
pub mod chart;
