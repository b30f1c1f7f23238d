//! One definition of each number, everywhere: a touch is a touch whether it came from `/touch`
//! or a block's dials, and stats, the Home tab, the digest's line and totals and goal
//! progress say the same.
use crate::common::*;

#[tokio::test]
async fn three_touches_and_a_block_of_eighteen_dials_are_21_touches_everywhere() {
    let app = TestApp::spawn_team().await;
    app.reply("U0BOSS", "/momentum", "goals touches 30").await;
    app.reply("U0JANE", "/touch", "Ann Lee @ Acme phone no_answer")
        .await;
    app.reply("U0JANE", "/touch", "Ben Ray email replied").await;
    app.reply("U0JANE", "/touch", "Cy Dee social no_answer")
        .await;
    app.reply("U0JANE", "/block", "done 18 dials 2 convos")
        .await;

    let stats = app.reply("U0JANE", "/momentum", "stats").await;
    assert!(stats.contains("*Touches:* 21 — 19 phone"), "{stats}");
    // A reply and the block's two conversations: 3 responses of 21 touches.
    assert!(stats.contains("*Response rate:* 14%"), "{stats}");

    let own_home = open_home(&app, "U0JANE").await.to_string();
    assert!(
        own_home.contains("*Touches:* 21 · 14% response rate"),
        "{own_home}"
    );
    assert!(own_home.contains("touches 21/30"), "{own_home}");

    let boss_home = open_home(&app, "U0BOSS").await.to_string();
    assert!(boss_home.contains("<@U0JANE> — 21 touches"), "{boss_home}");
    assert!(
        boss_home.contains("<@U0JANE> — touches 21/30"),
        "{boss_home}"
    );

    app.reply("U0BOSS", "/momentum", "digest").await;
    app.drain_all().await;
    let digest = app.posts_to("U0BOSS").await.join("\n");
    assert!(digest.contains("*Touches* 21 (↑21) — 19 phone"), "{digest}");
    assert!(digest.contains("*Response rate* 14%"), "{digest}");
    assert!(
        digest.contains("<@U0JANE> — 21 touches · 0 wins · 1 block done (none planned)"),
        "{digest}"
    );
    assert!(digest.contains("<@U0JANE> — touches 21/30"), "{digest}");
}
