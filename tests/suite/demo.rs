//! `momentum demo` plays a scripted week through the real handlers and jobs.
#[tokio::test]
async fn the_demo_shows_the_channel_a_rep_and_the_manager_what_they_would_receive() {
    let out = momentum::demo::run().await.unwrap();
    let section = |title: &str| {
        let start = out
            .find(title)
            .unwrap_or_else(|| panic!("no section {title}:\n{out}"));
        let rest = &out[start + title.len()..];
        rest[..rest.find("\n── ").unwrap_or(rest.len())].to_owned()
    };
    let wins = section("#wins — the celebration channel");
    assert!(
        wins.contains("@jane — 📬 Carl at Umbrella replied to my first email"),
        "{wins}"
    );
    assert!(
        !wins.contains("priya") && wins.contains("1 more win from the team"),
        "{wins}"
    );
    assert!(!wins.contains("quiet"), "{wins}");
    // Touch outcomes and block results are celebrated, and a reached goal is a milestone.
    assert!(
        wins.contains("@bob — 💬 conversation with Kim Yu (Wayne)"),
        "{wins}"
    );
    assert!(wins.contains("🎯 @jane reached a weekly goal"), "{wins}");
    let bob = section("@bob's direct messages");
    assert!(
        bob.contains("Welcome to Momentum")
            && bob.contains("Call-back due today: Kim Yu (Wayne)")
            && bob.contains("after their board meeting"),
        "{bob}"
    );
    let general = section("#general — where the blitz ran");
    assert!(general.contains("Blitz results — 30 minutes"), "{general}");
    assert!(
        general.contains("📈 Chart \"Blitz results · 30 minutes\", in the results' thread"),
        "{general}"
    );
    // Bob's undone win never reaches the channel.
    assert!(!wins.contains("Kim picked up"), "{wins}");
    let maya = section("@maya's direct messages (the manager)");
    assert!(
        maya.contains("Team digest — Mon 16 Nov – Sun 22 Nov"),
        "{maya}"
    );
    // One definition of a touch everywhere: the team's total, each rep's line and their goal
    // progress count the blocks' dials, emails and social touches alike.
    assert!(maya.contains("Touches 57 (↑57)"), "{maya}");
    for (rep, touches) in [("jane", 34), ("bob", 21), ("priya", 2)] {
        assert!(
            maya.contains(&format!("@{rep} — {touches} touches")),
            "{rep}: {maya}"
        );
        assert!(
            maya.contains(&format!("@{rep} — touches {touches}/20")),
            "{rep}: {maya}"
        );
    }
    assert!(
        maya.contains("@bob — 21 touches · 1 win · 1 block done (none planned)"),
        "{maya}"
    );
    assert!(maya.contains("@jane — Tue 24 09:30 (45m)"), "{maya}");
    assert!(maya.contains("Goals\n"), "{maya}");
    assert!(
        maya.contains("@bob: Ned Ortiz said no — who replaces them?"),
        "{maya}"
    );
    // The digest's chart, drawn and saved where the demo says.
    let path = momentum::demo::chart_path();
    assert!(
        maya.contains(&format!(
            "📈 Chart \"Touches per day · Mon 16 Nov – Sun 22 Nov\" — saved to {}",
            path.display()
        )),
        "{maya}"
    );
    assert!(
        maya.contains("Goals: bob 21/20 touches, jane 34/20 touches, priya 2/20 touches."),
        "{maya}"
    );
    let png = std::fs::read(&path).unwrap();
    let reader = png::Decoder::new(png.as_slice()).read_info().unwrap();
    assert_eq!(reader.info().width, momentum::files::chart::WIDTH);
}
