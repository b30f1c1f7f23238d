//! The command parsers face the world: they never panic, whatever the text.
use momentum::commands::parse;
use proptest::prelude::*;

const COMMANDS: [&str; 5] = ["/win", "/block", "/touch", "/targets", "/momentum"];

fn words() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("done".to_owned()),
        Just("add".to_owned()),
        Just("replace".to_owned()),
        Just("with".to_owned()),
        Just("@".to_owned()),
        Just("phone".to_owned()),
        Just("no".to_owned()),
        Just("answer".to_owned()),
        Just("in".to_owned()),
        Just("person".to_owned()),
        Just("team".to_owned()),
        Just("settings".to_owned()),
        Just("<@U123|x>".to_owned()),
        Just("\"".to_owned()),
        Just("12:30pm".to_owned()),
        Just("1h30".to_owned()),
        Just("99999999999999999999".to_owned()),
        "[0-9]{1,5}[a-z]{0,3}",
        "\\PC{1,12}",
    ];
    prop::collection::vec(word, 0..12).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}", i in 0usize..5) {
        let _ = parse(COMMANDS[i], &text);
    }

    #[test]
    fn command_like_text_never_panics(text in words(), i in 0usize..5) {
        if let Err(e) = parse(COMMANDS[i], &text) {
            prop_assert!(!e.message().is_empty());
        }
    }
}

#[test]
fn ten_kilobytes_of_emoji_and_unicode_never_panic() {
    let blobs = [
        "🎉".repeat(2600),
        "é".repeat(5200),
        "a b ".repeat(2600),
        "\u{202e}\u{0000}x".repeat(2000),
    ];
    for blob in &blobs {
        for command in COMMANDS {
            if let Err(e) = parse(command, blob) {
                assert!(
                    e.message().chars().count() < 2000,
                    "an error must stay short"
                );
            }
        }
    }
}
