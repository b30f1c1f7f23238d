//! The integration tests, one binary: each module drives the real router (or the real binary)
//! over a temporary SQLite file and a wiremock fake of the Slack Web API, and the whole suite
//! runs again on PostgreSQL (`common::on_postgresql::the_whole_suite`, see `common::pg`). One
//! binary, not one per file: each test binary links the whole crate, and two dozen of them
//! made a clean `cargo test` write gigabytes and spend most of its time linking.
mod architecture;
mod binary;
mod blitz;
mod block;
mod board;
mod calendar;
mod charts;
mod common;
mod consent;
mod demo;
mod escaping;
mod exports;
mod goals;
mod interactivity;
mod jobs;
mod kudos;
mod manager;
mod migrate_data;
mod modals;
mod momentum_command;
mod more_commands;
mod numbers;
mod outbox;
mod outcomes;
mod parsers;
mod quiet;
mod replicas;
mod signing;
mod snapshots;
mod socket_mode;
mod touch_and_targets;
mod undo;
mod win;
mod workspaces;
