//! The ticket life cycle and the only transitions it allows.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Opened, nobody has claimed it yet.
    New,
    /// Claimed by an agent and being worked on.
    Open,
    /// Waiting on the requester; the SLA clock stops.
    Pending,
    /// Waiting on a third party (a vendor, a supplier).
    OnHold,
    /// A fix was given; the requester is asked to confirm.
    Resolved,
    /// Finished.
    Closed,
}

impl Status {
    /// Every status, in life-cycle order.
    pub const ALL: [Status; 6] = [
        Status::New,
        Status::Open,
        Status::Pending,
        Status::OnHold,
        Status::Resolved,
        Status::Closed,
    ];

    /// Whether the ticket can move from `self` straight to `to`.
    ///
    /// New → Closed is self-service (a knowledge-base article solved it); Pending → Closed is the
    /// auto-close of a ticket whose requester never came back; Resolved/Closed → Open is a reopen.
    pub fn can_become(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (New, Open)
                | (New, Closed)
                | (Open, New)
                | (Open, Pending)
                | (Open, OnHold)
                | (Open, Resolved)
                | (Pending, Open)
                | (Pending, Resolved)
                | (Pending, Closed)
                | (OnHold, Open)
                | (OnHold, Resolved)
                | (Resolved, Closed)
                | (Resolved, Open)
                | (Closed, Open)
        )
    }

    /// Checks the move and returns the new status, or the typed refusal.
    pub fn transition(self, to: Status) -> Result<Status, IllegalTransition> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(IllegalTransition { from: self, to })
        }
    }

    /// Still needs work from the desk (not resolved or closed).
    pub fn is_active(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }

    /// The stable text form stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::Pending => "pending",
            Status::OnHold => "on_hold",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A move the life cycle does not allow, such as Closed → Pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a ticket cannot go from {from} to {to}")]
pub struct IllegalTransition {
    /// The status the ticket had.
    pub from: Status,
    /// The status that was asked for.
    pub to: Status,
}

/// The text was not a status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status {0:?}: expected new, open, pending, on_hold, resolved or closed")]
pub struct UnknownStatus(pub String);

impl FromStr for Status {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let wanted = if wanted == "onhold" {
            "on_hold".to_string()
        } else {
            wanted
        };
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == wanted)
            .ok_or_else(|| UnknownStatus(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn status() -> impl Strategy<Value = Status> {
        prop::sample::select(Status::ALL.to_vec())
    }

    #[test]
    fn the_happy_path_is_allowed() {
        let path = [
            Status::New,
            Status::Open,
            Status::Pending,
            Status::Open,
            Status::OnHold,
            Status::Open,
            Status::Resolved,
            Status::Closed,
            Status::Open,
        ];
        for pair in path.windows(2) {
            assert_eq!(pair[0].transition(pair[1]), Ok(pair[1]));
        }
    }

    #[test]
    fn closed_cannot_be_parked_or_resolved_again() {
        for to in [
            Status::Pending,
            Status::OnHold,
            Status::Resolved,
            Status::New,
        ] {
            assert_eq!(
                Status::Closed.transition(to),
                Err(IllegalTransition {
                    from: Status::Closed,
                    to
                })
            );
        }
    }

    proptest! {
        #[test]
        fn transition_agrees_with_can_become(from in status(), to in status()) {
            let result = from.transition(to);
            prop_assert_eq!(result.is_ok(), from.can_become(to));
            if let Err(e) = result {
                prop_assert_eq!(e, IllegalTransition { from, to });
            }
        }

        #[test]
        fn no_status_moves_to_itself(s in status()) {
            prop_assert!(!s.can_become(s));
        }

        #[test]
        fn every_reachable_walk_can_always_reach_closed(steps in prop::collection::vec(status(), 0..40)) {
            // Apply only the legal moves of a random walk; wherever it ends, Closed is reachable.
            let mut current = Status::New;
            for to in steps {
                if let Ok(next) = current.transition(to) {
                    current = next;
                }
            }
            let mut frontier = vec![current];
            let mut seen = vec![current];
            while let Some(s) = frontier.pop() {
                for to in Status::ALL {
                    if s.can_become(to) && !seen.contains(&to) {
                        seen.push(to);
                        frontier.push(to);
                    }
                }
            }
            prop_assert!(seen.contains(&Status::Closed));
        }

        #[test]
        fn text_round_trips(s in status()) {
            prop_assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
    }
}
