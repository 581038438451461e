//! Urgency × impact → priority, by the ITIL matrix.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How much one of the three grades applies: used for both urgency and impact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Grade {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

impl Grade {
    /// All grades, lowest first.
    pub const ALL: [Grade; 3] = [Grade::Low, Grade::Medium, Grade::High];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Low => "low",
            Grade::Medium => "medium",
            Grade::High => "high",
        }
    }

    /// 0 for low, 1 for medium, 2 for high: the matrix is additive in these.
    fn weight(self) -> u8 {
        match self {
            Grade::Low => 0,
            Grade::Medium => 1,
            Grade::High => 2,
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not a grade.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown grade {0:?}: expected high, medium or low")]
pub struct UnknownGrade(pub String);

impl FromStr for Grade {
    type Err = UnknownGrade;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The stable forms only: the words of each language are in the catalogues.
        match s.trim().to_ascii_lowercase().as_str() {
            "high" => Ok(Grade::High),
            "medium" => Ok(Grade::Medium),
            "low" => Ok(Grade::Low),
            _ => Err(UnknownGrade(s.to_string())),
        }
    }
}

/// How soon the business needs it.
pub type Urgency = Grade;
/// How many people or how much of the business it affects.
pub type Impact = Grade;

/// Ticket priority, P1 (critical) to P5 (planning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Priority {
    /// Critical.
    P1,
    /// High.
    P2,
    /// Medium.
    P3,
    /// Low.
    P4,
    /// Planning.
    P5,
}

impl Priority {
    /// All priorities, most urgent first.
    pub const ALL: [Priority; 5] = [
        Priority::P1,
        Priority::P2,
        Priority::P3,
        Priority::P4,
        Priority::P5,
    ];

    /// The ITIL matrix: H/H→P1; H/M, M/H→P2; H/L, M/M, L/H→P3; M/L, L/M→P4; L/L→P5.
    pub fn from_matrix(urgency: Urgency, impact: Impact) -> Priority {
        // The matrix is symmetric and depends only on the sum of the two weights.
        match urgency.weight() + impact.weight() {
            4 => Priority::P1,
            3 => Priority::P2,
            2 => Priority::P3,
            1 => Priority::P4,
            _ => Priority::P5,
        }
    }

    /// Urgency and impact lowered (impact first, then urgency) until their priority is no
    /// more urgent than `most`: a requester's own choice never outranks the desk's cap.
    pub fn capped(mut urgency: Urgency, mut impact: Impact, most: Priority) -> (Urgency, Impact) {
        while Priority::from_matrix(urgency, impact) < most {
            if impact >= urgency && impact > Grade::Low {
                impact = Grade::ALL[usize::from(impact.weight()) - 1];
            } else if urgency > Grade::Low {
                urgency = Grade::ALL[usize::from(urgency.weight()) - 1];
            } else {
                break;
            }
        }
        (urgency, impact)
    }

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
            Priority::P4 => "P4",
            Priority::P5 => "P5",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not a priority.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown priority {0:?}: expected P1, P2, P3, P4 or P5")]
pub struct UnknownPriority(pub String);

impl FromStr for Priority {
    type Err = UnknownPriority;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownPriority(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Grade::{High as H, Low as L, Medium as M};

    #[test]
    fn matches_the_itil_table_cell_by_cell() {
        let table = [
            (H, H, Priority::P1),
            (H, M, Priority::P2),
            (M, H, Priority::P2),
            (H, L, Priority::P3),
            (M, M, Priority::P3),
            (L, H, Priority::P3),
            (M, L, Priority::P4),
            (L, M, Priority::P4),
            (L, L, Priority::P5),
        ];
        for (urgency, impact, expected) in table {
            assert_eq!(
                Priority::from_matrix(urgency, impact),
                expected,
                "{urgency}/{impact}"
            );
        }
    }

    #[test]
    fn grades_read_their_stable_forms_only() {
        for grade in Grade::ALL {
            assert_eq!(grade.as_str().parse::<Grade>(), Ok(grade));
            assert_eq!(grade.as_str().to_uppercase().parse::<Grade>(), Ok(grade));
        }
        assert!(
            "alta".parse::<Grade>().is_err(),
            "words are the catalogues' job"
        );
    }

    fn grade() -> impl Strategy<Value = Grade> {
        prop::sample::select(Grade::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn matrix_is_symmetric(u in grade(), i in grade()) {
            prop_assert_eq!(Priority::from_matrix(u, i), Priority::from_matrix(i, u));
        }

        #[test]
        fn raising_either_axis_never_lowers_priority(u in grade(), i in grade(), u2 in grade(), i2 in grade()) {
            // P1 < P5 in Ord, so "more urgent" means "smaller".
            if u2 >= u && i2 >= i {
                prop_assert!(Priority::from_matrix(u2, i2) <= Priority::from_matrix(u, i));
            }
        }

        #[test]
        fn text_round_trips(u in grade(), i in grade()) {
            let p = Priority::from_matrix(u, i);
            prop_assert_eq!(p.as_str().parse::<Priority>(), Ok(p));
            prop_assert_eq!(u.as_str().parse::<Grade>(), Ok(u));
        }

        #[test]
        fn a_capped_choice_never_outranks_the_cap_and_keeps_what_it_can(u in grade(), i in grade(), cap in 0usize..5) {
            let most = Priority::ALL[cap];
            let (u2, i2) = Priority::capped(u, i, most);
            let p = Priority::from_matrix(u2, i2);
            prop_assert!(p >= most || (u2, i2) == (Grade::Low, Grade::Low));
            prop_assert!(u2 <= u && i2 <= i);
            if Priority::from_matrix(u, i) >= most {
                prop_assert_eq!((u2, i2), (u, i));
            } else {
                prop_assert_eq!(p, most, "lowered just enough");
            }
        }
    }
}
