//! The ticket and the rules for changing it. Every change returns the log entries it causes.

use super::ids::{Person, RequesterType, Source, TenantId, TicketId, TicketNumber, Timestamp};
use super::level::Level;
use super::log::LogKind;
use super::priority::{Impact, Priority, Urgency};
use super::status::{IllegalTransition, Status};
use super::text::Title;
use serde::{Deserialize, Serialize};

/// What is known when a ticket is opened, before it has a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicket {
    /// The tenant it belongs to.
    pub tenant: TenantId,
    /// Who asked.
    pub requester: Person,
    /// Employee, customer or business.
    pub requester_type: RequesterType,
    /// One line.
    pub title: Title,
    /// The full first message.
    pub description: String,
    /// A tenant-defined category (e.g. "network"), if known.
    pub category: Option<String>,
    /// How soon it is needed.
    pub urgency: Urgency,
    /// How much it affects.
    pub impact: Impact,
    /// Where it was opened.
    pub source: Source,
}

/// How the desk reaches the requester: where they asked, in their direct messages once that
/// place stopped taking the bot's messages, or not at all (the agents were told).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// In the conversation where they asked (the ticket's source).
    #[default]
    AsAsked,
    /// In their direct messages with the bot.
    Direct,
    /// Nowhere in chat: the agents reach them another way.
    Unreachable,
}

impl Reach {
    /// The stable name stored in the ticket row.
    pub fn as_str(self) -> &'static str {
        match self {
            Reach::AsAsked => "as_asked",
            Reach::Direct => "direct",
            Reach::Unreachable => "unreachable",
        }
    }
}

impl std::str::FromStr for Reach {
    type Err = String;

    fn from_str(s: &str) -> Result<Reach, String> {
        [Reach::AsAsked, Reach::Direct, Reach::Unreachable]
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown requester reach {s:?}"))
    }
}

/// A ticket as stored: numbered, with its current state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// Global database id.
    pub id: TicketId,
    /// The tenant it belongs to.
    pub tenant: TenantId,
    /// The per-tenant number people use.
    pub number: TicketNumber,
    /// Who asked.
    pub requester: Person,
    /// Employee, customer or business.
    pub requester_type: RequesterType,
    /// One line.
    pub title: Title,
    /// The full first message.
    pub description: String,
    /// A tenant-defined category, if known.
    pub category: Option<String>,
    /// How soon it is needed.
    pub urgency: Urgency,
    /// How much it affects.
    pub impact: Impact,
    /// The level working on it.
    pub level: Level,
    /// The L3 specialty (network, security…) when escalated to one.
    pub specialty: Option<String>,
    /// The agent who claimed it.
    pub assignee: Option<Person>,
    /// Where it is in its life.
    pub status: Status,
    /// Where it was opened.
    pub source: Source,
    /// When it was opened.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When an agent first answered the requester.
    pub first_response_at: Option<Timestamp>,
    /// When it was last resolved.
    pub resolved_at: Option<Timestamp>,
    /// When it was closed.
    pub closed_at: Option<Timestamp>,
    /// How the desk reaches the requester.
    pub reach: Reach,
    /// Optimistic-concurrency version: the store refuses a write based on a stale copy.
    pub version: i64,
}

/// Why a change to a ticket was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    /// The life cycle does not allow the move.
    #[error(transparent)]
    Transition(#[from] IllegalTransition),
    /// Someone else already holds it.
    #[error("ticket is already claimed by {0}")]
    AlreadyClaimed(String),
    /// Escalation and de-escalation need a reason.
    #[error("a reason is required")]
    ReasonRequired,
    /// There is no level in that direction, or the target is not above/below the current one.
    #[error("cannot move the ticket from {from} to {to}")]
    BadLevel {
        /// Current level.
        from: Level,
        /// Requested level.
        to: Level,
    },
    /// Already at the top (L3) or bottom (L1).
    #[error("no level beyond {0}")]
    NoFurtherLevel(Level),
    /// The ticket is resolved or closed.
    #[error("the ticket is not active")]
    NotActive,
}

impl Ticket {
    /// Builds the stored ticket from the intake data, its allocated number and database id.
    pub fn open(new: NewTicket, id: TicketId, number: TicketNumber, now: Timestamp) -> Ticket {
        Ticket {
            id,
            tenant: new.tenant,
            number,
            requester: new.requester,
            requester_type: new.requester_type,
            title: new.title,
            description: new.description,
            category: new.category,
            urgency: new.urgency,
            impact: new.impact,
            level: Level::L1,
            specialty: None,
            assignee: None,
            status: Status::New,
            source: new.source,
            created_at: now,
            updated_at: now,
            first_response_at: None,
            resolved_at: None,
            closed_at: None,
            reach: Reach::AsAsked,
            version: 0,
        }
    }

    /// Priority always follows urgency and impact (ITIL matrix); it is never set on its own.
    pub fn priority(&self) -> Priority {
        Priority::from_matrix(self.urgency, self.impact)
    }

    /// Moves the status, keeping the resolution and closing times in step.
    pub fn move_to(&mut self, to: Status, now: Timestamp) -> Result<LogKind, TicketError> {
        let from = self.status;
        self.status = from.transition(to)?;
        match to {
            Status::Resolved => self.resolved_at = Some(now),
            Status::Closed => self.closed_at = Some(now),
            Status::Open if matches!(from, Status::Resolved | Status::Closed) => {
                self.resolved_at = None;
                self.closed_at = None;
            }
            _ => {}
        }
        self.updated_at = now;
        Ok(LogKind::StatusChange { from, to })
    }

    /// An agent takes the ticket: New → Open, assignee set.
    pub fn claim(&mut self, agent: Person, now: Timestamp) -> Result<Vec<LogKind>, TicketError> {
        if let Some(holder) = &self.assignee {
            if holder.id != agent.id {
                return Err(TicketError::AlreadyClaimed(holder.name.clone()));
            }
        }
        let mut changes = Vec::new();
        if self.status == Status::New {
            changes.push(self.move_to(Status::Open, now)?);
        } else if !self.status.is_active() {
            return Err(TicketError::NotActive);
        }
        if self.assignee.as_ref() != Some(&agent) {
            changes.push(self.assign(Some(agent), now));
        }
        Ok(changes)
    }

    /// Sets or clears the assignee without touching the status.
    pub fn assign(&mut self, to: Option<Person>, now: Timestamp) -> LogKind {
        let from = std::mem::replace(&mut self.assignee, to.clone());
        self.updated_at = now;
        LogKind::Assignment { from, to }
    }

    /// Moves the ticket up to `to` (default: the next level). The new level's queue gets it
    /// unclaimed, so its agents can pick it up.
    pub fn escalate(
        &mut self,
        to: Option<Level>,
        specialty: Option<String>,
        reason: &str,
        now: Timestamp,
    ) -> Result<Vec<LogKind>, TicketError> {
        let target = match to {
            Some(level) => level,
            None => self
                .level
                .next()
                .ok_or(TicketError::NoFurtherLevel(self.level))?,
        };
        if target <= self.level {
            return Err(TicketError::BadLevel {
                from: self.level,
                to: target,
            });
        }
        self.change_level(target, specialty, reason, now)
    }

    /// Moves the ticket back down one level.
    pub fn deescalate(
        &mut self,
        reason: &str,
        now: Timestamp,
    ) -> Result<Vec<LogKind>, TicketError> {
        let target = self
            .level
            .previous()
            .ok_or(TicketError::NoFurtherLevel(self.level))?;
        self.change_level(target, None, reason, now)
    }

    fn change_level(
        &mut self,
        to: Level,
        specialty: Option<String>,
        reason: &str,
        now: Timestamp,
    ) -> Result<Vec<LogKind>, TicketError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(TicketError::ReasonRequired);
        }
        if !self.status.is_active() {
            return Err(TicketError::NotActive);
        }
        let mut changes = Vec::new();
        if self.status == Status::Open {
            changes.push(self.move_to(Status::New, now)?);
        }
        if self.assignee.is_some() {
            changes.push(self.assign(None, now));
        }
        let from = self.level;
        self.level = to;
        self.specialty = if to == Level::L3 {
            specialty.clone()
        } else {
            None
        };
        self.updated_at = now;
        changes.push(LogKind::LevelChange {
            from,
            to,
            reason: reason.to_string(),
            specialty: self.specialty.clone(),
        });
        Ok(changes)
    }

    /// Sets urgency and impact; the priority follows. `None` when nothing changed.
    pub fn reprioritise(
        &mut self,
        urgency: Urgency,
        impact: Impact,
        now: Timestamp,
    ) -> Option<LogKind> {
        if (urgency, impact) == (self.urgency, self.impact) {
            return None;
        }
        let from = self.priority();
        self.urgency = urgency;
        self.impact = impact;
        self.updated_at = now;
        Some(LogKind::PriorityChange {
            from,
            to: self.priority(),
            urgency,
            impact,
        })
    }

    /// Records the first agent reply the requester sees; later replies leave it alone.
    pub fn record_response(&mut self, now: Timestamp) {
        self.first_response_at.get_or_insert(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Grade;
    use chrono::TimeZone;

    fn now() -> Timestamp {
        chrono::Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap()
    }

    fn ticket() -> Ticket {
        let new = NewTicket {
            tenant: TenantId(1),
            requester: Person::new("U1", "Mario"),
            requester_type: RequesterType::Employee,
            title: Title::parse("VPN down").unwrap(),
            description: "my VPN is down".into(),
            category: None,
            urgency: Grade::Medium,
            impact: Grade::Low,
            source: Source {
                channel: "C1".into(),
                thread: None,
            },
        };
        Ticket::open(new, TicketId(1), TicketNumber(1), now())
    }

    #[test]
    fn claim_opens_and_assigns_once() {
        let mut t = ticket();
        let ada = Person::new("U2", "Ada");
        let changes = t.claim(ada.clone(), now()).unwrap();
        assert_eq!(changes.len(), 2);
        assert_eq!(t.status, Status::Open);
        assert_eq!(t.assignee, Some(ada.clone()));
        assert!(
            t.claim(ada, now()).unwrap().is_empty(),
            "claiming twice is a no-op"
        );
        assert_eq!(
            t.claim(Person::new("U3", "Bob"), now()),
            Err(TicketError::AlreadyClaimed("Ada".into()))
        );
    }

    #[test]
    fn escalation_needs_a_reason_and_goes_up() {
        let mut t = ticket();
        t.claim(Person::new("U2", "Ada"), now()).unwrap();
        assert_eq!(
            t.escalate(None, None, "  ", now()),
            Err(TicketError::ReasonRequired)
        );
        let changes = t.escalate(None, None, "needs a visit", now()).unwrap();
        assert_eq!(t.level, Level::L2);
        assert_eq!(
            t.status,
            Status::New,
            "the new level's queue gets it unclaimed"
        );
        assert_eq!(t.assignee, None);
        assert!(matches!(
            changes.last(),
            Some(LogKind::LevelChange { to: Level::L2, .. })
        ));
        t.escalate(Some(Level::L3), Some("network".into()), "router", now())
            .unwrap();
        assert_eq!(t.specialty.as_deref(), Some("network"));
        assert_eq!(
            t.escalate(None, None, "more", now()),
            Err(TicketError::NoFurtherLevel(Level::L3))
        );
        t.deescalate("wrong team", now()).unwrap();
        assert_eq!((t.level, t.specialty.clone()), (Level::L2, None));
    }

    #[test]
    fn priority_follows_the_matrix() {
        let mut t = ticket();
        assert_eq!(t.priority(), Priority::P4);
        let change = t.reprioritise(Grade::High, Grade::High, now()).unwrap();
        assert_eq!(
            change,
            LogKind::PriorityChange {
                from: Priority::P4,
                to: Priority::P1,
                urgency: Grade::High,
                impact: Grade::High
            }
        );
        assert_eq!(t.reprioritise(Grade::High, Grade::High, now()), None);
    }

    #[test]
    fn resolve_then_reopen_clears_the_resolution_time() {
        let mut t = ticket();
        t.claim(Person::new("U2", "Ada"), now()).unwrap();
        t.move_to(Status::Resolved, now()).unwrap();
        assert!(t.resolved_at.is_some());
        t.move_to(Status::Open, now()).unwrap();
        assert_eq!(t.resolved_at, None);
        assert!(t.move_to(Status::New, now()).is_ok());
        assert!(matches!(
            t.move_to(Status::Pending, now()),
            Err(TicketError::Transition(_))
        ));
    }
}
