//! The binary as an operator runs it: `momentum serve` refuses to start without its secrets,
//! and otherwise serves signed commands on its port and stops cleanly on SIGTERM.
mod common;
use common::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn momentum() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_momentum"));
    cmd.env_remove("SLACK_SIGNING_SECRET")
        .env_remove("SLACK_BOT_TOKEN")
        .env("RUST_LOG", "warn");
    cmd
}

#[test]
fn serve_without_a_signing_secret_says_which_variable_and_where_to_find_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = momentum()
        .args(["serve"])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("m.db").display()),
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("SLACK_SIGNING_SECRET is not set") && err.contains("Signing Secret"),
        "{err}"
    );
    assert!(
        !dir.path().join("m.db").exists(),
        "nothing is created before the configuration is complete"
    );
}

#[test]
fn serve_answers_signed_commands_on_its_port_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = momentum()
        .args(["serve", "--port", &port.to_string()])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("m.db").display()),
        )
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_BOT_TOKEN", "xoxb-test")
        .env("SLACK_API_URL", "http://127.0.0.1:9/")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let health = http(
            port,
            "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        );
        if health.is_some_and(|h| h.starts_with("HTTP/1.1 200")) {
            break;
        }
        assert!(Instant::now() < deadline, "the service did not come up");
        std::thread::sleep(Duration::from_millis(100));
    }
    let request = raw_command("U0JANE", "/win", "Jane accepted my invite");
    let response = http(port, &request).unwrap_or_default();
    assert!(
        response.starts_with("HTTP/1.1 200") && response.contains("1 win today"),
        "{response}"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "the service did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn momentum_demo_prints_the_story_and_no_log_lines() {
    let out = Command::new(env!("CARGO_BIN_EXE_momentum"))
        .arg("demo")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(out.status.success());
    let story = String::from_utf8_lossy(&out.stdout);
    assert!(story.contains("#wins — the celebration channel"), "{story}");
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(logs.is_empty(), "the demo logged:\n{logs}");
    assert!(
        !story.contains("WARN") && !story.contains("users.info"),
        "{story}"
    );
}
