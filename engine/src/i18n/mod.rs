//! Every sentence the desk writes to people, one catalogue per language (`en.toml`, `it.toml`,
//! `pl.toml`).
//! Code names a message by [`Msg`]; a test checks that each catalogue has every message with
//! the same placeholders.

mod describe;
mod messages;

pub use describe::{describe, status_name};
pub use messages::Msg;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
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

    /// The catalogue's source text.
    pub fn catalogue_source(self) -> &'static str {
        match self {
            Language::En => include_str!("en.toml"),
            Language::It => include_str!("it.toml"),
            Language::Pl => include_str!("pl.toml"),
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

type Catalogue = HashMap<String, String>;

static CATALOGUES: LazyLock<HashMap<Language, Catalogue>> = LazyLock::new(|| {
    Language::ALL
        .into_iter()
        .map(|lang| {
            (
                lang,
                parse_catalogue(lang.catalogue_source()).unwrap_or_default(),
            )
        })
        .collect()
});

/// Reads a catalogue: a flat TOML table of message key → text.
pub fn parse_catalogue(source: &str) -> Result<Catalogue, toml::de::Error> {
    toml::from_str(source)
}

/// The placeholders (`{name}`) a text uses, sorted.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The message in `lang` with each `{name}` replaced by its value. A message missing from a
/// catalogue (the tests forbid it) falls back to English, then to its key: never a panic.
pub fn text(lang: Language, msg: Msg, args: &[(&str, &(dyn fmt::Display + Sync))]) -> String {
    let template = CATALOGUES
        .get(&lang)
        .and_then(|c| c.get(msg.key()))
        .or_else(|| CATALOGUES.get(&Language::En).and_then(|c| c.get(msg.key())));
    let Some(template) = template else {
        tracing::error!(key = msg.key(), language = %lang, "message missing from the catalogues");
        return msg.key().to_string();
    };
    // One pass: a value that itself contains `{name}` (user text) is never filled in again.
    let mut out = String::with_capacity(template.len());
    let mut rest = template.as_str();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let filled = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, value) = args.iter().find(|(n, _)| *n == name)?;
            Some((value.to_string(), close))
        });
        match filled {
            Some((value, close)) => {
                out.push_str(&value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A time as people of `lang` read it (`seconds`: to the second), in the catalogue's format; a
/// format chrono cannot read (the tests forbid it) falls back to RFC 3339, never a panic.
pub fn date_time(lang: Language, at: &chrono::DateTime<chrono::Utc>, seconds: bool) -> String {
    let msg = if seconds {
        Msg::DateTimeSecondsFormat
    } else {
        Msg::DateTimeFormat
    };
    let format = text(lang, msg, &[]);
    match chrono::format::StrftimeItems::new(&format).parse() {
        Ok(items) => at.format_with_items(items.into_iter()).to_string(),
        Err(_) => {
            tracing::error!(key = msg.key(), language = %lang, "a date format chrono cannot read");
            at.to_rfc3339()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_date_format_is_read_by_chrono() {
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        for lang in Language::ALL {
            for msg in [Msg::DateTimeFormat, Msg::DateTimeSecondsFormat] {
                let format = text(lang, msg, &[]);
                assert!(
                    chrono::format::StrftimeItems::new(&format).parse().is_ok(),
                    "{lang}: {}",
                    msg.key()
                );
            }
            assert!(date_time(lang, &at, true).contains("2027"));
        }
        assert_eq!(date_time(Language::En, &at, false), "2027-01-15 08:00 UTC");
    }

    #[test]
    fn every_language_has_every_message_with_the_same_placeholders() {
        let english = parse_catalogue(Language::En.catalogue_source()).expect("en.toml parses");
        for lang in Language::ALL {
            let catalogue = parse_catalogue(lang.catalogue_source())
                .unwrap_or_else(|e| panic!("{lang}.toml does not parse: {e}"));
            for msg in Msg::ALL {
                let text = catalogue
                    .get(msg.key())
                    .unwrap_or_else(|| panic!("{lang}.toml lacks {}", msg.key()));
                assert!(
                    !text.trim().is_empty(),
                    "{lang}.toml: {} is empty",
                    msg.key()
                );
                assert_eq!(
                    placeholders(text),
                    placeholders(&english[msg.key()]),
                    "{lang}.toml: {} has other placeholders than English",
                    msg.key()
                );
            }
            for key in catalogue.keys() {
                assert!(
                    Msg::ALL.iter().any(|m| m.key() == key),
                    "{lang}.toml has {key}, which no code uses"
                );
            }
        }
    }

    #[test]
    fn placeholders_are_filled_and_languages_differ() {
        let opened: Vec<String> = Language::ALL
            .into_iter()
            .map(|lang| text(lang, Msg::RequesterOpened, &[("number", &"#7")]))
            .collect();
        for (i, one) in opened.iter().enumerate() {
            assert!(one.contains("#7") && !one.contains("{number}"), "{one}");
            assert!(
                !opened[..i].contains(one),
                "{} repeats another language",
                Language::ALL[i]
            );
        }
        assert!(opened[2].starts_with("Zgłoszenie #7"), "{}", opened[2]);
        let tricky = text(
            Language::En,
            Msg::AgentsNote,
            &[("name", &"{text}"), ("text", &"a {name} b")],
        );
        assert!(
            tricky.contains("{text}") && tricky.contains("a {name} b"),
            "{tricky}"
        );
    }
}
