//! Support levels: L1 talks to the requester, L2 goes deeper, L3 is the specialist.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A support level. There are exactly three; escalation moves one step up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    /// First line: broad knowledge, owns the conversation with the requester.
    L1,
    /// Second line: deeper technical knowledge; may visit the requester.
    L2,
    /// Third line: specialists, kept away from the requester.
    L3,
}

impl Level {
    /// All levels, lowest first.
    pub const ALL: [Level; 3] = [Level::L1, Level::L2, Level::L3];

    /// The level above, if any.
    pub fn next(self) -> Option<Level> {
        match self {
            Level::L1 => Some(Level::L2),
            Level::L2 => Some(Level::L3),
            Level::L3 => None,
        }
    }

    /// The level below, if any.
    pub fn previous(self) -> Option<Level> {
        match self {
            Level::L1 => None,
            Level::L2 => Some(Level::L1),
            Level::L3 => Some(Level::L2),
        }
    }

    /// The stable text form stored in the database and shown to people.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::L1 => "L1",
            Level::L2 => "L2",
            Level::L3 => "L3",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of `L1`, `L2`, `L3` (or `1`, `2`, `3`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown level {0:?}: expected L1, L2 or L3")]
pub struct UnknownLevel(pub String);

impl FromStr for Level {
    type Err = UnknownLevel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "L1" | "1" => Ok(Level::L1),
            "L2" | "2" => Ok(Level::L2),
            "L3" | "3" => Ok(Level::L3),
            _ => Err(UnknownLevel(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_and_previous_are_inverse() {
        for level in Level::ALL {
            if let Some(up) = level.next() {
                assert_eq!(up.previous(), Some(level));
                assert!(up > level);
            }
        }
        assert_eq!(Level::L3.next(), None);
        assert_eq!(Level::L1.previous(), None);
    }

    #[test]
    fn parses_its_own_text_and_short_forms() {
        for level in Level::ALL {
            assert_eq!(level.as_str().parse::<Level>(), Ok(level));
        }
        assert_eq!(" l2 ".parse::<Level>(), Ok(Level::L2));
        assert_eq!("3".parse::<Level>(), Ok(Level::L3));
        assert!("L4".parse::<Level>().is_err());
    }
}
