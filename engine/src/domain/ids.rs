//! Identifiers and small value types shared by the domain.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A point in time; the domain works in UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// The database id of a tenant (one Slack workspace or Discord guild).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TenantId(pub i64);

/// The database id of a ticket (global, unlike its number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TicketId(pub i64);

/// The number people see: `#42`, counted per tenant from 1 with no gaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TicketNumber(pub i64);

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The text was not a ticket number such as `42` or `#42`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a ticket number: expected a positive number such as 42 or #42")]
pub struct BadTicketNumber(pub String);

impl FromStr for TicketNumber {
    type Err = BadTicketNumber;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.trim().trim_start_matches('#');
        match digits.parse::<i64>() {
            Ok(n) if n > 0 => Ok(TicketNumber(n)),
            _ => Err(BadTicketNumber(s.to_string())),
        }
    }
}

/// A person on the chat platform: their platform user id and the name shown.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Person {
    /// The platform's user id (Slack `U…`, Discord snowflake).
    pub id: String,
    /// Display name at the time it was recorded.
    pub name: String,
}

impl Person {
    /// A person from an id and a display name.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Person {
            id: id.into(),
            name: name.into(),
        }
    }
}

/// Who is asking (seed 000): the desk may treat them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RequesterType {
    /// Someone who works here.
    Employee,
    /// A customer of the company.
    Customer,
    /// A business partner or supplier.
    Business,
}

impl RequesterType {
    /// Every requester type.
    pub const ALL: [RequesterType; 3] = [
        RequesterType::Employee,
        RequesterType::Customer,
        RequesterType::Business,
    ];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            RequesterType::Employee => "employee",
            RequesterType::Customer => "customer",
            RequesterType::Business => "business",
        }
    }
}

/// The text was not a requester type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown requester type {0:?}: expected employee, customer or business")]
pub struct UnknownRequesterType(pub String);

impl FromStr for RequesterType {
    type Err = UnknownRequesterType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RequesterType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRequesterType(s.to_string()))
    }
}

/// Where the ticket was opened: the channel, and the thread the requester talks in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    /// Platform channel id (a DM channel for direct messages).
    pub channel: String,
    /// Platform thread id (Slack parent `ts`, Discord thread channel id), once there is one.
    pub thread: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_numbers_parse_with_or_without_hash() {
        assert_eq!("#42".parse(), Ok(TicketNumber(42)));
        assert_eq!(" 7 ".parse(), Ok(TicketNumber(7)));
        assert_eq!(TicketNumber(42).to_string(), "#42");
        for bad in ["", "#", "0", "-3", "abc", "#4x", "99999999999999999999"] {
            assert!(bad.parse::<TicketNumber>().is_err(), "{bad:?}");
        }
    }
}
