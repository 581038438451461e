//! The commands the bot registers at start: `/ticket` with a subcommand per desk command and
//! typed options, `/kb`, `/helpdesk`, and the message command "Create ticket". The decoder
//! writes a command's options back as the desk's command text, in the order the desk reads.

use crate::rest::{self, Rest, RestError};
use crate::settings::{DiscordSettings, CREATE_TICKET_COMMAND};
use serde_json::{json, Value};
use serenity::http::{LightMethod, Route};

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

fn ticket() -> Value {
    json!({ "type": kind::INTEGER, "name": "ticket", "description": "Ticket number (default: this thread's ticket)", "min_value": 1 })
}

fn text(name: &str, description: &str, required: bool) -> Value {
    json!({ "type": kind::STRING, "name": name, "description": description, "required": required, "max_length": 4000 })
}

fn choice(name: &str, description: &str, values: &[&str], required: bool) -> Value {
    let choices: Vec<Value> = values
        .iter()
        .map(|v| json!({ "name": v, "value": v }))
        .collect();
    json!({ "type": kind::STRING, "name": name, "description": description, "required": required, "choices": choices })
}

fn sub(name: &str, description: &str, options: Vec<Value>) -> Value {
    json!({ "type": kind::SUBCOMMAND, "name": name, "description": description, "options": options })
}

fn ticket_subcommands() -> Vec<Value> {
    let grades = ["low", "medium", "high"];
    vec![
        sub(
            "new",
            "Open a ticket (no title: a form)",
            vec![text("title", "What is wrong", false)],
        ),
        sub("claim", "Take the ticket", vec![ticket()]),
        sub("unclaim", "Back to the queue", vec![ticket()]),
        sub(
            "assign",
            "Give the ticket to someone",
            vec![
                json!({ "type": kind::USER, "name": "person", "description": "Who takes it", "required": true }),
                ticket(),
            ],
        ),
        sub(
            "escalate",
            "To the next level",
            vec![
                text("reason", "Why", true),
                choice("level", "Which level", &["L2", "L3"], false),
                text("specialty", "L3 specialty", false),
                ticket(),
            ],
        ),
        sub(
            "deescalate",
            "Back to the level below",
            vec![text("reason", "Why", true), ticket()],
        ),
        sub(
            "priority",
            "Set urgency and impact",
            vec![
                choice("urgency", "How urgent", &grades, true),
                choice("impact", "How many are affected", &grades, true),
                ticket(),
            ],
        ),
        sub("pending", "Wait on the requester", vec![ticket()]),
        sub(
            "hold",
            "Wait on a supplier",
            vec![text("reason", "Why", true), ticket()],
        ),
        sub("resume", "Back to work", vec![ticket()]),
        sub(
            "resolve",
            "Ask the requester to confirm the fix",
            vec![text("resolution", "The fix", false), ticket()],
        ),
        sub("reopen", "Open again", vec![ticket()]),
        sub("close", "Close for good", vec![ticket()]),
        sub(
            "note",
            "Internal note, never shown to the requester",
            vec![text("text", "The note", true), ticket()],
        ),
        sub("show", "The ticket and its latest log", vec![ticket()]),
        sub(
            "list",
            "List tickets",
            vec![choice(
                "scope",
                "Which",
                &["mine", "queue", "level", "all"],
                false,
            )],
        ),
        sub("help", "What the desk can do", vec![]),
    ]
}

fn kb_subcommands() -> Vec<Value> {
    vec![
        sub(
            "search",
            "Search the knowledge base",
            vec![text("query", "What to look for", true)],
        ),
        sub(
            "show",
            "Show an article",
            vec![text("id", "Article id", true)],
        ),
        sub("add", "Write an article (agents)", vec![]),
        sub(
            "edit",
            "Edit an article (agents)",
            vec![text("id", "Article id", true)],
        ),
        sub(
            "promote",
            "Draft an article from a resolved ticket (agents)",
            vec![
                json!({ "type": kind::INTEGER, "name": "ticket", "description": "Ticket number", "required": true, "min_value": 1 }),
            ],
        ),
    ]
}

fn helpdesk_subcommands() -> Vec<Value> {
    vec![sub(
        "stats",
        "Numbers for a period (managers)",
        vec![text("period", "7d, 30d…", false)],
    )]
}

/// Every command, under the names configured for Discord.
pub fn definitions(settings: &DiscordSettings) -> Vec<Value> {
    let mut all = Vec::new();
    for (discord, desk) in &settings.commands {
        let (description, options) = match desk.as_str() {
            "ticket" => ("Help desk tickets", ticket_subcommands()),
            "kb" => ("The knowledge base", kb_subcommands()),
            "helpdesk" => ("Help desk reports", helpdesk_subcommands()),
            _ => continue,
        };
        all.push(
            json!({ "type": 1, "name": discord, "description": description, "options": options }),
        );
    }
    // A message command: right-click a message → Apps → Create ticket.
    all.push(json!({ "type": 3, "name": CREATE_TICKET_COMMAND }));
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
