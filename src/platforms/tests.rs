//! The platforms' sections read through the whole configuration, as `helpdesk` reads it: file,
//! environment, secrets, and errors that name the exact key (moved from tests/it/config.rs when
//! the engine stopped knowing the platforms).

use super::*;
use helpdesk::config::PlatformState;
use std::io::Write;
use std::time::Duration;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

fn load(text: &str, vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let f = file(text);
    super::load(&Loader {
        path: Some(f.path()),
        env: env(vars),
    })
}

/// The platforms with credentials, by name.
fn configured(settings: &Settings) -> Vec<&'static str> {
    settings
        .platforms
        .checks()
        .into_iter()
        .filter(|c| c.state != PlatformState::Off)
        .map(|c| c.name)
        .collect()
}

fn example() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/helpdesk.example.toml"
    ))
    .unwrap()
}

#[test]
fn the_example_file_enables_no_platform() {
    let settings = load(&example(), &[]).expect("the example must load");
    assert!(configured(&settings).is_empty());
    let again = load(&settings.to_masked_toml(), &[]).expect("config check output reads back");
    assert_eq!(
        again.platforms.slack.commands,
        settings.platforms.slack.commands
    );
    assert_eq!(again.platforms.discord.shards, 1);
}

#[test]
fn secrets_come_from_the_environment_or_files_and_never_print() {
    let token_file = file("xoxb-from-file\n");
    let text = format!(
        "[slack]\nbot_token_file = {:?}\n",
        token_file.path().to_str().unwrap()
    );
    let config = load(
        &text,
        &[
            ("HELPDESK_DISCORD_TOKEN", "discord-very-secret"),
            ("HELPDESK_DATABASE_URL", "postgres://bot:hunter2@db/x"),
        ],
    )
    .unwrap();
    assert_eq!(
        config.platforms.slack.bot_token.as_ref().unwrap().expose(),
        "xoxb-from-file"
    );
    assert_eq!(
        config.platforms.discord.token.as_ref().unwrap().expose(),
        "discord-very-secret"
    );
    assert_eq!(configured(&config), vec!["slack", "discord"]);
    let shown = format!("{}\n{:?}", config.to_masked_toml(), config);
    for secret in ["xoxb-from-file", "discord-very-secret", "hunter2"] {
        assert!(!shown.contains(secret), "{secret} leaked:\n{shown}");
    }
    assert!(
        shown.contains("HELPDESK_DISCORD_TOKEN"),
        "says where it came from"
    );
}

#[test]
fn bad_platform_values_name_the_key_the_value_and_what_is_allowed() {
    let err = load("[slack]\napi_url = \"ftp://x\"\n", &[])
        .expect_err("ftp")
        .to_string();
    for needle in ["slack.api_url", "ftp://x", "http"] {
        assert!(err.contains(needle), "{needle:?} missing from: {err}");
    }
    let err = load("", &[("HELPDESK_NOPE_THING", "1")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("database, http, kb, log, outbox, retention, slack, discord or web"),
        "{err}"
    );
}

#[test]
fn slack_takes_a_token_per_workspace_renamed_commands_and_its_pacing() {
    let config = load(
        "[slack]\ncommands = { ticket = \"/it-help\" }\nmessage_interval = \"500ms\"\n",
        &[
            ("HELPDESK_SLACK_BOT_TOKEN", "xoxb-default"),
            ("HELPDESK_SLACK_BOT_TOKEN_T0SECOND", "xoxb-second"),
            ("HELPDESK_SLACK_ACK_DEADLINE", "1500ms"),
        ],
    )
    .unwrap();
    let slack = &config.platforms.slack;
    assert!(slack.enabled());
    assert_eq!(slack.workspace_tokens["T0SECOND"].expose(), "xoxb-second");
    assert_eq!(slack.commands["ticket"], "/it-help");
    assert_eq!(slack.commands["kb"], "/kb", "the others keep their names");
    assert_eq!(slack.message_interval, Duration::from_millis(500));
    assert_eq!(slack.ack_deadline, Duration::from_millis(1500));
    assert!(
        !config.to_masked_toml().contains("xoxb-"),
        "no token in config check's output"
    );

    // The file key of the default token is not a workspace called FILE.
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "xoxb-from-file\n").unwrap();
    let from_file = load(
        "",
        &[(
            "HELPDESK_SLACK_BOT_TOKEN_FILE",
            token_file.to_str().unwrap(),
        )],
    )
    .unwrap();
    assert_eq!(
        from_file.platforms.slack.bot_token.unwrap().expose(),
        "xoxb-from-file"
    );
    assert!(from_file.platforms.slack.workspace_tokens.is_empty());

    // Only a workspace token enables Slack too.
    let only = load("", &[("HELPDESK_SLACK_BOT_TOKEN_T1", "xoxb-1")]).unwrap();
    assert!(only.platforms.slack.enabled() && only.platforms.slack.bot_token.is_none());

    for (text, key) in [
        ("[slack]\nack_deadline = \"5s\"\n", "slack.ack_deadline"),
        (
            "[slack]\ncommands = { tickets = \"/t\" }\n",
            "slack.commands.tickets",
        ),
        (
            "[slack]\ncommands = { ticket = \"/two words\" }\n",
            "slack.commands.ticket",
        ),
        (
            "[slack]\nsocket_connections = 0\n",
            "slack.socket_connections",
        ),
        (
            "[slack]\ncommands = { ticket = \"/kb\" }\n",
            "slack.commands",
        ),
        ("[slack]\ndirectory_ttl = \"0s\"\n", "slack.directory_ttl"),
    ] {
        match load(text, &[]) {
            Err(ConfigError::Value { key: k, .. }) => assert_eq!(k, key, "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
}

/// Every secret, by its environment variable and its `*_file` key.
const SECRET_KEYS: [(&str, &str); 5] = [
    ("HELPDESK_SLACK_BOT_TOKEN", "slack.bot_token_file"),
    ("HELPDESK_SLACK_APP_TOKEN", "slack.app_token_file"),
    ("HELPDESK_SLACK_SIGNING_SECRET", "slack.signing_secret_file"),
    ("HELPDESK_DISCORD_TOKEN", "discord.token_file"),
    ("HELPDESK_DISCORD_PUBLIC_KEY", "discord.public_key_file"),
];

/// An empty key makes every signature check pass: no source may give one.
#[test]
fn an_empty_secret_from_any_source_is_refused_naming_where_it_came_from() {
    for (var, file_key) in SECRET_KEYS {
        for empty in ["", "  ", "\n", " \t\r\n", "\u{feff}\n", "\u{200b}"] {
            // The environment variable, set but empty: refused even when a file is named too.
            let err = load("", &[(var, empty)]).expect_err(var).to_string();
            assert!(err.contains(var) && err.contains("empty"), "{var}: {err}");

            // A file that holds nothing (or only a newline), named in the file or the
            // environment.
            let secret_file = file(empty);
            let path = secret_file.path().to_str().unwrap();
            let (section, key) = file_key.split_once('.').unwrap();
            let err = load(&format!("[{section}]\n{key} = {path:?}\n"), &[])
                .expect_err(file_key)
                .to_string();
            assert!(
                err.contains(file_key) && err.contains(path) && err.contains("empty"),
                "{file_key}: {err}"
            );
            let file_var = format!("{var}_FILE");
            let err = load("", &[(&file_var, path)])
                .expect_err(&file_var)
                .to_string();
            assert!(
                err.contains(path) && err.contains("empty"),
                "{file_var}: {err}"
            );
        }
        // A `*_file` key that names no file.
        let (section, key) = file_key.split_once('.').unwrap();
        let err = load(&format!("[{section}]\n{key} = \"\"\n"), &[])
            .expect_err(file_key)
            .to_string();
        assert!(err.contains(file_key), "{file_key}: {err}");
    }
    let err = load("", &[("HELPDESK_SLACK_BOT_TOKEN_T0SECOND", " ")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("HELPDESK_SLACK_BOT_TOKEN_T0SECOND") && err.contains("empty"),
        "{err}"
    );
    // The value, never printed, is still trimmed of a file's last newline.
    let secret_file = file("  e2e-signing-secret\n");
    let config = load(
        &format!(
            "[slack]\nsigning_secret_file = {:?}\n",
            secret_file.path().to_str().unwrap()
        ),
        &[],
    )
    .unwrap();
    assert_eq!(
        config.platforms.slack.signing_secret.unwrap().expose(),
        "e2e-signing-secret"
    );
}

#[test]
fn the_check_says_which_platforms_are_enabled_and_how() {
    let tenant = "[[tenants]]\nplatform = \"slack\"\nid = \"T1\"\n";
    let state = |vars: &[(&str, &str)]| {
        let report = load(tenant, vars).unwrap().check_report();
        (
            report.state("slack").unwrap().clone(),
            report.state("discord").unwrap().clone(),
            report.warnings,
        )
    };
    let (slack, discord, warnings) = state(&[]);
    assert_eq!((slack, discord), (PlatformState::Off, PlatformState::Off));
    assert!(
        warnings.iter().any(|w| w.contains(
            "no chat platform is enabled: nobody can reach the desk (set \
             HELPDESK_SLACK_BOT_TOKEN or HELPDESK_DISCORD_TOKEN)"
        )),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("tenants[0]")),
        "a Slack tenant without Slack: {warnings:?}"
    );

    let (slack, _, warnings) = state(&[
        ("HELPDESK_SLACK_BOT_TOKEN", "xoxb-1"),
        ("HELPDESK_SLACK_APP_TOKEN", "xapp-1"),
    ]);
    assert_eq!(slack, PlatformState::On(vec!["Socket Mode"]));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(slack.to_string(), "enabled (Socket Mode)");

    let (slack, _, _) = state(&[
        ("HELPDESK_SLACK_BOT_TOKEN", "xoxb-1"),
        ("HELPDESK_SLACK_SIGNING_SECRET", "s3cret"),
    ]);
    assert_eq!(
        slack,
        PlatformState::On(vec!["HTTP Events API on /slack/*"])
    );

    let (slack, _, warnings) = state(&[("HELPDESK_SLACK_BOT_TOKEN", "xoxb-1")]);
    assert_eq!(slack, PlatformState::Deaf);
    assert!(
        warnings.iter().any(|w| w.contains("hears nothing")),
        "{warnings:?}"
    );

    let (_, discord, _) = state(&[("HELPDESK_DISCORD_TOKEN", "d-1")]);
    assert_eq!(discord, PlatformState::On(vec!["gateway"]));
    let (_, discord, _) = state(&[
        ("HELPDESK_DISCORD_TOKEN", "d-1"),
        ("HELPDESK_DISCORD_PUBLIC_KEY", "ab"),
    ]);
    assert_eq!(
        discord,
        PlatformState::On(vec![
            "gateway",
            "HTTP interactions on /discord/interactions"
        ])
    );
}

#[test]
fn discord_ids_are_checked_at_their_key() {
    let refused = |text: &str, key: &str, needles: &[&str]| {
        let e = load(text, &[]).expect_err(text).to_string();
        assert!(e.contains(key), "{key:?} missing from: {e}");
        for needle in needles {
            assert!(e.contains(needle), "{needle:?} missing from: {e}");
        }
    };
    refused(
        "[discord]\ndm_guild = \"help-server\"\n",
        "discord.dm_guild",
        &["17 to 20 digits"],
    );
    refused(
        "[discord]\ncommand_guilds = [12345]\n",
        "discord.command_guilds",
        &["\"12345\""],
    );
    // A type error says what is expected in words, at the exact key.
    let e = load("[discord]\ndm_guild = true\n", &[])
        .expect_err("a boolean")
        .to_string();
    assert!(e.contains("`discord.dm_guild`"), "{e}");
    assert!(e.contains("expected a Discord id"), "{e}");
    for rust in ["u32", "u64", "a boolean", "untagged"] {
        assert!(!e.contains(rust), "{rust:?} is Rust, not words: {e}");
    }
}
