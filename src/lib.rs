//! Momentum: a Slack bot that keeps sales teams prospecting.
//!
//! The edges do I/O (`http`, `store`, `slack`), the middle is pure (`commands` parses text into
//! typed requests, `domain` holds the rules); `service` ties one typed request to the store and
//! renders the reply. See DESIGN.md in the shared folder and the README for the picture.
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod delivery;
pub mod demo;
pub mod domain;
pub mod http;
pub mod jobs;
pub mod service;
pub mod slack;
pub mod startup;
pub mod state;
pub mod store;
