//! Every Slack request is verified before it is read; refusals change nothing.
use crate::common::*;
use axum::http::StatusCode;
use tower::ServiceExt;

#[test]
fn the_test_signer_matches_slacks_published_example() {
    let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    assert_eq!(
        signature("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, body),
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    );
}

async fn wins_stored(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM wins").await
}

#[tokio::test]
async fn a_correctly_signed_command_is_answered() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .command("U0JANE", "/win", "Jane accepted my invite")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["response_type"], "ephemeral");
    assert_eq!(wins_stored(&app).await, 1);
}

#[tokio::test]
async fn an_unsigned_request_is_refused_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let body = slash_body("U0JANE", "/win", "sneaky win");
    let (status, _) = app.send(request_with(&body, None, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .send(request_with(&body, Some(now_ts().to_string()), None))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(wins_stored(&app).await, 0);
}

#[tokio::test]
async fn a_wrong_signature_is_refused() {
    let app = TestApp::spawn().await;
    let body = slash_body("U0JANE", "/win", "forged win");
    let ts = now_ts();
    let forged = signature("not-the-secret", ts, &body);
    let (status, _) = app
        .send(request_with(&body, Some(ts.to_string()), Some(forged)))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A body changed after signing is refused too.
    let good = signature(SECRET, ts, &body);
    let tampered = body.replace("forged", "tampered");
    let (status, _) = app
        .send(request_with(&tampered, Some(ts.to_string()), Some(good)))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(wins_stored(&app).await, 0);
}

#[tokio::test]
async fn stale_and_future_timestamps_are_refused() {
    let app = TestApp::spawn().await;
    let body = slash_body("U0JANE", "/win", "replayed win");
    for ts in [now_ts() - 301, now_ts() + 301, 0] {
        let (status, _) = app.send(signed(&body, ts)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "timestamp {ts}");
    }
    // Just inside the window both ways is accepted.
    for ts in [now_ts() - 290, now_ts() + 290] {
        let (status, _) = app.send(signed(&body, ts)).await;
        assert_eq!(status, StatusCode::OK, "timestamp {ts}");
    }
    assert_eq!(wins_stored(&app).await, 2);
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let app = TestApp::spawn().await;
    let body = slash_body("U0JANE", "/win", &"x".repeat(1024 * 1024 + 10));
    let (status, _) = app.send(signed(&body, now_ts())).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(wins_stored(&app).await, 0);
}

#[tokio::test]
async fn a_malformed_form_is_refused_with_400() {
    let app = TestApp::spawn().await;
    for body in [
        "team_id=T0TEAM&user_id=U0JANE",
        "%%%&&&=",
        "command=%2Fwin&text=hi",
    ] {
        let (status, _) = app.send(signed(body, now_ts())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
    assert_eq!(wins_stored(&app).await, 0);
}

#[tokio::test]
async fn an_unknown_command_gets_a_friendly_explanation() {
    let app = TestApp::spawn().await;
    let text = app.reply("U0JANE", "/frobnicate", "now").await;
    assert!(text.contains("/momentum help"), "{text}");
}

#[tokio::test]
async fn slacks_unsigned_ssl_check_is_answered_200_empty_and_runs_nothing() {
    let app = TestApp::spawn().await;
    let body = "ssl_check=1&token=abc&team_id=T0TEAM&user_id=U0JANE&command=%2Fwin&text=sneaky";
    let (status, reply) = app.send(request_with(body, None, None)).await;
    assert_eq!((status, reply.as_str()), (StatusCode::OK, ""));
    assert_eq!(wins_stored(&app).await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM members").await, 0);
}

#[tokio::test]
async fn an_unsigned_post_that_is_not_an_ssl_check_is_still_refused() {
    let app = TestApp::spawn().await;
    let body = "ssl_check=0&team_id=T0TEAM&user_id=U0JANE&command=%2Fwin&text=hi";
    let (status, _) = app.send(request_with(body, None, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn get_on_the_slack_routes_is_405_with_allow_post() {
    let app = TestApp::spawn().await;
    for path in ["/slack/commands", "/slack/events", "/slack/interactions"] {
        let request = axum::http::Request::get(path)
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert_eq!(response.headers()["allow"], "POST", "{path}");
    }
}

#[tokio::test]
async fn the_health_check_reports_ok() {
    let app = TestApp::spawn().await;
    let request = axum::http::Request::get("/healthz")
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, body) = app.send(request).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
}

fn signed_to(path: &str, content_type: &str, body: &str) -> axum::http::Request<axum::body::Body> {
    let ts = now_ts();
    axum::http::Request::post(path)
        .header("content-type", content_type)
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", signature(SECRET, ts, body))
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn the_events_url_answers_slacks_challenge_and_acknowledges_events() {
    let app = TestApp::spawn().await;
    let challenge = r#"{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let (status, body) = app
        .send(signed_to("/slack/events", "application/json", challenge))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"),
        "{body}"
    );
    let event = r#"{"type":"event_callback","event_id":"Ev1","event":{"type":"app_home_opened","user":"U0JANE"}}"#;
    let (status, _) = app
        .send(signed_to("/slack/events", "application/json", event))
        .await;
    assert_eq!(status, StatusCode::OK);
    let unsigned = axum::http::Request::post("/slack/events")
        .body(axum::body::Body::from(challenge))
        .unwrap();
    assert_eq!(app.send(unsigned).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_in_flight_limit_a_request_is_shed_with_503_and_retry_after() {
    let app = TestApp::spawn_configured(
        |url| momentum::config::Settings {
            max_in_flight: 2,
            ..settings(url)
        },
        true,
    )
    .await;
    // Two wins wait for the write lock another connection holds.
    let release = hold_the_write_lock(&app).await;
    let waiting: Vec<_> = ["first", "second"]
        .into_iter()
        .map(|n| {
            let router = app.router.clone();
            let body = slash_body("U0JANE", "/win", &format!("the {n} win"));
            tokio::spawn(async move { router.oneshot(signed(&body, now_ts())).await.unwrap() })
        })
        .collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.state.in_flight.available_permits() > 0 {
        assert!(std::time::Instant::now() < deadline, "the two never got in");
        tokio::task::yield_now().await;
    }
    let body = slash_body("U0JANE", "/win", "the third win");
    let shed = app
        .router
        .clone()
        .oneshot(signed(&body, now_ts()))
        .await
        .unwrap();
    assert_eq!(shed.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(shed.headers()["retry-after"], "1");
    let _ = release.send(());
    for request in waiting {
        assert_eq!(request.await.unwrap().status(), StatusCode::OK);
    }
    // Once they are done, requests are taken again.
    let (status, _) = app.send(signed(&body, now_ts())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !app.reply("U0JANE", "/win", "a fourth")
            .await
            .contains("busy"),
        "the limit is free again"
    );
}
