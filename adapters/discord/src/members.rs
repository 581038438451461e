//! Who may write to the bot directly. A Discord DM carries no guild and no roles: the desk serves
//! DMs for `dm_guild` alone, so a DM is let in only when its author is a member of that guild,
//! and then with the roles they have there. Membership is asked of the REST API
//! (`GET /guilds/{guild}/members/{user}`) and kept a short while, as the Slack directory does.

use crate::interactions::{callback, EPHEMERAL};
use crate::rest::{self, Rest, RestError};
use crate::settings::DiscordSettings;
use helpdesk_chat::{ChatEvent, SendError};
use serde::Deserialize;
use serde_json::{json, Value};
use serenity::http::{LightMethod, Route};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// How long a membership (or its absence) is trusted before it is asked again: roles given or
/// taken away apply within this.
pub const MEMBERSHIP_TTL: Duration = Duration::from_secs(120);

/// The longest a membership is waited for.
const LOOKUP_DEADLINE: Duration = Duration::from_millis(1500);

use crate::rest::code::UNKNOWN_MEMBER;

/// Discord's code for a user id that names nobody.
const UNKNOWN_USER: isize = 10013;

/// A person's membership of a guild, as far as the desk cares.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Membership {
    /// Their role ids there.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Their nickname there, if they set one.
    #[serde(default)]
    pub nick: Option<String>,
}

/// What became of a direct event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// The author is a member: the event now carries their roles.
    Member,
    /// The author is no member of the DM guild: the event is not for the desk.
    NotMember,
    /// Discord could not say (it is down): the event is dropped, fail closed.
    Unknown(String),
}

#[derive(Default)]
struct Known {
    /// (guild, user) → membership (`None`: no member), and when it was read.
    members: HashMap<(String, String), (Instant, Option<Membership>)>,
    /// Non-members told they cannot use the desk, and when: told once per TTL, not per DM.
    told: HashMap<String, Instant>,
}

/// The memberships read so far.
#[derive(Clone)]
pub struct Members {
    rest: Rest,
    known: Arc<Mutex<Known>>,
}

impl Members {
    /// Asking through `rest`.
    pub fn new(rest: Rest) -> Self {
        Members {
            rest,
            known: Arc::default(),
        }
    }

    fn known(&self) -> std::sync::MutexGuard<'_, Known> {
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `user`'s membership of `guild`, `None` when they are no member.
    pub async fn of(&self, guild: &str, user: &str) -> Result<Option<Membership>, RestError> {
        let key = (guild.to_string(), user.to_string());
        if let Some((at, known)) = self.known().members.get(&key) {
            if at.elapsed() < MEMBERSHIP_TTL {
                return Ok(known.clone());
            }
        }
        let route = Route::GuildMember {
            guild_id: rest::guild(guild)?,
            user_id: rest::user(user)?,
        };
        // An interaction waiting on this has 3 s in all: a slow answer is no answer.
        let asked = tokio::time::timeout(
            LOOKUP_DEADLINE,
            self.rest.call(LightMethod::Get, route, None),
        )
        .await
        .unwrap_or_else(|_| {
            Err(RestError {
                error: SendError::Transient("Discord did not say in time".into()),
                code: None,
            })
        });
        let membership = match asked {
            Ok(member) => Some(Membership::deserialize(&member).map_err(|e| RestError {
                error: SendError::Transient(format!("a guild member Discord sent: {e}")),
                code: None,
            })?),
            Err(e) if matches!(e.code, Some(UNKNOWN_MEMBER | UNKNOWN_USER)) => None,
            Err(e) => return Err(e),
        };
        let mut known = self.known();
        let now = Instant::now();
        known
            .members
            .retain(|_, (at, _)| now.duration_since(*at) < MEMBERSHIP_TTL);
        known.members.insert(key, (now, membership.clone()));
        Ok(membership)
    }

    /// Lets a direct event in only when its author is a member of its guild (the DM guild),
    /// and gives it their roles (and nickname) from there.
    pub async fn admit(&self, event: &mut ChatEvent) -> Admission {
        match self.of(&event.tenant, &event.sender.id).await {
            Ok(Some(membership)) => {
                event.sender.groups = membership.roles;
                if let Some(nick) = membership.nick.filter(|n| !n.trim().is_empty()) {
                    event.sender.name = nick;
                }
                Admission::Member
            }
            Ok(None) => {
                tracing::info!(
                    guild = %event.tenant,
                    user = %event.sender.id,
                    "a direct message from someone who is no member of the DM guild: dropped"
                );
                Admission::NotMember
            }
            Err(e) => {
                tracing::warn!(
                    guild = %event.tenant,
                    error = %e,
                    "cannot tell whether a direct message's author is a member: dropped"
                );
                Admission::Unknown(e.to_string())
            }
        }
    }

    /// Says `text` in the DM `channel` to a non-member, once per TTL however often they write.
    pub async fn tell_not_member(&self, user: &str, channel: &str, text: &str) {
        {
            let mut known = self.known();
            let now = Instant::now();
            let recently = known
                .told
                .get(user)
                .is_some_and(|at| now.duration_since(*at) < MEMBERSHIP_TTL);
            if recently {
                return;
            }
            known
                .told
                .retain(|_, at| now.duration_since(*at) < MEMBERSHIP_TTL);
            known.told.insert(user.to_string(), now);
        }
        let Ok(channel_id) = rest::channel(channel) else {
            return;
        };
        let body: Value = json!({ "content": text, "allowed_mentions": { "parse": [] } });
        let route = Route::ChannelMessages { channel_id };
        if let Err(e) = self.rest.call(LightMethod::Post, route, Some(&body)).await {
            tracing::warn!(error = %e, "could not tell a non-member they cannot use the desk");
        }
    }
}

impl Members {
    /// For an interaction made in a DM: `None` when it goes on to the desk (with the person's
    /// roles), else the private answer that ends it (not a member, or Discord cannot say).
    pub async fn admit_interaction(
        &self,
        event: &mut ChatEvent,
        settings: &DiscordSettings,
    ) -> Option<Value> {
        let text = match self.admit(event).await {
            Admission::Member => return None,
            Admission::NotMember => settings.not_member_text.get(&event.tenant),
            Admission::Unknown(_) => settings.unavailable(&event.tenant),
        };
        Some(json!({
            "type": callback::MESSAGE,
            "data": { "content": text, "flags": EPHEMERAL, "allowed_mentions": { "parse": [] } },
        }))
    }
}
/// The guild's members as the desk asks about them: someone's roles before they are given a
/// ticket.
impl helpdesk_chat::Directory for Members {
    fn membership<'a>(
        &'a self,
        tenant: &'a str,
        user: &'a str,
    ) -> helpdesk_chat::MembershipFuture<'a> {
        Box::pin(async move {
            match self.of(tenant, user).await {
                Ok(Some(m)) => Ok(helpdesk_chat::Membership::Member(m.roles)),
                Ok(None) => Ok(helpdesk_chat::Membership::Stranger),
                Err(e) => Err(e.error),
            }
        })
    }
}
