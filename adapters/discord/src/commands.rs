//! The commands the bot registers at start: `/ticket` with a subcommand per desk command and
//! typed options, `/kb`, `/helpdesk`, and the message command "Create ticket". The decoder
//! writes a command's options back as the desk's command text, in the order the desk reads.

use crate::rest::{self, Rest, RestError};
use crate::settings::{DiscordSettings, CREATE_TICKET_COMMAND};
use helpdesk_chat::cut;
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

/// The order the desk reads options in, whatever order Discord sends them: the ticket number
/// first, then level, specialty, grades, person, scope, and last the free text.
pub const OPTION_ORDER: [&str; 8] = [
    "ticket",
    "level",
    "specialty",
    "urgency",
    "impact",
    "person",
    "scope",
    "period",
];

/// The keys of every text the command definitions show (descriptions, and the message
/// command's name); the wiring fills each from the catalogues, under `discord_{key}`.
pub const TEXT_KEYS: &[&str] = &[
    "ticket",
    "kb",
    "helpdesk",
    "create_ticket",
    "ticket_new",
    "ticket_claim",
    "ticket_unclaim",
    "ticket_assign",
    "ticket_escalate",
    "ticket_deescalate",
    "ticket_priority",
    "ticket_pending",
    "ticket_hold",
    "ticket_resume",
    "ticket_resolve",
    "ticket_reopen",
    "ticket_close",
    "ticket_note",
    "ticket_show",
    "ticket_list",
    "ticket_help",
    "kb_search",
    "kb_show",
    "kb_add",
    "kb_edit",
    "kb_promote",
    "helpdesk_stats",
    "helpdesk_audit",
    "option_ticket",
    "option_ticket_required",
    "option_title",
    "option_person",
    "option_reason",
    "option_level",
    "option_specialty",
    "option_urgency",
    "option_impact",
    "option_resolution",
    "option_note",
    "option_scope",
    "option_query",
    "option_article",
    "option_period",
    "option_actor",
];

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

/// The texts of the command definitions, by key (see [`TEXT_KEYS`]).
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
            default: cut(&text.default, max),
            by_locale: text
                .by_locale
                .iter()
                .filter(|(_, t)| !t.trim().is_empty())
                .map(|(locale, t)| (locale.clone(), cut(t, max)))
                .collect(),
        }
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

/// Builds the options of the commands with their texts.
struct Builder<'a>(&'a CommandTexts);

impl Builder<'_> {
    /// The ticket number a subcommand acts on (optional: the thread's ticket by default).
    fn ticket(&self) -> Value {
        self.ticket_number("option_ticket", false)
    }

    fn ticket_number(&self, key: &str, required: bool) -> Value {
        self.0.describe(
            key,
            json!({ "type": kind::INTEGER, "name": "ticket", "required": required, "min_value": 1 }),
        )
    }

    fn text(&self, name: &str, key: &str, required: bool) -> Value {
        self.0.describe(
            key,
            json!({ "type": kind::STRING, "name": name, "required": required, "max_length": 4000 }),
        )
    }

    fn choice(&self, name: &str, key: &str, values: &[&str], required: bool) -> Value {
        let choices: Vec<Value> = values
            .iter()
            .map(|v| json!({ "name": v, "value": v }))
            .collect();
        self.0.describe(
            key,
            json!({ "type": kind::STRING, "name": name, "required": required, "choices": choices }),
        )
    }

    fn sub(&self, name: &str, key: &str, options: Vec<Value>) -> Value {
        self.0.describe(
            key,
            json!({ "type": kind::SUBCOMMAND, "name": name, "options": options }),
        )
    }

    /// A subcommand whose only option is the ticket it acts on.
    fn on_ticket(&self, name: &str) -> Value {
        self.sub(name, &format!("ticket_{name}"), vec![self.ticket()])
    }

    fn ticket_subcommands(&self) -> Vec<Value> {
        let grades = ["low", "medium", "high"];
        let reason = || self.text("reason", "option_reason", true);
        vec![
            self.sub(
                "new",
                "ticket_new",
                vec![self.text("title", "option_title", false)],
            ),
            self.on_ticket("claim"),
            self.on_ticket("unclaim"),
            self.sub(
                "assign",
                "ticket_assign",
                vec![
                    self.0.describe(
                        "option_person",
                        json!({ "type": kind::USER, "name": "person", "required": true }),
                    ),
                    self.ticket(),
                ],
            ),
            self.sub(
                "escalate",
                "ticket_escalate",
                vec![
                    reason(),
                    self.choice("level", "option_level", &["L2", "L3"], false),
                    self.text("specialty", "option_specialty", false),
                    self.ticket(),
                ],
            ),
            self.sub(
                "deescalate",
                "ticket_deescalate",
                vec![reason(), self.ticket()],
            ),
            self.sub(
                "priority",
                "ticket_priority",
                vec![
                    self.choice("urgency", "option_urgency", &grades, true),
                    self.choice("impact", "option_impact", &grades, true),
                    self.ticket(),
                ],
            ),
            self.on_ticket("pending"),
            self.sub("hold", "ticket_hold", vec![reason(), self.ticket()]),
            self.on_ticket("resume"),
            self.sub(
                "resolve",
                "ticket_resolve",
                vec![
                    self.text("resolution", "option_resolution", false),
                    self.ticket(),
                ],
            ),
            self.on_ticket("reopen"),
            self.on_ticket("close"),
            self.sub(
                "note",
                "ticket_note",
                vec![self.text("text", "option_note", true), self.ticket()],
            ),
            self.on_ticket("show"),
            self.sub(
                "list",
                "ticket_list",
                vec![self.choice(
                    "scope",
                    "option_scope",
                    &["mine", "queue", "level", "all"],
                    false,
                )],
            ),
            self.sub("help", "ticket_help", vec![]),
        ]
    }

    fn kb_subcommands(&self) -> Vec<Value> {
        let article = || self.text("id", "option_article", true);
        vec![
            self.sub(
                "search",
                "kb_search",
                vec![self.text("query", "option_query", true)],
            ),
            self.sub("show", "kb_show", vec![article()]),
            self.sub("add", "kb_add", vec![]),
            self.sub("edit", "kb_edit", vec![article()]),
            self.sub(
                "promote",
                "kb_promote",
                vec![self.ticket_number("option_ticket_required", true)],
            ),
        ]
    }

    fn helpdesk_subcommands(&self) -> Vec<Value> {
        vec![
            self.sub(
                "stats",
                "helpdesk_stats",
                vec![self.text("period", "option_period", false)],
            ),
            self.sub(
                "audit",
                "helpdesk_audit",
                vec![
                    self.ticket_number("option_ticket", false),
                    self.0.describe(
                        "option_actor",
                        json!({ "type": kind::USER, "name": "person", "required": false }),
                    ),
                    self.text("period", "option_period", false),
                ],
            ),
        ]
    }
}

/// Every command, under the names configured for Discord.
pub fn definitions(settings: &DiscordSettings) -> Vec<Value> {
    let texts = &settings.command_texts;
    let build = Builder(texts);
    let mut all = Vec::new();
    for (discord, desk) in &settings.commands {
        let options = match desk.as_str() {
            "ticket" => build.ticket_subcommands(),
            "kb" => build.kb_subcommands(),
            "helpdesk" => build.helpdesk_subcommands(),
            _ => continue,
        };
        let command = json!({ "type": 1, "name": discord, "options": options });
        all.push(texts.describe(desk, command));
    }
    // A message command: right-click a message → Apps → Create ticket. Discord sends the
    // default name back whatever the person's language, so only the shown name is translated.
    let mut create = json!({ "type": 3, "name": CREATE_TICKET_COMMAND });
    let names = texts.get("create_ticket", NAME_MAX).by_locale;
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

    #[test]
    fn a_missing_text_shows_its_key_and_a_long_one_is_cut() {
        let mut settings = DiscordSettings::new("down");
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
