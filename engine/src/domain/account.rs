//! Local accounts of the web desk: the desk role each one holds. Web people form a tenant of
//! their own (platform `web`), so these roles play the part that platform groups play in chat.

use super::level::Level;
use super::role::Access;
use std::fmt;
use std::str::FromStr;

/// A web account's role: one of the desk's roles, as a chat platform's groups would give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountRole {
    /// Files and follows their own tickets.
    Requester,
    /// Works tickets at this level and below.
    Agent(Level),
    /// Acts on every ticket and sees reports.
    Manager,
    /// Everything a manager may do, and manages the web desk's accounts.
    Admin,
}

impl AccountRole {
    /// Every role, lowest first.
    pub const ALL: [AccountRole; 6] = [
        AccountRole::Requester,
        AccountRole::Agent(Level::L1),
        AccountRole::Agent(Level::L2),
        AccountRole::Agent(Level::L3),
        AccountRole::Manager,
        AccountRole::Admin,
    ];

    /// What the role grants on the desk, in the terms every permission check uses.
    pub fn access(self) -> Access {
        match self {
            AccountRole::Requester => Access::default(),
            AccountRole::Agent(level) => Access {
                agent_level: Some(level),
                ..Access::default()
            },
            AccountRole::Manager => Access {
                manager: true,
                ..Access::default()
            },
            AccountRole::Admin => Access {
                admin: true,
                ..Access::default()
            },
        }
    }

    /// The stored and typed name: `requester`, `agent-l1` … `agent-l3`, `manager`, `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountRole::Requester => "requester",
            AccountRole::Agent(Level::L1) => "agent-l1",
            AccountRole::Agent(Level::L2) => "agent-l2",
            AccountRole::Agent(Level::L3) => "agent-l3",
            AccountRole::Manager => "manager",
            AccountRole::Admin => "admin",
        }
    }
}

impl fmt::Display for AccountRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text names no role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected requester, agent-l1, agent-l2, agent-l3, manager or admin")]
pub struct UnknownRole(pub String);

impl FromStr for AccountRole {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        AccountRole::ALL
            .into_iter()
            .find(|r| r.as_str() == lower)
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_reads_back_from_its_name() {
        for role in AccountRole::ALL {
            assert_eq!(role.as_str().parse::<AccountRole>(), Ok(role));
        }
        assert!("agent".parse::<AccountRole>().is_err());
        assert!("root".parse::<AccountRole>().is_err());
    }

    #[test]
    fn roles_grant_what_their_names_say() {
        assert!(!AccountRole::Requester.access().is_agent());
        let l2 = AccountRole::Agent(Level::L2).access();
        assert!(l2.may_work_in(Level::L2, None).is_ok());
        assert!(l2.may_work_in(Level::L3, None).is_err());
        assert!(AccountRole::Manager.access().is_manager());
        assert!(AccountRole::Admin.access().admin);
    }
}
