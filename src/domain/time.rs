//! Local time for people: working days, a member's calendar day, "6 days ago", "Fri 27 Nov".
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

/// The days of the week someone works, bit 0 = Monday. Stored as that bit mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkDays(pub u8);

impl Default for WorkDays {
    fn default() -> Self {
        Self::MON_FRI
    }
}

impl From<i64> for WorkDays {
    fn from(bits: i64) -> Self {
        Self::from_bits(bits)
    }
}

impl From<WorkDays> for i64 {
    fn from(days: WorkDays) -> Self {
        i64::from(days.0)
    }
}

/// A time zone as stored: its IANA name. Rows decode it with `#[sqlx(try_from = "ZoneName")]`
/// into a [`Tz`]; a name chrono-tz does not know is a decode error, never a silent UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoneName(pub Tz);

impl From<ZoneName> for Tz {
    fn from(z: ZoneName) -> Self {
        z.0
    }
}

impl super::TextValue for ZoneName {
    fn to_text(&self) -> String {
        self.0.name().to_owned()
    }
    fn from_text(name: &str) -> Result<Self, String> {
        parse_tz(name)
            .map(ZoneName)
            .ok_or_else(|| format!("unknown time zone {name:?}"))
    }
}

super::sql_text!(ZoneName);

/// Where a member is: the zone their days count in (their own, else the team's, else the
/// deployment's default, resolved by the store) and the team's working week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Local {
    #[sqlx(try_from = "ZoneName")]
    pub tz: Tz,
    #[sqlx(try_from = "i64")]
    pub work_days: WorkDays,
}

impl Local {
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        local_day(now, self.tz)
    }
}

impl WorkDays {
    pub const MON_FRI: WorkDays = WorkDays(0b0001_1111);

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    pub fn from_bits(bits: i64) -> Self {
        let bits = (bits & 0x7f) as u8;
        if bits == 0 { Self::MON_FRI } else { Self(bits) }
    }

    /// `Mon-Fri`, `Mon, Wed, Fri`…
    pub fn describe(self) -> String {
        let days: Vec<Weekday> = WEEK.iter().copied().filter(|d| self.contains(*d)).collect();
        let contiguous = days
            .windows(2)
            .all(|w| w[1].num_days_from_monday() == w[0].num_days_from_monday() + 1);
        match (days.first(), days.last()) {
            (Some(a), Some(b)) if contiguous && days.len() > 2 => format!("{a}-{b}"),
            _ => days
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

pub const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The calendar day at `now` where the member is.
pub fn local_day(now: DateTime<Utc>, tz: Tz) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

/// Minutes after local midnight at `now` in `tz` (for working hours).
pub fn minute_of_day(now: DateTime<Utc>, tz: Tz) -> i64 {
    use chrono::Timelike;
    let local = now.with_timezone(&tz);
    i64::from(local.hour() * 60 + local.minute())
}

/// "today", "yesterday", "6 days ago".
pub fn days_ago(days: i64) -> String {
    match days {
        i64::MIN..=0 => "today".into(),
        1 => "yesterday".into(),
        n => format!("{n} days ago"),
    }
}

/// "Fri 27 Nov".
pub fn short_date(day: NaiveDate) -> String {
    day.format("%a %-d %b").to_string()
}

/// "today", "tomorrow", or "Fri 27 Nov", relative to `today`.
pub fn relative_day(day: NaiveDate, today: NaiveDate) -> String {
    match (day - today).num_days() {
        0 => "today".into(),
        1 => "tomorrow".into(),
        -1 => "yesterday".into(),
        _ => short_date(day),
    }
}

pub fn parse_tz(name: &str) -> Option<Tz> {
    name.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_callback_day_resolves_from_today() {
        let monday: NaiveDate = "2026-11-23".parse().unwrap();
        let on = |s: &str| Some(s.parse::<NaiveDate>().unwrap());
        assert_eq!(
            CallbackDay::Next(chrono::Weekday::Fri).resolve(monday),
            on("2026-11-27")
        );
        assert_eq!(
            CallbackDay::Next(chrono::Weekday::Mon).resolve(monday),
            on("2026-11-30")
        );
        assert_eq!(CallbackDay::In(14).resolve(monday), on("2026-12-07"));
        assert_eq!(CallbackDay::Tomorrow.resolve(monday), on("2026-11-24"));
        assert_eq!(CallbackDay::On(monday).resolve(monday), on("2026-11-23"));
        assert_eq!(
            CallbackDay::On("2026-11-20".parse().unwrap()).resolve(monday),
            None
        );
        assert_eq!(
            CallbackDay::On("2028-01-01".parse().unwrap()).resolve(monday),
            None
        );
    }

    use super::*;

    #[test]
    fn weekdays_describe_as_a_range() {
        assert_eq!(WorkDays::MON_FRI.describe(), "Mon-Fri");
        assert_eq!(WorkDays(0b0010101).describe(), "Mon, Wed, Fri");
    }

    #[test]
    fn a_zero_mask_falls_back_to_the_working_week() {
        assert_eq!(WorkDays::from_bits(0), WorkDays::MON_FRI);
    }
}

/// The instant a local wall-clock time happens in `tz`. In a DST gap the time does not exist
/// (`None`); in a DST overlap the earlier instant is taken.
pub fn local_instant(day: NaiveDate, time: chrono::NaiveTime, tz: Tz) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    tz.from_local_datetime(&day.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The next `weekday` on or after `today`.
pub fn next_weekday(today: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() as i64
        - today.weekday().num_days_from_monday() as i64)
        % 7;
    today + chrono::Duration::days(ahead)
}

#[cfg(test)]
mod instant_tests {
    use super::*;
    use chrono::NaiveTime;

    #[test]
    fn a_time_in_the_spring_forward_gap_does_not_exist() {
        let day: NaiveDate = "2026-03-29".parse().unwrap();
        let paris: Tz = "Europe/Paris".parse().unwrap();
        assert_eq!(
            local_instant(day, NaiveTime::from_hms_opt(2, 30, 0).unwrap(), paris),
            None
        );
        let nine = local_instant(day, NaiveTime::from_hms_opt(9, 0, 0).unwrap(), paris).unwrap();
        assert_eq!(nine.to_rfc3339(), "2026-03-29T07:00:00+00:00");
    }

    #[test]
    fn the_next_weekday_can_be_today() {
        let sunday: NaiveDate = "2026-11-22".parse().unwrap();
        assert_eq!(next_weekday(sunday, Weekday::Sun), sunday);
        assert_eq!(next_weekday(sunday, Weekday::Mon).to_string(), "2026-11-23");
    }
}

/// When a call-back is due, as typed after `callback`: `tomorrow`, `fri`, `next week`,
/// `in 3d`, `in 2w`, `in 2 weeks` or `2026-12-01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackDay {
    Tomorrow,
    /// The next such weekday after today.
    Next(Weekday),
    In(u32),
    On(NaiveDate),
}

/// The furthest ahead a call-back can be set.
pub const MAX_CALLBACK_DAYS: u32 = 366;

impl CallbackDay {
    /// The local day it names, seen from `today`; `None` when it has passed or is over a year
    /// away.
    pub fn resolve(self, today: NaiveDate) -> Option<NaiveDate> {
        let day = match self {
            CallbackDay::Tomorrow => today.checked_add_days(Days::new(1))?,
            // The next one after today (today's weekday means a week on).
            CallbackDay::Next(weekday) => next_weekday(today.succ_opt()?, weekday),
            CallbackDay::In(days) => today.checked_add_days(Days::new(days.into()))?,
            CallbackDay::On(day) => day,
        };
        (day >= today && (day - today).num_days() <= i64::from(MAX_CALLBACK_DAYS)).then_some(day)
    }
}
