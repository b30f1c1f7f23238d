//! `/blitz board`: the live board for a screen, opened in a real browser (headless Chromium
//! through chromedriver): it updates without a reload as touches are logged, never names a
//! private rep, and stops — its link answering 404 — once the link is reset.
use crate::charts::mount_named;
use crate::common::*;
use fantoccini::{ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// chromedriver, started on a free port, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver if it is installed; `.ci/run` installs Chromium and it from Debian's packages
/// and sets MOMENTUM_REQUIRE_BROWSER, so CI never skips this.
fn driver() -> Option<Driver> {
    let found = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(binary) = found else {
        assert!(
            std::env::var_os("MOMENTUM_REQUIRE_BROWSER").is_none(),
            "chromedriver is required (apt-get install chromium chromium-driver)"
        );
        eprintln!("SKIPPED: no chromedriver here (apt-get install chromium chromium-driver)");
        return None;
    };
    let port = free_port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    // Ready when it accepts connections.
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Driver { child, port })
}

/// The app served over real TCP (as `momentum serve` serves it); its base URL.
async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    format!("http://{addr}")
}

async fn browser(driver: &Driver) -> fantoccini::Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=1920,1080"
        ] }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a browser session")
}

/// The page's visible text.
async fn page_text(client: &fantoccini::Client) -> String {
    client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Waits (up to 30 s: CI runs both backends' suites at once) until the page's text satisfies
/// `ok`; returns it.
async fn until(client: &fantoccini::Client, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = page_text(client).await;
        if ok(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "waited for {what}; the page says:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The token in a `/blitz board` reply.
fn token_in(reply: &str) -> String {
    let start = reply.find("/board/").expect(reply) + "/board/".len();
    reply[start..start + 64].to_owned()
}

#[tokio::test]
async fn the_board_follows_the_blitz_live_names_no_private_rep_and_stops_when_reset() {
    let Some(driver) = driver() else { return };
    let app = TestApp::spawn_team().await;
    mount_named(&app.slack, "U0JANE", "Jane Doe").await;
    mount_named(&app.slack, "U0BOB", "Bob Secret").await;
    // A day on, their profiles (names) are read again.
    app.clock().advance(chrono::Duration::hours(25));
    app.reply("U0BOB", "/momentum", "private").await;
    app.reply("U0JANE", "/momentum", "help").await;
    let named = "SELECT COUNT(*) FROM members WHERE name IN ('Jane Doe', 'Bob Secret')";
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.count(named).await < 2 {
        assert!(Instant::now() < deadline, "the names were read");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let reply = app.reply("U0BOSS", "/blitz", "board").await;
    assert!(reply.contains("board for a screen"), "{reply}");
    let token = token_in(&reply);
    let base = serve(&app).await;

    let client = browser(&driver).await;
    client.goto(&format!("{base}/board/{token}")).await.unwrap();
    until(&client, "the week between blitzes", |t| {
        t.contains("The team's week") && t.contains("Live")
    })
    .await;

    app.reply("U0BOSS", "/blitz", "start 30m goal 10").await;
    let text = until(&client, "the blitz, without a reload", |t| {
        t.contains("Prospecting blitz") && t.contains("No attempts yet")
    })
    .await;
    assert!(
        text.contains("30:00 left") || text.contains("29:5"),
        "{text}"
    );

    app.reply("U0JANE", "/touch", "Carl Cho @ Acme phone meeting")
        .await;
    app.reply("U0BOB", "/touch", "Ned Ortiz phone no_answer")
        .await;
    let text = until(&client, "two attempts", |t| {
        t.contains("Goal: 2 of 10 attempts")
    })
    .await;
    assert!(text.contains("Jane Doe"), "{text}");
    assert!(text.contains("a teammate"), "{text}");
    let source = client.source().await.unwrap();
    assert!(
        !text.contains("Bob") && !source.contains("Bob"),
        "a private rep's name never reaches the page"
    );
    let attempts = client
        .find(Locator::Id("attempts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(attempts, "2");
    if let Ok(path) = std::env::var("MOMENTUM_BOARD_SCREENSHOT") {
        std::fs::write(path, client.screenshot().await.unwrap()).unwrap();
    }

    // The link is reset: the open page stops, and the old link opens nothing.
    app.reply("U0BOSS", "/blitz", "board reset").await;
    until(&client, "the reset", |t| t.contains("link was reset")).await;
    let (status, _, _) = app.get(&format!("/board/{token}"), &[]).await;
    assert_eq!(status, axum::http::StatusCode::NOT_FOUND);
    client.close().await.unwrap();
}

#[tokio::test]
async fn the_board_page_is_locked_down() {
    let app = TestApp::spawn().await;
    let token = token_in(&app.reply("U0JANE", "/blitz", "board").await);
    let (status, headers, _) = app.get(&format!("/board/{token}"), &[]).await;
    assert_eq!(status, axum::http::StatusCode::OK);
    let header = |name: &str| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert!(header("content-security-policy").contains("default-src 'none'"));
    assert!(header("content-security-policy").contains("script-src 'self'"));
    assert_eq!(header("cache-control"), "no-store");
    assert_eq!(header("referrer-policy"), "no-referrer");
    let again = app.reply("U0JANE", "/blitz", "board").await;
    assert!(again.contains("already has a board link") && !again.contains(&token));
    for path in [
        "/board/abc".to_owned(),
        format!("/board/{}", "0".repeat(64)),
        format!("/board/{}/events", "0".repeat(64)),
    ] {
        let (status, _, _) = app.get(&path, &[]).await;
        assert_eq!(status, axum::http::StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_twenty_person_blitz_fits_a_1080p_screen_without_scrolling() {
    let Some(driver) = driver() else { return };
    let app = TestApp::spawn().await;
    // Started by someone with no team: the whole workspace counts.
    app.reply("U0LEAD", "/blitz", "start 60m goal 100").await;
    let token = token_in(&app.reply("U0LEAD", "/blitz", "board").await);
    for i in 1..=20 {
        app.reply(&format!("U0P{i:02}"), "/touch", "Ann Lee phone no_answer")
            .await;
    }
    let base = serve(&app).await;
    let client = browser(&driver).await;
    client.goto(&format!("{base}/board/{token}")).await.unwrap();
    until(&client, "twenty people", |t| {
        t.contains("Goal: 20 of 100 attempts")
    })
    .await;
    let rows = client.find_all(Locator::Css("#people tr")).await.unwrap();
    assert_eq!(rows.len(), 21, "a header and a row per person");
    let sizes = client
        .execute(
            "return [document.documentElement.scrollHeight, window.innerHeight, \
             document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let n = |i: usize| sizes[i].as_f64().unwrap();
    assert!(
        n(0) <= n(1) && n(2) <= n(3),
        "the page ({} × {}) fits the window ({} × {})",
        n(2),
        n(0),
        n(3),
        n(1)
    );
    client.close().await.unwrap();
}
