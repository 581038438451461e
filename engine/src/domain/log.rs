//! The ticket log: every message, note and change, typed, append-only.

use super::ids::{Person, Timestamp};
use super::level::Level;
use super::priority::{Impact, Priority, Urgency};
use super::status::Status;
use serde::{Deserialize, Serialize};

/// Who wrote a log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Author {
    /// A person on the platform.
    Person(Person),
    /// The bot itself (timers, automatic moves).
    System,
}

impl Author {
    /// The platform user id, or `system`.
    pub fn id(&self) -> &str {
        match self {
            Author::Person(p) => &p.id,
            Author::System => "system",
        }
    }

    /// The display name, or `system`.
    pub fn name(&self) -> &str {
        match self {
            Author::Person(p) => &p.name,
            Author::System => "system",
        }
    }
}

/// What happened. The variant decides whether the requester may ever see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LogKind {
    /// The requester wrote in their thread.
    RequesterMessage {
        /// What they wrote.
        text: String,
    },
    /// An agent answered the requester.
    AgentReply {
        /// What the agent wrote.
        text: String,
    },
    /// Agents only: never shown to the requester.
    InternalNote {
        /// The note.
        text: String,
    },
    /// The status moved.
    StatusChange {
        /// Before.
        from: Status,
        /// After.
        to: Status,
    },
    /// The assignee changed (claim, unclaim, assign).
    Assignment {
        /// The previous assignee.
        from: Option<Person>,
        /// The new assignee; `None` when unclaimed.
        to: Option<Person>,
    },
    /// The ticket moved between levels.
    LevelChange {
        /// Before.
        from: Level,
        /// After.
        to: Level,
        /// Why: escalation always has one.
        reason: String,
        /// The L3 specialty pinged, if any.
        specialty: Option<String>,
    },
    /// Urgency or impact changed, and with them the priority.
    PriorityChange {
        /// Priority before.
        from: Priority,
        /// Priority after.
        to: Priority,
        /// The new urgency.
        urgency: Urgency,
        /// The new impact.
        impact: Impact,
    },
    /// Knowledge-base articles were suggested.
    KbSuggestionShown {
        /// The ids of the articles shown, best first.
        articles: Vec<String>,
    },
    /// The requester said a suggested article solved it: closed without an agent.
    Deflected {
        /// The article's key.
        article: String,
    },
    /// The requester rated the help after the ticket closed (one rating per ticket).
    Rated {
        /// 1 (poor) to 5 (excellent).
        score: u8,
    },
    /// The requester's comment on the help.
    FeedbackComment {
        /// What they wrote.
        text: String,
    },
    /// A file attached to a message in the ticket's conversation (listed, never copied).
    Attachment {
        /// The file name.
        name: String,
        /// Where the platform keeps it (behind the platform's login).
        url: String,
        /// Its size in bytes, when the platform said (entries written before sizes have none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<u64>,
        /// Kept on the agents' side: not for the requester.
        internal: bool,
    },
    /// How the desk reaches the requester changed: their direct messages, or no way in chat.
    RequesterReach {
        /// How it reaches them now.
        reach: super::ticket::Reach,
        /// What the platform said of the place that took no messages.
        reason: String,
    },
    /// How the ticket was fixed.
    Resolution {
        /// The fix, as the agent wrote it.
        text: String,
    },
}

impl LogKind {
    /// The stable name stored beside the entry (for queries and reports).
    pub fn name(&self) -> &'static str {
        match self {
            LogKind::RequesterMessage { .. } => "requester_message",
            LogKind::AgentReply { .. } => "agent_reply",
            LogKind::InternalNote { .. } => "internal_note",
            LogKind::StatusChange { .. } => "status_change",
            LogKind::Assignment { .. } => "assignment",
            LogKind::LevelChange { .. } => "level_change",
            LogKind::PriorityChange { .. } => "priority_change",
            LogKind::KbSuggestionShown { .. } => "kb_suggestion_shown",
            LogKind::Deflected { .. } => "deflected",
            LogKind::Rated { .. } => "rated",
            LogKind::FeedbackComment { .. } => "feedback_comment",
            LogKind::Resolution { .. } => "resolution",
            LogKind::Attachment { .. } => "attachment",
            LogKind::RequesterReach { .. } => "requester_reach",
        }
    }

    /// Internal entries are for agents only.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            LogKind::InternalNote { .. }
                | LogKind::Attachment { internal: true, .. }
                | LogKind::RequesterReach { .. }
        )
    }
}

/// One entry of a ticket's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// When it happened.
    pub at: Timestamp,
    /// Who did it.
    pub author: Author,
    /// What happened.
    pub kind: LogKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_through_json() {
        let kinds = vec![
            LogKind::RequesterMessage { text: "hi".into() },
            LogKind::InternalNote {
                text: "psst".into(),
            },
            LogKind::LevelChange {
                from: Level::L1,
                to: Level::L2,
                reason: "needs a visit".into(),
                specialty: None,
            },
            LogKind::Assignment {
                from: None,
                to: Some(Person::new("U1", "Ada")),
            },
        ];
        for kind in kinds {
            let json = serde_json::to_string(&kind).unwrap();
            assert!(json.contains(kind.name()), "{json}");
            assert_eq!(serde_json::from_str::<LogKind>(&json).unwrap(), kind);
        }
    }

    #[test]
    fn an_attachment_keeps_its_size_and_older_entries_have_none() {
        let sized = LogKind::Attachment {
            name: "error.png".into(),
            url: "https://files.example/error.png".into(),
            size: Some(1_258_291),
            internal: false,
        };
        let json = serde_json::to_string(&sized).unwrap();
        assert_eq!(serde_json::from_str::<LogKind>(&json).unwrap(), sized);
        let before_sizes =
            r#"{"kind":"attachment","name":"a.txt","url":"https://x/a","internal":true}"#;
        assert_eq!(
            serde_json::from_str::<LogKind>(before_sizes).unwrap(),
            LogKind::Attachment {
                name: "a.txt".into(),
                url: "https://x/a".into(),
                size: None,
                internal: true,
            }
        );
    }

    #[test]
    fn only_notes_are_internal() {
        assert!(LogKind::InternalNote {
            text: String::new()
        }
        .is_internal());
        assert!(!LogKind::AgentReply {
            text: String::new()
        }
        .is_internal());
    }
}
