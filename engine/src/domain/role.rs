//! Who may do what: roles come from platform groups (mapped in the tenant's configuration), and
//! each privileged act is checked here, against the ticket it touches.

use super::level::Level;
use super::ticket::Ticket;

/// What a person is on a tenant's desk. Everybody is a requester of their own tickets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Access {
    /// The highest support level the person works at, from the level groups and lists.
    pub agent_level: Option<Level>,
    /// The L3 specialties the person is a specialist of (names as configured, lower case):
    /// rights in those specialties' tickets only.
    pub specialties: Vec<String>,
    /// Help desk manager: acts on every ticket at every level and sees reports.
    pub manager: bool,
    /// Administrator: everything a manager may do.
    pub admin: bool,
}

/// Something a person asks to do to a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// See the ticket and its log.
    Show,
    /// Take it, assign it, escalate, de-escalate, change priority, pending, hold, resume,
    /// resolve, write notes: the agent's work.
    Work,
    /// Give it back to the queue.
    Unclaim,
    /// Answer "did this solve it?".
    Confirm,
    /// Open it again after it was resolved or closed.
    Reopen,
    /// Close it for good.
    Close,
}

/// Why an act was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Only the requester (or the desk) may see or touch this ticket.
    #[error("not your ticket")]
    NotYours,
    /// Only agents do this.
    #[error("agents only")]
    AgentsOnly,
    /// The ticket is above the agent's level.
    #[error("the ticket is at {0}, above your level")]
    AboveLevel(Level),
    /// The ticket belongs to an L3 specialty (or level) the person does not work in.
    #[error("the ticket is another team's")]
    OtherTeam,
    /// Only managers do this.
    #[error("managers only")]
    ManagersOnly,
}

impl Access {
    /// Manager or admin.
    pub fn is_manager(&self) -> bool {
        self.manager || self.admin
    }

    /// Works tickets at some level or in some specialty (managers count).
    pub fn is_agent(&self) -> bool {
        self.agent_level.is_some() || !self.specialties.is_empty() || self.is_manager()
    }

    /// A specialist of that specialty (case-insensitive).
    pub fn in_specialty(&self, name: &str) -> bool {
        self.specialties
            .iter()
            .any(|s| s.eq_ignore_ascii_case(name))
    }

    /// May work a ticket at `level` in `specialty` (an L3 specialty's tickets belong to its
    /// specialists alone): agents act at or below their own level, specialists in their
    /// specialty only, managers everywhere.
    pub fn may_work_in(&self, level: Level, specialty: Option<&str>) -> Result<(), Refusal> {
        if self.is_manager() {
            return Ok(());
        }
        if let (Level::L3, Some(name)) = (level, specialty) {
            return if self.in_specialty(name) {
                Ok(())
            } else if self.is_agent() {
                Err(Refusal::OtherTeam)
            } else {
                Err(Refusal::AgentsOnly)
            };
        }
        match self.agent_level {
            Some(own) if own >= level => Ok(()),
            Some(_) => Err(Refusal::AboveLevel(level)),
            None if self.is_agent() => Err(Refusal::OtherTeam),
            None => Err(Refusal::AgentsOnly),
        }
    }

    /// May work `ticket` where it is now.
    pub fn may_work(&self, ticket: &Ticket) -> Result<(), Refusal> {
        self.may_work_in(ticket.level, ticket.specialty.as_deref())
    }

    /// Checks `act` by the person `who` on `ticket`. Seeing follows working (need to know):
    /// besides the requester, only those who may work the ticket where it is see it.
    pub fn check(&self, who: &str, act: Act, ticket: &Ticket) -> Result<(), Refusal> {
        let own = ticket.requester.id == who;
        match act {
            Act::Show if own => Ok(()),
            Act::Show => self.may_work(ticket).map_err(|e| match e {
                Refusal::AgentsOnly => Refusal::NotYours,
                other => other,
            }),
            Act::Work => self.may_work(ticket),
            Act::Unclaim => {
                let holder = ticket.assignee.as_ref().is_some_and(|a| a.id == who);
                if holder || self.is_manager() {
                    Ok(())
                } else {
                    self.may_work(ticket)?;
                    Err(Refusal::ManagersOnly)
                }
            }
            Act::Confirm if own => Ok(()),
            Act::Confirm => Err(Refusal::NotYours),
            Act::Reopen | Act::Close if own => Ok(()),
            Act::Reopen | Act::Close => self.may_work(ticket).map_err(|e| match e {
                Refusal::AgentsOnly => Refusal::NotYours,
                other => other,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        Grade, NewTicket, Person, RequesterType, Source, TenantId, TicketId, TicketNumber, Title,
    };

    fn ticket(level: Level) -> Ticket {
        let mut t = Ticket::open(
            NewTicket {
                tenant: TenantId(1),
                requester: Person::new("REQ", "Mario"),
                requester_type: RequesterType::Employee,
                title: Title::parse("VPN").unwrap(),
                description: "VPN".into(),
                category: None,
                urgency: Grade::Low,
                impact: Grade::Low,
                source: Source {
                    channel: "C".into(),
                    thread: None,
                },
            },
            TicketId(1),
            TicketNumber(1),
            chrono::Utc::now(),
        );
        t.level = level;
        t
    }

    fn agent(level: Level) -> Access {
        Access {
            agent_level: Some(level),
            ..Access::default()
        }
    }

    #[test]
    fn agents_work_at_or_below_their_level_managers_everywhere() {
        let t = ticket(Level::L2);
        assert_eq!(
            agent(Level::L1).check("A", Act::Work, &t),
            Err(Refusal::AboveLevel(Level::L2))
        );
        assert_eq!(agent(Level::L2).check("A", Act::Work, &t), Ok(()));
        assert_eq!(agent(Level::L3).check("A", Act::Work, &t), Ok(()));
        let manager = Access {
            manager: true,
            ..Access::default()
        };
        assert_eq!(manager.check("M", Act::Work, &ticket(Level::L3)), Ok(()));
        assert_eq!(
            Access::default().check("REQ", Act::Work, &t),
            Err(Refusal::AgentsOnly),
            "the requester does not work their own ticket"
        );
    }

    #[test]
    fn specialists_work_and_see_their_specialty_only() {
        let mut security = ticket(Level::L3);
        security.specialty = Some("security".into());
        let mut network = security.clone();
        network.specialty = Some("network".into());
        let nina = Access {
            specialties: vec!["network".into()],
            ..Access::default()
        };
        assert_eq!(nina.check("N", Act::Work, &network), Ok(()));
        assert_eq!(nina.check("N", Act::Show, &network), Ok(()));
        assert_eq!(
            nina.check("N", Act::Show, &security),
            Err(Refusal::OtherTeam)
        );
        assert_eq!(
            nina.check("N", Act::Work, &ticket(Level::L1)),
            Err(Refusal::OtherTeam),
            "a specialty gives no rights at L1"
        );
        assert_eq!(
            agent(Level::L3).check("A", Act::Show, &security),
            Err(Refusal::OtherTeam),
            "a specialty's tickets are its specialists' alone"
        );
        assert_eq!(
            agent(Level::L3).check("A", Act::Work, &ticket(Level::L3)),
            Ok(())
        );
        assert_eq!(
            agent(Level::L1).check("A", Act::Show, &ticket(Level::L2)),
            Err(Refusal::AboveLevel(Level::L2)),
            "seeing follows working"
        );
    }

    #[test]
    fn requesters_see_and_close_only_their_own_tickets() {
        let t = ticket(Level::L1);
        let nobody = Access::default();
        assert_eq!(nobody.check("REQ", Act::Show, &t), Ok(()));
        assert_eq!(nobody.check("REQ", Act::Close, &t), Ok(()));
        assert_eq!(nobody.check("REQ", Act::Confirm, &t), Ok(()));
        assert_eq!(nobody.check("X", Act::Show, &t), Err(Refusal::NotYours));
        assert_eq!(nobody.check("X", Act::Reopen, &t), Err(Refusal::NotYours));
        assert_eq!(
            agent(Level::L3).check("A", Act::Confirm, &t),
            Err(Refusal::NotYours),
            "only the requester says whether it is solved"
        );
    }

    #[test]
    fn only_the_holder_or_a_manager_unclaims() {
        let mut t = ticket(Level::L1);
        t.claim(Person::new("A", "Ada"), chrono::Utc::now())
            .unwrap();
        assert_eq!(agent(Level::L1).check("A", Act::Unclaim, &t), Ok(()));
        assert_eq!(
            agent(Level::L1).check("B", Act::Unclaim, &t),
            Err(Refusal::ManagersOnly)
        );
    }
}
