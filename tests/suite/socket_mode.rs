//! Socket Mode against a fake Slack: `apps.connections.open` (wiremock) hands out the address
//! of a local WebSocket server that plays Slack's side — hello, envelopes, acknowledgements,
//! dropped connections and `disconnect` — while Momentum's real listener and handlers answer.

use crate::common::TestApp;
use futures::{SinkExt, StreamExt};
use momentum::config::Secret;
use serde_json::{Value, json};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

const APP_TOKEN: &str = "xapp-1-A0APP-test";

/// One WebSocket connection Momentum opened to the fake Slack.
struct Link {
    ws: WebSocketStream<tokio::net::TcpStream>,
}

impl Link {
    async fn send(&mut self, envelope: &Value) {
        self.ws
            .send(Message::Text(envelope.to_string().into()))
            .await
            .unwrap();
    }

    /// The acknowledgement of `envelope_id` (other frames are skipped), within 5 s.
    async fn ack(&mut self, envelope_id: &str) -> Value {
        let wait = async {
            while let Some(frame) = self.ws.next().await {
                if let Ok(Message::Text(text)) = frame {
                    let ack: Value = serde_json::from_str(&text).unwrap();
                    if ack["envelope_id"] == envelope_id {
                        return ack;
                    }
                }
            }
            panic!("the connection closed before the ack of {envelope_id}");
        };
        tokio::time::timeout(Duration::from_secs(5), wait)
            .await
            .unwrap_or_else(|_| panic!("no ack of {envelope_id} within 5 s"))
    }
}

/// The fake Slack's Socket Mode side: every connection Momentum opens, greeted with `hello`.
struct SocketSlack {
    links: mpsc::UnboundedReceiver<Link>,
    /// Momentum's side of the app, running its real listener.
    stop: tokio::sync::watch::Sender<bool>,
}

impl SocketSlack {
    async fn start(app: &TestApp) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, links) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                    continue;
                };
                let hello = json!({ "type": "hello", "num_connections": 1,
                    "debug_info": { "host": "applink-test", "approximate_connection_time": 18060 },
                    "connection_info": { "app_id": "A0APP" } });
                ws.send(Message::Text(hello.to_string().into()))
                    .await
                    .unwrap();
                if tx.send(Link { ws }).is_err() {
                    return;
                }
            }
        });
        Mock::given(method("POST"))
            .and(path("/apps.connections.open"))
            .and(header(
                "authorization",
                format!("Bearer {APP_TOKEN}").as_str(),
            ))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(
                    json!({ "ok": true, "url": format!("ws://127.0.0.1:{port}/link") }),
                ),
            )
            .mount(&app.slack)
            .await;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(momentum::socket::run(
            app.state.clone(),
            Secret::new(APP_TOKEN),
            stopped,
        ));
        Self { links, stop }
    }

    /// The next connection Momentum opens, within 10 s.
    async fn link(&mut self) -> Link {
        tokio::time::timeout(Duration::from_secs(10), self.links.recv())
            .await
            .expect("Momentum connected within 10 s")
            .unwrap()
    }
}

impl Drop for SocketSlack {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn slash_envelope(envelope_id: &str, trigger: &str, user: &str, text: &str) -> Value {
    json!({ "type": "slash_commands", "envelope_id": envelope_id, "accepts_response_payload": true,
        "payload": { "token": "x", "team_id": crate::common::TEAM, "team_domain": "acme",
            "channel_id": "C0GENERAL", "channel_name": "general", "user_id": user,
            "user_name": "someone", "command": "/win", "text": text, "api_app_id": "A0APP",
            "is_enterprise_install": "false",
            "response_url": "https://hooks.slack.com/commands/T0TEAM/1/abc",
            "trigger_id": trigger } })
}

fn home_envelope(envelope_id: &str, event_id: &str) -> Value {
    let event: Value = serde_json::from_str(include_str!("fixtures/app_home_opened.json")).unwrap();
    let mut event = event;
    event["event_id"] = json!(event_id);
    json!({ "type": "events_api", "envelope_id": envelope_id, "accepts_response_payload": false,
            "retry_attempt": 0, "retry_reason": "", "payload": event })
}

async fn mount_publish_ok(app: &TestApp) {
    Mock::given(method("POST"))
        .and(path("/views.publish"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "view": { "id": "V0HOME", "team_id": crate::common::TEAM, "type": "home", "blocks": [],
                      "hash": "1764000000.abc", "private_metadata": "", "callback_id": "",
                      "state": { "values": {} }, "app_id": "A0APP" }
        })))
        .mount(&app.slack)
        .await;
}

/// Delivers the outbox; the Home views published, in order.
async fn published(app: &TestApp) -> Vec<Value> {
    app.drain_all().await;
    app.bodies_to("/views.publish").await
}

async fn connections_opened(app: &TestApp) -> usize {
    app.requests_to("/apps.connections.open").await.len()
}

/// Waits (10 s at most) until Momentum has opened all its connections.
async fn both_connections_open(app: &TestApp) {
    tokio::time::timeout(Duration::from_secs(10), async {
        while connections_opened(app).await < momentum::socket::CONNECTIONS {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("every connection opened");
}

async fn wins(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM wins").await
}

#[tokio::test]
async fn a_slash_command_envelope_is_acked_with_the_http_reply_and_the_win_is_stored() {
    let app = TestApp::spawn().await;
    let mut slack = SocketSlack::start(&app).await;
    let mut link = slack.link().await;
    link.send(&slash_envelope(
        "env-1",
        "trig-1",
        "U0JANE",
        "booked a demo with Initech",
    ))
    .await;
    let ack = link.ack("env-1").await;
    assert_eq!(wins(&app).await, 1);

    // The same command over HTTP, to an identical app, answers with the same payload.
    let twin = TestApp::spawn().await;
    let (_, over_http) = twin
        .command("U0JANE", "/win", "booked a demo with Initech")
        .await;
    assert_eq!(ack["payload"], over_http, "{ack}");
    assert_eq!(ack["payload"]["response_type"], "ephemeral");
    assert!(
        ack["payload"]["text"].as_str().unwrap().contains("Logged"),
        "{ack}"
    );
}

#[tokio::test]
async fn an_app_home_opened_envelope_publishes_the_home_tab() {
    let app = TestApp::spawn().await;
    mount_publish_ok(&app).await;
    let mut slack = SocketSlack::start(&app).await;
    let mut link = slack.link().await;
    link.send(&home_envelope("env-home", "Ev0SOCKET1")).await;
    let ack = link.ack("env-home").await;
    assert_eq!(ack, json!({ "envelope_id": "env-home" }));
    let published = published(&app).await;
    assert_eq!(published.len(), 1);
    assert_eq!(published[0]["user_id"], "U0JANE");
    assert_eq!(published[0]["view"]["type"], "home");
}

#[tokio::test]
async fn after_a_dropped_connection_a_redelivered_envelope_is_answered_again_but_handled_once() {
    let app = TestApp::spawn().await;
    mount_publish_ok(&app).await;
    let mut slack = SocketSlack::start(&app).await;
    let mut link = slack.link().await;
    // Both of Momentum's connections are open, so a third is a reconnect.
    both_connections_open(&app).await;
    let command = slash_envelope("env-7", "trig-7", "U0JANE", "met the CFO at the booth");
    link.send(&command).await;
    link.send(&home_envelope("env-8", "Ev0SOCKET8")).await;
    let first = link.ack("env-7").await;
    link.ack("env-8").await;
    let opened = connections_opened(&app).await;

    // The connection drops as if the acks were lost; Slack redelivers both on a new one.
    drop(link);
    let mut link = slack.link().await;
    tokio::time::timeout(Duration::from_secs(10), async {
        while connections_opened(&app).await <= opened {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("Momentum reconnected");
    let mut redelivered = command.clone();
    redelivered["retry_attempt"] = json!(1);
    link.send(&redelivered).await;
    link.send(&home_envelope("env-8", "Ev0SOCKET8")).await;
    let again = link.ack("env-7").await;
    link.ack("env-8").await;

    assert_eq!(again["payload"], first["payload"]);
    assert_eq!(wins(&app).await, 1);
    assert_eq!(published(&app).await.len(), 1);
}

#[tokio::test]
async fn a_disconnect_envelope_makes_momentum_open_a_new_connection_that_works() {
    let app = TestApp::spawn().await;
    let mut slack = SocketSlack::start(&app).await;
    let mut link = slack.link().await;
    both_connections_open(&app).await;
    let opened = connections_opened(&app).await;
    link.send(
        &json!({ "type": "disconnect", "reason": "refresh_requested",
                       "debug_info": { "host": "applink-test" } }),
    )
    .await;
    tokio::time::timeout(Duration::from_secs(10), async {
        while connections_opened(&app).await <= opened {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("a new connection after disconnect");
    // The links opened meanwhile stay open (a dropped one would be reopened); use the newest.
    let mut links = vec![slack.link().await];
    while let Ok(Some(next)) =
        tokio::time::timeout(Duration::from_millis(300), slack.links.recv()).await
    {
        links.push(next);
    }
    let newest = links.last_mut().unwrap();
    newest
        .send(&slash_envelope("env-9", "trig-9", "U0BOB", "Ann replied"))
        .await;
    let ack = newest.ack("env-9").await;
    assert!(
        ack["payload"]["text"].as_str().unwrap().contains("Logged"),
        "{ack}"
    );
    assert_eq!(wins(&app).await, 1);
}

impl Link {
    /// The next acknowledgement on the connection, within 10 s.
    async fn next_ack(&mut self) -> Value {
        let wait = async {
            while let Some(frame) = self.ws.next().await {
                if let Ok(Message::Text(text)) = frame {
                    return serde_json::from_str::<Value>(&text).unwrap();
                }
            }
            panic!("the connection closed before an ack");
        };
        tokio::time::timeout(Duration::from_secs(10), wait)
            .await
            .expect("an ack within 10 s")
    }
}

#[tokio::test]
async fn a_slow_form_never_holds_up_the_acknowledgement_of_the_next_envelope() {
    let app = TestApp::spawn().await;
    // Slack takes two seconds to open the win form.
    Mock::given(method("POST"))
        .and(path("/views.open"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "ok": true }))
                .set_delay(Duration::from_secs(2)),
        )
        .mount(&app.slack)
        .await;
    let mut slack = SocketSlack::start(&app).await;
    let mut link = slack.link().await;
    let press = include_str!("fixtures/block_actions.json")
        .replace("USER_ID", "U0JANE")
        .replace("ACTION_ID", "open_win")
        .replace("VALUE", "1");
    let press: Value = serde_json::from_str(&press).unwrap();
    link.send(&json!({ "type": "interactive", "envelope_id": "env-slow",
        "accepts_response_payload": false, "payload": press }))
        .await;
    link.send(&slash_envelope(
        "env-quick",
        "trig-quick",
        "U0BOB",
        "a reply from Globex",
    ))
    .await;
    // Handled one after the other, the command's ack would wait for the form's two seconds.
    let first = link.next_ack().await;
    assert_eq!(first["envelope_id"], "env-quick", "{first}");
    assert!(
        first["payload"]["text"]
            .as_str()
            .unwrap()
            .contains("Logged"),
        "{first}"
    );
    let second = link.next_ack().await;
    assert_eq!(second, json!({ "envelope_id": "env-slow" }));
    assert_eq!(app.requests_to("/views.open").await.len(), 1);
}

#[tokio::test]
async fn an_app_token_slack_refuses_stops_socket_mode_instead_of_retrying_forever() {
    let app = TestApp::spawn().await;
    Mock::given(method("POST"))
        .and(path("/apps.connections.open"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "ok": false, "error": "invalid_auth" })),
        )
        .mount(&app.slack)
        .await;
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let run = momentum::socket::run(app.state.clone(), Secret::new(APP_TOKEN), stopped);
    tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("Socket Mode stops on its own");
    assert_eq!(
        connections_opened(&app).await,
        momentum::socket::CONNECTIONS,
        "one attempt per connection, no retries"
    );
}
