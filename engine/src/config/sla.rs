//! `[tenants.sla]`: first-response and resolution targets per priority, when to warn, and
//! whether a breach escalates.

use super::tenant::parse_duration;
use crate::domain::Priority;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The two targets of one priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SlaTarget {
    /// Until the first agent reply the requester sees.
    #[serde(with = "super::tenant::duration_text")]
    pub first_response: Duration,
    /// Until the ticket is resolved.
    #[serde(with = "super::tenant::duration_text")]
    pub resolution: Duration,
}

/// A tenant's SLA policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawSla", into = "SlaOut")]
pub struct SlaPolicy {
    /// P1 to P5, in order.
    pub targets: [SlaTarget; 5],
    /// The share of a target after which the level's channel and the assignee are warned.
    pub warn_at: f64,
    /// Escalate to the next level when a target is breached (besides alerting the managers).
    pub escalate_on_breach: bool,
    /// Stop the clocks while the ticket is on hold (waiting on a supplier) too.
    pub pause_on_hold: bool,
    /// Targets of categories that differ from the tenant's (e.g. `security` is faster).
    pub categories: std::collections::BTreeMap<String, [SlaTarget; 5]>,
}

impl Default for SlaPolicy {
    fn default() -> Self {
        SlaPolicy::try_from(RawSla::default()).expect("the defaults are valid")
    }
}

impl SlaPolicy {
    /// The targets of a priority, for a category when it has its own.
    pub fn target(&self, priority: Priority, category: Option<&str>) -> SlaTarget {
        let i = Priority::ALL
            .iter()
            .position(|p| *p == priority)
            .unwrap_or(4);
        category
            .and_then(|c| self.categories.get(c))
            .map_or(self.targets[i], |targets| targets[i])
    }
}

/// The policy written back the way it is read (`config check`).
#[derive(Serialize)]
struct SlaOut {
    warn_at: f64,
    escalate_on_breach: bool,
    pause_on_hold: bool,
    #[serde(flatten)]
    targets: TargetsOut,
    categories: std::collections::BTreeMap<String, TargetsOut>,
}

#[derive(Serialize)]
struct TargetsOut {
    p1: SlaTarget,
    p2: SlaTarget,
    p3: SlaTarget,
    p4: SlaTarget,
    p5: SlaTarget,
}

impl From<[SlaTarget; 5]> for TargetsOut {
    fn from([p1, p2, p3, p4, p5]: [SlaTarget; 5]) -> Self {
        TargetsOut { p1, p2, p3, p4, p5 }
    }
}

impl From<SlaPolicy> for SlaOut {
    fn from(p: SlaPolicy) -> Self {
        SlaOut {
            warn_at: p.warn_at,
            escalate_on_breach: p.escalate_on_breach,
            pause_on_hold: p.pause_on_hold,
            targets: p.targets.into(),
            categories: p
                .categories
                .into_iter()
                .map(|(k, v)| (k, v.into()))
                .collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSla {
    p1: Option<RawTarget>,
    p2: Option<RawTarget>,
    p3: Option<RawTarget>,
    p4: Option<RawTarget>,
    p5: Option<RawTarget>,
    warn_at: Option<f64>,
    escalate_on_breach: Option<bool>,
    pause_on_hold: Option<bool>,
    #[serde(default)]
    categories: std::collections::BTreeMap<String, RawTargets>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTargets {
    p1: Option<RawTarget>,
    p2: Option<RawTarget>,
    p3: Option<RawTarget>,
    p4: Option<RawTarget>,
    p5: Option<RawTarget>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    first_response: Option<String>,
    resolution: Option<String>,
}

/// Common practice: P1 15 min / 4 h, P2 30 min / 8 h, P3 4 h / 3 days, P4 1 day / 5 days,
/// P5 2 days / 10 days.
const DEFAULTS: [(u64, u64); 5] = [
    (15 * 60, 4 * 3600),
    (30 * 60, 8 * 3600),
    (4 * 3600, 3 * 86400),
    (86400, 5 * 86400),
    (2 * 86400, 10 * 86400),
];

/// Reads five targets, each field defaulting to `defaults`.
fn targets(
    raw: [Option<RawTarget>; 5],
    defaults: [SlaTarget; 5],
    at: &str,
) -> Result<[SlaTarget; 5], String> {
    let mut out = defaults;
    for (i, raw) in raw.into_iter().enumerate() {
        let read = |text: Option<&String>, default: Duration| match text {
            Some(t) => parse_duration(t).map_err(|e| format!("{at}p{}: {e}", i + 1)),
            None => Ok(default),
        };
        let given = raw.as_ref();
        let target = SlaTarget {
            first_response: read(
                given.and_then(|r| r.first_response.as_ref()),
                defaults[i].first_response,
            )?,
            resolution: read(
                given.and_then(|r| r.resolution.as_ref()),
                defaults[i].resolution,
            )?,
        };
        if target.first_response.is_zero() || target.resolution < target.first_response {
            return Err(format!(
                "{at}p{}: first_response must be above 0 and at most resolution",
                i + 1
            ));
        }
        out[i] = target;
    }
    Ok(out)
}

impl TryFrom<RawSla> for SlaPolicy {
    type Error = String;

    fn try_from(raw: RawSla) -> Result<Self, String> {
        let defaults = DEFAULTS.map(|(response, resolution)| SlaTarget {
            first_response: Duration::from_secs(response),
            resolution: Duration::from_secs(resolution),
        });
        let tenant = targets([raw.p1, raw.p2, raw.p3, raw.p4, raw.p5], defaults, "")?;
        let mut categories = std::collections::BTreeMap::new();
        for (name, t) in raw.categories {
            let at = format!("categories.{name}.");
            let own = targets([t.p1, t.p2, t.p3, t.p4, t.p5], tenant, &at)?;
            categories.insert(name, own);
        }
        let warn_at = raw.warn_at.unwrap_or(0.75);
        if !(warn_at > 0.0 && warn_at < 1.0) {
            return Err(format!(
                "warn_at {warn_at} must be between 0 and 1, e.g. 0.75"
            ));
        }
        Ok(SlaPolicy {
            targets: tenant,
            warn_at,
            escalate_on_breach: raw.escalate_on_breach.unwrap_or(false),
            pause_on_hold: raw.pause_on_hold.unwrap_or(false),
            categories,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_desk_says_when_it_opens_only_when_it_is_closed() {
        use chrono::TimeZone;
        let hours: BusinessHours =
            toml::from_str("timezone = \"Europe/Rome\"\nhours = \"09:00-17:00\"\n").unwrap();
        let rome = |d: u32, h: u32, m: u32| {
            chrono_tz::Europe::Rome
                .with_ymd_and_hms(2026, 11, d, h, m, 0)
                .unwrap()
                .with_timezone(&chrono::Utc)
        };
        // Tuesday 24 November 2026.
        assert_eq!(hours.opens_at(rome(24, 10, 0)), None);
        assert_eq!(
            hours.opens_at(rome(24, 9, 0)),
            None,
            "open from 09:00 sharp"
        );
        assert_eq!(hours.opens_at(rome(24, 19, 0)), Some(rome(25, 9, 0)));
        assert_eq!(
            hours.opens_at(rome(24, 17, 0)),
            Some(rome(25, 9, 0)),
            "closed at 17:00"
        );
        assert_eq!(hours.opens_at(rome(25, 6, 30)), Some(rome(25, 9, 0)));
        // Friday evening: Monday.
        assert_eq!(hours.opens_at(rome(27, 18, 0)), Some(rome(30, 9, 0)));
        assert_eq!(hours.zone(), chrono_tz::Europe::Rome);
    }

    #[test]
    fn defaults_follow_common_practice_and_overrides_apply() {
        let p = SlaPolicy::default();
        assert_eq!(
            p.target(Priority::P1, None).first_response,
            Duration::from_secs(900)
        );
        assert_eq!(
            p.target(Priority::P5, None).resolution,
            Duration::from_secs(10 * 86400)
        );
        let p: SlaPolicy = toml::from_str("warn_at = 0.5\n[p2]\nresolution = \"6h\"\n").unwrap();
        assert_eq!(
            p.target(Priority::P2, None).resolution,
            Duration::from_secs(6 * 3600)
        );
        assert_eq!(
            p.target(Priority::P2, None).first_response,
            Duration::from_secs(1800)
        );
        assert_eq!(p.warn_at, 0.5);
        let p: SlaPolicy = toml::from_str(
            "[p3]\nresolution = \"2d\"\n[categories.security.p3]\nfirst_response = \"1h\"\n",
        )
        .unwrap();
        let security = p.target(Priority::P3, Some("security"));
        assert_eq!(security.first_response, Duration::from_secs(3600));
        assert_eq!(
            security.resolution,
            Duration::from_secs(2 * 86400),
            "the rest from the tenant"
        );
        assert_eq!(
            p.target(Priority::P3, Some("network")),
            p.target(Priority::P3, None)
        );
        for bad in [
            "warn_at = 1.5",
            "[p1]\nfirst_response = \"5h\"",
            "[p3]\nresolution = \"soon\"",
        ] {
            assert!(toml::from_str::<SlaPolicy>(bad).is_err(), "{bad}");
        }
    }
}

/// `[tenants.business_hours]`: the hours SLA targets and level budgets count; without it every
/// hour counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawBusinessHours", into = "RawBusinessHours")]
pub struct BusinessHours {
    calendar: crate::domain::Calendar,
    raw: RawBusinessHours,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBusinessHours {
    /// An IANA zone such as `Europe/Rome`.
    timezone: String,
    /// Working days, e.g. `["mon", "tue", "wed", "thu", "fri"]`.
    #[serde(default = "weekdays")]
    days: Vec<String>,
    /// Opening hours, e.g. `09:00-18:00`.
    #[serde(default = "office_hours")]
    hours: String,
    /// Days closed, `YYYY-MM-DD`.
    #[serde(default)]
    holidays: Vec<String>,
}

fn weekdays() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri"]
        .map(String::from)
        .to_vec()
}

fn office_hours() -> String {
    "09:00-18:00".into()
}

impl BusinessHours {
    /// The calendar the SLA clocks and the level budgets run on.
    pub fn calendar(&self) -> &crate::domain::Calendar {
        &self.calendar
    }

    /// When the desk next opens, if it is closed at `at` (`None`: open now).
    pub fn opens_at(
        &self,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        // No working time at all from `at` ends at the first open instant from `at`.
        Some(self.calendar.add(at, Duration::ZERO)).filter(|open| *open > at)
    }

    /// The time zone the hours are read in.
    pub fn zone(&self) -> chrono_tz::Tz {
        self.calendar.zone
    }
}

impl From<BusinessHours> for RawBusinessHours {
    fn from(b: BusinessHours) -> Self {
        b.raw
    }
}

impl TryFrom<RawBusinessHours> for BusinessHours {
    type Error = String;

    fn try_from(raw: RawBusinessHours) -> Result<Self, String> {
        let zone: chrono_tz::Tz = raw.timezone.parse().map_err(|_| {
            format!(
                "timezone {:?} is not an IANA zone like Europe/Rome",
                raw.timezone
            )
        })?;
        let (open, close) = raw
            .hours
            .split_once('-')
            .and_then(|(a, b)| {
                let t = |s: &str| chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
                Some((t(a)?, t(b)?))
            })
            .filter(|(a, b)| a < b)
            .ok_or_else(|| format!("hours {:?} must look like 09:00-18:00", raw.hours))?;
        let mut week = [None; 7];
        for day in &raw.days {
            let d = crate::domain::Calendar::weekday(day)
                .ok_or_else(|| format!("day {day:?} is not mon, tue, wed, thu, fri, sat or sun"))?;
            week[d.num_days_from_monday() as usize] = Some((open, close));
        }
        if week.iter().all(Option::is_none) {
            return Err("days must name at least one working day".into());
        }
        let holidays = raw
            .holidays
            .iter()
            .map(|h| {
                chrono::NaiveDate::parse_from_str(h.trim(), "%Y-%m-%d")
                    .map_err(|_| format!("holiday {h:?} must be a date like 2026-12-25"))
            })
            .collect::<Result<_, _>>()?;
        Ok(BusinessHours {
            calendar: crate::domain::Calendar {
                zone,
                week,
                holidays,
            },
            raw,
        })
    }
}
