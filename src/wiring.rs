//! Which chat platforms `helpdesk run` plugs in, from the configuration. The only place that
//! knows the platform crates.

use crate::platforms::Settings;
use helpdesk::app::{Connect, Plug, Plugged};
use helpdesk::config::Config;
use helpdesk::i18n::{self, Language, Msg};
use helpdesk_chat::{EventSink, Platform, TenantText};
use helpdesk_discord::channels::Channels;
use helpdesk_discord::commands::{CommandTexts, Localized};
use helpdesk_discord::gateway::{Gateway, Shards};
use helpdesk_discord::http::router as discord_router;
use helpdesk_discord::members::Members;
use helpdesk_discord::rest::Rest;
use helpdesk_discord::signature::PublicKey;
use helpdesk_discord::{commands, DiscordPlatform, DiscordSettings, Interactions};
use helpdesk_slack::directory::Directory;
use helpdesk_slack::http::{router, system_now};
use helpdesk_slack::inbound::Inbound;
use helpdesk_slack::socket::SocketMode;
use helpdesk_slack::web::{self, Web};
use helpdesk_slack::{SlackPlatform, SlackSettings};
use std::sync::Arc;

/// The web desk, when `[web]` has it on: its pages on `http.listen`, its accounts and the
/// desk's messages to it in the store, its forms handed to the desk as chat events. While no
/// admin account exists it logs the one-time setup link.
pub fn sites(settings: &Settings) -> Vec<helpdesk::app::Site> {
    let config = settings.platforms.web.clone();
    let listen = settings.engine.http.listen;
    if !config.serves(listen) {
        if config.enabled.is_none() {
            tracing::info!(%listen, "web desk off: http.listen is not a loopback address; \
                set web.enabled = true to serve it there");
        }
        return Vec::new();
    }
    let build: helpdesk::app::BuildSite = Box::new(
        move |store: helpdesk::store::Store, sink: Arc<dyn EventSink>| {
            Box::pin(async move {
                let accounts = Arc::new(helpdesk::web::StoreAccounts(store));
                let catalogue = Arc::new(helpdesk::web::Catalogues::default());
                let web = helpdesk_web::Web::new(accounts.clone(), catalogue, &config);
                web.serve_portal(accounts.clone(), sink);
                match web.arm_setup(listen).await.map_err(|e| e.to_string())? {
                    // The link once, in the message: it is a secret until used.
                    Some(link) => tracing::warn!(
                        "web desk: no administrator account yet. Open the setup link to create one (it works \
                         once, until the next restart): {link}"
                    ),
                    None => tracing::info!(%listen, "web desk: sign-in served"),
                }
                let platform = Arc::new(helpdesk_web::WebPlatform::new(accounts, web.clock()));
                Ok(helpdesk::app::Served {
                    routes: helpdesk_web::router(web),
                    platform,
                })
            })
        },
    );
    vec![helpdesk::app::Site {
        platform: helpdesk_web::PLATFORM,
        limits: helpdesk_web::LIMITS,
        tenant: helpdesk::web::web_tenant(helpdesk::i18n::Language::En),
        build,
    }]
}

/// The plugs for every configured platform; with none, says how to turn one on.
pub fn plugs(settings: &Settings) -> Vec<Plug> {
    let mut plugs = Vec::new();
    if settings.platforms.slack.enabled() {
        plugs.push(slack(settings));
    }
    if settings.platforms.discord.enabled() {
        plugs.push(discord(settings));
    }
    if plugs.is_empty() && settings.platforms.web.serves(settings.engine.http.listen) {
        tracing::info!(
            "no chat platform is configured: the web desk is the way in. To add one see \
             README.md, section Configuration."
        );
    } else if plugs.is_empty() {
        let ways: Vec<String> = settings
            .platforms
            .checks()
            .iter()
            .map(|c| format!("{} for {}", c.enabled_by, c.name))
            .collect();
        tracing::warn!(
            "no chat platform is configured: the engine runs, but nobody can reach it. \
             To add one set {}. See README.md, section Configuration.",
            ways.join(", or ")
        );
    }
    plugs
}

/// A catalogue message in English, and in the language of each tenant of `platform`.
fn tenant_text(config: &Config, platform: Platform, msg: Msg) -> TenantText {
    let per_tenant = config
        .tenants
        .iter()
        .filter(|t| t.platform == platform)
        .map(|t| (t.id.clone(), i18n::text(t.language, msg, &[])))
        .collect();
    TenantText {
        default: i18n::text(Language::En, msg, &[]),
        per_tenant,
    }
}

/// Discord's locale for a language: English is the default every locale falls back to.
fn discord_locale(language: Language) -> Option<&'static str> {
    match language {
        Language::En => None,
        Language::It => Some("it"),
        Language::Pl => Some("pl"),
    }
}

/// The command picker's texts from the catalogues, in every language: the descriptions and
/// the translated names of the commands, subcommands and options.
fn discord_command_texts() -> CommandTexts {
    let mut texts = CommandTexts::default();
    let table = helpdesk::desk::command_table();
    let keys = commands::text_keys(table)
        .into_iter()
        .chain(commands::name_keys(table));
    for key in keys {
        let Some(msg) = Msg::from_key(&key) else {
            continue;
        };
        let by_locale = Language::ALL
            .into_iter()
            .filter_map(|lang| {
                Some((
                    discord_locale(lang)?.to_string(),
                    i18n::text(lang, msg, &[]),
                ))
            })
            .collect();
        let default = i18n::text(Language::En, msg, &[]);
        texts.insert(&key, Localized { default, by_locale });
    }
    texts
}

/// The adapter's settings from `[discord]`, with what it says alone from the catalogues and
/// the desk's commands.
fn discord_settings(all: &Settings) -> DiscordSettings {
    let text = |msg| tenant_text(&all.engine, helpdesk_discord::PLATFORM, msg);
    DiscordSettings {
        received_text: text(Msg::InteractionReceived),
        unserved_text: text(Msg::DeskNotSetUp),
        not_member_text: text(Msg::DmNotMember),
        unhandled_text: text(Msg::DiscordCommandsHandled),
        command_texts: discord_command_texts(),
        ..DiscordSettings::from_config(&all.platforms.discord, text(Msg::DeskUnavailable))
    }
    .with_commands(helpdesk::desk::command_table().clone())
}

fn discord(all: &Settings) -> Plug {
    let settings = Arc::new(discord_settings(all));
    let config = &all.platforms.discord;
    let shards = Shards {
        first: config.shard_ids.0,
        last: config.shard_ids.1,
        total: config.shards,
    };
    let connect: Connect = Box::new(move |sink: Arc<dyn EventSink>| {
        Box::pin(async move {
            let rest = Rest::new(&settings);
            let interactions = Interactions::new(rest.clone(), settings.application_id.clone());
            let members = Members::new(rest.clone());
            let directory = members.clone();
            match settings.application_id.as_deref() {
                Some(app) => {
                    if let Err(e) = commands::register(&rest, &settings, app).await {
                        // The desk still hears messages and reactions; commands come back with
                        // the next start.
                        tracing::error!(error = %e, "discord: could not register the commands");
                    }
                }
                None => tracing::warn!(
                    "discord: no application id (set discord.application_id): commands not registered"
                ),
            }
            let routes = match settings.public_key.as_deref() {
                Some(hex) => {
                    let key = PublicKey::parse(hex).map_err(|e| e.to_string())?;
                    Some(discord_router(
                        settings.clone(),
                        key,
                        sink.clone(),
                        interactions.clone(),
                        members.clone(),
                        helpdesk_discord::http::system_now(),
                    ))
                }
                None => None,
            };
            let gateway = Gateway::start(
                settings.clone(),
                rest.clone(),
                sink,
                interactions.clone(),
                Channels::default(),
                members,
                shards,
            )
            .await
            .map_err(|e| e.to_string())?;
            let stop = Box::pin(async move { gateway.stop().await }) as std::pin::Pin<Box<_>>;
            Ok(Plugged {
                platform: Arc::new(
                    DiscordPlatform::new(rest, interactions)
                        .with_dm_guild(settings.dm_guild.clone()),
                ),
                routes,
                stop: Some(stop),
                directory: Some(Arc::new(directory)),
            })
        })
    });
    Plug {
        platform: helpdesk_discord::PLATFORM,
        limits: helpdesk_discord::LIMITS,
        connect,
    }
}

/// The adapter's settings from `[slack]`, with what it says alone from the catalogues.
fn slack_settings(all: &Settings) -> SlackSettings {
    let text = |msg| tenant_text(&all.engine, helpdesk_slack::PLATFORM, msg);
    SlackSettings {
        unserved_text: text(Msg::DeskNotSetUp),
        ..SlackSettings::from_config(&all.platforms.slack, text(Msg::DeskUnavailable))
    }
}

fn slack(all: &Settings) -> Plug {
    let settings = Arc::new(slack_settings(all));
    let connect: Connect = Box::new(move |sink: Arc<dyn EventSink>| {
        Box::pin(async move {
            let client = web::client(&settings).map_err(|e| format!("slack client: {e}"))?;
            let web = Web::new(client.clone(), settings.clone());
            // The default token serves its own workspace alone: learn which one now (asked
            // again on the first event should Slack not answer yet).
            if let Err(e) = web.default_team().await {
                tracing::warn!(error = %e, "slack: cannot tell which workspace the default token is for");
            }
            let directory = Arc::new(Directory::new(web.clone(), settings.directory_ttl));
            let inbound = Arc::new(Inbound::new(settings.clone(), directory.clone(), sink));
            let routes = settings
                .signing_secret
                .as_ref()
                .map(|secret| router(inbound.clone(), secret.expose(), system_now()));
            let socket = match &settings.app_token {
                Some(token) => Some(
                    SocketMode::start(client, inbound, token.expose())
                        .await
                        .map_err(|e| format!("slack socket mode: {e}"))?,
                ),
                None => None,
            };
            if routes.is_none() && socket.is_none() {
                tracing::warn!(
                    "slack can send but hears nothing: set HELPDESK_SLACK_APP_TOKEN (Socket \
                     Mode) or HELPDESK_SLACK_SIGNING_SECRET (HTTP endpoints)"
                );
            }
            let stop =
                socket.map(|s| Box::pin(async move { s.stop().await }) as std::pin::Pin<Box<_>>);
            Ok(Plugged {
                platform: Arc::new(SlackPlatform::new(web)),
                routes,
                stop,
                directory: Some(directory),
            })
        })
    });
    Plug {
        platform: helpdesk_slack::PLATFORM,
        limits: helpdesk_slack::LIMITS,
        connect,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use helpdesk::config::Loader;
    use serde_json::Value;

    const GUILD: &str = "290926798626357999";

    /// The wiring of a configuration with one Discord guild that speaks Italian.
    fn italian_guild() -> DiscordSettings {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("helpdesk.toml");
        let toml = format!(
            "[[tenants]]\nplatform = \"discord\"\nid = \"{GUILD}\"\nlanguage = \"it\"\n\
             intake_channels = [\"290926798626358001\"]\n[tenants.levels.l1]\n\
             channel = \"290926798626358002\"\n"
        );
        std::fs::write(&path, toml).unwrap();
        let loader = Loader {
            path: Some(&path),
            env: vec![("HELPDESK_DISCORD_TOKEN".into(), "x".into())],
        };
        discord_settings(&crate::platforms::load(&loader).unwrap())
    }

    /// Discord refuses a command list that breaks its rules, and a desk command missing from it
    /// could not be typed: every subcommand is there, within Discord's limits, in every
    /// language.
    #[test]
    fn the_registered_commands_cover_the_desk_within_discords_rules() {
        let all = commands::definitions(&italian_guild());
        let ticket = all.iter().find(|c| c["name"] == "ticket").unwrap();
        let subs: Vec<&str> = ticket["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap())
            .collect();
        for sub in helpdesk::desk::subcommands() {
            assert!(subs.contains(&sub), "/ticket {sub} is not registered");
        }
        fn check(option: &Value, path: &str) {
            let name = option["name"].as_str().unwrap();
            // Type 3 is a message command at the top, a string option below.
            let message_command = path == "/" && option["type"] == 3;
            if !message_command {
                assert!(
                    name.len() <= 32
                        && name.chars().all(|c| c.is_ascii_lowercase()
                            || c.is_ascii_digit()
                            || c == '-'
                            || c == '_'),
                    "{path}{name}: not a valid name"
                );
                let english = option["description"].as_str().unwrap_or_default();
                assert!(
                    (1..=100).contains(&english.chars().count()),
                    "{path}{name}: description of 1 to 100 characters in English"
                );
                for locale in Language::ALL.into_iter().filter_map(discord_locale) {
                    let translated = option["description_localizations"][locale]
                        .as_str()
                        .unwrap_or_default();
                    assert!(
                        (1..=100).contains(&translated.chars().count()),
                        "{path}{name}: description of 1 to 100 characters in {locale}"
                    );
                    assert_ne!(
                        english, translated,
                        "{path}{name}: not translated to {locale}"
                    );
                }
            } else {
                for locale in Language::ALL.into_iter().filter_map(discord_locale) {
                    let translated = option["name_localizations"][locale]
                        .as_str()
                        .unwrap_or_default();
                    assert!(
                        (1..=32).contains(&translated.chars().count()),
                        "{path}{name} in {locale}"
                    );
                }
            }
            let options = option["options"].as_array().cloned().unwrap_or_default();
            assert!(options.len() <= 25, "{path}{name}: at most 25 options");
            let mut optional_seen = false;
            for o in &options {
                let required = o["required"].as_bool().unwrap_or(false);
                assert!(
                    !(required && optional_seen),
                    "{path}{name}: required options come first"
                );
                optional_seen |= !required;
                check(o, &format!("{path}{name} "));
            }
        }
        for command in &all {
            check(command, "/");
        }
        assert!(all.len() <= 100);
    }

    /// The adapter cuts a text that is too long, so the definitions alone would hide a
    /// catalogue text Discord cannot show whole: the catalogues themselves must fit.
    #[test]
    fn every_command_text_fits_discords_limits_in_every_language() {
        let locales: Vec<&str> = Language::ALL
            .into_iter()
            .filter_map(discord_locale)
            .collect();
        assert_eq!(
            locales.len(),
            Language::ALL.len() - 1,
            "one locale per translation"
        );
        for lang in Language::ALL {
            for key in commands::text_keys(helpdesk::desk::command_table()) {
                let msg = Msg::from_key(&key).unwrap();
                let max = if key == commands::CREATE_TICKET_TEXT {
                    32
                } else {
                    100
                };
                let text = i18n::text(lang, msg, &[]);
                assert!(
                    (1..=max).contains(&text.chars().count()),
                    "{lang}: {key} has {} characters, at most {max}",
                    text.chars().count()
                );
            }
        }
    }

    #[test]
    fn every_command_text_is_in_the_catalogues() {
        for key in commands::text_keys(helpdesk::desk::command_table()) {
            assert!(Msg::from_key(&key).is_some(), "no catalogue message {key}");
        }
        // Discord sends the message command's default name back: it is the adapter's constant,
        // so the English catalogue must say the same.
        assert_eq!(
            i18n::text(Language::En, Msg::DiscordCreateTicket, &[]),
            helpdesk_discord::settings::CREATE_TICKET_COMMAND
        );
    }

    #[test]
    fn what_the_adapter_says_alone_is_in_the_guilds_language() {
        let settings = italian_guild();
        let italian = |msg| i18n::text(Language::It, msg, &[]);
        let english = |msg| i18n::text(Language::En, msg, &[]);
        assert_eq!(settings.unavailable(GUILD), italian(Msg::DeskUnavailable));
        assert_eq!(settings.unavailable("1"), english(Msg::DeskUnavailable));
        assert_eq!(
            settings.received_text.get(GUILD),
            italian(Msg::InteractionReceived)
        );
        assert_eq!(
            settings.received_text.get("1"),
            english(Msg::InteractionReceived)
        );
        // A guild without a [[tenants]] block hears English; the DM guild its own language.
        assert_eq!(settings.unserved_text.get("1"), english(Msg::DeskNotSetUp));
        assert_eq!(
            settings.not_member_text.get(GUILD),
            italian(Msg::DmNotMember)
        );
        assert_eq!(
            settings.unhandled_text.get(GUILD),
            italian(Msg::DiscordCommandsHandled)
        );
    }

    /// Discord shows each command, subcommand and option under its Italian and Polish name
    /// and description; the English names in the catalogue are the table's own.
    #[test]
    fn every_command_subcommand_and_option_is_named_in_italian_and_polish_on_discord() {
        let table = helpdesk::desk::command_table();
        for key in helpdesk_discord::commands::name_keys(table) {
            let msg = Msg::from_key(&key).unwrap_or_else(|| panic!("{key} is in the catalogues"));
            // English names are the table's own: the catalogue says the same.
            let summary = key.trim_end_matches("_name");
            let mut names = Vec::new();
            fn walk<'t>(
                spec: &'t helpdesk_chat::CommandSpec,
                summary: &str,
                out: &mut Vec<&'t str>,
            ) {
                if spec.summary == summary {
                    out.push(&spec.name);
                }
                out.extend(
                    spec.options
                        .iter()
                        .filter(|o| o.summary == summary)
                        .map(|o| o.name.as_str()),
                );
                spec.subcommands.iter().for_each(|s| walk(s, summary, out));
            }
            table
                .commands
                .iter()
                .for_each(|c| walk(c, summary, &mut names));
            let english = i18n::text(Language::En, msg, &[]);
            assert!(
                names.iter().all(|n| *n == english),
                "{key}: {english} but {names:?}"
            );
        }
        let mut settings = DiscordSettings::new("down");
        settings.command_table = table.clone();
        settings.command_texts = discord_command_texts();
        fn check(item: &serde_json::Value) {
            for locale in ["it", "pl"] {
                assert!(
                    item["name_localizations"][locale].is_string(),
                    "{locale} name of {}",
                    item["name"]
                );
                assert!(
                    item["description_localizations"][locale].is_string(),
                    "{locale} description of {}",
                    item["name"]
                );
            }
            item["options"]
                .as_array()
                .into_iter()
                .flatten()
                .for_each(check);
        }
        let all = helpdesk_discord::commands::definitions(&settings);
        for command in all.iter().filter(|c| c["type"] == 1) {
            check(command);
        }
        let ticket = all.iter().find(|c| c["name"] == "ticket").unwrap();
        assert_eq!(ticket["name_localizations"]["pl"], "zgłoszenie");
        assert_eq!(ticket["name_localizations"]["it"], "ticket");
    }

    /// One table: a command added to the desk's table is parsed, listed in help and registered
    /// on Discord as it is declared.
    #[test]
    fn a_command_added_to_the_desk_table_is_parsed_helped_and_registered() {
        use helpdesk_chat::{CommandSpec, OptionKind, OptionSpec, OptionValue, ParseError};
        let mut table = helpdesk::desk::command_table().clone();
        let ticket = table
            .commands
            .iter_mut()
            .find(|c| c.name == "ticket")
            .unwrap();
        ticket.subcommands.push(
            CommandSpec::new("wave", "command_ticket_help")
                .alias("hi")
                .usage("usage_help")
                .option(
                    OptionSpec::new("who", OptionKind::User, "command_option_person").required(),
                )
                .option(OptionSpec::new(
                    "ticket",
                    OptionKind::Ticket,
                    "command_option_ticket",
                )),
        );
        let spec = table.command("ticket").unwrap();
        let yes = |_: &OptionSpec, _: &str| true;
        let wave = spec.parse("HI #3 <@U1|ada>", &[], &yes).unwrap();
        assert_eq!(wave.spec.name, "wave");
        assert_eq!(wave.get("ticket"), Some(&OptionValue::Integer(3)));
        assert_eq!(wave.text("who").as_deref(), Some("<@U1|ada>"));
        assert!(
            matches!(spec.parse("wave", &[], &yes), Err(ParseError::Usage(s)) if s.name == "wave")
        );
        let lines = helpdesk::desk::command_help(spec, &|msg| msg.key().to_string());
        assert_eq!(lines.len(), helpdesk::desk::subcommands().len() + 1);
        assert_eq!(lines.last().map(String::as_str), Some("usage_help"));

        let mut settings = DiscordSettings::new("down");
        settings.command_table = table;
        let all = helpdesk_discord::commands::definitions(&settings);
        let registered = all.iter().find(|c| c["name"] == "ticket").unwrap();
        let wave = registered["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "wave")
            .expect("registered");
        assert_eq!(wave["type"], 1);
        assert_eq!(
            wave["options"],
            serde_json::json!([
                { "type": 6, "name": "who", "required": true, "description": "command option person" },
                { "type": 4, "name": "ticket", "required": false, "min_value": 1,
                  "description": "command option ticket" },
            ])
        );
    }
}
