//! Small words shared by the commands: clock times, durations, days.
use chrono::{NaiveDate, NaiveTime, Weekday};

/// `14:00`, `9:30`, `9am`, `2:30pm`, `9.30`, `14h30`, `14h`.
pub fn time(word: &str) -> Option<NaiveTime> {
    let w = word.to_lowercase();
    let (body, pm) = if let Some(b) = w.strip_suffix("pm") {
        (b, Some(true))
    } else if let Some(b) = w.strip_suffix("am") {
        (b, Some(false))
    } else {
        (w.as_str(), None)
    };
    let (h, m) = match body.split_once([':', '.', 'h']) {
        Some((h, "")) => (h, "0"),
        Some((h, m)) => (h, m),
        None if pm.is_some() => (body, "0"),
        None => return None,
    };
    if h.is_empty() || h.len() > 2 || m.len() > 2 || !is_digits(h) || !is_digits(m) {
        return None;
    }
    let (mut h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match pm {
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(true) if h != 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    NaiveTime::from_hms_opt(h, m, 0)
}

/// `60m`, `45min`, `1h`, `1h30`, `1h30m`, `90` (minutes), `1.5h`.
pub fn duration_minutes(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches("utes").trim_end_matches("ute");
    if let Some(m) = w
        .strip_suffix("mins")
        .or_else(|| w.strip_suffix("min"))
        .or_else(|| w.strip_suffix('m'))
    {
        if let Some((h, m)) = m.split_once('h') {
            return Some(number(h)? * 60 + number(m)?);
        }
        return number(m);
    }
    let w = w
        .trim_end_matches("ours")
        .trim_end_matches("our")
        .trim_end_matches("rs")
        .trim_end_matches('r');
    if let Some(h) = w.strip_suffix('h') {
        if let Some((whole, frac)) = h.split_once(['.', ',']) {
            if frac.len() == 1 {
                return Some(number(whole)? * 60 + number(frac)? * 6);
            }
            return None;
        }
        return Some(number(h)? * 60);
    }
    if let Some((h, m)) = w.split_once('h') {
        return Some(number(h)? * 60 + number(m)?);
    }
    number(w)
}

fn number(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 4 && is_digits(s))
        .then(|| s.parse().ok())
        .flatten()
}

fn is_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// A whole count such as `25`, at most 9,999.
pub fn count(word: &str) -> Option<u32> {
    number(word)
}

pub fn weekday(word: &str) -> Option<Weekday> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches(',');
    let full = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    if w.len() < 3 {
        return None;
    }
    let i = full.iter().position(|f| f.starts_with(w))?;
    crate::domain::time::WEEK.get(i).copied()
}

/// `2026-12-24`.
pub fn date(word: &str) -> Option<NaiveDate> {
    if word.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(word, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    #[test]
    fn clock_times_in_the_usual_spellings() {
        assert_eq!(time("14:00"), t(14, 0));
        assert_eq!(time("9:30"), t(9, 30));
        assert_eq!(time("9am"), t(9, 0));
        assert_eq!(time("2:30pm"), t(14, 30));
        assert_eq!(time("12am"), t(0, 0));
        assert_eq!(time("12pm"), t(12, 0));
        assert_eq!(time("14h"), t(14, 0));
        assert_eq!(time("25:00"), None);
        assert_eq!(time("13pm"), None);
        assert_eq!(time("60m"), None);
        assert_eq!(time("14"), None);
    }

    #[test]
    fn durations_in_the_usual_spellings() {
        assert_eq!(duration_minutes("60m"), Some(60));
        assert_eq!(duration_minutes("45min"), Some(45));
        assert_eq!(duration_minutes("45mins"), Some(45));
        assert_eq!(duration_minutes("1h"), Some(60));
        assert_eq!(duration_minutes("2hrs"), Some(120));
        assert_eq!(duration_minutes("1h30"), Some(90));
        assert_eq!(duration_minutes("1h30m"), Some(90));
        assert_eq!(duration_minutes("1.5h"), Some(90));
        assert_eq!(duration_minutes("90"), Some(90));
        assert_eq!(duration_minutes("14:00"), None);
        assert_eq!(duration_minutes("m"), None);
    }

    #[test]
    fn weekdays_by_name_or_prefix() {
        assert_eq!(weekday("mon"), Some(Weekday::Mon));
        assert_eq!(weekday("Thursday"), Some(Weekday::Thu));
        assert_eq!(weekday("thurs"), Some(Weekday::Thu));
        assert_eq!(weekday("mo"), None);
        assert_eq!(weekday("month"), None);
    }
}
