//! `/ticket …` parsed once, at the edge, into a typed command.

use crate::domain::{Grade, Impact, Level, Person, TicketNumber, Urgency};

/// Which tickets `/ticket list` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListScope {
    /// Tickets I asked for or hold.
    Mine,
    /// Unclaimed tickets at my level.
    Queue,
    /// Every active ticket at my level.
    Level,
    /// Every active ticket (managers).
    All,
}

/// A `/ticket` subcommand. `ticket: None` means "the ticket of the thread I am in".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketCommand {
    /// List the commands.
    Help,
    /// Open a ticket (no title: open the form).
    New {
        /// The title, if given.
        title: Option<String>,
    },
    /// Take the ticket.
    Claim(Option<TicketNumber>),
    /// Give it back to the queue.
    Unclaim(Option<TicketNumber>),
    /// Give it to someone.
    Assign {
        /// Which ticket.
        ticket: Option<TicketNumber>,
        /// To whom.
        to: Person,
    },
    /// Move it up.
    Escalate {
        /// Which ticket.
        ticket: Option<TicketNumber>,
        /// The target level (default: the next one).
        level: Option<Level>,
        /// The L3 specialty.
        specialty: Option<String>,
        /// Why (required).
        reason: String,
    },
    /// Move it down.
    Deescalate {
        /// Which ticket.
        ticket: Option<TicketNumber>,
        /// Why (required).
        reason: String,
    },
    /// Set urgency and impact.
    Priority {
        /// Which ticket.
        ticket: Option<TicketNumber>,
        /// Urgency.
        urgency: Urgency,
        /// Impact.
        impact: Impact,
    },
    /// Wait on the requester.
    Pending(Option<TicketNumber>),
    /// Wait on a supplier.
    Hold {
        /// Which ticket.
        ticket: Option<TicketNumber>,
        /// Why.
        reason: String,
    },
    /// Back to work after pending or hold.
    Resume(Option<TicketNumber>),
    /// Fixed: ask the requester to confirm.
    Resolve {
        /// Which ticket.
        ticket: Option<TicketNumber>,
        /// The fix (empty: open the form).
        resolution: String,
    },
    /// Open again.
    Reopen(Option<TicketNumber>),
    /// Close for good.
    Close(Option<TicketNumber>),
    /// An internal note.
    Note {
        /// Which ticket.
        ticket: Option<TicketNumber>,
        /// The note (empty: open the form).
        text: String,
    },
    /// Show the ticket and its log.
    Show(Option<TicketNumber>),
    /// List tickets.
    List(ListScope),
}

/// Why the text is not a command; the desk answers with the command's usage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// No such subcommand.
    #[error("unknown subcommand {0:?}")]
    Unknown(String),
    /// The subcommand's arguments do not fit; the name says which usage to show.
    #[error("bad arguments for {0}")]
    Usage(&'static str),
}

/// Subcommand names, in the order help lists them.
pub const SUBCOMMANDS: [&str; 17] = [
    "new",
    "claim",
    "unclaim",
    "assign",
    "escalate",
    "deescalate",
    "priority",
    "pending",
    "hold",
    "resume",
    "resolve",
    "reopen",
    "close",
    "note",
    "show",
    "list",
    "help",
];

/// Parses the text after `/ticket`. `specialties` are the tenant's L3 specialty names.
pub fn parse(args: &str, specialties: &[String]) -> Result<TicketCommand, CommandError> {
    let args = args.trim();
    let (name, rest) = match args.split_once(char::is_whitespace) {
        Some((name, rest)) => (name, rest.trim()),
        None => (args, ""),
    };
    let name = name.to_ascii_lowercase();
    let (ticket, rest) = number_first(rest);
    let words: Vec<&str> = rest.split_whitespace().collect();
    let usage = |n: &'static str| CommandError::Usage(n);
    let no_more = |cmd: &'static str, c: TicketCommand| {
        if words.is_empty() {
            Ok(c)
        } else {
            Err(usage(cmd))
        }
    };
    match name.as_str() {
        "" | "help" => Ok(TicketCommand::Help),
        "new" | "open" => Ok(TicketCommand::New {
            title: (!args[name.len()..].trim().is_empty())
                .then(|| args[name.len()..].trim().to_string()),
        }),
        "claim" | "take" => no_more("claim", TicketCommand::Claim(ticket)),
        "unclaim" => no_more("unclaim", TicketCommand::Unclaim(ticket)),
        "assign" => match words.as_slice() {
            [who] => Ok(TicketCommand::Assign {
                ticket,
                to: user_mention(who).ok_or(usage("assign"))?,
            }),
            _ => Err(usage("assign")),
        },
        "escalate" => {
            let mut words = words.as_slice();
            let mut level = None;
            let mut specialty = None;
            if let Some(l) = words.first().and_then(|w| w.parse::<Level>().ok()) {
                level = Some(l);
                words = &words[1..];
            }
            if let Some(s) = words
                .first()
                .and_then(|w| specialties.iter().find(|s| s.eq_ignore_ascii_case(w)))
            {
                if level.is_none() || level == Some(Level::L3) {
                    specialty = Some(s.clone());
                    level = Some(Level::L3);
                    words = &words[1..];
                }
            }
            Ok(TicketCommand::Escalate {
                ticket,
                level,
                specialty,
                reason: words.join(" "),
            })
        }
        "deescalate" | "de-escalate" => Ok(TicketCommand::Deescalate {
            ticket,
            reason: rest.to_string(),
        }),
        "priority" => match words.as_slice() {
            [u, i] => Ok(TicketCommand::Priority {
                ticket,
                urgency: u.parse::<Grade>().map_err(|_| usage("priority"))?,
                impact: i.parse::<Grade>().map_err(|_| usage("priority"))?,
            }),
            _ => Err(usage("priority")),
        },
        "pending" => no_more("pending", TicketCommand::Pending(ticket)),
        "hold" => Ok(TicketCommand::Hold {
            ticket,
            reason: rest.to_string(),
        }),
        "resume" => no_more("resume", TicketCommand::Resume(ticket)),
        "resolve" | "solve" => Ok(TicketCommand::Resolve {
            ticket,
            resolution: rest.to_string(),
        }),
        "reopen" => no_more("reopen", TicketCommand::Reopen(ticket)),
        "close" => no_more("close", TicketCommand::Close(ticket)),
        "note" => Ok(TicketCommand::Note {
            ticket,
            text: rest.to_string(),
        }),
        "show" => no_more("show", TicketCommand::Show(ticket)),
        "list" => {
            let scope = match words.as_slice() {
                [] | ["mine"] => ListScope::Mine,
                ["queue"] => ListScope::Queue,
                ["level"] => ListScope::Level,
                ["all"] => ListScope::All,
                _ => return Err(usage("list")),
            };
            if ticket.is_some() {
                return Err(usage("list"));
            }
            Ok(TicketCommand::List(scope))
        }
        other => Err(CommandError::Unknown(other.to_string())),
    }
}

/// A leading `#42` or `42` names the ticket; the rest follows.
fn number_first(rest: &str) -> (Option<TicketNumber>, &str) {
    let (first, after) = match rest.split_once(char::is_whitespace) {
        Some((first, after)) => (first, after.trim_start()),
        None => (rest, ""),
    };
    match first.parse::<TicketNumber>() {
        Ok(n) if !first.is_empty() => (Some(n), after),
        _ => (None, rest),
    }
}

/// A user as adapters write one in command text: `<@U123>`, `<@U123|ada>` or `<@!123>`.
/// A `<@U123|name>` or `<@123>` mention, as platforms write them in command text.
pub(crate) fn user_mention(word: &str) -> Option<Person> {
    let inner = word.strip_prefix("<@")?.strip_suffix('>')?;
    let inner = inner.strip_prefix('!').unwrap_or(inner);
    let (id, name) = match inner.split_once('|') {
        Some((id, name)) => (id, name),
        None => (inner, inner),
    };
    let valid = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| Person::new(id, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specialties() -> Vec<String> {
        vec!["network".into(), "security".into()]
    }

    fn p(s: &str) -> Result<TicketCommand, CommandError> {
        parse(s, &specialties())
    }

    #[test]
    fn escalate_reads_level_specialty_and_reason() {
        assert_eq!(
            p("escalate #4 L3 network router keeps rebooting"),
            Ok(TicketCommand::Escalate {
                ticket: Some(TicketNumber(4)),
                level: Some(Level::L3),
                specialty: Some("network".into()),
                reason: "router keeps rebooting".into()
            })
        );
        assert_eq!(
            p("escalate security phishing"),
            Ok(TicketCommand::Escalate {
                ticket: None,
                level: Some(Level::L3),
                specialty: Some("security".into()),
                reason: "phishing".into()
            })
        );
        assert_eq!(
            p("escalate L2"),
            Ok(TicketCommand::Escalate {
                ticket: None,
                level: Some(Level::L2),
                specialty: None,
                reason: String::new()
            }),
            "the desk, not the parser, asks for the missing reason"
        );
        assert_eq!(
            p("escalate L2 network issue"),
            Ok(TicketCommand::Escalate {
                ticket: None,
                level: Some(Level::L2),
                specialty: None,
                reason: "network issue".into()
            }),
            "a specialty word after L2 is part of the reason"
        );
    }

    #[test]
    fn numbers_users_and_grades_are_typed() {
        assert_eq!(
            p("claim 12"),
            Ok(TicketCommand::Claim(Some(TicketNumber(12))))
        );
        assert_eq!(p("CLAIM"), Ok(TicketCommand::Claim(None)));
        assert_eq!(
            p("assign #3 <@U42|ada>"),
            Ok(TicketCommand::Assign {
                ticket: Some(TicketNumber(3)),
                to: Person::new("U42", "ada")
            })
        );
        assert_eq!(p("assign @ada"), Err(CommandError::Usage("assign")));
        assert_eq!(
            p("priority high low"),
            Ok(TicketCommand::Priority {
                ticket: None,
                urgency: Grade::High,
                impact: Grade::Low
            })
        );
        assert_eq!(
            p("priority #4 Średnia wysoki"),
            Ok(TicketCommand::Priority {
                ticket: Some(TicketNumber(4)),
                urgency: Grade::Medium,
                impact: Grade::High
            }),
            "Polish grades, as the Polish usage line offers them"
        );
        assert_eq!(p("priority urgent"), Err(CommandError::Usage("priority")));
        assert_eq!(p("list queue"), Ok(TicketCommand::List(ListScope::Queue)));
        assert_eq!(p("list everything"), Err(CommandError::Usage("list")));
        assert_eq!(p("claim 12 now"), Err(CommandError::Usage("claim")));
        assert_eq!(p("fly"), Err(CommandError::Unknown("fly".into())));
        assert_eq!(p(""), Ok(TicketCommand::Help));
    }

    #[test]
    fn every_listed_subcommand_parses() {
        for name in SUBCOMMANDS {
            assert!(
                !matches!(p(name), Err(CommandError::Unknown(_))),
                "{name} is listed in help but not parsed"
            );
        }
    }

    #[test]
    fn new_keeps_the_whole_title() {
        assert_eq!(
            p("new 42 printers on fire"),
            Ok(TicketCommand::New {
                title: Some("42 printers on fire".into())
            }),
            "a number at the start of a title is not a ticket number"
        );
        assert_eq!(p("new"), Ok(TicketCommand::New { title: None }));
    }
}
