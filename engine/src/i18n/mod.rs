//! Every sentence the desk writes to people, one Project Fluent catalogue per language
//! (`en.ftl`, `it.ftl`, `pl.ftl`). Code names a message by [`Msg`] and fills its variables with
//! [`Arg`]s; numbers reach the catalogues as numbers, so each language's plural rules pick the
//! words ("1 ticket", "5 zgłoszeń"). Tests check that each catalogue has every message with the
//! same variables, and render every message in every language.

mod describe;
mod duration;
mod messages;
mod size;

pub use describe::{describe, status_name};
pub use duration::{duration, duration_from_now};
pub use messages::Msg;
pub use size::file_size;

use fluent_bundle::{
    concurrent::FluentBundle, FluentArgs, FluentError, FluentResource, FluentValue,
};
use fluent_syntax::ast;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

/// A language the desk speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    #[default]
    En,
    /// Italian.
    It,
    /// Polish.
    Pl,
}

impl Language {
    /// Every language with a catalogue.
    pub const ALL: [Language; 3] = [Language::En, Language::It, Language::Pl];

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::It => "it",
            Language::Pl => "pl",
        }
    }

    /// The catalogue's Fluent source text.
    pub fn catalogue_source(self) -> &'static str {
        match self {
            Language::En => include_str!("en.ftl"),
            Language::It => include_str!("it.ftl"),
            Language::Pl => include_str!("pl.ftl"),
        }
    }

    /// The mark between a number's whole part and its decimals (`1.2`, `1,2`).
    pub fn decimal_mark(self) -> char {
        match self {
            Language::En => '.',
            Language::It | Language::Pl => ',',
        }
    }

    /// The language of a platform's locale code (`it-IT`, `pl`, `en_US`), by its language
    /// subtag; `None` when the desk has no catalogue for it.
    pub fn from_locale(code: &str) -> Option<Language> {
        let language = code.trim().split(['-', '_']).next()?;
        Language::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(language))
    }

    /// Where this language's bundle sits in [`BUNDLES`].
    fn index(self) -> usize {
        match self {
            Language::En => 0,
            Language::It => 1,
            Language::Pl => 2,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The text was not a supported language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: expected en, it or pl")]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Language::En),
            "it" | "italian" | "italiano" => Ok(Language::It),
            "pl" | "polish" | "polski" => Ok(Language::Pl),
            _ => Err(UnknownLanguage(s.to_string())),
        }
    }
}

/// A value a message's variable is filled with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// A number: it reaches Fluent as a number, so plural selectors pick the language's form.
    Num(i64),
    /// Text, written as it is: never read as Fluent, so user text is never expanded.
    Text(String),
}

impl Arg {
    /// Text from anything displayable: a name, a ticket number (`#7`), a level, a time.
    pub fn text(value: impl fmt::Display) -> Arg {
        Arg::Text(value.to_string())
    }

    /// A count or another number (one beyond `i64` reads as `i64::MAX`).
    pub fn num(value: impl TryInto<i64>) -> Arg {
        Arg::Num(value.try_into().unwrap_or(i64::MAX))
    }
}

type Bundle = FluentBundle<FluentResource>;

/// One bundle per language, in [`Language::index`] order, read once.
static BUNDLES: LazyLock<[Bundle; 3]> = LazyLock::new(|| Language::ALL.map(load));

/// Reads a language's catalogue into a bundle.
fn load(lang: Language) -> Bundle {
    bundle_from(lang, lang.catalogue_source().to_owned())
}

/// A bundle of `source` with `lang`'s plural rules. A catalogue with errors (the tests forbid
/// them) is logged and used for the messages that parse: never a panic.
fn bundle_from(lang: Language, source: String) -> Bundle {
    let locale = lang.code().parse().unwrap_or_else(|e| {
        tracing::error!(language = %lang, error = %e, "no locale for the language's plural rules");
        unic_langid::LanguageIdentifier::default()
    });
    let mut bundle = Bundle::new_concurrent(vec![locale]);
    // Chat text must not carry FSI/PDI marks around every variable.
    bundle.set_use_isolating(false);
    let resource = FluentResource::try_new(source).unwrap_or_else(|(resource, errors)| {
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        tracing::error!(language = %lang, ?errors, "catalogue is not valid Fluent: using what parses");
        resource
    });
    if let Err(errors) = bundle.add_resource(resource) {
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        tracing::error!(language = %lang, ?errors, "catalogue repeats ids: using the first of each");
    }
    bundle
}

/// The arguments as Fluent reads them. A declared number given as text is logged: its plural
/// form would fall to the catalogue's default.
fn fluent_args<'a>(msg: Msg, args: &'a [(&'a str, Arg)]) -> FluentArgs<'a> {
    let mut out = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        let value = match value {
            Arg::Num(n) => FluentValue::from(*n),
            Arg::Text(text) => {
                if msg.numbers().contains(name) {
                    tracing::warn!(
                        key = msg.key(),
                        variable = name,
                        "a number was passed as text"
                    );
                }
                FluentValue::from(text.as_str())
            }
        };
        out.set(*name, value);
    }
    out
}

/// The message in `lang`, with the errors Fluent met while filling it (a missing variable is
/// written as `{$name}`); `None` when the catalogue lacks it.
fn render(lang: Language, msg: Msg, args: &FluentArgs<'_>) -> Option<(String, Vec<FluentError>)> {
    let bundle = &BUNDLES[lang.index()];
    let pattern = bundle.get_message(msg.key())?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(args), &mut errors);
    Some((text.into_owned(), errors))
}

/// The message in `lang` with its variables filled in one pass (a value that itself contains
/// `{ $name }` is never filled again). A message missing from a catalogue (the tests forbid it)
/// falls back to English, then to its id; errors are logged, never a panic.
pub fn text(lang: Language, msg: Msg, args: &[(&str, Arg)]) -> String {
    let fluent = fluent_args(msg, args);
    let found = render(lang, msg, &fluent).or_else(|| {
        tracing::error!(key = msg.key(), language = %lang, "message missing from the catalogue");
        render(Language::En, msg, &fluent)
    });
    match found {
        Some((text, errors)) => {
            if !errors.is_empty() {
                let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
                tracing::error!(key = msg.key(), language = %lang, ?errors, "message filled with errors");
            }
            text
        }
        None => {
            tracing::error!(key = msg.key(), "message missing from the catalogues");
            msg.key().to_string()
        }
    }
}

/// A time as people of `lang` read it (`seconds`: to the second), in the catalogue's format; a
/// format chrono cannot read (the tests forbid it) falls back to RFC 3339, never a panic.
pub fn date_time(lang: Language, at: &chrono::DateTime<chrono::Utc>, seconds: bool) -> String {
    let msg = if seconds {
        Msg::DateTimeSecondsFormat
    } else {
        Msg::DateTimeFormat
    };
    formatted(lang, msg, at).unwrap_or_else(|| at.to_rfc3339())
}

/// A time in `zone` (the desk's own), as people of `lang` read it, in the catalogue's local
/// format; falls back to [`date_time`] in UTC, never a panic.
pub fn date_time_in(
    lang: Language,
    at: &chrono::DateTime<chrono::Utc>,
    zone: chrono_tz::Tz,
) -> String {
    formatted(lang, Msg::DateTimeLocalFormat, &at.with_timezone(&zone))
        .unwrap_or_else(|| date_time(lang, at, false))
}

/// `at` in the format the catalogue's `msg` holds; `None` (logged) when chrono cannot read it.
fn formatted<Z: chrono::TimeZone>(
    lang: Language,
    msg: Msg,
    at: &chrono::DateTime<Z>,
) -> Option<String>
where
    Z::Offset: fmt::Display,
{
    let format = text(lang, msg, &[]);
    match chrono::format::StrftimeItems::new(&format).parse() {
        Ok(items) => Some(at.format_with_items(items.into_iter()).to_string()),
        Err(_) => {
            tracing::error!(key = msg.key(), language = %lang, "a date format chrono cannot read");
            None
        }
    }
}

/// A catalogue as the checks read it: each message id with the variables its text uses, sorted.
pub type Catalogue = BTreeMap<String, Vec<String>>;

/// Why a catalogue cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// The text is not valid Fluent.
    #[error("not valid Fluent: {}", .0.join("; "))]
    Syntax(Vec<String>),
    /// An id is defined twice.
    #[error("{0} is defined twice")]
    Duplicate(String),
    /// A message has no text of its own (attributes only).
    #[error("{0} has no text")]
    NoValue(String),
}

/// Reads a Fluent catalogue: every message id with its variables. Any syntax error, repeated id
/// or message without text is an error.
pub fn parse_catalogue(source: &str) -> Result<Catalogue, CatalogueError> {
    let resource = fluent_syntax::parser::parse(source).map_err(|(_, errors)| {
        CatalogueError::Syntax(
            errors
                .iter()
                .map(|e| {
                    // The line of the entry the error is in.
                    let at = e.slice.as_ref().map_or(e.pos.start, |s| s.start);
                    let line = source[..at.min(source.len())].matches('\n').count() + 1;
                    format!("line {line}: {e}")
                })
                .collect(),
        )
    })?;
    let mut catalogue = Catalogue::new();
    for entry in &resource.body {
        if let ast::Entry::Message(message) = entry {
            let id = message.id.name;
            let value = message
                .value
                .as_ref()
                .ok_or_else(|| CatalogueError::NoValue(id.to_string()))?;
            let variables = placeholders(value).into_iter().map(str::to_owned).collect();
            if catalogue.insert(id.to_string(), variables).is_some() {
                return Err(CatalogueError::Duplicate(id.to_string()));
            }
        }
    }
    Ok(catalogue)
}

/// The variables (`{ $name }`, selectors included) a message's text uses, sorted.
pub fn placeholders<'s>(pattern: &ast::Pattern<&'s str>) -> Vec<&'s str> {
    let mut names = Vec::new();
    visit_pattern(pattern, &mut |expression| {
        if let ast::InlineExpression::VariableReference { id } = expression {
            names.push(id.name);
        }
    });
    names.sort_unstable();
    names.dedup();
    names
}

/// Calls `f` on every inline expression in the pattern, nested ones and selectors included.
fn visit_pattern<'s>(
    pattern: &ast::Pattern<&'s str>,
    f: &mut dyn FnMut(&ast::InlineExpression<&'s str>),
) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            visit_expression(expression, f);
        }
    }
}

fn visit_expression<'s>(
    expression: &ast::Expression<&'s str>,
    f: &mut dyn FnMut(&ast::InlineExpression<&'s str>),
) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            visit_inline(selector, f);
            for variant in variants {
                visit_pattern(&variant.value, f);
            }
        }
        ast::Expression::Inline(inline) => visit_inline(inline, f),
    }
}

fn visit_inline<'s>(
    inline: &ast::InlineExpression<&'s str>,
    f: &mut dyn FnMut(&ast::InlineExpression<&'s str>),
) {
    f(inline);
    match inline {
        ast::InlineExpression::FunctionReference { arguments, .. }
        | ast::InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for argument in &arguments.positional {
                visit_inline(argument, f);
            }
            for argument in &arguments.named {
                visit_inline(&argument.value, f);
            }
        }
        ast::InlineExpression::Placeable { expression } => visit_expression(expression, f),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
