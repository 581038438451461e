//! Business hours: which hours of which days count towards a service-level target, in a time
//! zone, minus holidays. Without a calendar every hour counts.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use std::collections::BTreeSet;

/// The working hours of a help desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// Where the hours are read.
    pub zone: Tz,
    /// Opening and closing time per weekday, Monday first; `None`: closed all day.
    pub week: [Option<(NaiveTime, NaiveTime)>; 7],
    /// Days closed all day.
    pub holidays: BTreeSet<NaiveDate>,
}

/// How far ahead a due time is searched before giving up (a calendar with no open hour).
const MAX_DAYS: i64 = 3 * 366;

impl Calendar {
    /// The open interval of a local day, in UTC, if the desk works that day.
    fn open_on(&self, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if self.holidays.contains(&day) {
            return None;
        }
        let (open, close) = self.week[day.weekday().num_days_from_monday() as usize]?;
        // A local time that DST skips moves to the next valid instant; an ambiguous one takes
        // the earlier reading.
        let at = |t: NaiveTime| {
            let local = day.and_time(t);
            self.zone
                .from_local_datetime(&local)
                .earliest()
                .or_else(|| {
                    self.zone
                        .from_local_datetime(&(local + Duration::hours(1)))
                        .earliest()
                })
                .map(|d| d.with_timezone(&Utc))
        };
        Some((at(open)?, at(close)?)).filter(|(a, b)| a < b)
    }

    /// The instant `work` of business time after `from`.
    pub fn add(&self, from: DateTime<Utc>, work: std::time::Duration) -> DateTime<Utc> {
        let mut left = Duration::from_std(work).unwrap_or(Duration::MAX);
        let mut day = from.with_timezone(&self.zone).date_naive();
        for _ in 0..MAX_DAYS {
            if let Some((open, close)) = self.open_on(day) {
                let start = open.max(from);
                if start < close {
                    let available = close - start;
                    if left <= available {
                        return start + left;
                    }
                    left -= available;
                }
            }
            day = day.succ_opt().unwrap_or(day);
        }
        // No open hour in years: fall back to wall time rather than never.
        from + Duration::from_std(work).unwrap_or(Duration::MAX)
    }

    /// The business time between two instants (zero if `to` is not after `from`).
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> std::time::Duration {
        let mut total = Duration::zero();
        let mut day = from.with_timezone(&self.zone).date_naive();
        let last = to.with_timezone(&self.zone).date_naive();
        let mut guard = 0;
        while day <= last && guard < MAX_DAYS {
            if let Some((open, close)) = self.open_on(day) {
                let (a, b) = (open.max(from), close.min(to));
                if a < b {
                    total += b - a;
                }
            }
            day = day.succ_opt().unwrap_or(day);
            guard += 1;
        }
        total.to_std().unwrap_or_default()
    }

    /// A weekday from its English three-letter name.
    pub fn weekday(name: &str) -> Option<Weekday> {
        name.trim().parse::<Weekday>().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration as Std;

    fn rome() -> Calendar {
        let nine_to_six = Some((
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
        ));
        Calendar {
            zone: chrono_tz::Europe::Rome,
            week: [
                nine_to_six,
                nine_to_six,
                nine_to_six,
                nine_to_six,
                nine_to_six,
                None,
                None,
            ],
            holidays: [NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()].into(),
        }
    }

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Rome
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn targets_skip_nights_weekends_and_holidays() {
        let c = rome();
        // Friday 17:00 + 4 h of work: 1 h on Friday, 3 h on Monday from 09:00.
        assert_eq!(
            c.add(local(2026, 11, 20, 17, 0), Std::from_secs(4 * 3600)),
            local(2026, 11, 23, 12, 0)
        );
        // Saturday night counts from Monday's opening.
        assert_eq!(
            c.add(local(2026, 11, 21, 23, 0), Std::from_secs(30 * 60)),
            local(2026, 11, 23, 9, 30)
        );
        // Christmas (a Friday) is closed: Thursday 17:30 + 1 h ends Monday 09:30.
        assert_eq!(
            c.add(local(2026, 12, 24, 17, 30), Std::from_secs(3600)),
            local(2026, 12, 28, 9, 30)
        );
        assert_eq!(
            c.between(local(2026, 11, 20, 17, 0), local(2026, 11, 23, 12, 0)),
            Std::from_secs(4 * 3600)
        );
    }

    #[test]
    fn local_hours_hold_across_daylight_saving_changes() {
        let c = rome();
        // Clocks go forward on Sunday 2027-03-28: Friday 17:00 + 2 h ends Monday 10:00 local,
        // which is 08:00 UTC (it was 16:00 UTC on Friday).
        let friday = local(2027, 3, 26, 17, 0);
        assert_eq!(friday.format("%H:%M").to_string(), "16:00");
        let due = c.add(friday, Std::from_secs(2 * 3600));
        assert_eq!(due, local(2027, 3, 29, 10, 0));
        assert_eq!(due.format("%H:%M").to_string(), "08:00");
        // And back on 2026-10-25.
        let due = c.add(local(2026, 10, 23, 17, 0), Std::from_secs(2 * 3600));
        assert_eq!(
            due.format("%H:%M").to_string(),
            "09:00",
            "10:00 CET is 09:00 UTC"
        );
    }

    #[test]
    fn a_calendar_that_never_opens_falls_back_to_wall_time() {
        let c = Calendar {
            week: [None; 7],
            ..rome()
        };
        let from = local(2026, 11, 20, 9, 0);
        assert_eq!(c.add(from, Std::from_secs(3600)), from + Duration::hours(1));
    }
}
