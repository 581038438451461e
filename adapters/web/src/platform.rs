//! The web desk as a chat platform: the dispatcher sends it the desk's actions for the web
//! tenant as it sends Slack's or Discord's, and it keeps each message through [`Deliveries`]
//! for the pages to show. A post's id is its outbox item's, so a retried send finds the first.

use crate::ids::{channel_person, PLATFORM};
use crate::portal::{Deliveries, Kept};
use crate::routes::Now;
use helpdesk_chat::{
    Attempt, ChatAction, ChatPlatform, Delivered, MessageRef, Platform, RichMessage, SendError,
    SendFuture, ThreadRef,
};
use std::sync::Arc;

/// The web platform: what the desk sends, kept for the pages.
pub struct WebPlatform {
    deliveries: Arc<dyn Deliveries>,
    now: Now,
}

impl WebPlatform {
    /// The platform keeping its messages in `deliveries`, stamped by `now`.
    pub fn new(deliveries: Arc<dyn Deliveries>, now: Now) -> WebPlatform {
        WebPlatform { deliveries, now }
    }
}

/// Where an action's message is shown: its channel, its thread, whom alone it is for, and
/// whether it starts a conversation (a post others reply under).
struct Shown<'a> {
    channel: String,
    thread: Option<String>,
    only_for: Option<&'a str>,
    posts: bool,
    message: &'a RichMessage,
}

/// What the pages show of `action`; `None` for what a page has nothing to show of (thread
/// membership, reactions, a home tab, a form: the portal has its own forms).
fn shown<'a>(action: &'a ChatAction, target: Option<&'a MessageRef>) -> Option<Shown<'a>> {
    let at = |channel: &str, thread: Option<String>, posts, message| Shown {
        channel: channel.to_string(),
        thread,
        only_for: None,
        posts,
        message,
    };
    match action {
        ChatAction::Post {
            channel, message, ..
        }
        | ChatAction::OpenThread {
            channel, message, ..
        } => Some(at(channel, None, true, message)),
        ChatAction::Reply {
            channel,
            thread,
            message,
        } => Some(match (thread, target) {
            (ThreadRef::Id(id), _) => at(channel, Some(id.clone()), false, message),
            (ThreadRef::Message(_), Some(t)) => {
                at(&t.channel, Some(t.message_id.clone()), false, message)
            }
            (ThreadRef::Message(key), None) => at(channel, Some(key.clone()), false, message),
        }),
        // An edit shows as the message's latest word, under it.
        ChatAction::Update { message, .. } => {
            let t = target?;
            Some(at(&t.channel, Some(t.message_id.clone()), false, message))
        }
        ChatAction::Ephemeral {
            channel,
            thread,
            user,
            message,
            ..
        } => Some(Shown {
            only_for: Some(user),
            ..at(channel, thread.clone(), false, message)
        }),
        ChatAction::DirectMessage { user, message, .. } => Some(Shown {
            only_for: Some(user),
            ..at(&format!("@{user}"), None, true, message)
        }),
        ChatAction::OpenForm { .. }
        | ChatAction::PublishHome { .. }
        | ChatAction::AddToThread { .. }
        | ChatAction::RemoveFromThread { .. }
        | ChatAction::CloseThread { .. }
        | ChatAction::CreateThread { .. }
        | ChatAction::React { .. } => None,
    }
}

impl ChatPlatform for WebPlatform {
    fn platform(&self) -> Platform {
        PLATFORM
    }

    fn send<'a>(
        &'a self,
        _tenant: &'a str,
        action: &'a ChatAction,
        target: Option<&'a MessageRef>,
        attempt: Attempt<'a>,
    ) -> SendFuture<'a> {
        Box::pin(async move {
            let Some(shown) = shown(action, target) else {
                tracing::debug!(key = attempt.key, "web: an action with nothing to show");
                return Ok(Delivered::default());
            };
            let person = match shown.only_for {
                Some(user) => match crate::account::Username::parse(user) {
                    Ok(name) => Some(name),
                    // Said to nobody the web desk knows: not deliverable, and the desk is told.
                    Err(_) => {
                        return Err(SendError::Unreachable(format!(
                            "{user:?} is no web account"
                        )))
                    }
                },
                None => channel_person(&shown.channel),
            };
            let kept = Kept {
                person,
                channel: shown.channel.clone(),
                thread: shown.thread,
                message_id: format!("w{}", attempt.key),
                message: shown.message.clone(),
                at: (self.now)(),
            };
            let message_id = self
                .deliveries
                .keep(attempt.key, kept)
                .await
                .map_err(|e| SendError::Transient(e.to_string()))?;
            Ok(Delivered {
                posted: shown.posts.then_some(MessageRef {
                    channel: shown.channel,
                    message_id,
                }),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::port::{StoreFailure, StoreFuture};
    use std::sync::Mutex;
    use std::time::SystemTime;

    #[derive(Default)]
    struct Memory(Mutex<Vec<(String, Kept)>>);

    impl Deliveries for Memory {
        fn keep<'a>(&'a self, key: &'a str, message: Kept) -> StoreFuture<'a, String> {
            Box::pin(async move {
                let mut kept = self.0.lock().map_err(|e| StoreFailure(e.to_string()))?;
                if let Some((_, k)) = kept.iter().find(|(k, _)| k == key) {
                    return Ok(k.message_id.clone());
                }
                let id = message.message_id.clone();
                kept.push((key.to_string(), message));
                Ok(id)
            })
        }
    }

    fn text(t: &str) -> RichMessage {
        RichMessage {
            text: t.into(),
            ..RichMessage::default()
        }
    }

    #[tokio::test]
    async fn a_persons_messages_are_kept_for_them_and_a_retry_keeps_one() {
        let memory = Arc::new(Memory::default());
        let web = WebPlatform::new(memory.clone(), Arc::new(SystemTime::now));
        let open = ChatAction::OpenThread {
            channel: "@ada".into(),
            key: "req:1".into(),
            name: "#1".into(),
            members: vec!["ada".into()],
            message: text("opened"),
        };
        let first = Attempt {
            key: "17",
            again: false,
        };
        let posted = web.send("web", &open, None, first).await.unwrap().posted;
        let again = Attempt {
            key: "17",
            again: true,
        };
        let retried = web.send("web", &open, None, again).await.unwrap().posted;
        assert_eq!(posted, retried);
        let posted = posted.unwrap();
        assert_eq!(posted.channel, "@ada");
        let reply = ChatAction::Reply {
            channel: "@ada".into(),
            thread: ThreadRef::Message("req:1".into()),
            message: text("claimed"),
        };
        let second = Attempt {
            key: "18",
            again: false,
        };
        let answered = web
            .send("web", &reply, Some(&posted), second)
            .await
            .unwrap();
        assert_eq!(answered.posted, None);
        let card = ChatAction::Post {
            channel: "#l1".into(),
            message: text("card"),
            key: Some("card:1:#l1".into()),
        };
        let third = Attempt {
            key: "19",
            again: false,
        };
        web.send("web", &card, None, third).await.unwrap();
        let kept = memory.0.lock().unwrap();
        assert_eq!(kept.len(), 3);
        let ada = crate::account::Username::parse("ada").unwrap();
        assert_eq!(kept[0].1.person.as_ref(), Some(&ada));
        assert_eq!(
            kept[1].1.thread.as_deref(),
            Some(posted.message_id.as_str())
        );
        assert_eq!(kept[2].1.person, None, "a queue's card is nobody's alone");
    }

    #[tokio::test]
    async fn a_private_answer_to_no_web_account_is_unreachable() {
        let web = WebPlatform::new(Arc::new(Memory::default()), Arc::new(SystemTime::now));
        let answer = ChatAction::Ephemeral {
            channel: "@ada".into(),
            thread: None,
            user: "U 1".into(),
            message: text("hi"),
            trigger: None,
        };
        let attempt = Attempt {
            key: "1",
            again: false,
        };
        assert!(matches!(
            web.send("web", &answer, None, attempt).await,
            Err(SendError::Unreachable(_))
        ));
    }
}
