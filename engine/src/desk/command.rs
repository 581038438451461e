//! The desk's command table, and `/ticket …` read with it (from text or typed options) into a
//! typed command.

use crate::domain::{Act, Grade, Impact, Level, Person, TicketNumber, Urgency};
use crate::i18n::{self, Language, Msg};
use helpdesk_chat::{
    CommandOption, CommandSpec, CommandTable, Invocation, OptionKind, OptionSpec, OptionValue,
    ParseError, Permission,
};
use std::sync::LazyLock;

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

/// A `/kb` subcommand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KbCommand {
    /// Search the articles.
    Search {
        /// What to look for.
        query: String,
    },
    /// Show one article.
    Show {
        /// The article's slug.
        slug: String,
    },
    /// Write a new article (opens the form).
    Add,
    /// Edit an article (opens the form).
    Edit {
        /// The article's slug.
        slug: String,
    },
    /// Draft an article from a resolved ticket (opens the form).
    Promote(TicketNumber),
}

/// A `/helpdesk` subcommand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpdeskCommand {
    /// The tenant's report.
    Stats {
        /// The period as written (`7d`), if given.
        period: Option<String>,
    },
    /// The tenant's audit log.
    Audit {
        /// Only entries about this ticket.
        ticket: Option<TicketNumber>,
        /// Only entries by this person.
        actor: Option<Person>,
        /// Only entries this far back (`7d`), if given.
        period: Option<String>,
    },
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

/// The desk's commands: `/ticket`, `/kb` and `/helpdesk`, each read here into a typed command.
/// Every parser, help line, usage error and registration comes from it.
pub fn table() -> &'static CommandTable {
    static TABLE: LazyLock<CommandTable> = LazyLock::new(build_table);
    &TABLE
}

/// `/ticket`'s spec.
fn ticket_spec() -> &'static CommandSpec {
    let found = table().command(TICKET);
    found.unwrap_or_else(|| &table().commands[0])
}

/// The desk's name of the ticket command.
const TICKET: &str = "ticket";
/// The desk's name of the knowledge-base command.
const KB: &str = "kb";
/// The desk's name of the managers' command.
const HELPDESK: &str = "helpdesk";

/// Who may use subcommand `sub` of the desk's command `name` (`None`: no such subcommand).
pub(crate) fn permission(name: &str, sub: &str) -> Option<Permission> {
    Some(table().command(name)?.find(sub)?.permission)
}

/// `/ticket`'s subcommand names, in the order help lists them.
pub fn subcommands() -> Vec<&'static str> {
    ticket_spec()
        .subcommands
        .iter()
        .map(|s| s.name.as_str())
        .collect()
}

fn build_table() -> CommandTable {
    use OptionKind::{Choice, Text, Ticket, User, Word};
    use Permission as P;
    let ticket = || OptionSpec::new("ticket", Ticket, "command_option_ticket");
    let reason = || OptionSpec::new("reason", Text, "command_option_reason").required();
    let words = |values: &[&str]| Choice(values.iter().map(|v| v.to_string()).collect());
    let grade = |name: &str, key: &str| {
        OptionSpec::new(name, words(&["low", "medium", "high"]), key).required()
    };
    // A subcommand of `/ticket` with its catalogue keys named after it.
    let sub = |name: &str, permission: P| {
        CommandSpec::new(name, &format!("command_ticket_{name}"))
            .usage(&format!("usage_{name}"))
            .permission(permission)
    };
    let on_ticket = |name: &str, permission: P| sub(name, permission).option(ticket());
    let ticket_command = CommandSpec::new(TICKET, "command_ticket")
        .subcommand(sub("new", P::Anyone).alias("open").option(OptionSpec::new(
            "title",
            Text,
            "command_option_title",
        )))
        .subcommand(on_ticket("claim", P::Work).alias("take"))
        .subcommand(on_ticket("unclaim", P::Unclaim))
        .subcommand(
            sub("assign", P::Work)
                .option(OptionSpec::new("person", User, "command_option_person").required())
                .option(ticket()),
        )
        .subcommand(
            sub("escalate", P::Work)
                .option(reason())
                .option(OptionSpec::new(
                    "level",
                    words(&["L2", "L3"]),
                    "command_option_level",
                ))
                .option(OptionSpec::new(
                    "specialty",
                    Word,
                    "command_option_specialty",
                ))
                .option(ticket()),
        )
        .subcommand(
            sub("deescalate", P::Work)
                .alias("de-escalate")
                .option(reason())
                .option(ticket()),
        )
        .subcommand(
            sub("priority", P::Work)
                .option(grade("urgency", "command_option_urgency"))
                .option(grade("impact", "command_option_impact"))
                .option(ticket()),
        )
        .subcommand(on_ticket("pending", P::Work))
        .subcommand(sub("hold", P::Work).option(reason()).option(ticket()))
        .subcommand(on_ticket("resume", P::Work))
        .subcommand(
            sub("resolve", P::Work)
                .alias("solve")
                .option(OptionSpec::new(
                    "resolution",
                    Text,
                    "command_option_resolution",
                ))
                .option(ticket()),
        )
        .subcommand(on_ticket("reopen", P::Reopen))
        .subcommand(on_ticket("close", P::Close))
        .subcommand(
            sub("note", P::Work)
                .option(OptionSpec::new("text", Text, "command_option_note").required())
                .option(ticket()),
        )
        .subcommand(on_ticket("show", P::Show))
        .subcommand(sub("list", P::Anyone).option(OptionSpec::new(
            "scope",
            words(&["mine", "queue", "level", "all"]),
            "command_option_scope",
        )))
        .subcommand(sub("help", P::Anyone));
    let article = || OptionSpec::new("id", Word, "command_option_article").required();
    let period = || OptionSpec::new("period", Word, "command_option_period");
    let kb = CommandSpec::new(KB, "command_kb")
        .subcommand(
            CommandSpec::new("search", "command_kb_search")
                .alias("find")
                .option(OptionSpec::new("query", Text, "command_option_query").required()),
        )
        .subcommand(CommandSpec::new("show", "command_kb_show").option(article()))
        .subcommand(
            CommandSpec::new("add", "command_kb_add")
                .alias("new")
                .permission(P::Agents),
        )
        .subcommand(
            CommandSpec::new("edit", "command_kb_edit")
                .permission(P::Agents)
                .option(article()),
        )
        .subcommand(
            CommandSpec::new("promote", "command_kb_promote")
                .permission(P::Agents)
                .option(
                    OptionSpec::new("ticket", Ticket, "command_option_ticket_required").required(),
                ),
        );
    let helpdesk = CommandSpec::new(HELPDESK, "command_helpdesk")
        .subcommand(
            CommandSpec::new("stats", "command_helpdesk_stats")
                .permission(P::Managers)
                .option(period()),
        )
        .subcommand(
            CommandSpec::new("audit", "command_helpdesk_audit")
                .permission(P::Managers)
                // `audit #4 7d` and `audit 7d #4` alike: each word can fill one option only.
                .any_order()
                .option(ticket())
                .option(OptionSpec::new("person", User, "command_option_actor"))
                .option(period()),
        );
    CommandTable {
        commands: vec![ticket_command, kb, helpdesk],
    }
}

/// The act the desk checks on the ticket a command is about (`None`: it is about no ticket).
pub(crate) fn act(command: &TicketCommand) -> Option<Act> {
    let spec = ticket_spec().find(command.name())?;
    match spec.permission {
        Permission::Show => Some(Act::Show),
        Permission::Work | Permission::Agents => Some(Act::Work),
        Permission::Unclaim => Some(Act::Unclaim),
        Permission::Reopen => Some(Act::Reopen),
        Permission::Close => Some(Act::Close),
        Permission::Anyone | Permission::Managers => None,
    }
}

impl KbCommand {
    /// The subcommand's name in the table.
    pub fn name(&self) -> &'static str {
        match self {
            KbCommand::Search { .. } => "search",
            KbCommand::Show { .. } => "show",
            KbCommand::Add => "add",
            KbCommand::Edit { .. } => "edit",
            KbCommand::Promote(_) => "promote",
        }
    }
}

impl HelpdeskCommand {
    /// The subcommand's name in the table.
    pub fn name(&self) -> &'static str {
        match self {
            HelpdeskCommand::Stats { .. } => "stats",
            HelpdeskCommand::Audit { .. } => "audit",
        }
    }
}

impl CommandError {
    /// The subcommand whose usage did not fit (`""` when no subcommand was named).
    pub fn subcommand(&self) -> &'static str {
        match self {
            CommandError::Usage(name) => name,
            CommandError::Unknown(_) => "",
        }
    }
}

impl TicketCommand {
    /// The subcommand's name in the table.
    pub fn name(&self) -> &'static str {
        match self {
            TicketCommand::Help => "help",
            TicketCommand::New { .. } => "new",
            TicketCommand::Claim(_) => "claim",
            TicketCommand::Unclaim(_) => "unclaim",
            TicketCommand::Assign { .. } => "assign",
            TicketCommand::Escalate { .. } => "escalate",
            TicketCommand::Deescalate { .. } => "deescalate",
            TicketCommand::Priority { .. } => "priority",
            TicketCommand::Pending(_) => "pending",
            TicketCommand::Hold { .. } => "hold",
            TicketCommand::Resume(_) => "resume",
            TicketCommand::Resolve { .. } => "resolve",
            TicketCommand::Reopen(_) => "reopen",
            TicketCommand::Close(_) => "close",
            TicketCommand::Note { .. } => "note",
            TicketCommand::Show(_) => "show",
            TicketCommand::List(_) => "list",
        }
    }
}

/// The usage line of subcommand `name` of `spec`; a subcommand without one in the catalogues
/// (a test forbids it) shows the help line, and says so in the log.
pub(crate) fn usage_msg(spec: &CommandSpec, name: &str) -> Msg {
    let key = spec.find(name).and_then(|s| s.usage.as_deref());
    match key.and_then(Msg::from_key) {
        Some(msg) => msg,
        None => {
            tracing::error!(subcommand = name, ?key, "no usage line in the catalogues");
            Msg::UsageHelp
        }
    }
}

/// `/ticket`'s usage line of `name`.
pub(crate) fn usage(name: &str) -> Msg {
    usage_msg(ticket_spec(), name)
}

/// Every subcommand's usage line, in the table's order.
pub fn help(spec: &CommandSpec, say: &dyn Fn(Msg) -> String) -> Vec<String> {
    spec.subcommands
        .iter()
        .filter(|s| s.usage.is_some())
        .map(|s| say(usage_msg(spec, &s.name)))
        .collect()
}

/// `/ticket`'s help lines.
pub(crate) fn ticket_help(say: &dyn Fn(Msg) -> String) -> Vec<String> {
    help(ticket_spec(), say)
}

impl From<ParseError<'static>> for CommandError {
    fn from(e: ParseError<'static>) -> Self {
        match e {
            ParseError::Unknown(word) => CommandError::Unknown(word),
            ParseError::Usage(spec) => CommandError::Usage(spec.name.as_str()),
        }
    }
}

/// A ticket number as the table read it: typed, or written in text.
fn ticket_number(value: Option<&OptionValue>) -> Result<Option<TicketNumber>, ()> {
    match value {
        None => Ok(None),
        Some(OptionValue::Integer(n)) if *n > 0 => Ok(Some(TicketNumber(*n))),
        Some(OptionValue::Text(t)) => t.parse::<TicketNumber>().map(Some).map_err(|_| ()),
        Some(_) => Err(()),
    }
}

/// A person as the table read them: picked on the platform, or a mention in text.
fn person(value: Option<&OptionValue>) -> Result<Option<Person>, ()> {
    match value {
        None => Ok(None),
        Some(OptionValue::User { id, name }) => Ok(Some(Person::new(
            id.as_str(),
            name.as_deref().unwrap_or(id),
        ))),
        Some(OptionValue::Text(word)) => user_mention(word.trim()).map(Some).ok_or(()),
        Some(_) => Err(()),
    }
}

/// Reads `/kb` from the text after it, or from the subcommand name and its typed options.
pub fn read_kb(args: &str, options: &[CommandOption]) -> Result<KbCommand, CommandError> {
    let spec = table()
        .command(KB)
        .ok_or_else(|| CommandError::Unknown(KB.into()))?;
    let i = match spec.parse(args, options, &|_, _| true) {
        Ok(i) => i,
        // `add` opens an empty form, whatever follows it.
        Err(ParseError::Usage(s)) if s.name == "add" => return Ok(KbCommand::Add),
        Err(e) => return Err(e.into()),
    };
    let name = i.spec.name.as_str();
    let usage = || CommandError::Usage(name);
    let text = |option: &str| i.text(option).ok_or_else(usage);
    Ok(match name {
        "search" => KbCommand::Search {
            query: text("query")?,
        },
        "show" => KbCommand::Show { slug: text("id")? },
        "add" => KbCommand::Add,
        "edit" => KbCommand::Edit { slug: text("id")? },
        "promote" => match ticket_number(i.get("ticket")) {
            Ok(Some(number)) => KbCommand::Promote(number),
            _ => return Err(usage()),
        },
        _ => return Err(CommandError::Unknown(name.to_string())),
    })
}

/// Reads `/helpdesk` from the text after it, or from the subcommand name and its typed options.
pub fn read_helpdesk(
    args: &str,
    options: &[CommandOption],
) -> Result<HelpdeskCommand, CommandError> {
    let spec = table()
        .command(HELPDESK)
        .ok_or_else(|| CommandError::Unknown(HELPDESK.into()))?;
    // Each word of an audit is a ticket number, a mention or a period: that tells them apart.
    let accepts = |o: &OptionSpec, word: &str| match (&o.kind, o.name.as_str()) {
        (OptionKind::User, _) => user_mention(word).is_some(),
        (_, "period") => crate::config::parse_duration(word).is_ok(),
        _ => true,
    };
    let i = spec.parse(args, options, &accepts)?;
    let name = i.spec.name.as_str();
    let usage = |_| CommandError::Usage(name);
    Ok(match name {
        "stats" => HelpdeskCommand::Stats {
            period: i.text("period"),
        },
        "audit" => HelpdeskCommand::Audit {
            ticket: ticket_number(i.get("ticket")).map_err(usage)?,
            actor: person(i.get("person")).map_err(usage)?,
            period: i.text("period"),
        },
        _ => return Err(CommandError::Unknown(name.to_string())),
    })
}

/// Parses the text after `/ticket`. `specialties` are the tenant's L3 specialty names.
pub fn parse(args: &str, specialties: &[String]) -> Result<TicketCommand, CommandError> {
    read(args, &[], specialties)
}

/// Reads `/ticket` from the text after it, or from the subcommand name and its typed options.
pub fn read(
    args: &str,
    options: &[CommandOption],
    specialties: &[String],
) -> Result<TicketCommand, CommandError> {
    let args = if args.trim().is_empty() { "help" } else { args };
    let accepts = |o: &OptionSpec, word: &str| match (&o.kind, o.name.as_str()) {
        (_, "level") => word.parse::<Level>().is_ok(),
        (_, "specialty") => specialty(specialties, word).is_some(),
        (OptionKind::Choice(values), _) => values.iter().any(|v| v.eq_ignore_ascii_case(word)),
        _ => true,
    };
    match ticket_spec().parse(args, options, &accepts) {
        Ok(invocation) => build(&invocation, specialties),
        // `help` lists everything, whatever follows it.
        Err(ParseError::Usage(spec)) if spec.name == "help" => Ok(TicketCommand::Help),
        Err(ParseError::Usage(spec)) => Err(CommandError::Usage(static_name(&spec.name))),
        Err(ParseError::Unknown(word)) => Err(CommandError::Unknown(word)),
    }
}

/// The table's own copy of a subcommand name (the table lives for the whole run).
fn static_name(name: &str) -> &'static str {
    subcommands()
        .into_iter()
        .find(|n| *n == name)
        .unwrap_or("help")
}

/// The tenant's specialty `word` names (any case).
fn specialty<'s>(specialties: &'s [String], word: &str) -> Option<&'s String> {
    specialties.iter().find(|s| s.eq_ignore_ascii_case(word))
}

/// A grade as people write one in any of the desk's languages (`high`, `alta`, `wysoka`…).
pub(crate) fn grade(word: &str) -> Option<Grade> {
    if let Ok(grade) = word.parse::<Grade>() {
        return Some(grade);
    }
    let word = word.trim().to_lowercase();
    let words = [
        (Grade::Low, Msg::GradeWordsLow),
        (Grade::Medium, Msg::GradeWordsMedium),
        (Grade::High, Msg::GradeWordsHigh),
    ];
    Language::ALL.into_iter().find_map(|lang| {
        words.iter().find_map(|(grade, msg)| {
            i18n::text(lang, *msg, &[])
                .split(',')
                .any(|w| w.trim().to_lowercase() == word)
                .then_some(*grade)
        })
    })
}

/// The typed command from what the table read.
fn build(i: &Invocation<'_>, specialties: &[String]) -> Result<TicketCommand, CommandError> {
    let name = static_name(&i.spec.name);
    let usage = || CommandError::Usage(name);
    let ticket = ticket_number(i.get("ticket")).map_err(|_| usage())?;
    let text = |option: &str| i.text(option).unwrap_or_default();
    let grade_of = |option: &str| grade(&text(option)).ok_or_else(usage);
    use TicketCommand as C;
    Ok(match name {
        "new" => C::New {
            title: i.text("title"),
        },
        "claim" => C::Claim(ticket),
        "unclaim" => C::Unclaim(ticket),
        "assign" => C::Assign {
            ticket,
            to: person(i.get("person")).ok().flatten().ok_or_else(usage)?,
        },
        "escalate" => {
            let mut level = match i.text("level") {
                Some(l) => Some(l.parse::<Level>().map_err(|_| usage())?),
                None => None,
            };
            let mut reason = text("reason");
            let mut chosen = None;
            if let Some(word) = i.text("specialty") {
                // A specialty only leads to L3; any other word is where the reason starts.
                match specialty(specialties, &word) {
                    Some(s) if level.is_none() || level == Some(Level::L3) => {
                        chosen = Some(s.clone());
                        level = Some(Level::L3);
                    }
                    _ if reason.is_empty() => reason = word,
                    _ => reason = format!("{word} {reason}"),
                }
            }
            C::Escalate {
                ticket,
                level,
                specialty: chosen,
                reason,
            }
        }
        "deescalate" => C::Deescalate {
            ticket,
            reason: text("reason"),
        },
        "priority" => C::Priority {
            ticket,
            urgency: grade_of("urgency")?,
            impact: grade_of("impact")?,
        },
        "pending" => C::Pending(ticket),
        "hold" => C::Hold {
            ticket,
            reason: text("reason"),
        },
        "resume" => C::Resume(ticket),
        "resolve" => C::Resolve {
            ticket,
            resolution: text("resolution"),
        },
        "reopen" => C::Reopen(ticket),
        "close" => C::Close(ticket),
        "note" => C::Note {
            ticket,
            text: text("text"),
        },
        "show" => C::Show(ticket),
        "list" => C::List(match text("scope").to_ascii_lowercase().as_str() {
            "" | "mine" => ListScope::Mine,
            "queue" => ListScope::Queue,
            "level" => ListScope::Level,
            "all" => ListScope::All,
            _ => return Err(usage()),
        }),
        _ => C::Help,
    })
}

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
        for name in subcommands() {
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

    #[test]
    fn grades_are_read_in_every_desk_language() {
        for (words, g) in [
            (
                ["low", "bassa", "basso", "niska", "niski", "Niska"],
                Grade::Low,
            ),
            (
                ["medium", "media", "medio", "średnia", "średni", "Średnia"],
                Grade::Medium,
            ),
            (
                ["high", "alta", "alto", "wysoka", "wysoki", "WYSOKI"],
                Grade::High,
            ),
        ] {
            for word in words {
                assert_eq!(grade(word), Some(g), "{word}");
            }
        }
        assert_eq!(grade("srednia"), None, "no guessing at missing accents");
        assert_eq!(grade("bardzo"), None);
    }

    #[test]
    fn typed_options_need_no_words() {
        let option = |name: &str, value: OptionValue| CommandOption {
            name: name.into(),
            value,
        };
        let typed = [
            option("reason", OptionValue::Text(" printer on fire ".into())),
            option("level", OptionValue::Text("L3".into())),
            option("specialty", OptionValue::Text("Network".into())),
            option("ticket", OptionValue::Integer(7)),
        ];
        assert_eq!(
            read("escalate", &typed, &specialties()),
            Ok(TicketCommand::Escalate {
                ticket: Some(TicketNumber(7)),
                level: Some(Level::L3),
                specialty: Some("network".into()),
                reason: "printer on fire".into()
            })
        );
        let person = [option(
            "person",
            OptionValue::User {
                id: "42".into(),
                name: None,
            },
        )];
        assert_eq!(
            read("assign", &person, &specialties()),
            Ok(TicketCommand::Assign {
                ticket: None,
                to: Person::new("42", "42")
            })
        );
        let grades = [
            option("urgency", OptionValue::Text("high".into())),
            option("impact", OptionValue::Text("low".into())),
        ];
        assert!(matches!(
            read("priority", &grades, &specialties()),
            Ok(TicketCommand::Priority { .. })
        ));
        assert_eq!(
            read("claim", &[option("ticket", OptionValue::Integer(0))], &[]),
            Err(CommandError::Usage("claim"))
        );
    }

    #[test]
    fn kb_and_helpdesk_read_text_and_typed_options_alike() {
        let option = |name: &str, value: OptionValue| CommandOption {
            name: name.into(),
            value,
        };
        assert_eq!(
            read_kb("FIND vpn token", &[]),
            Ok(KbCommand::Search {
                query: "vpn token".into()
            })
        );
        assert_eq!(read_kb("new whatever", &[]), Ok(KbCommand::Add));
        assert_eq!(
            read_kb("promote", &[option("ticket", OptionValue::Integer(4))]),
            Ok(KbCommand::Promote(TicketNumber(4)))
        );
        assert_eq!(
            read_kb("promote #4", &[]),
            Ok(KbCommand::Promote(TicketNumber(4)))
        );
        assert_eq!(read_kb("edit", &[]), Err(CommandError::Usage("edit")));
        assert_eq!(read_kb("", &[]), Err(CommandError::Unknown(String::new())));

        assert_eq!(
            read_helpdesk("stats 30d", &[]),
            Ok(HelpdeskCommand::Stats {
                period: Some("30d".into())
            })
        );
        assert_eq!(
            read_helpdesk("stats forever", &[]),
            Err(CommandError::Usage("stats"))
        );
        let audit = HelpdeskCommand::Audit {
            ticket: Some(TicketNumber(3)),
            actor: Some(Person::new("U1", "ada")),
            period: Some("7d".into()),
        };
        assert_eq!(
            read_helpdesk("audit 7d <@U1|ada> #3", &[]),
            Ok(audit.clone())
        );
        let typed = [
            option("period", OptionValue::Text("7d".into())),
            option(
                "person",
                OptionValue::User {
                    id: "U1".into(),
                    name: Some("ada".into()),
                },
            ),
            option("ticket", OptionValue::Integer(3)),
        ];
        assert_eq!(read_helpdesk("audit", &typed), Ok(audit));
        assert_eq!(
            read_helpdesk("audit soon", &[]),
            Err(CommandError::Usage("audit"))
        );
    }

    #[test]
    fn the_table_says_what_each_command_checks() {
        let t = |s: &str| p(s).unwrap();
        assert_eq!(act(&t("show")), Some(Act::Show));
        assert_eq!(act(&t("unclaim")), Some(Act::Unclaim));
        assert_eq!(act(&t("reopen")), Some(Act::Reopen));
        assert_eq!(act(&t("close")), Some(Act::Close));
        for work in [
            "claim",
            "assign <@U1>",
            "escalate x",
            "deescalate x",
            "priority low low",
        ] {
            assert_eq!(act(&t(work)), Some(Act::Work), "{work}");
        }
        for work in ["pending", "hold", "resume", "resolve", "note"] {
            assert_eq!(act(&t(work)), Some(Act::Work), "{work}");
        }
        assert_eq!(act(&t("list")), None);
        assert_eq!(act(&t("help me")), None, "help takes any words");
    }

    #[test]
    fn every_text_of_the_table_is_in_the_catalogues() {
        for key in table().text_keys() {
            assert!(Msg::from_key(key).is_some(), "no catalogue message {key}");
        }
        for name in subcommands() {
            let key = ticket_spec().find(name).and_then(|s| s.usage.clone());
            assert!(
                key.as_deref().and_then(Msg::from_key).is_some(),
                "{name}: {key:?}"
            );
        }
        for name in ["ticket", "kb", "helpdesk"] {
            assert!(table().command(name).is_some(), "/{name}");
        }
    }
}
