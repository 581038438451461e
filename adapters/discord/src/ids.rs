//! Discord's identity for the desk: its platform name, how much its messages hold, and how it
//! writes the ids the configuration names.

use helpdesk_chat::ids::{IdKind, Ids};
use helpdesk_chat::{Limits, Platform, TextLimits};

/// Discord, as the desk names it (a tenant is a guild).
pub const PLATFORM: Platform = Platform::new("discord");

/// An embed's limits: title 256, description 4,096, field value 1,024; a bot can open private
/// threads in any channel.
pub const LIMITS: Limits = Limits {
    text: TextLimits {
        title: 256,
        text: 4096,
        field: 1024,
    },
    private_threads: true,
};

/// Discord ids are snowflakes: 17 to 20 digits, whatever they name.
pub const IDS: Ids = Ids {
    fits: |_, id| (17..=20).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()),
    name: |kind| match kind {
        IdKind::Channel => "a Discord channel id",
        IdKind::User => "a Discord user id",
        IdKind::UserGroup => "a Discord role id",
    },
    hint: |kind| match kind {
        IdKind::Channel => {
            "use the channel id, e.g. 1100000000000000011: with Developer Mode on, right-click \
             the channel → Copy Channel ID"
        }
        IdKind::User => {
            "use the user id alone (not a mention or a name), e.g. 80351110224678912: with \
             Developer Mode on, right-click the person → Copy User ID"
        }
        IdKind::UserGroup => {
            "use the role id, e.g. 1100000000000000024 (leave the key out when there is none): \
             with Developer Mode on, Server Settings → Roles → ⋯ → Copy Role ID"
        }
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_snowflakes() {
        assert_eq!(IDS.refuse(IdKind::User, "80351110224678912"), None);
        let why = IDS.refuse(IdKind::UserGroup, "12345").unwrap();
        assert!(
            why.starts_with("\"12345\" is not a Discord role id; use the role id"),
            "{why}"
        );
    }
}
