//! A ticket's statuses and log entries as people read them, in one language: the one wording
//! that `/ticket show` in chat, transcripts and the operator's command line all use.

use super::{text, Arg, Language, Msg};
use crate::domain::{LogKind, Status};

/// The status as people of `lang` read it.
pub fn status_name(lang: Language, status: Status) -> String {
    let msg = match status {
        Status::New => Msg::StatusNew,
        Status::Open => Msg::StatusOpen,
        Status::Pending => Msg::StatusPending,
        Status::OnHold => Msg::StatusOnHold,
        Status::Resolved => Msg::StatusResolved,
        Status::Closed => Msg::StatusClosed,
    };
    text(lang, msg, &[])
}

/// One log entry as people of `lang` read it: the words of a message, a sentence for a change.
pub fn describe(lang: Language, kind: &LogKind) -> String {
    let t = |msg, args: &[(&str, Arg)]| text(lang, msg, args);
    match kind {
        LogKind::RequesterMessage { text } | LogKind::AgentReply { text } => text.clone(),
        LogKind::FeedbackComment { text } => text.clone(),
        LogKind::InternalNote { text } => t(Msg::LogNote, &[("text", Arg::text(text))]),
        LogKind::Resolution { text } => t(Msg::LogResolution, &[("text", Arg::text(text))]),
        LogKind::StatusChange { from, to } => t(
            Msg::LogStatus,
            &[
                ("from", Arg::Text(status_name(lang, *from))),
                ("to", Arg::Text(status_name(lang, *to))),
            ],
        ),
        LogKind::Assignment { to, .. } => {
            let name = to
                .as_ref()
                .map_or_else(|| t(Msg::Nobody, &[]), |p| p.name.clone());
            t(Msg::LogAssignment, &[("name", Arg::Text(name))])
        }
        LogKind::LevelChange {
            from,
            to,
            reason,
            specialty,
        } => {
            // The level as the card shows it: with the L3 specialty it went to.
            let to = match specialty {
                Some(s) => format!("{to} · {s}"),
                None => to.to_string(),
            };
            t(
                Msg::LogLevel,
                &[
                    ("from", Arg::text(from)),
                    ("to", Arg::Text(to)),
                    ("reason", Arg::text(reason)),
                ],
            )
        }
        LogKind::PriorityChange { from, to, .. } => t(
            Msg::LogPriority,
            &[("from", Arg::text(from)), ("to", Arg::text(to))],
        ),
        LogKind::Deflected { article } => t(Msg::LogDeflected, &[("article", Arg::text(article))]),
        LogKind::Rated { score } => t(Msg::LogRated, &[("score", Arg::num(*score))]),
        LogKind::Attachment { name, .. } => t(Msg::LogAttachment, &[("name", Arg::text(name))]),
        LogKind::RequesterReach { reach, .. } => match reach {
            crate::domain::Reach::Unreachable => t(Msg::LogRequesterUnreachable, &[]),
            _ => t(Msg::LogRequesterDirect, &[]),
        },
        LogKind::KbSuggestionShown { articles } => {
            t(Msg::LogSuggestions, &[("count", Arg::num(articles.len()))])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Level, Person};

    #[test]
    fn changes_are_described_in_the_language_asked() {
        let status = LogKind::StatusChange {
            from: Status::New,
            to: Status::Open,
        };
        assert_eq!(describe(Language::En, &status), "status New → Open");
        assert_eq!(describe(Language::It, &status), "stato Nuovo → Aperto");
        let moved = LogKind::LevelChange {
            from: Level::L1,
            to: Level::L3,
            reason: "router".into(),
            specialty: Some("network".into()),
        };
        assert_eq!(
            describe(Language::En, &moved),
            "moved from L1 to L3 · network: router"
        );
        let assigned = LogKind::Assignment {
            from: None,
            to: Some(Person::new("U1", "Ada")),
        };
        assert_eq!(describe(Language::Pl, &assigned), "przypisano do: Ada");
        let said = LogKind::RequesterMessage {
            text: "{name} is down".into(),
        };
        assert_eq!(describe(Language::It, &said), "{name} is down");
    }
}
