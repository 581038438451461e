//! `[[tenants]]`: how one Slack workspace or Discord guild runs its desk: where tickets come in,
//! where each level works and whom it pings, who is an agent or a manager, and the time budgets.

use crate::domain::{Access, Level};
use crate::i18n::Language;
use helpdesk_chat::ids::{IdKind, Ids};
use helpdesk_chat::{Mention, Platform, Sender};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One tenant's desk.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantConfig {
    /// The platform's name (`slack`, `discord`, `memory`): one the binary registered.
    pub platform: Platform,
    /// The workspace (`T…`) or guild id.
    pub id: String,
    /// A name for logs and reports.
    #[serde(default)]
    pub name: Option<String>,
    /// The language of every message the desk writes (`en`, `it`, `pl`).
    #[serde(default)]
    pub language: Language,
    /// Channels where every new top-level message opens a ticket.
    #[serde(default)]
    pub intake_channels: Vec<String>,
    /// Reactions that turn any message into a ticket.
    #[serde(default = "default_intake_emoji")]
    pub intake_emoji: Vec<String>,
    /// A requester's new top-level message in an intake channel joins their open ticket there
    /// when it comes within this time of the ticket's last change, instead of opening another
    /// (`"0s"`: every message opens one).
    #[serde(default = "default_join_window", with = "duration_text")]
    pub join_window: Duration,
    /// Where budget alerts and other manager alerts go.
    #[serde(default)]
    pub managers_channel: Option<String>,
    /// Groups (Slack user groups, Discord roles) whose members are managers.
    #[serde(default)]
    pub manager_groups: Vec<String>,
    /// People (user ids) who are managers, whatever their groups: for workspaces without user
    /// groups (Slack's free plan) or a manager outside them.
    #[serde(default)]
    pub managers: Vec<String>,
    /// Groups whose members are administrators.
    #[serde(default)]
    pub admin_groups: Vec<String>,
    /// People (user ids) who are administrators, whatever their groups.
    #[serde(default)]
    pub admins: Vec<String>,
    /// Categories offered when a ticket is opened.
    #[serde(default = "default_categories")]
    pub categories: Vec<String>,
    /// Level 1, 2 and 3.
    #[serde(default)]
    pub levels: Levels,
    /// L3 specialties (network, security…), each with its own channel and group.
    #[serde(default)]
    pub specialties: Vec<Specialty>,
    /// Whether messages L3 specialists write in their card's thread reach the requester
    /// (`relay`) or stay internal for L1/L2 to pass on (`internal`, the default: seed 001).
    #[serde(default)]
    pub l3_messages: L3Messages,
    /// Agent messages starting with this stay internal (never relayed to the requester).
    #[serde(default = "default_internal_prefix")]
    pub internal_prefix: String,
    /// After knowledge-base suggestions are shown, how long the level's ping waits for the
    /// requester to say they still need help (`"0s"`: the card pings at once).
    #[serde(default = "default_kb_grace", with = "duration_text")]
    pub kb_grace: Duration,
    /// How long a resolved ticket waits for the requester's answer before it closes itself.
    #[serde(default = "default_confirm_timeout", with = "duration_text")]
    pub confirm_timeout: Duration,
    /// How long a ticket waits on the requester (Pending) before it closes itself.
    #[serde(default = "default_pending_timeout", with = "duration_text")]
    pub pending_timeout: Duration,
    /// First-response and resolution targets per priority.
    #[serde(default)]
    pub sla: super::SlaPolicy,
    /// Post the ticket's transcript (internal notes included) in the agents' thread on close.
    #[serde(default)]
    pub transcript_on_close: bool,
    /// The hours the SLA clocks and the level budgets run (none: every hour); a level can
    /// count every hour anyway (`budget_clock = "always"`).
    #[serde(default)]
    pub business_hours: Option<super::BusinessHours>,
    /// How much one requester may ask of the desk: open tickets, new tickets an hour, alerts.
    #[serde(default)]
    pub limits: Limits,
}

/// `[tenants.limits]`: bounds that keep one requester (or a script in their name) from
/// flooding the queues and paging people.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Tickets one requester may have open (not resolved or closed) at once.
    pub open_tickets_per_requester: u32,
    /// New tickets one requester may open in any hour.
    pub new_tickets_per_hour: u32,
    /// The most urgent priority a requester may choose; agents may set any.
    pub requester_max_priority: crate::domain::Priority,
    /// After a low-rating alert for a requester, further ones within this time are not sent
    /// (still logged on their tickets).
    #[serde(with = "duration_text")]
    pub low_rating_alert_every: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            open_tickets_per_requester: 5,
            new_tickets_per_hour: 5,
            requester_max_priority: crate::domain::Priority::P2,
            low_rating_alert_every: Duration::from_secs(3600),
        }
    }
}

/// `[tenants.levels]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "RawLevels")]
pub struct Levels {
    /// Level 1: broad, talks to the requester.
    pub l1: LevelConfig,
    /// Level 2: deeper.
    pub l2: LevelConfig,
    /// Level 3: specialists (see also `specialties`).
    pub l3: LevelConfig,
}

impl Default for Levels {
    fn default() -> Self {
        Levels::from(RawLevels::default())
    }
}

/// The most people one list may name: each is pinged by name when the level has no group.
const MAX_LISTED: usize = 50;

/// One level's queue.
#[derive(Debug, Clone, Serialize)]
pub struct LevelConfig {
    /// The channel its agents work in; the ticket card is posted there.
    pub channel: Option<String>,
    /// The group (Slack user group id, Discord role id) of its agents, pinged with each card.
    pub group: Option<String>,
    /// Its agents by user id, whatever their groups; pinged with each card when the level
    /// has no group (Slack's free plan has no user groups).
    pub agents: Vec<String>,
    /// How long a ticket may stay at this level before `on_budget` happens (`none` for never).
    #[serde(with = "optional_duration_text")]
    pub budget: Option<Duration>,
    /// What happens when the budget runs out.
    pub on_budget: BudgetAction,
    /// Which hours the budget counts: business hours (when the tenant has them) or every hour.
    pub budget_clock: BudgetClock,
}

/// A level as written: what is left out takes that level's default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevels {
    #[serde(default)]
    l1: RawLevel,
    #[serde(default)]
    l2: RawLevel,
    #[serde(default)]
    l3: RawLevel,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    channel: Option<String>,
    group: Option<String>,
    #[serde(default)]
    agents: Vec<String>,
    /// Read here, not later, so a bad one is reported at its exact key.
    #[serde(default, deserialize_with = "budget_text")]
    budget: Option<Option<Duration>>,
    on_budget: Option<BudgetAction>,
    #[serde(default)]
    budget_clock: BudgetClock,
}

/// A level's budget: a duration, or `none` for never.
fn budget_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<Duration>>, D::Error> {
    let text = String::deserialize(d)?;
    let text = text.trim();
    if text.eq_ignore_ascii_case("none") {
        return Ok(Some(None));
    }
    parse_duration(text)
        .map(|budget| Some(Some(budget)))
        .map_err(serde::de::Error::custom)
}

impl RawLevel {
    // Seed 001: about 20 minutes at level 1, about 2 hours at level 2; L3 has no budget.
    fn finish(self, default_budget: Option<Duration>, default_action: BudgetAction) -> LevelConfig {
        LevelConfig {
            channel: self.channel,
            group: self.group,
            agents: self.agents,
            budget: self.budget.unwrap_or(default_budget),
            on_budget: self.on_budget.unwrap_or(default_action),
            budget_clock: self.budget_clock,
        }
    }
}

impl From<RawLevels> for Levels {
    fn from(raw: RawLevels) -> Self {
        Levels {
            l1: raw
                .l1
                .finish(Some(Duration::from_secs(20 * 60)), BudgetAction::Escalate),
            l2: raw
                .l2
                .finish(Some(Duration::from_secs(2 * 3600)), BudgetAction::Escalate),
            l3: raw.l3.finish(None, BudgetAction::Alert),
        }
    }
}

/// What the desk does when a level's time budget runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetAction {
    /// Move the ticket to the next level (at L3: alert the managers).
    #[default]
    Escalate,
    /// Tell the managers' channel.
    Alert,
}

/// Which hours a level's time budget counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetClock {
    /// The tenant's `business_hours` (every hour when it has none): a ticket that comes in at
    /// night starts using the budget when the desk opens.
    #[default]
    Business,
    /// Every hour, business hours or not (a level on call around the clock).
    Always,
}

/// Who sees what L3 specialists write in their card's thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum L3Messages {
    /// Agents only; L1/L2 relay to the requester.
    #[default]
    Internal,
    /// Straight to the requester.
    Relay,
}

/// An L3 specialty: "the L3 technician competent for that specific problem".
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Specialty {
    /// Its name, as agents type it (`network`).
    pub name: String,
    /// Its channel.
    pub channel: String,
    /// Its specialists' group.
    pub group: Option<String>,
    /// Its specialists by user id, whatever their groups (pinged when there is no group).
    #[serde(default)]
    pub agents: Vec<String>,
}

/// Where a level (or specialty) works: its channel and whom to ping there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The channel.
    pub channel: String,
    /// Whom to ping: the group or role, else the listed agents.
    pub pings: Vec<Mention>,
}

fn default_intake_emoji() -> Vec<String> {
    vec!["ticket".into(), "🎫".into()]
}
fn default_categories() -> Vec<String> {
    ["access", "hardware", "network", "software", "other"]
        .map(String::from)
        .to_vec()
}
fn default_internal_prefix() -> String {
    "//".into()
}
fn default_kb_grace() -> Duration {
    Duration::from_secs(3 * 60)
}

fn default_join_window() -> Duration {
    Duration::from_secs(10 * 60)
}

fn default_confirm_timeout() -> Duration {
    Duration::from_secs(3 * 86400)
}
fn default_pending_timeout() -> Duration {
    Duration::from_secs(5 * 86400)
}

impl TenantConfig {
    /// The settings of a tenant nobody configured: tickets work, no queue channels.
    pub fn unconfigured(platform: Platform, id: &str) -> TenantConfig {
        // The id comes from the platform: set it after parsing, never inside TOML text.
        let mut tenant: TenantConfig = toml::from_str("platform = \"memory\"\nid = \"-\"\n")
            .expect("the built-in defaults parse");
        tenant.platform = platform;
        tenant.id = id.to_string();
        tenant
    }

    /// The level's configuration.
    pub fn level(&self, level: Level) -> &LevelConfig {
        match level {
            Level::L1 => &self.levels.l1,
            Level::L2 => &self.levels.l2,
            Level::L3 => &self.levels.l3,
        }
    }

    /// The specialty of that name (case-insensitive).
    pub fn specialty(&self, name: &str) -> Option<&Specialty> {
        self.specialties
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// Where a ticket at `level` (and L3 `specialty`) is worked, if that level has a channel.
    pub fn place(&self, level: Level, specialty: Option<&str>) -> Option<Place> {
        if level == Level::L3 {
            if let Some(s) = specialty.and_then(|s| self.specialty(s)) {
                return Some(Place {
                    channel: s.channel.clone(),
                    pings: self.pings(s.group.as_deref(), &s.agents),
                });
            }
        }
        let config = self.level(level);
        config.channel.as_ref().map(|channel| Place {
            channel: channel.clone(),
            pings: self.pings(config.group.as_deref(), &config.agents),
        })
    }

    /// A group mention (a Slack user group, a Discord role: each adapter writes its own).
    pub fn ping(&self, group: &str) -> Mention {
        Mention::UserGroup(group.to_string())
    }

    /// Whom a card or alert pings: the group if there is one, else each listed person.
    pub fn pings(&self, group: Option<&str>, people: &[String]) -> Vec<Mention> {
        match group {
            Some(g) => vec![self.ping(g)],
            None => people.iter().cloned().map(Mention::User).collect(),
        }
    }

    /// Whom an alert to the managers pings: their groups, else each listed manager.
    pub fn manager_pings(&self) -> Vec<Mention> {
        if self.manager_groups.is_empty() {
            return self.pings(None, &self.managers);
        }
        self.manager_groups.iter().map(|g| self.ping(g)).collect()
    }

    /// What the sender may do, from the groups the platform says they are in and the people
    /// the configuration lists.
    pub fn access(&self, sender: &Sender) -> Access {
        let listed = |people: &[String]| people.contains(&sender.id);
        let member = |group: &Option<String>, people: &[String]| {
            listed(people)
                || group
                    .as_ref()
                    .is_some_and(|g| sender.groups.iter().any(|s| s == g))
        };
        let in_any = |groups: &[String]| groups.iter().any(|g| sender.groups.contains(g));
        let level = |l: &LevelConfig| member(&l.group, &l.agents);
        // A specialty gives rights in that specialty only: it never makes anyone L3.
        let specialties = self
            .specialties
            .iter()
            .filter(|s| member(&s.group, &s.agents))
            .map(|s| s.name.to_lowercase())
            .collect();
        let agent_level = if level(&self.levels.l3) {
            Some(Level::L3)
        } else if level(&self.levels.l2) {
            Some(Level::L2)
        } else if level(&self.levels.l1) {
            Some(Level::L1)
        } else {
            None
        };
        Access {
            agent_level,
            specialties,
            manager: in_any(&self.manager_groups) || listed(&self.managers),
            admin: in_any(&self.admin_groups) || listed(&self.admins),
        }
    }

    /// Checks what serde cannot: names unique, ids as the platform writes them (`ids`, its
    /// adapter's rules), budgets sensible. `at` is the key's prefix for messages (`tenants[0]`).
    pub fn validate(&self, at: &str, ids: &Ids) -> Result<(), Invalid> {
        if self.id.trim().is_empty() {
            return Err(Invalid::new(format!("{at}.id"), "must not be empty"));
        }
        for (i, s) in self.specialties.iter().enumerate() {
            let key = format!("{at}.specialties[{i}].name");
            if s.name.trim().is_empty() || s.name.contains(char::is_whitespace) {
                return Err(Invalid::new(key, format!("{:?} must be one word", s.name)));
            }
            if self.specialties[..i]
                .iter()
                .any(|o| o.name.eq_ignore_ascii_case(&s.name))
            {
                return Err(Invalid::new(key, format!("{:?} is listed twice", s.name)));
            }
            if Level::ALL
                .iter()
                .any(|l| l.as_str().eq_ignore_ascii_case(&s.name))
            {
                return Err(Invalid::new(key, format!("{:?} is a level name", s.name)));
            }
        }
        for level in Level::ALL {
            if self.level(level).budget == Some(Duration::ZERO) {
                return Err(Invalid::new(
                    format!("{at}.levels.{}.budget", level.as_str().to_ascii_lowercase()),
                    "must be longer than 0 (or \"none\")",
                ));
            }
        }
        if self.internal_prefix.trim().is_empty() {
            return Err(Invalid::new(
                format!("{at}.internal_prefix"),
                "must not be empty",
            ));
        }
        let limits = &self.limits;
        for (key, value) in [
            (
                "open_tickets_per_requester",
                limits.open_tickets_per_requester,
            ),
            ("new_tickets_per_hour", limits.new_tickets_per_hour),
        ] {
            if value == 0 {
                return Err(Invalid::new(
                    format!("{at}.limits.{key}"),
                    "must be at least 1 (0 would refuse every ticket)",
                ));
            }
        }
        self.validate_channels(at, ids)?;
        self.validate_people(at, ids)
    }

    /// Channels: ids as the platform writes them, never names (intake would never match).
    fn validate_channels(&self, at: &str, ids: &Ids) -> Result<(), Invalid> {
        let mut channels: Vec<(String, &str)> = Vec::new();
        for (i, c) in self.intake_channels.iter().enumerate() {
            channels.push((format!("{at}.intake_channels[{i}]"), c));
        }
        if let Some(c) = &self.managers_channel {
            channels.push((format!("{at}.managers_channel"), c));
        }
        for level in Level::ALL {
            if let Some(c) = &self.level(level).channel {
                let name = level.as_str().to_ascii_lowercase();
                channels.push((format!("{at}.levels.{name}.channel"), c));
            }
        }
        for (i, s) in self.specialties.iter().enumerate() {
            channels.push((format!("{at}.specialties[{i}].channel"), &s.channel));
        }
        check_ids(ids, IdKind::Channel, &channels)
    }

    /// Groups and listed people: ids as the platform writes them, and few enough people to
    /// ping in one message (Discord pings at most 100 users per message).
    fn validate_people(&self, at: &str, ids: &Ids) -> Result<(), Invalid> {
        let mut groups: Vec<(String, &str)> = Vec::new();
        let mut lists: Vec<(String, &[String])> = vec![
            (format!("{at}.managers"), &self.managers),
            (format!("{at}.admins"), &self.admins),
        ];
        for level in Level::ALL {
            let key = format!("{at}.levels.{}", level.as_str().to_ascii_lowercase());
            let config = self.level(level);
            if let Some(g) = &config.group {
                groups.push((format!("{key}.group"), g));
            }
            lists.push((format!("{key}.agents"), &config.agents));
        }
        for (i, s) in self.specialties.iter().enumerate() {
            if let Some(g) = &s.group {
                groups.push((format!("{at}.specialties[{i}].group"), g));
            }
            lists.push((format!("{at}.specialties[{i}].agents"), &s.agents));
        }
        for (i, g) in self.manager_groups.iter().enumerate() {
            groups.push((format!("{at}.manager_groups[{i}]"), g));
        }
        for (i, g) in self.admin_groups.iter().enumerate() {
            groups.push((format!("{at}.admin_groups[{i}]"), g));
        }
        check_ids(ids, IdKind::UserGroup, &groups)?;
        for (key, people) in lists {
            let listed: Vec<(String, &str)> = people
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("{key}[{i}]"), p.as_str()))
                .collect();
            check_ids(ids, IdKind::User, &listed)?;
            if people.len() > MAX_LISTED {
                return Err(Invalid::new(
                    key,
                    format!(
                        "{} people listed; at most {MAX_LISTED} (use a group for more)",
                        people.len()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A tenant setting that cannot be used: the exact key and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The key path, e.g. `tenants[0].levels.l1.group`.
    pub key: String,
    /// What is wrong and how to fix it.
    pub reason: String,
}

impl Invalid {
    fn new(key: String, reason: impl Into<String>) -> Invalid {
        Invalid {
            key,
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.key, self.reason)
    }
}

/// Every `(key, id)` written the way the platform writes ids of that kind.
fn check_ids(ids: &Ids, kind: IdKind, listed: &[(String, &str)]) -> Result<(), Invalid> {
    match listed
        .iter()
        .find_map(|(key, id)| ids.refuse(kind, id).map(|why| (key, why)))
    {
        None => Ok(()),
        Some((key, why)) => Err(Invalid::new(key.clone(), why)),
    }
}

// The adapters read durations in their sections the same way: one parser, in the port.
pub(crate) use helpdesk_chat::setting::duration_text;
pub use helpdesk_chat::setting::{format_duration, parse_duration};

mod optional_duration_text {
    use serde::Serializer;
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&super::format_duration(*d)),
            None => s.serialize_str("none"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use helpdesk_chat::ids::MEMORY_IDS;

    #[test]
    fn durations_read_and_write_back() {
        for (text, secs) in [
            ("90s", 90),
            ("20m", 1200),
            ("2h", 7200),
            ("1h30m", 5400),
            ("3d", 259200),
        ] {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_secs(secs)),
                "{text}"
            );
            assert_eq!(
                parse_duration(&format_duration(Duration::from_secs(secs))),
                Ok(Duration::from_secs(secs))
            );
        }
        for bad in ["", "20", "m", "2x", "-1h", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn unconfigured_tenants_get_the_seed_budgets() {
        let t = TenantConfig::unconfigured(Platform::new("slack"), "T1");
        assert_eq!(t.levels.l1.budget, Some(Duration::from_secs(1200)));
        assert_eq!(t.levels.l2.budget, Some(Duration::from_secs(7200)));
        assert_eq!(t.levels.l3.budget, None);
        assert_eq!(t.place(Level::L1, None), None);
        let odd = TenantConfig::unconfigured(Platform::new("discord"), "\"\n\u{1f600}\\");
        assert_eq!(
            odd.id, "\"\n\u{1f600}\\",
            "any platform id is taken as it is"
        );
    }

    #[test]
    fn listed_people_and_groups_must_be_ids() {
        let with = |extra: &str| {
            let raw = format!("platform = \"memory\"\nid = \"T1\"\n{extra}");
            toml::from_str::<TenantConfig>(&raw)
                .unwrap()
                .validate("tenants[0]", &MEMORY_IDS)
                .map_err(|e| e.to_string())
        };
        assert_eq!(with("managers = [\"U0BOSS\"]\n"), Ok(()));
        let e = with("managers = [\"<@U0BOSS>\"]\n").unwrap_err();
        assert!(
            e.contains("tenants[0].managers[0]") && e.contains("is not an id"),
            "{e}"
        );
        let e = with("[levels.l1]\ngroup = \"\"\n").unwrap_err();
        assert!(e.contains("tenants[0].levels.l1.group"), "{e}");
        let e = with("manager_groups = [\" \"]\n").unwrap_err();
        assert!(e.contains("manager_groups[0]"), "{e}");
        let many: Vec<String> = (0..=MAX_LISTED).map(|i| format!("\"U{i}\"")).collect();
        let e = with(&format!("[levels.l2]\nagents = [{}]\n", many.join(","))).unwrap_err();
        assert!(
            e.contains("levels.l2.agents") && e.contains("at most"),
            "{e}"
        );
    }

    #[test]
    fn limits_take_their_defaults_and_refuse_zero() {
        let raw = "platform = \"slack\"\nid = \"T1\"\n[limits]\nnew_tickets_per_hour = 2\n";
        let t: TenantConfig = toml::from_str(raw).unwrap();
        assert_eq!(t.limits.new_tickets_per_hour, 2);
        assert_eq!(t.limits.open_tickets_per_requester, 5);
        assert_eq!(t.limits.requester_max_priority, crate::domain::Priority::P2);
        let zero = "platform = \"slack\"\nid = \"T1\"\n[limits]\nopen_tickets_per_requester = 0\n";
        let e = toml::from_str::<TenantConfig>(zero)
            .unwrap()
            .validate("tenants[0]", &MEMORY_IDS)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("tenants[0].limits.open_tickets_per_requester"),
            "{e}"
        );
    }

    #[test]
    fn a_level_written_in_part_keeps_its_default_budget() {
        let raw = "platform = \"slack\"\nid = \"T1\"\n[levels.l1]\nchannel = \"C1\"\n\
                   [levels.l2]\nbudget = \"none\"\n[levels.l3]\nbudget = \"8h\"\n";
        let t: TenantConfig = toml::from_str(raw).unwrap();
        assert_eq!(t.levels.l1.budget, Some(Duration::from_secs(1200)));
        assert_eq!(t.levels.l2.budget, None);
        assert_eq!(t.levels.l3.budget, Some(Duration::from_secs(8 * 3600)));
        assert_eq!(t.levels.l3.on_budget, BudgetAction::Alert);
        let bad = "platform = \"slack\"\nid = \"T1\"\n[levels.l1]\nbudget = \"soon\"\n";
        let e = toml::from_str::<TenantConfig>(bad).unwrap_err().to_string();
        assert!(e.contains("soon") && e.contains("20m"), "{e}");
        assert_eq!(t.levels.l1.budget_clock, BudgetClock::Business);
        let raw = "platform = \"slack\"\nid = \"T1\"\n[levels.l3]\nbudget_clock = \"always\"\n";
        let t: TenantConfig = toml::from_str(raw).unwrap();
        assert_eq!(t.levels.l3.budget_clock, BudgetClock::Always);
        assert_eq!(t.levels.l2.budget_clock, BudgetClock::Business);
        let bad = "platform = \"slack\"\nid = \"T1\"\n[levels.l2]\nbudget_clock = \"night\"\n";
        let e = toml::from_str::<TenantConfig>(bad).unwrap_err().to_string();
        assert!(e.contains("night") && e.contains("always"), "{e}");
    }
}
