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
