//! The commands the bot registers at start, derived from the desk's command table: `/ticket`,
//! `/kb` and `/helpdesk` with a subcommand per desk command and typed options, and the message
//! command "Create ticket". The decoder passes the options back typed.

use crate::rest::{self, Rest, RestError};
use crate::settings::{DiscordSettings, CREATE_TICKET_COMMAND};
use helpdesk_chat::{truncate_chars, CommandSpec, CommandTable, OptionKind, OptionSpec};
use serde_json::{json, Value};
use serenity::http::{LightMethod, Route};
use std::collections::BTreeMap;

/// Option types.
mod kind {
    pub const SUBCOMMAND: u8 = 1;
    pub const STRING: u8 = 3;
    pub const INTEGER: u8 = 4;
    pub const USER: u8 = 6;
}

/// The catalogue key of the message command's translated name.
pub const CREATE_TICKET_TEXT: &str = "discord_create_ticket";

/// The catalogue keys of every text the command definitions show (the table's descriptions,
/// and the message command's name); the wiring fills each from the catalogues.
pub fn text_keys(table: &CommandTable) -> Vec<String> {
    let mut keys: Vec<String> = table.text_keys().into_iter().map(str::to_string).collect();
    keys.push(CREATE_TICKET_TEXT.to_string());
    keys
}

/// The catalogue key of the name shown for a command, subcommand or option whose description
/// has the key `summary`: `command_ticket_new` → `command_ticket_new_name`. Discord sends the
/// default name back whatever the person's language, so a translated name is shown only.
pub fn name_key(summary: &str) -> String {
    format!("{summary}_name")
}

/// The catalogue keys of the translated names of every command, subcommand and option of
/// the table (see [`name_key`]). A name with no text in a language shows as its default.
pub fn name_keys(table: &CommandTable) -> Vec<String> {
    fn walk(spec: &CommandSpec, keys: &mut Vec<String>) {
        keys.push(name_key(&spec.summary));
        keys.extend(spec.options.iter().map(|o| name_key(&o.summary)));
        spec.subcommands.iter().for_each(|sub| walk(sub, keys));
    }
    let mut keys = Vec::new();
    table.commands.iter().for_each(|c| walk(c, &mut keys));
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Discord's limits: descriptions up to 100 characters, command names up to 32.
const DESCRIPTION_MAX: usize = 100;
const NAME_MAX: usize = 32;

/// A text in the default language, with its translations by Discord locale (`it`, `pl`…).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Localized {
    /// Shown where no translation fits the person's locale.
    pub default: String,
    /// Discord locale → the text in that language.
    pub by_locale: BTreeMap<String, String>,
}

/// The texts of the command definitions, by catalogue key (see [`text_keys`]).
#[derive(Debug, Clone, Default)]
pub struct CommandTexts(BTreeMap<String, Localized>);

impl CommandTexts {
    /// Sets the text of `key`.
    pub fn insert(&mut self, key: &str, text: Localized) {
        self.0.insert(key.to_string(), text);
    }

    /// The text of `key`, cut to `max` characters; a key never filled in shows as itself,
    /// never as an empty text (Discord would refuse the whole list).
    fn get(&self, key: &str, max: usize) -> Localized {
        let found = self.0.get(key).filter(|t| !t.default.trim().is_empty());
        let Some(text) = found else {
            tracing::warn!(key, "discord: no text for a command description");
            return Localized {
                default: key.replace('_', " "),
                by_locale: BTreeMap::new(),
            };
        };
        Localized {
            default: truncate_chars(&text.default, max),
            by_locale: text
                .by_locale
                .iter()
                .filter(|(_, t)| !t.trim().is_empty())
                .filter(|(locale, _)| known_locale(locale))
                .map(|(locale, t)| (locale.clone(), truncate_chars(t, max)))
                .collect(),
        }
    }

    /// The translated names of the item whose description has the key `summary`, each as
    /// Discord takes a command name (lower case, no spaces, at most 32 letters, digits, `-`
    /// or `_`); one it cannot take is left out, so the default shows there.
    fn names(&self, summary: &str) -> BTreeMap<String, String> {
        let Some(text) = self.0.get(&name_key(summary)) else {
            return BTreeMap::new();
        };
        text.by_locale
            .iter()
            .filter(|(locale, _)| known_locale(locale))
            .filter_map(|(locale, name)| match command_name(name) {
                Some(name) => Some((locale.clone(), name)),
                None => {
                    tracing::warn!(locale, name, "discord: a command name Discord cannot take");
                    None
                }
            })
            .collect()
    }

    /// `name_localizations` of the item described by `summary`, added to `item`.
    fn name(&self, summary: &str, mut item: Value) -> Value {
        let names = self.names(summary);
        if !names.is_empty() {
            item["name_localizations"] = json!(names);
        }
        item
    }

    /// `description` and `description_localizations` of `key`, added to `item`.
    fn describe(&self, key: &str, mut item: Value) -> Value {
        let text = self.get(key, DESCRIPTION_MAX);
        item["description"] = json!(text.default);
        if !text.by_locale.is_empty() {
            item["description_localizations"] = json!(text.by_locale);
        }
        item
    }
}

/// Discord's locales (a localization under any other key makes Discord refuse the whole list).
pub const DISCORD_LOCALES: [&str; 32] = [
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
    "zh-CN", "ja", "zh-TW", "ko",
];

fn known_locale(locale: &str) -> bool {
    let known = DISCORD_LOCALES.contains(&locale);
    if !known {
        tracing::warn!(
            locale,
            "discord: not a Discord locale; its texts are left out"
        );
    }
    known
}

/// `name` as Discord takes a command, subcommand or option name, if it can.
fn command_name(name: &str) -> Option<String> {
    let name: String = name
        .trim()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-");
    let fits = (1..=NAME_MAX).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    fits.then_some(name)
}

/// Leaves out a translated name that a sibling already has in that language, or that is a
/// sibling's default name: Discord wants the names of one level distinct in every language.
fn distinct_names(items: &mut [Value]) {
    let defaults: Vec<String> = items
        .iter()
        .filter_map(|i| i["name"].as_str().map(str::to_string))
        .collect();
    let mut taken: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in items.iter_mut() {
        let own = item["name"].as_str().unwrap_or_default().to_string();
        let Some(names) = item
            .get_mut("name_localizations")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        names.retain(|locale, name| {
            let name = name.as_str().unwrap_or_default().to_string();
            let used = taken.entry(locale.clone()).or_default();
            let clash = used.contains(&name) || (name != own && defaults.contains(&name));
            if clash {
                tracing::warn!(locale, name, "discord: two commands would share a name");
            } else {
                used.push(name);
            }
            !clash
        });
        if names.is_empty() {
            if let Some(item) = item.as_object_mut() {
                item.remove("name_localizations");
            }
        }
    }
}

/// Builds the commands of the table with their texts.
struct Builder<'a>(&'a CommandTexts);

impl Builder<'_> {
    /// One option, typed as Discord shows it.
    fn option(&self, o: &OptionSpec) -> Value {
        let mut item = json!({ "name": o.name, "required": o.required });
        match &o.kind {
            OptionKind::Ticket => {
                item["type"] = json!(kind::INTEGER);
                item["min_value"] = json!(1);
            }
            OptionKind::User => item["type"] = json!(kind::USER),
            OptionKind::Choice(values) => {
                item["type"] = json!(kind::STRING);
                let choices: Vec<Value> = values
                    .iter()
                    .map(|v| json!({ "name": v, "value": v }))
                    .collect();
                item["choices"] = json!(choices);
            }
            OptionKind::Word | OptionKind::Text => {
                item["type"] = json!(kind::STRING);
                item["max_length"] = json!(4000);
            }
        }
        let item = self.0.name(&o.summary, item);
        self.0.describe(&o.summary, item)
    }

    /// A command's options: its subcommands when it has any, else its own options.
    fn options(&self, spec: &CommandSpec) -> Vec<Value> {
        let mut items: Vec<Value> = if spec.subcommands.is_empty() {
            spec.options.iter().map(|o| self.option(o)).collect()
        } else {
            spec.subcommands
                .iter()
                .map(|sub| {
                    let item = json!({
                        "type": kind::SUBCOMMAND,
                        "name": sub.name,
                        "options": self.options(sub),
                    });
                    let item = self.0.name(&sub.summary, item);
                    self.0.describe(&sub.summary, item)
                })
                .collect()
        };
        distinct_names(&mut items);
        items
    }
}

/// Every command, under the names configured for Discord.
pub fn definitions(settings: &DiscordSettings) -> Vec<Value> {
    let texts = &settings.command_texts;
    let build = Builder(texts);
    let mut all = Vec::new();
    for (discord, desk) in &settings.commands {
        let Some(spec) = settings.command_table.command(desk) else {
            continue;
        };
        let command = json!({ "type": 1, "name": discord, "options": build.options(spec) });
        let command = texts.name(&spec.summary, command);
        all.push(texts.describe(&spec.summary, command));
    }
    distinct_names(&mut all);
    // A message command: right-click a message → Apps → Create ticket. Discord sends the
    // default name back whatever the person's language, so only the shown name is translated.
    let mut create = json!({ "type": 3, "name": CREATE_TICKET_COMMAND });
    let names = texts.get(CREATE_TICKET_TEXT, NAME_MAX).by_locale;
    if !names.is_empty() {
        create["name_localizations"] = json!(names);
    }
    all.push(create);
    all
}

/// Registers the commands (replacing what was there): per guild when guilds are listed (they
/// appear at once), else globally.
pub async fn register(
    rest: &Rest,
    settings: &DiscordSettings,
    application_id: &str,
) -> Result<(), RestError> {
    let application_id = rest::application(application_id)?;
    let body = Value::Array(definitions(settings));
    if settings.command_guilds.is_empty() {
        let route = Route::Commands { application_id };
        rest.call(LightMethod::Put, route, Some(&body)).await?;
    }
    for guild in &settings.command_guilds {
        let route = Route::GuildCommands {
            application_id,
            guild_id: rest::guild(guild)?,
        };
        rest.call(LightMethod::Put, route, Some(&body)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn descriptions(commands: &[Value]) -> Vec<(String, Option<String>)> {
        fn walk(item: &Value, out: &mut Vec<(String, Option<String>)>) {
            if let Some(d) = item["description"].as_str() {
                let it = item["description_localizations"]["it"].as_str();
                out.push((d.to_string(), it.map(str::to_string)));
            }
            for o in item["options"].as_array().into_iter().flatten() {
                walk(o, out);
            }
        }
        let mut out = Vec::new();
        commands.iter().for_each(|c| walk(c, &mut out));
        out
    }

    fn table() -> CommandTable {
        let ticket = || OptionSpec::new("ticket", OptionKind::Ticket, "option_ticket");
        CommandTable {
            commands: vec![CommandSpec::new("ticket", "ticket")
                .subcommand(
                    CommandSpec::new("new", "ticket_new").option(OptionSpec::new(
                        "title",
                        OptionKind::Text,
                        "option_title",
                    )),
                )
                .subcommand(CommandSpec::new("claim", "ticket_claim").option(ticket()))
                .subcommand(
                    CommandSpec::new("list", "ticket_list").option(
                        OptionSpec::new(
                            "scope",
                            OptionKind::Choice(vec!["mine".into(), "all".into()]),
                            "option_scope",
                        )
                        .required(),
                    ),
                )],
        }
    }

    #[test]
    fn the_table_becomes_typed_subcommands() {
        let mut settings = DiscordSettings::new("down");
        settings.command_table = table();
        let all = definitions(&settings);
        let ticket = all.iter().find(|c| c["name"] == "ticket").unwrap();
        assert_eq!(ticket["type"], 1);
        let subs = ticket["options"].as_array().unwrap();
        assert_eq!(subs[1]["options"][0]["type"], kind::INTEGER);
        assert_eq!(subs[1]["options"][0]["min_value"], 1);
        assert_eq!(subs[0]["options"][0]["max_length"], 4000);
        let scope = &subs[2]["options"][0];
        assert_eq!(
            (scope["required"].as_bool(), scope["type"].as_u64()),
            (Some(true), Some(3))
        );
        assert_eq!(
            scope["choices"][1],
            json!({ "name": "all", "value": "all" })
        );
        assert!(
            all.iter().all(|c| c["name"] != "kb"),
            "a command the table lacks is not registered"
        );
        assert!(all.iter().any(|c| c["name"] == CREATE_TICKET_COMMAND));
        assert!(text_keys(&settings.command_table).contains(&"option_scope".to_string()));
    }

    #[test]
    fn a_missing_text_shows_its_key_and_a_long_one_is_cut() {
        let mut settings = DiscordSettings::new("down");
        settings.command_table = table();
        let long = "x".repeat(300);
        settings.command_texts.insert(
            "ticket_new",
            Localized {
                default: long.clone(),
                by_locale: [("it".to_string(), long)].into(),
            },
        );
        let all = descriptions(&definitions(&settings));
        assert!(all.iter().any(|(d, _)| d == "ticket claim"));
        let new = all.iter().find(|(d, _)| d.starts_with('x')).unwrap();
        assert_eq!(new.0.chars().count(), DESCRIPTION_MAX);
        assert_eq!(new.1.as_ref().unwrap().chars().count(), DESCRIPTION_MAX);
        assert!(all.iter().all(|(d, _)| !d.is_empty()));
    }
}
