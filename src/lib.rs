//! Momentum: a Slack bot that keeps sales teams prospecting.
//!
//! The edges do I/O (`http` receives from Slack, `store` holds all SQL, `delivery` sends the
//! outbox through `slack`'s Web API client); the middle is pure (`commands` parses text into
//! typed requests, `domain` holds the rules and typed values and imports nothing above it,
//! `slack` renders domain values into Block Kit); `service` ties one typed request to the store
//! and the reply, `jobs` runs the schedules; `files` makes what people receive as files (charts,
//! CSV exports, the calendar feed) outside any write transaction, and `http::pages` serves the
//! board and the feed to people outside Slack. `tests/suite/architecture.rs` keeps these layers apart.
//! The README's "How it works" has the picture.
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod crypto;
pub mod delivery;
pub mod demo;
pub mod domain;
pub mod files;
pub mod http;
pub mod jobs;
pub mod secret;
pub mod service;
pub mod slack;
pub mod socket;
pub mod startup;
pub mod state;
pub mod store;
