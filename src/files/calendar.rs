//! The rep's calendar feed as iCalendar (RFC 5545), written with the `icalendar` crate (which
//! escapes text people typed: commas, semicolons, backslashes, newlines). Each block is an
//! event at its UTC instants (so daylight-saving changes are the calendar app's business, and
//! always right); each call-back an all-day event on its day. UIDs are stable — `block-<id>`,
//! `callback-<touch id>` — and DTSTAMPs come from the data, not the clock, so the same data
//! gives the same bytes (and the same ETag) on every poll.
use crate::domain::BlockStatus;
use crate::domain::calendar::{Feed, FeedBlock, FeedCallback};
use crate::domain::words::count;
use chrono::Duration;
use icalendar::{Calendar, Component, Event, EventLike};

/// The host part of every UID.
const DOMAIN: &str = "momentum.invalid";

fn block(b: &FeedBlock, due: &[String]) -> Event {
    let done = b.status == BlockStatus::Done;
    let summary = if done {
        "✅ Prospecting block (done)".to_owned()
    } else {
        "🎯 Prospecting block".to_owned()
    };
    let mut description = format!(
        "{} of prospecting, planned in Momentum.",
        count(b.minutes, "minute")
    );
    if done {
        let mut did = Vec::new();
        for (n, what) in [
            (b.dials, "dial"),
            (b.emails, "email"),
            (b.social, "social touch"),
            (b.conversations, "conversation"),
            (b.meetings, "meeting"),
        ] {
            if n > 0 {
                did.push(count(n, what));
            }
        }
        if !did.is_empty() {
            description.push_str(&format!("\nDone: {}.", did.join(" · ")));
        }
    } else {
        if !due.is_empty() {
            description.push_str(&format!("\nDue for a touch: {}.", due.join(", ")));
        }
        description.push_str("\nAfterwards, in Slack: /block done 25 dials 4 convos 1 meeting");
    }
    Event::new()
        .uid(&format!("block-{}@{DOMAIN}", b.id))
        .timestamp(b.reported_at.unwrap_or(b.created_at))
        .summary(&summary)
        .description(&description)
        .starts(b.starts_at)
        .ends(b.starts_at + Duration::minutes(b.minutes))
        .done()
}

fn callback(c: &FeedCallback) -> Event {
    let who = match c.company.as_deref().filter(|s| !s.is_empty()) {
        Some(company) => format!("{} ({company})", c.prospect),
        None => c.prospect.clone(),
    };
    let mut description = format!("Call back {who}, as agreed.");
    if !c.note.is_empty() {
        description.push_str(&format!("\nNote: {}", c.note));
    }
    Event::new()
        .uid(&format!("callback-{}@{DOMAIN}", c.touch_id))
        .timestamp(c.created_at)
        .summary(&format!("📞 Call back {who}"))
        .description(&description)
        .starts(c.callback_on)
        // The day after: an all-day event's end is exclusive (RFC 5545).
        .ends(c.callback_on.succ_opt().unwrap_or(c.callback_on))
        .done()
}

/// The feed as an `.ics` document.
pub fn feed(f: &Feed) -> String {
    let mut calendar = Calendar::new();
    calendar
        .name("Momentum — prospecting blocks")
        .description("Your prospecting blocks and call-backs from Momentum.")
        .append_property(
            icalendar::Property::new("REFRESH-INTERVAL", "PT1H")
                .add_parameter("VALUE", "DURATION")
                .done(),
        )
        .append_property(icalendar::Property::new("X-PUBLISHED-TTL", "PT1H"));
    for b in &f.blocks {
        calendar.push(block(b, &f.due));
    }
    for c in &f.callbacks {
        calendar.push(callback(c));
    }
    calendar.done().to_string()
}
