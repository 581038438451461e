//! The desk's command table as the port carries it: every command, its subcommands and typed
//! options, the catalogue keys of its texts and who may use it. The desk owns the values; the
//! adapters read them to register commands (Discord) and the desk parses free text (Slack) and
//! typed options (Discord) with the same table.

use serde::{Deserialize, Serialize};

/// What an option holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionKind {
    /// A ticket number: `#42` or `42`, read first in text.
    Ticket,
    /// A person: a mention in text, a user picker where the platform has one.
    User,
    /// One word from a fixed list, offered to pick from.
    Choice(Vec<String>),
    /// One word.
    Word,
    /// The rest of the text (at most one per command, read last).
    Text,
}

/// Who may use a command; the desk checks it on the ticket the command is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Anyone (what it shows follows who asks).
    Anyone,
    /// Whoever may see the ticket.
    Show,
    /// Whoever may work the ticket.
    Work,
    /// Whoever may give the ticket back to the queue.
    Unclaim,
    /// Whoever may open the ticket again.
    Reopen,
    /// Whoever may close the ticket for good.
    Close,
    /// Agents only.
    Agents,
    /// Managers only.
    Managers,
}

/// One option of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionSpec {
    /// Its name (Discord's option name).
    pub name: String,
    /// What it holds.
    pub kind: OptionKind,
    /// Whether a picker insists on it (a missing text is left to the desk to ask for).
    pub required: bool,
    /// Catalogue key of its one-line description.
    pub summary: String,
}

impl OptionSpec {
    /// An optional option.
    pub fn new(name: &str, kind: OptionKind, summary: &str) -> Self {
        OptionSpec {
            name: name.to_string(),
            kind,
            required: false,
            summary: summary.to_string(),
        }
    }

    /// The same option, required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

/// One command or subcommand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandSpec {
    /// Its name.
    pub name: String,
    /// Other words that call it in text.
    pub aliases: Vec<String>,
    /// Catalogue key of its one-line description (what command pickers show).
    pub summary: String,
    /// Catalogue key of its usage line (help and usage errors), if it has one.
    pub usage: Option<String>,
    /// Who may use it.
    pub permission: Permission,
    /// Its options, in the order pickers offer them (required ones first).
    pub options: Vec<OptionSpec>,
    /// Its subcommands, in the order help lists them.
    pub subcommands: Vec<CommandSpec>,
    /// Whether text may give its options in any order (each word fills the first empty option
    /// that takes it), rather than the ticket first and the others in the table's order.
    pub any_order: bool,
}

impl CommandSpec {
    /// A command anyone may use, with no options yet.
    pub fn new(name: &str, summary: &str) -> Self {
        CommandSpec {
            name: name.to_string(),
            aliases: Vec::new(),
            summary: summary.to_string(),
            usage: None,
            permission: Permission::Anyone,
            options: Vec::new(),
            subcommands: Vec::new(),
            any_order: false,
        }
    }

    /// With another word that calls it.
    pub fn alias(mut self, word: &str) -> Self {
        self.aliases.push(word.to_string());
        self
    }

    /// With its usage line's catalogue key.
    pub fn usage(mut self, key: &str) -> Self {
        self.usage = Some(key.to_string());
        self
    }

    /// With who may use it.
    pub fn permission(mut self, permission: Permission) -> Self {
        self.permission = permission;
        self
    }

    /// With one more option.
    pub fn option(mut self, option: OptionSpec) -> Self {
        self.options.push(option);
        self
    }

    /// With one more subcommand.
    pub fn subcommand(mut self, sub: CommandSpec) -> Self {
        self.subcommands.push(sub);
        self
    }

    /// With its options read from text in any order (for options each word can only fill one
    /// of, such as a ticket number, a mention and a period).
    pub fn any_order(mut self) -> Self {
        self.any_order = true;
        self
    }

    /// Whether `word` names it (case-insensitive, aliases included).
    pub fn is_called(&self, word: &str) -> bool {
        self.name.eq_ignore_ascii_case(word)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(word))
    }

    /// The subcommand `word` names.
    pub fn find(&self, word: &str) -> Option<&CommandSpec> {
        self.subcommands.iter().find(|s| s.is_called(word))
    }

    /// Every catalogue key its texts use (its own, its options', its subcommands').
    pub fn text_keys(&self) -> Vec<&str> {
        let mut keys = vec![self.summary.as_str()];
        keys.extend(self.options.iter().map(|o| o.summary.as_str()));
        keys.extend(self.subcommands.iter().flat_map(CommandSpec::text_keys));
        keys
    }

    /// Reads the words after the command: a subcommand (when it has any), then its options,
    /// from `options` when the platform sent them typed, else from the text. `accepts` says
    /// whether a word of the text fills an optional option (else the word is for the next one).
    pub fn parse<'t>(
        &'t self,
        args: &str,
        options: &[CommandOption],
        accepts: &dyn Fn(&OptionSpec, &str) -> bool,
    ) -> Result<Invocation<'t>, ParseError<'t>> {
        let (spec, rest) = self.leaf(args)?;
        let options = if options.is_empty() {
            read_text(spec, rest, accepts)?
        } else if !rest.is_empty() {
            return Err(ParseError::Usage(spec));
        } else {
            // Typed: kept as sent, in the table's order; what the table does not know is dropped.
            spec.options
                .iter()
                .filter_map(|o| options.iter().find(|given| given.name == o.name))
                .cloned()
                .collect()
        };
        Ok(Invocation { spec, options })
    }

    /// The subcommand the first word names (itself when it has none) and the text after it.
    fn leaf<'t, 'a>(&'t self, args: &'a str) -> Result<(&'t CommandSpec, &'a str), ParseError<'t>> {
        if self.subcommands.is_empty() {
            return Ok((self, args.trim()));
        }
        let (first, rest) = first_word(args);
        match self.find(first) {
            Some(sub) => Ok((sub, rest)),
            None => Err(ParseError::Unknown(first.to_ascii_lowercase())),
        }
    }
}

/// The text's first word and what follows it, trimmed.
fn first_word(text: &str) -> (&str, &str) {
    let text = text.trim();
    match text.split_once(char::is_whitespace) {
        Some((first, rest)) => (first, rest.trim()),
        None => (text, ""),
    }
}

/// A ticket number as text writes one: `42` or `#42`.
fn ticket_number(word: &str) -> Option<i64> {
    word.trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0 && !word.is_empty())
}

/// Text: a ticket number first, then the other options in the table's order, the free text last.
fn read_text<'t>(
    spec: &'t CommandSpec,
    text: &str,
    accepts: &dyn Fn(&OptionSpec, &str) -> bool,
) -> Result<Vec<CommandOption>, ParseError<'t>> {
    if spec.any_order {
        return read_any_order(spec, text, accepts);
    }
    let mut rest = text.trim();
    let mut out = Vec::new();
    let mut push = |o: &OptionSpec, value: OptionValue| {
        out.push(CommandOption {
            name: o.name.clone(),
            value,
        })
    };
    let tickets = spec.options.iter().filter(|o| o.kind == OptionKind::Ticket);
    for o in tickets {
        let (first, after) = first_word(rest);
        match ticket_number(first) {
            Some(n) => {
                push(o, OptionValue::Integer(n));
                rest = after;
            }
            None if o.required => return Err(ParseError::Usage(spec)),
            None => {}
        }
    }
    let words = spec
        .options
        .iter()
        .filter(|o| !matches!(o.kind, OptionKind::Ticket | OptionKind::Text));
    for o in words {
        let (first, after) = first_word(rest);
        if first.is_empty() {
            if o.required {
                return Err(ParseError::Usage(spec));
            }
            continue;
        }
        if o.required || accepts(o, first) {
            push(o, OptionValue::Text(first.to_string()));
            rest = after;
        }
    }
    if let Some(o) = spec.options.iter().find(|o| o.kind == OptionKind::Text) {
        if !rest.is_empty() {
            push(o, OptionValue::Text(rest.to_string()));
        }
        rest = "";
    }
    if rest.is_empty() {
        Ok(out)
    } else {
        Err(ParseError::Usage(spec))
    }
}

/// Text in any order: each word fills the first empty option that takes it (a ticket option a
/// ticket number, another what `accepts` lets through); the free text, if the command has one,
/// takes what is left from the first word no option took.
fn read_any_order<'t>(
    spec: &'t CommandSpec,
    text: &str,
    accepts: &dyn Fn(&OptionSpec, &str) -> bool,
) -> Result<Vec<CommandOption>, ParseError<'t>> {
    let mut rest = text.trim();
    let mut out: Vec<CommandOption> = Vec::new();
    loop {
        let (first, after) = first_word(rest);
        if first.is_empty() {
            break;
        }
        let taken = spec
            .options
            .iter()
            .filter(|o| o.kind != OptionKind::Text && !out.iter().any(|f| f.name == o.name))
            .find_map(|o| match o.kind {
                OptionKind::Ticket => ticket_number(first).map(|n| (o, OptionValue::Integer(n))),
                _ => accepts(o, first).then(|| (o, OptionValue::Text(first.to_string()))),
            });
        let Some((o, value)) = taken else {
            break;
        };
        out.push(CommandOption {
            name: o.name.clone(),
            value,
        });
        rest = after;
    }
    if let Some(o) = spec.options.iter().find(|o| o.kind == OptionKind::Text) {
        if !rest.is_empty() {
            out.push(CommandOption {
                name: o.name.clone(),
                value: OptionValue::Text(rest.to_string()),
            });
        }
        rest = "";
    }
    let missing = spec
        .options
        .iter()
        .any(|o| o.required && !out.iter().any(|f| f.name == o.name));
    if missing || !rest.is_empty() {
        return Err(ParseError::Usage(spec));
    }
    out.sort_by_key(|given| spec.options.iter().position(|o| o.name == given.name));
    Ok(out)
}

/// Every command the desk answers, as adapters register them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandTable {
    /// The top-level commands (`ticket`, `kb`, `helpdesk`).
    pub commands: Vec<CommandSpec>,
}

impl CommandTable {
    /// The command named `name` (the desk's name, not the installed slash command).
    pub fn command(&self, name: &str) -> Option<&CommandSpec> {
        self.commands.iter().find(|c| c.name == name)
    }

    /// The names of the top-level commands.
    pub fn names(&self) -> Vec<&str> {
        self.commands.iter().map(|c| c.name.as_str()).collect()
    }

    /// Every catalogue key the commands' texts use.
    pub fn text_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .commands
            .iter()
            .flat_map(CommandSpec::text_keys)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

/// An option's value as the platform sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum OptionValue {
    /// Text (a word, a sentence, a picked choice).
    Text(String),
    /// A whole number (a ticket number).
    Integer(i64),
    /// A person picked from the platform's list.
    User {
        /// Platform user id.
        id: String,
        /// The name the platform resolved, when it did.
        name: Option<String>,
    },
}

impl OptionValue {
    /// The value as text would write it (a person as a `<@id|name>` mention).
    pub fn as_text(&self) -> String {
        match self {
            OptionValue::Text(text) => text.trim().to_string(),
            OptionValue::Integer(number) => number.to_string(),
            OptionValue::User {
                id,
                name: Some(name),
            } => format!("<@{id}|{name}>"),
            OptionValue::User { id, name: None } => format!("<@{id}>"),
        }
    }
}

/// One typed option of a command event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandOption {
    /// The option's name in the table.
    pub name: String,
    /// Its value.
    pub value: OptionValue,
}

/// A command read with its table: which (sub)command, and the options given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation<'t> {
    /// The (sub)command.
    pub spec: &'t CommandSpec,
    /// The options given, in the table's order.
    pub options: Vec<CommandOption>,
}

impl Invocation<'_> {
    /// The value of option `name`, if given.
    pub fn get(&self, name: &str) -> Option<&OptionValue> {
        self.options
            .iter()
            .find(|o| o.name == name)
            .map(|o| &o.value)
    }

    /// The value of option `name` as text, if given and not blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(OptionValue::as_text)
            .filter(|t| !t.is_empty())
    }
}

/// Why the words are not a command of the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError<'t> {
    /// No such subcommand (the word, lowercased).
    #[error("unknown subcommand {0:?}")]
    Unknown(String),
    /// The (sub)command's options do not fit: show its usage.
    #[error("bad arguments for {}", .0.name)]
    Usage(&'t CommandSpec),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> CommandSpec {
        CommandSpec::new("ticket", "k")
            .subcommand(
                CommandSpec::new("escalate", "k")
                    .alias("up")
                    .option(OptionSpec::new("reason", OptionKind::Text, "k").required())
                    .option(OptionSpec::new(
                        "level",
                        OptionKind::Choice(vec!["L2".into(), "L3".into()]),
                        "k",
                    ))
                    .option(OptionSpec::new("ticket", OptionKind::Ticket, "k")),
            )
            .subcommand(
                CommandSpec::new("priority", "k")
                    .option(OptionSpec::new("urgency", OptionKind::Word, "k").required()),
            )
    }

    fn levels(o: &OptionSpec, word: &str) -> bool {
        match &o.kind {
            OptionKind::Choice(values) => values.iter().any(|v| v.eq_ignore_ascii_case(word)),
            _ => true,
        }
    }

    #[test]
    fn text_reads_the_ticket_first_and_the_free_text_last() {
        let t = table();
        let i = t.parse("UP #4 l3 router  down", &[], &levels).unwrap();
        assert_eq!(i.spec.name, "escalate");
        assert_eq!(i.get("ticket"), Some(&OptionValue::Integer(4)));
        assert_eq!(i.text("level").as_deref(), Some("l3"));
        assert_eq!(i.text("reason").as_deref(), Some("router  down"));
        let i = t.parse("escalate printer", &[], &levels).unwrap();
        assert_eq!(
            (i.get("level"), i.text("reason").as_deref()),
            (None, Some("printer"))
        );
        assert!(
            matches!(t.parse("priority", &[], &levels), Err(ParseError::Usage(s)) if s.name == "priority")
        );
        assert!(matches!(
            t.parse("priority a b", &[], &levels),
            Err(ParseError::Usage(_))
        ));
        assert_eq!(
            t.parse("fly", &[], &levels),
            Err(ParseError::Unknown("fly".into()))
        );
    }

    #[test]
    fn typed_options_are_kept_in_the_tables_order() {
        let t = table();
        let given = [
            CommandOption {
                name: "ticket".into(),
                value: OptionValue::Integer(9),
            },
            CommandOption {
                name: "count".into(),
                value: OptionValue::Integer(3),
            },
            CommandOption {
                name: "reason".into(),
                value: OptionValue::Text(" on fire ".into()),
            },
        ];
        let i = t.parse("escalate", &given, &levels).unwrap();
        let names: Vec<&str> = i.options.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["reason", "ticket"]);
    }

    #[test]
    fn text_in_any_order_fills_each_option_once() {
        let audit = CommandSpec::new("audit", "k")
            .any_order()
            .option(OptionSpec::new("ticket", OptionKind::Ticket, "k"))
            .option(OptionSpec::new("person", OptionKind::User, "k"))
            .option(OptionSpec::new("period", OptionKind::Word, "k"));
        let mentions = |o: &OptionSpec, word: &str| match o.kind {
            OptionKind::User => word.starts_with("<@"),
            _ => word.ends_with('d'),
        };
        let i = audit.parse("7d <@U1> #3", &[], &mentions).unwrap();
        let names: Vec<&str> = i.options.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            names,
            ["ticket", "person", "period"],
            "in the table's order"
        );
        assert_eq!(i.get("ticket"), Some(&OptionValue::Integer(3)));
        assert_eq!(i.text("period").as_deref(), Some("7d"));
        assert!(audit.parse("", &[], &mentions).unwrap().options.is_empty());
        for bad in ["#3 #4", "soon", "7d 30d"] {
            assert!(
                matches!(audit.parse(bad, &[], &mentions), Err(ParseError::Usage(_))),
                "{bad}"
            );
        }
    }
}
