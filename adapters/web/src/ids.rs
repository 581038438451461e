//! The web desk's identity: its platform name, how much its pages hold, and how it writes the
//! ids the configuration names.

use helpdesk_chat::ids::{IdKind, Ids};
use helpdesk_chat::{Limits, Platform, TextLimits};

/// The web desk, as the desk names it: its people form one tenant of their own.
pub const PLATFORM: Platform = Platform::new("web");

/// The one tenant of the web desk: every local account belongs to it.
pub const TENANT: &str = "web";

/// A page shows whatever the desk writes; these bounds only keep one message readable.
pub const LIMITS: Limits = Limits {
    text: TextLimits {
        title: 200,
        text: 10_000,
        field: 2000,
    },
    private_threads: true,
};

/// Web people are their account names; queues and groups are the desk's own names.
pub const IDS: Ids = Ids {
    fits: |_, id| crate::account::Username::parse(id).is_ok(),
    name: |kind| match kind {
        IdKind::Channel => "a web desk queue name",
        IdKind::User => "a web desk account name",
        IdKind::UserGroup => "a web desk group name",
    },
    hint: |_| "use lower-case letters, digits, '.', '-' and '_' (2 to 64 characters)",
};

/// The groups of the web tenant's configuration: each level's agents, the managers, the
/// admins. An account's role puts it in one of them (see [`groups`]), as a chat platform's
/// user groups do for its people.
pub const AGENT_GROUPS: [&str; 3] = ["agents-l1", "agents-l2", "agents-l3"];
/// The managers' group.
pub const MANAGERS: &str = "managers";
/// The admins' group.
pub const ADMINS: &str = "admins";

/// Each level's queue on the web desk (where its cards go), L1 first. `#` is in no account
/// name, so a queue never meets a person's channel.
pub const QUEUES: [&str; 3] = ["#l1", "#l2", "#l3"];

/// The groups a role puts a web person in.
pub fn groups(role: crate::account::Role) -> Vec<String> {
    use crate::account::{Role, Tier};
    let group = match role {
        Role::Requester => return Vec::new(),
        Role::Agent(Tier::L1) => AGENT_GROUPS[0],
        Role::Agent(Tier::L2) => AGENT_GROUPS[1],
        Role::Agent(Tier::L3) => AGENT_GROUPS[2],
        Role::Manager => MANAGERS,
        Role::Admin => ADMINS,
    };
    vec![group.to_string()]
}

/// The channel of a web person's own conversations with the desk: `@name`. `@` is in no
/// account name, so it never meets a queue.
pub fn person_channel(name: &crate::account::Username) -> String {
    format!("@{name}")
}

/// The web person whose channel this is, if it is a person's.
pub fn channel_person(channel: &str) -> Option<crate::account::Username> {
    crate::account::Username::parse(channel.strip_prefix('@')?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Role, Tier, Username};

    #[test]
    fn a_persons_channel_reads_back_and_never_meets_a_queue() {
        let ada = Username::parse("ada").unwrap();
        assert_eq!(channel_person(&person_channel(&ada)), Some(ada));
        for queue in QUEUES {
            assert_eq!(channel_person(queue), None);
        }
        assert_eq!(channel_person("ada"), None);
    }

    #[test]
    fn each_role_but_the_requester_is_in_one_group() {
        assert!(groups(Role::Requester).is_empty());
        assert_eq!(groups(Role::Agent(Tier::L2)), vec!["agents-l2".to_string()]);
        assert_eq!(groups(Role::Admin), vec!["admins".to_string()]);
    }
}
