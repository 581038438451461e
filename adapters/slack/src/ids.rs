//! Slack's identity for the desk: its platform name, how much its messages hold, and how it
//! writes the ids the configuration names.

use helpdesk_chat::ids::{IdKind, Ids};
use helpdesk_chat::{Limits, Platform, TextLimits};

/// Slack, as the desk names it (a tenant is a workspace).
pub const PLATFORM: Platform = Platform::new("slack");

/// Block Kit's limits: header 150, section 3,000, field 2,000; threads are as public as their
/// channel, so a requester's private talk happens in direct messages.
pub const LIMITS: Limits = Limits {
    text: TextLimits {
        title: 150,
        text: 3000,
        field: 2000,
    },
    private_threads: false,
};

/// Slack ids are a kind letter and upper-case letters and digits (channels C/G/D, users U/W,
/// user groups S).
pub const IDS: Ids = Ids {
    fits,
    name: |kind| match kind {
        IdKind::Channel => "a Slack channel id",
        IdKind::User => "a Slack user id",
        IdKind::UserGroup => "a Slack user group id",
    },
    hint: |kind| match kind {
        IdKind::Channel => "use the channel id, e.g. C0123ABCD: in Slack, channel details → bottom",
        IdKind::User => {
            "use the member id, e.g. U0123ABCD, alone (not a mention or a name): in Slack, \
             the person's profile → ⋮ → Copy member ID"
        }
        IdKind::UserGroup => {
            "use the user group id, e.g. S0123ABCD (leave the key out when there is none): in \
             Slack, People → User groups → the group → ⋮ → Copy group ID"
        }
    },
};

fn fits(kind: IdKind, id: &str) -> bool {
    let prefixes: &[char] = match kind {
        IdKind::Channel => &['C', 'G', 'D'],
        IdKind::User => &['U', 'W'],
        IdKind::UserGroup => &['S'],
    };
    let mut chars = id.chars();
    chars.next().is_some_and(|c| prefixes.contains(&c))
        && (2..=21).contains(&id.len())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_id_has_its_letter() {
        assert!(fits(IdKind::Channel, "C0HELP") && fits(IdKind::User, "W0GRID"));
        assert!(!fits(IdKind::UserGroup, "U0ADA") && !fits(IdKind::User, "<@U0ADA>"));
        let why = IDS.refuse(IdKind::User, "ada").unwrap();
        assert!(
            why.starts_with("\"ada\" is not a Slack user id; use the member id"),
            "{why}"
        );
    }
}
