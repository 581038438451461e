//! Which channels are threads, and of which parent: Discord sends a thread's messages with the
//! thread as their channel, the desk wants "thread T of channel C". Learnt from thread events
//! and, for a channel never seen, asked once of the REST API.

use crate::decode::{ThreadParents, THREAD_TYPES};
use crate::rest::{self, Rest};
use serde_json::Value;
use serenity::http::{LightMethod, Route};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// Channel id → its parent when it is a thread, `None` when it is not.
#[derive(Clone, Default)]
pub struct Channels {
    known: Arc<Mutex<HashMap<String, Option<String>>>>,
}

impl Channels {
    /// Remembers a channel object (from THREAD_CREATE, GUILD_CREATE, a REST answer).
    pub fn learn(&self, channel: &Value) {
        let Some(id) = channel.get("id").and_then(Value::as_str) else {
            return;
        };
        let thread = channel
            .get("type")
            .and_then(Value::as_u64)
            .is_some_and(|t| THREAD_TYPES.iter().any(|k| u64::from(*k) == t));
        let parent = channel
            .get("parent_id")
            .and_then(Value::as_str)
            .filter(|_| thread)
            .map(str::to_string);
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.insert(id.to_string(), parent);
    }

    fn cached(&self, id: &str) -> Option<Option<String>> {
        let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.get(id).cloned()
    }

    /// The parents of `ids` that are threads, asking Discord about channels never seen.
    pub async fn resolve(&self, rest: &Rest, ids: &[&str]) -> BTreeMap<String, String> {
        let mut parents = BTreeMap::new();
        for id in ids {
            let parent = match self.cached(id) {
                Some(parent) => parent,
                None => {
                    let Ok(channel_id) = rest::channel(id) else {
                        continue;
                    };
                    match rest
                        .call(LightMethod::Get, Route::Channel { channel_id }, None)
                        .await
                    {
                        Ok(channel) => {
                            self.learn(&channel);
                            self.cached(id).flatten()
                        }
                        Err(e) => {
                            // Not cached: the next message asks again.
                            tracing::warn!(channel = %id, error = %e, "could not look up a channel");
                            None
                        }
                    }
                }
            };
            if let Some(parent) = parent {
                parents.insert(id.to_string(), parent);
            }
        }
        parents
    }
}

impl ThreadParents for Channels {
    fn parent_of(&self, channel: &str) -> Option<String> {
        self.cached(channel).flatten()
    }
}
