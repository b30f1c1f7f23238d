//! Tests of the parent module.
use super::*;

#[test]
fn goals_read_number_and_word_in_either_order_for_the_team_or_one_rep() {
    let set = |text: &str| parse(text);
    assert_eq!(
        set("goals touches 50 conversations 10 meetings 2 blocks 3"),
        Ok(MomentumRequest::Goals(GoalsRequest::Set {
            goals: Goals {
                touches: Some(50),
                conversations: Some(10),
                meetings: Some(2),
                blocks: Some(3)
            },
            rep: None
        }))
    );
    assert_eq!(
        set("goals 80 touches <@U0JANE|jane>"),
        Ok(MomentumRequest::Goals(GoalsRequest::Set {
            goals: Goals {
                touches: Some(80),
                ..Goals::default()
            },
            rep: Some("U0JANE".into())
        }))
    );
    assert_eq!(
        set("goals off <@U0JANE>"),
        Ok(MomentumRequest::Goals(GoalsRequest::Clear {
            rep: Some("U0JANE".into())
        }))
    );
    assert_eq!(set("goals"), Ok(MomentumRequest::Goals(GoalsRequest::Show)));
    assert!(set("goals touches").is_err());
    assert!(set("goals dials 50").is_err());
    assert!(set("goals touches 0").is_err());
    assert!(set("goals touches 50 off").is_err());
}

#[test]
fn bare_momentum_is_help() {
    assert_eq!(parse(""), Ok(MomentumRequest::Help));
}

#[test]
fn stats_read_a_period_and_a_person() {
    assert_eq!(
        parse("stats month <@U0JANE|jane>"),
        Ok(MomentumRequest::Stats {
            period: Period::Month,
            user: Some("U0JANE".into())
        })
    );
    assert_eq!(
        parse("stats"),
        Ok(MomentumRequest::Stats {
            period: Period::Week,
            user: None
        })
    );
    assert!(parse("stats forever").is_err());
}

#[test]
fn team_add_names_twenty_people_at_most() {
    let mentions = |n: usize| {
        (0..n)
            .map(|i| format!("<@U{i:04}>"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(parse(&format!("team add {}", mentions(20))).is_ok());
    let error = parse(&format!("team add {}", mentions(21))).unwrap_err();
    assert!(error.problem.contains("up to 20"), "{}", error.problem);
}

#[test]
fn team_add_needs_real_mentions() {
    assert_eq!(
        parse("team add <@U1AAA> <@U2BBB|bob> <@U1AAA>"),
        Ok(MomentumRequest::TeamAdd(vec![
            "U1AAA".into(),
            "U2BBB".into()
        ]))
    );
    assert!(parse("team add @jane").unwrap_err().message().contains("@"));
    assert_eq!(parse("team leave"), Ok(MomentumRequest::TeamLeave));
}

#[test]
fn settings_are_typed() {
    assert_eq!(
        parse("settings quiet 3"),
        Ok(MomentumRequest::Settings(Some(SettingChange::QuietAfter(
            3
        ))))
    );
    assert_eq!(
        parse("settings tz Europe/Paris"),
        Ok(MomentumRequest::Settings(Some(SettingChange::Tz(
            chrono_tz::Europe::Paris
        ))))
    );
    assert_eq!(
        parse("settings workdays sun-thu"),
        Ok(MomentumRequest::Settings(Some(SettingChange::WorkDays(
            WorkDays(0b100_1111)
        ))))
    );
    assert_eq!(
        parse("settings digest daily 8:30"),
        Ok(MomentumRequest::Settings(Some(SettingChange::Digest {
            day: None,
            time: NaiveTime::from_hms_opt(8, 30, 0).unwrap()
        })))
    );
    assert!(parse("settings tz Mars/Olympus").is_err());
    assert!(parse("settings hours 17:00-09:00").is_err());
}

#[test]
fn away_takes_a_date_or_off() {
    assert_eq!(
        parse("away until 2026-12-31"),
        Ok(MomentumRequest::Away(Some("2026-12-31".parse().unwrap())))
    );
    assert_eq!(parse("away off"), Ok(MomentumRequest::Away(None)));
    assert!(parse("away until xmas").is_err());
}
