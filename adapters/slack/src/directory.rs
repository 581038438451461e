//! Who people are: display names, user-group membership (the desk's roles) and direct-message
//! channels, read from the Web API and cached for a while.

use crate::web::Web;
use helpdesk_chat::{ChatEvent, EventKind, SendError};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// user → the groups they are in.
type Members = Arc<HashMap<String, Vec<String>>>;

#[derive(Default)]
struct Team {
    /// Group membership, and when it was read.
    groups: Option<(Instant, Members)>,
    /// Display name and locale (`users.info`), and when they were read.
    names: HashMap<String, (Instant, Person)>,
    direct: HashMap<String, String>,
}

/// The cache, per workspace.
pub struct Directory {
    web: Web,
    ttl: Duration,
    teams: Mutex<HashMap<String, Team>>,
    /// One `usergroups.list` at a time: concurrent events wait for it instead of repeating it.
    refreshing: Mutex<()>,
}

#[derive(Deserialize)]
struct GroupList {
    usergroups: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    id: String,
    #[serde(default)]
    users: Vec<String>,
}

#[derive(Deserialize)]
struct UserInfo {
    user: User,
}

/// What `users.info` says of a person: the name shown and the locale, when Slack gave one.
#[derive(Debug, Clone)]
struct Person {
    name: String,
    locale: Option<String>,
}

#[derive(Deserialize)]
struct User {
    #[serde(default)]
    name: Option<String>,
    /// Only with `include_locale=true`.
    #[serde(default)]
    locale: Option<String>,
    #[serde(default)]
    profile: Option<Profile>,
}

#[derive(Deserialize)]
struct Profile {
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    real_name: Option<String>,
}

#[derive(Deserialize)]
struct Opened {
    channel: OpenedChannel,
}

#[derive(Deserialize)]
struct OpenedChannel {
    id: String,
}

#[derive(Deserialize)]
struct History {
    #[serde(default)]
    messages: Vec<HistoryMessage>,
}

#[derive(Deserialize)]
struct HistoryMessage {
    #[serde(default)]
    ts: Option<String>,
    #[serde(default)]
    thread_ts: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    user: Option<String>,
}

/// A message looked up: text, author, thread.
type Found = (Option<String>, Option<String>, Option<String>);

impl Directory {
    /// A cache that trusts what it read for `ttl`.
    pub fn new(web: Web, ttl: Duration) -> Self {
        Directory {
            web,
            ttl,
            teams: Mutex::new(HashMap::new()),
            refreshing: Mutex::new(()),
        }
    }

    /// The Web API it reads through.
    pub fn web(&self) -> &Web {
        &self.web
    }

    /// Fills in what Slack's payloads leave out: the sender's name and groups, the direct-message
    /// channel of an App Home click, the text of a reacted message. What cannot be read is left
    /// as it was (and logged): the event is never dropped for it.
    pub async fn complete(&self, event: &mut ChatEvent) {
        let team = event.tenant.clone();
        let user = event.sender.id.clone();
        match self.groups_of(&team, &user).await {
            Ok(groups) => event.sender.groups = groups,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read user groups: treating as a requester")
            }
        }
        match self.person(&team, &user).await {
            Ok(person) => {
                event.sender.name = person.name;
                event.sender.locale = person.locale;
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the user's name"),
        }
        if event.channel.is_empty() {
            match self.direct_channel(&team, &user).await {
                Ok(channel) => event.channel = channel,
                Err(e) => tracing::warn!(error = %e, "cannot open the direct messages"),
            }
        }
        if let EventKind::Reaction {
            on_message,
            message_text,
            message_author,
            ..
        } = &mut event.kind
        {
            if message_text.is_none() {
                let found = match self.message(&team, &event.channel, on_message).await {
                    Ok(Some((text, author))) => Ok(Some((text, author, None))),
                    Ok(None) => self.reply(&team, &event.channel, on_message).await,
                    Err(e) => Err(e),
                };
                match found {
                    Ok(Some((text, author, thread))) => {
                        // Read from Slack as Slack writes text: decoded at the edge, once.
                        *message_text = text.as_deref().map(crate::decode::unescape);
                        if message_author.is_none() {
                            *message_author = author;
                        }
                        // A reply in a thread: the ticket lives in that thread.
                        if thread.as_deref().is_some_and(|t| t != on_message.as_str()) {
                            event.thread = thread;
                        }
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot read the reacted message"),
                }
            }
        }
    }

    /// The user groups a person is in. Read once per TTL for the whole workspace; when Slack
    /// cannot answer (an outage, or a plan without user groups) the last answer is kept, or none
    /// is, for another TTL, so each event does not ask again.
    pub async fn groups_of(&self, team: &str, user: &str) -> Result<Vec<String>, SendError> {
        if let Some(members) = self.fresh_groups(team).await {
            return Ok(members.get(user).cloned().unwrap_or_default());
        }
        let _one_at_a_time = self.refreshing.lock().await;
        if let Some(members) = self.fresh_groups(team).await {
            return Ok(members.get(user).cloned().unwrap_or_default());
        }
        let fetched = self.fetch_groups(team).await;
        let mut teams = self.teams.lock().await;
        let entry = teams.entry(team.to_string()).or_default();
        let members = match fetched {
            Ok(members) => Arc::new(members),
            Err(e) => {
                tracing::warn!(error = %e, team, "cannot read user groups: keeping what was known");
                entry
                    .groups
                    .as_ref()
                    .map_or_else(|| Arc::new(HashMap::new()), |(_, m)| m.clone())
            }
        };
        entry.groups = Some((Instant::now(), members.clone()));
        Ok(members.get(user).cloned().unwrap_or_default())
    }

    async fn fresh_groups(&self, team: &str) -> Option<Members> {
        let teams = self.teams.lock().await;
        teams
            .get(team)
            .and_then(|t| t.groups.clone())
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, members)| members)
    }

    async fn fetch_groups(&self, team: &str) -> Result<HashMap<String, Vec<String>>, SendError> {
        let list: GroupList = self
            .web
            .get(team, "usergroups.list", &[("include_users", "true")])
            .await?;
        let mut members: HashMap<String, Vec<String>> = HashMap::new();
        for group in list.usergroups {
            for u in group.users {
                members.entry(u).or_default().push(group.id.clone());
            }
        }
        Ok(members)
    }

    async fn person(&self, team: &str, user: &str) -> Result<Person, SendError> {
        {
            let teams = self.teams.lock().await;
            if let Some((at, person)) = teams.get(team).and_then(|t| t.names.get(user)) {
                if at.elapsed() < self.ttl {
                    return Ok(person.clone());
                }
            }
        }
        let info: UserInfo = self
            .web
            .get(
                team,
                "users.info",
                &[("user", user), ("include_locale", "true")],
            )
            .await?;
        let locale = info.user.locale.filter(|l| !l.trim().is_empty());
        let profile = info.user.profile.unwrap_or(Profile {
            display_name: None,
            real_name: None,
        });
        let name = [profile.display_name, profile.real_name, info.user.name]
            .into_iter()
            .flatten()
            .find(|n| !n.trim().is_empty())
            .unwrap_or_else(|| user.to_string());
        let person = Person { name, locale };
        let mut teams = self.teams.lock().await;
        teams
            .entry(team.to_string())
            .or_default()
            .names
            .insert(user.to_string(), (Instant::now(), person.clone()));
        Ok(person)
    }

    async fn direct_channel(&self, team: &str, user: &str) -> Result<String, SendError> {
        if let Some(c) = self
            .teams
            .lock()
            .await
            .get(team)
            .and_then(|t| t.direct.get(user).cloned())
        {
            return Ok(c);
        }
        let opened: Opened = self
            .web
            .post(
                team,
                "conversations.open",
                &serde_json::json!({ "users": user }),
            )
            .await?;
        let mut teams = self.teams.lock().await;
        teams
            .entry(team.to_string())
            .or_default()
            .direct
            .insert(user.to_string(), opened.channel.id.clone());
        Ok(opened.channel.id)
    }

    async fn message(
        &self,
        team: &str,
        channel: &str,
        ts: &str,
    ) -> Result<Option<(Option<String>, Option<String>)>, SendError> {
        let params = [
            ("channel", channel),
            ("latest", ts),
            ("oldest", ts),
            ("inclusive", "true"),
            ("limit", "1"),
        ];
        let history: History = self.web.get(team, "conversations.history", &params).await?;
        Ok(history
            .messages
            .into_iter()
            .next()
            .map(|m| (m.text, m.user)))
    }

    /// A reply in a thread (history lists only top-level messages): its text, author and the
    /// thread it belongs to.
    async fn reply(&self, team: &str, channel: &str, ts: &str) -> Result<Option<Found>, SendError> {
        let params = [("channel", channel), ("ts", ts), ("limit", "1000")];
        let thread: History = self.web.get(team, "conversations.replies", &params).await?;
        Ok(thread
            .messages
            .into_iter()
            .find(|m| m.ts.as_deref() == Some(ts))
            .map(|m| (m.text, m.user, m.thread_ts)))
    }
}
/// The workspace's user groups as the desk asks about them: someone's roles before they are
/// given a ticket. Slack's free plan lists no groups: then only the people the configuration
/// lists by id can be agents.
impl helpdesk_chat::Directory for Directory {
    fn membership<'a>(
        &'a self,
        tenant: &'a str,
        user: &'a str,
    ) -> helpdesk_chat::MembershipFuture<'a> {
        Box::pin(async move {
            self.groups_of(tenant, user)
                .await
                .map(helpdesk_chat::Membership::Member)
        })
    }
}
