//! The commands registered: every command, subcommand and option shows its name and its
//! description in Polish as in Italian, and a translation Discord would refuse is left out
//! rather than failing the whole list.

use helpdesk_chat::{CommandSpec, CommandTable, OptionKind, OptionSpec};
use helpdesk_discord::commands::{self, CommandTexts, Localized};
use helpdesk_discord::decode::Locale;
use helpdesk_discord::settings::CREATE_TICKET_COMMAND;
use helpdesk_discord::DiscordSettings;
use serde_json::Value;

/// A table shaped like the desk's: a command with subcommands and typed options, and one
/// with options of its own.
fn table() -> CommandTable {
    let ticket = || OptionSpec::new("ticket", OptionKind::Ticket, "command_option_ticket");
    CommandTable {
        commands: vec![
            CommandSpec::new("ticket", "command_ticket")
                .subcommand(
                    CommandSpec::new("new", "command_ticket_new").option(OptionSpec::new(
                        "title",
                        OptionKind::Text,
                        "command_option_title",
                    )),
                )
                .subcommand(CommandSpec::new("claim", "command_ticket_claim").option(ticket()))
                .subcommand(CommandSpec::new("list", "command_ticket_list").option(
                    OptionSpec::new(
                        "scope",
                        OptionKind::Choice(vec!["mine".into(), "all".into()]),
                        "command_option_scope",
                    ),
                )),
            CommandSpec::new("kb", "command_kb").option(OptionSpec::new(
                "query",
                OptionKind::Text,
                "command_option_query",
            )),
        ],
    }
}

/// Every text in English, Italian and Polish, as the wiring fills them from the catalogues
/// (names under [`commands::name_key`] of their description's key).
fn texts(table: &CommandTable) -> CommandTexts {
    let mut texts = CommandTexts::default();
    let localized = |en: &str, it: &str, pl: &str| Localized {
        default: en.to_string(),
        by_locale: [
            (
                Locale::It.discord_code().unwrap().to_string(),
                it.to_string(),
            ),
            (
                Locale::Pl.discord_code().unwrap().to_string(),
                pl.to_string(),
            ),
        ]
        .into(),
    };
    for key in commands::text_keys(table) {
        texts.insert(
            &key,
            localized(&key, &format!("it {key}"), &format!("pl {key}")),
        );
    }
    let polish = [
        ("command_ticket", "zgłoszenie"),
        ("command_ticket_new", "nowe"),
        ("command_ticket_claim", "przejmij"),
        ("command_ticket_list", "lista"),
        ("command_kb", "wiedza"),
        ("command_option_ticket", "numer"),
        ("command_option_title", "Tytuł"),
        ("command_option_scope", "zakres"),
        ("command_option_query", "szukaj"),
    ];
    for (summary, pl) in polish {
        let it = format!(
            "it-{}",
            summary.trim_start_matches("command_").replace('_', "-")
        );
        texts.insert(&commands::name_key(summary), localized("", &it, pl));
    }
    texts
}

/// Every item that has a description (commands, subcommands, options), however deep.
fn items(all: &[Value]) -> Vec<&Value> {
    fn walk<'a>(item: &'a Value, out: &mut Vec<&'a Value>) {
        if item.get("description").is_some() {
            out.push(item);
        }
        for o in item["options"].as_array().into_iter().flatten() {
            walk(o, out);
        }
    }
    let mut out = Vec::new();
    all.iter().for_each(|c| walk(c, &mut out));
    out
}

#[test]
fn every_command_subcommand_and_option_is_named_and_described_in_polish_as_in_italian() {
    let mut settings = DiscordSettings::new("down");
    settings.command_table = table();
    settings.command_texts = texts(&settings.command_table);
    let all = commands::definitions(&settings);
    let items = items(&all);
    assert_eq!(
        items.len(),
        9,
        "2 commands, 3 subcommands, 4 options: {items:?}"
    );
    for item in items {
        for locale in ["it", "pl"] {
            assert!(
                item["description_localizations"][locale].is_string(),
                "{locale} description of {item}"
            );
            assert!(
                item["name_localizations"][locale].is_string(),
                "{locale} name of {item}"
            );
        }
    }
    let ticket = all.iter().find(|c| c["name"] == "ticket").unwrap();
    assert_eq!(ticket["name_localizations"]["pl"], "zgłoszenie");
    assert_eq!(
        ticket["description_localizations"]["pl"],
        "pl command_ticket"
    );
    let new = &ticket["options"][0];
    assert_eq!(
        new["name"], "new",
        "the default name is what Discord sends back"
    );
    assert_eq!(new["name_localizations"]["pl"], "nowe");
    // Written as Discord takes a name: lower case.
    assert_eq!(new["options"][0]["name_localizations"]["pl"], "tytuł");
    let create = all
        .iter()
        .find(|c| c["name"] == CREATE_TICKET_COMMAND)
        .unwrap();
    assert_eq!(create["type"], 3);
}

#[test]
fn a_translated_name_discord_would_refuse_is_left_out() {
    let mut settings = DiscordSettings::new("down");
    settings.command_table = table();
    let mut texts = texts(&settings.command_table);
    let named = |pl: &str| Localized {
        default: String::new(),
        by_locale: [("pl".to_string(), pl.to_string())].into(),
    };
    // Punctuation, too long, and the same Polish name as a sibling subcommand.
    texts.insert(&commands::name_key("command_ticket_new"), named("nowe!"));
    texts.insert(&commands::name_key("command_kb"), named(&"w".repeat(33)));
    texts.insert(&commands::name_key("command_ticket_claim"), named("lista"));
    // A locale Discord does not know: its texts would make Discord refuse them all.
    texts.insert(
        "command_ticket_list",
        Localized {
            default: "List tickets".into(),
            by_locale: [("pl-PL".to_string(), "Lista".to_string())].into(),
        },
    );
    settings.command_texts = texts;
    let all = commands::definitions(&settings);
    let ticket = all.iter().find(|c| c["name"] == "ticket").unwrap();
    let subs = ticket["options"].as_array().unwrap();
    assert!(subs[0].get("name_localizations").is_none(), "{}", subs[0]);
    let kb = all.iter().find(|c| c["name"] == "kb").unwrap();
    assert!(kb.get("name_localizations").is_none(), "{kb}");
    let names: Vec<&Value> = subs
        .iter()
        .map(|s| &s["name_localizations"]["pl"])
        .collect();
    assert_eq!(
        names.iter().filter(|n| **n == "lista").count(),
        1,
        "one subcommand per name: {names:?}"
    );
    assert!(
        subs[2].get("description_localizations").is_none(),
        "{}",
        subs[2]
    );
}

#[test]
fn the_name_keys_name_every_item_of_the_table() {
    let keys = commands::name_keys(&table());
    assert_eq!(keys.len(), 9, "{keys:?}");
    assert!(keys.contains(&"command_option_ticket_name".to_string()));
}
