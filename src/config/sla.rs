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
#[serde(try_from = "RawSla")]
pub struct SlaPolicy {
    /// P1 to P5, in order.
    pub targets: [SlaTarget; 5],
    /// The share of a target after which the level's channel and the assignee are warned.
    pub warn_at: f64,
    /// Escalate to the next level when a target is breached (besides alerting the managers).
    pub escalate_on_breach: bool,
}

impl Default for SlaPolicy {
    fn default() -> Self {
        SlaPolicy::try_from(RawSla::default()).expect("the defaults are valid")
    }
}

impl SlaPolicy {
    /// The targets of a priority.
    pub fn target(&self, priority: Priority) -> SlaTarget {
        let i = Priority::ALL
            .iter()
            .position(|p| *p == priority)
            .unwrap_or(4);
        self.targets[i]
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

impl TryFrom<RawSla> for SlaPolicy {
    type Error = String;

    fn try_from(raw: RawSla) -> Result<Self, String> {
        let given = [raw.p1, raw.p2, raw.p3, raw.p4, raw.p5];
        let mut targets = [SlaTarget {
            first_response: Duration::ZERO,
            resolution: Duration::ZERO,
        }; 5];
        for (i, (raw, (response, resolution))) in given.into_iter().zip(DEFAULTS).enumerate() {
            let read = |text: Option<&String>, default: u64| match text {
                Some(t) => parse_duration(t).map_err(|e| format!("p{}: {e}", i + 1)),
                None => Ok(Duration::from_secs(default)),
            };
            let target = SlaTarget {
                first_response: read(
                    raw.as_ref().and_then(|r| r.first_response.as_ref()),
                    response,
                )?,
                resolution: read(raw.as_ref().and_then(|r| r.resolution.as_ref()), resolution)?,
            };
            if target.first_response.is_zero() || target.resolution < target.first_response {
                return Err(format!(
                    "p{}: first_response must be above 0 and at most resolution",
                    i + 1
                ));
            }
            targets[i] = target;
        }
        let warn_at = raw.warn_at.unwrap_or(0.75);
        if !(warn_at > 0.0 && warn_at < 1.0) {
            return Err(format!(
                "warn_at {warn_at} must be between 0 and 1, e.g. 0.75"
            ));
        }
        Ok(SlaPolicy {
            targets,
            warn_at,
            escalate_on_breach: raw.escalate_on_breach.unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_common_practice_and_overrides_apply() {
        let p = SlaPolicy::default();
        assert_eq!(
            p.target(Priority::P1).first_response,
            Duration::from_secs(900)
        );
        assert_eq!(
            p.target(Priority::P5).resolution,
            Duration::from_secs(10 * 86400)
        );
        let p: SlaPolicy = toml::from_str("warn_at = 0.5\n[p2]\nresolution = \"6h\"\n").unwrap();
        assert_eq!(
            p.target(Priority::P2).resolution,
            Duration::from_secs(6 * 3600)
        );
        assert_eq!(
            p.target(Priority::P2).first_response,
            Duration::from_secs(1800)
        );
        assert_eq!(p.warn_at, 0.5);
        for bad in [
            "warn_at = 1.5",
            "[p1]\nfirst_response = \"5h\"",
            "[p3]\nresolution = \"soon\"",
        ] {
            assert!(toml::from_str::<SlaPolicy>(bad).is_err(), "{bad}");
        }
    }
}
