//! Configuration: file, environment overrides, secrets, and errors that say what to fix. The
//! platforms' own sections are checked by their adapters: see the binary's `platforms` tests.

use helpdesk::config::{ConfigError, Loader, LogFormat};
use helpdesk_chat::setting::Section;
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

/// The platform sections the binary registers: the engine keeps them unchecked.
const SECTIONS: [&Section; 3] = [
    &helpdesk_slack::settings::SECTION,
    &helpdesk_discord::settings::SECTION,
    &helpdesk_web::settings::SECTION,
];

fn load(text: &str, vars: &[(&str, &str)]) -> Result<helpdesk::config::Config, ConfigError> {
    let f = file(text);
    Loader {
        path: Some(f.path()),
        env: env(vars),
    }
    .load_with(&SECTIONS)
}

#[test]
fn the_example_file_is_valid_and_matches_the_defaults() {
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/helpdesk.example.toml"
    ))
    .unwrap();
    let config = load(&example, &[]).expect("the example must load");
    assert_eq!(config.database.url, "helpdesk.db");
    assert_eq!(config.http.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(config.http.limits(), helpdesk::http::Limits::default());
    assert_eq!(config.http.internal_listen, None);
    assert!(!config.accept_unconfigured_tenants);
    assert_eq!(config.log.format, LogFormat::Pretty);
    assert!(config.platforms.contains_key("slack") && config.platforms.contains_key("discord"));
    let web = config
        .section::<helpdesk_web::WebSection>("web")
        .unwrap()
        .check()
        .unwrap();
    assert_eq!(
        web,
        helpdesk_web::WebConfig::default(),
        "[web] as commented: the defaults"
    );
    let tenant = &config.tenants[0];
    assert_eq!(
        (tenant.id.as_str(), tenant.specialties.len()),
        ("T00000000", 2)
    );
    assert_eq!(
        tenant.levels.l1.budget,
        Some(std::time::Duration::from_secs(1200))
    );
    assert_eq!(tenant.levels.l3.budget, None);
}

#[test]
fn tenants_are_checked_with_the_key_that_is_wrong() {
    let one = "[[tenants]]\nplatform = \"slack\"\nid = \"T1\"\n";
    let twice = format!("{one}{one}");
    let e = load(&twice, &[]).unwrap_err().to_string();
    assert!(e.contains("tenants[1]") && e.contains("twice"), "{e}");
    let polish = load(&format!("{one}language = \"pl\"\n"), &[]).expect("pl is a language");
    assert_eq!(polish.tenants[0].language, helpdesk::i18n::Language::Pl);
    let e = load(&format!("{one}language = \"klingon\"\n"), &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("tenants[0].language") && e.contains("klingon"),
        "{e}"
    );
    let e = load(
        &format!("{one}[[tenants.specialties]]\nname = \"L2\"\nchannel = \"C\"\n"),
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("specialties[0].name") && e.contains("level name"),
        "{e}"
    );
    let e = load(
        &format!("{one}[tenants.levels.l2]\nbudget = \"soon\"\n"),
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("tenants[0].levels") && e.contains("soon"), "{e}");
    let e = load(&format!("{one}chanel = \"typo\"\n"), &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("chanel"), "{e}");
}

#[test]
fn environment_overrides_the_file() {
    let config = load(
        "[database]\nurl = \"a.db\"\nmax_connections = 3\n",
        &[
            ("HELPDESK_DATABASE_URL", "postgres://bot:pw@db/helpdesk"),
            ("HELPDESK_DATABASE_MAX_CONNECTIONS", "12"),
            ("HELPDESK_LOG_FORMAT", "json"),
            ("HELPDESK_HTTP_LISTEN", "0.0.0.0:9000"),
        ],
    )
    .unwrap();
    assert_eq!(config.database.url, "postgres://bot:pw@db/helpdesk");
    assert_eq!(config.database.max_connections, 12);
    assert_eq!(config.log.format, LogFormat::Json);
    assert_eq!(config.http.listen.port(), 9000);
}

/// The compose file and the Kubernetes Deployment name the file this way.
#[test]
fn the_variable_that_names_the_file_is_not_a_setting() {
    let config = load("", &[("HELPDESK_CONFIG", "/etc/helpdesk/helpdesk.toml")]);
    assert!(config.is_ok(), "{config:?}");
}

#[test]
fn a_secret_written_in_the_file_is_refused_with_the_way_to_do_it() {
    let err = load("[slack]\nbot_token = \"xoxb-123\"\n", &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("slack.bot_token") && err.contains("HELPDESK_SLACK_BOT_TOKEN"),
        "{err}"
    );
    assert!(
        !err.contains("xoxb-123"),
        "the refused secret is not echoed: {err}"
    );
}

#[test]
fn bad_values_name_the_key_the_value_and_what_is_allowed() {
    /// File text, environment, and what the error must mention.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);
    let cases: &[Case] = &[
        (
            "[log]\nformat = \"loud\"\n",
            &[],
            &["log.format", "loud", "pretty", "json"],
        ),
        (
            "",
            &[("HELPDESK_DATABASE_MAX_CONNECTIONS", "lots")],
            &["database.max_connections", "lots", "a whole number"],
        ),
        (
            "[database]\nmax_connections = 0\n",
            &[],
            &["database.max_connections", "0", "1 to 1000"],
        ),
        (
            "[http]\nlisten = \"nowhere\"\n",
            &[],
            &["http.listen", "socket address"],
        ),
        ("[database]\nurl = \"\"\n", &[], &["database.url"]),
        ("[databse]\nurl = \"x\"\n", &[], &["databse"]),
        (
            "",
            &[("HELPDESK_NOPE_THING", "1")],
            &["HELPDESK_NOPE_THING", "database"],
        ),
        ("[log\n", &[], &["TOML", "line 1"]),
    ];
    for (text, vars, needles) in cases {
        let err = load(text, vars).expect_err(text).to_string();
        for needle in *needles {
            assert!(err.contains(needle), "{needle:?} missing from: {err}");
        }
    }
}

#[test]
fn a_named_file_must_exist_but_the_default_one_may_not() {
    let missing = std::path::Path::new("/nonexistent/helpdesk.toml");
    let err = Loader {
        path: Some(missing),
        env: vec![],
    }
    .load()
    .unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err}");
}

#[test]
fn business_hours_are_checked_with_a_clear_reason() {
    let one = "[[tenants]]\nplatform = \"slack\"\nid = \"T1\"\n[tenants.business_hours]\n";
    let e = load(&format!("{one}timezone = \"Mars/Olympus\"\n"), &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("Mars/Olympus") && e.contains("IANA"), "{e}");
    let e = load(
        &format!("{one}timezone = \"Europe/Rome\"\nhours = \"18:00-09:00\"\n"),
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("09:00-18:00"), "{e}");
    let e = load(
        &format!("{one}timezone = \"Europe/Rome\"\nholidays = [\"Christmas\"]\n"),
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("Christmas"), "{e}");
    let ok = load(&format!("{one}timezone = \"Europe/Rome\"\n"), &[]).unwrap();
    assert!(ok.tenants[0].business_hours.is_some());
}

#[test]
fn the_effective_configuration_reads_back_the_same() {
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/helpdesk.example.toml"
    ))
    .unwrap();
    let mut with_hours = example.clone();
    with_hours.push_str("\n[tenants.business_hours]\ntimezone = \"Europe/Rome\"\n");
    let config = load(&with_hours, &[]).unwrap();
    let again = load(&config.to_masked_toml(), &[]).expect("config check output is valid input");
    assert_eq!(again.tenants[0].sla, config.tenants[0].sla);
    assert_eq!(
        again.tenants[0].business_hours,
        config.tenants[0].business_hours
    );
    assert_eq!(
        again.tenants[0].levels.l1.budget,
        config.tenants[0].levels.l1.budget
    );
}

#[test]
fn http_limits_have_defaults_and_bad_ones_name_the_key() {
    let config = load("", &[]).unwrap();
    let http = &config.http;
    assert_eq!(http.internal_listen, None);
    assert_eq!(
        http.health_addr(),
        http.listen,
        "health stays on http.listen"
    );
    assert_eq!(http.header_read_timeout, Duration::from_secs(10));
    assert_eq!(http.request_timeout, Duration::from_secs(30));
    assert_eq!(http.max_connections, 1024);

    let config = load(
        "[http]\nlisten = \"0.0.0.0:8080\"\ninternal_listen = \"0.0.0.0:9090\"\n\
         header_read_timeout = \"2s\"\n",
        &[
            ("HELPDESK_HTTP_REQUEST_TIMEOUT", "5s"),
            ("HELPDESK_HTTP_MAX_CONNECTIONS", "64"),
        ],
    )
    .unwrap();
    let http = &config.http;
    assert_eq!(http.health_addr().to_string(), "0.0.0.0:9090");
    assert_eq!(
        http.limits(),
        helpdesk::http::Limits {
            header_read_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(5),
            max_connections: 64,
        }
    );
    let again = load(&config.to_masked_toml(), &[]).unwrap();
    assert_eq!(again.http.limits(), http.limits());
    assert_eq!(again.http.internal_listen, http.internal_listen);

    for (text, key) in [
        (
            "[http]\nheader_read_timeout = \"0s\"\n",
            "http.header_read_timeout",
        ),
        (
            "[http]\nheader_read_timeout = \"1h\"\n",
            "http.header_read_timeout",
        ),
        ("[http]\nrequest_timeout = \"0s\"\n", "http.request_timeout"),
        ("[http]\nmax_connections = 0\n", "http.max_connections"),
        (
            "[http]\nlisten = \"0.0.0.0:8080\"\ninternal_listen = \"0.0.0.0:8080\"\n",
            "http.internal_listen",
        ),
    ] {
        match load(text, &[]) {
            Err(ConfigError::Value { key: k, .. }) => assert_eq!(k, key, "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn unconfigured_tenants_are_refused_unless_the_operator_says_otherwise() {
    let config = load("", &[]).unwrap();
    assert!(!config.accept_unconfigured_tenants, "off by default");
    let report = config.check_report(Vec::new());
    assert!(
        report.warnings.iter().any(|w| w.contains("no [[tenants]]")),
        "{report:?}"
    );

    let config = load("accept_unconfigured_tenants = true\n", &[]).unwrap();
    assert!(config.accept_unconfigured_tenants);
    let report = config.check_report(Vec::new());
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("accept_unconfigured_tenants = true")),
        "{report:?}"
    );
    assert!(
        load(&config.to_masked_toml(), &[])
            .unwrap()
            .accept_unconfigured_tenants,
        "config check's output reads back"
    );
    let from_env = load("", &[("HELPDESK_ACCEPT_UNCONFIGURED_TENANTS", "true")]).unwrap();
    assert!(from_env.accept_unconfigured_tenants);
    let err = load("accept_unconfigured_tenants = \"yes\"\n", &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("accept_unconfigured_tenants"), "{err}");
}

#[test]
fn installation_admins_are_parsed_checked_and_shown() {
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/helpdesk.example.toml"
    ))
    .unwrap();
    let config = load(&example, &[]).unwrap();
    let admins: Vec<(helpdesk_chat::Platform, &str)> = config
        .admins
        .iter()
        .map(|a| (a.platform, a.user.as_str()))
        .collect();
    assert_eq!(
        admins,
        [
            (helpdesk_slack::PLATFORM, "U0ADMIN"),
            (helpdesk_discord::PLATFORM, "80351110224678912")
        ]
    );
    let shown = config.to_masked_toml();
    assert!(shown.contains("\"slack:U0ADMIN\""), "{shown}");
    assert_eq!(load(&shown, &[]).unwrap().admins, config.admins);

    for (bad, why) in [
        ("admins = [\"teams:U1\"]", "teams"),
        ("admins = [\"U0ADMIN\"]", "platform:user"),
        ("admins = [\"discord:U0ADMIN\"]", "not a discord user id"),
        ("admins = [\"slack:U1\", \"slack:U1\"]", "twice"),
    ] {
        let e = load(bad, &[]).unwrap_err().to_string();
        assert!(e.contains("admins[") && e.contains(why), "{bad}: {e}");
    }
    assert!(load("", &[]).unwrap().admins.is_empty(), "none by default");
}

#[test]
fn channel_user_and_group_ids_are_checked_per_platform() {
    let slack = "[[tenants]]\nplatform = \"slack\"\nid = \"T0ACME\"\n";
    let discord = "[[tenants]]\nplatform = \"discord\"\nid = \"1100000000000000002\"\n";
    let memory = "[[tenants]]\nplatform = \"memory\"\nid = \"acme\"\n";
    let refused = |text: String, key: &str, needles: &[&str]| {
        let e = load(&text, &[]).expect_err(&text).to_string();
        assert!(e.contains(key), "{key:?} missing from: {e}");
        for needle in needles {
            assert!(e.contains(needle), "{needle:?} missing from: {e}");
        }
    };
    // Names where ids belong: refused with the key and where to find the id.
    refused(
        format!("{slack}intake_channels = [\"C0HELP\", \"#help desk\"]\n"),
        "tenants[0].intake_channels[1]",
        &[
            "\"#help desk\"",
            "channel id",
            "C0123ABCD",
            "channel details",
        ],
    );
    refused(
        format!("{slack}managers_channel = \"managers\"\n"),
        "tenants[0].managers_channel",
        &["\"managers\"", "C0123ABCD"],
    );
    refused(
        format!("{slack}[tenants.levels.l2]\nchannel = \"support-l2\"\n"),
        "tenants[0].levels.l2.channel",
        &["support-l2"],
    );
    refused(
        format!("{slack}[[tenants.specialties]]\nname = \"network\"\nchannel = \"network\"\n"),
        "tenants[0].specialties[0].channel",
        &["C0123ABCD"],
    );
    // Slack's kinds of id are not interchangeable: a user where a group belongs, and back.
    refused(
        format!("{slack}[tenants.levels.l1]\ngroup = \"U0ADA\"\n"),
        "tenants[0].levels.l1.group",
        &["S0123ABCD"],
    );
    refused(
        format!("{slack}managers = [\"S0MANAGERS\"]\n"),
        "tenants[0].managers[0]",
        &["U0123ABCD"],
    );
    refused(
        format!("{slack}manager_groups = [\"managers\"]\n"),
        "tenants[0].manager_groups[0]",
        &["S0123ABCD"],
    );
    // Discord ids are snowflakes: 17 to 20 digits.
    refused(
        format!("{discord}intake_channels = [\"help\"]\n"),
        "tenants[0].intake_channels[0]",
        &["Copy Channel ID"],
    );
    refused(
        format!("{discord}[tenants.levels.l1]\ngroup = \"12345\"\n"),
        "tenants[0].levels.l1.group",
        &["role id"],
    );
    refused(
        format!("{discord}admins = [\"<@80351110224678912>\"]\n"),
        "tenants[0].admins[0]",
        &["user id"],
    );
    // What each platform writes is taken.
    let config = load(
        &format!(
            "{slack}intake_channels = [\"C0HELP\", \"G0PRIVATE\", \"D0DIRECT\"]\n\
             managers_channel = \"C0MANAGERS\"\nmanager_groups = [\"S0MANAGERS\"]\n\
             managers = [\"U0BOSS\", \"W0GRIDBOSS\"]\n[tenants.levels.l1]\nchannel = \"C0L1\"\n\
             group = \"S0L1\"\nagents = [\"U0ADA\"]\n\
             {discord}intake_channels = [\"1100000000000000011\"]\n\
             manager_groups = [\"1100000000000000024\"]\nadmins = [\"80351110224678912\"]\n\
             {memory}intake_channels = [\"help\"]\nmanagers = [\"boss\"]\n"
        ),
        &[],
    )
    .expect("ids as each platform writes them");
    assert_eq!(config.tenants.len(), 3);
    assert_eq!(config.tenants[1].intake_channels, ["1100000000000000011"]);
}

#[test]
fn type_errors_say_what_is_expected_in_words_at_the_exact_key() {
    let one = "[[tenants]]\nplatform = \"slack\"\nid = \"T1\"\n";
    /// File text, environment, the key path, and the words the error must use.
    type Case<'a> = (String, &'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            String::new(),
            &[("HELPDESK_DATABASE_MAX_CONNECTIONS", "lots")],
            "database.max_connections",
            "expected a whole number",
        ),
        (
            "[database]\nmax_connections = 2.5\n".into(),
            &[],
            "database.max_connections",
            "expected a whole number",
        ),
        (
            "[log]\nfilter = 3\n".into(),
            &[],
            "log.filter",
            "expected text",
        ),
        (
            "accept_unconfigured_tenants = \"yes\"\n".into(),
            &[],
            "accept_unconfigured_tenants",
            "expected true or false",
        ),
        (
            format!("{one}intake_channels = \"C0HELP\"\n"),
            &[],
            "tenants[0].intake_channels",
            "expected a list",
        ),
        (
            format!("{one}[tenants.levels.l1]\nbudget = 20\n"),
            &[],
            "tenants[0].levels.l1.budget",
            "expected text",
        ),
        (
            format!("{one}[tenants.levels.l2]\nbudget = \"soon\"\n"),
            &[],
            "tenants[0].levels.l2.budget",
            "soon",
        ),
        (
            format!("{one}[tenants.limits]\nnew_tickets_per_hour = -1\n"),
            &[],
            "tenants[0].limits.new_tickets_per_hour",
            "expected a whole number",
        ),
    ];
    for (text, vars, key, words) in cases {
        let e = load(&text, vars).expect_err(&text).to_string();
        assert!(e.contains(&format!("`{key}`")), "{key:?} missing from: {e}");
        assert!(e.contains(words), "{words:?} missing from: {e}");
        for rust in [
            "u32",
            "u64",
            "usize",
            "i64",
            "sequence",
            "a boolean",
            "untagged",
        ] {
            assert!(!e.contains(rust), "{rust:?} is Rust, not words: {e}");
        }
    }
}

#[test]
fn each_error_names_its_key_once() {
    let one = "[[tenants]]\nplatform = \"slack\"\nid = \"T1\"\n";
    for text in [
        format!("{one}[tenants.levels.l1]\nbudget = \"0s\"\n"),
        format!("{one}managers = [\"<@U0BOSS>\"]\n"),
        format!("{one}internal_prefix = \" \"\n"),
        format!("{one}{one}"),
    ] {
        let e = load(&text, &[]).expect_err(&text).to_string();
        assert_eq!(e.matches("tenants[").count(), 1, "said once: {e}");
        assert_eq!(e.lines().count(), 1, "one line: {e}");
    }
}

#[test]
fn a_file_over_one_megabyte_is_refused() {
    let mut text = String::from("[log]\nformat = \"json\"\n");
    while text.len() <= 1024 * 1024 {
        text.push_str("# a comment line of realistic length, repeated to make the file big\n");
    }
    let e = load(&text, &[]).unwrap_err().to_string();
    assert!(e.contains("1 MB") && e.contains("larger"), "{e}");
}

#[test]
fn passwords_in_database_urls_are_masked_in_userinfo_and_query() {
    let url = "postgres://bot:hunter2@db:5432/helpdesk?sslmode=require&password=hunter3\
               &sslpassword=hunter4&application_name=desk";
    let config = load("", &[("HELPDESK_DATABASE_URL", url)]).unwrap();
    let shown = format!("{}\n{:?}", config.to_masked_toml(), config);
    for secret in ["hunter2", "hunter3", "hunter4"] {
        assert!(!shown.contains(secret), "{secret} shown in: {shown}");
    }
    assert!(shown.contains("sslmode=require"), "{shown}");
    assert!(shown.contains("password=***"), "{shown}");
    assert!(shown.contains("application_name=desk"), "{shown}");
    assert_eq!(
        config.database.url, url,
        "the real URL is kept for connecting"
    );
}

#[test]
fn platform_sections_are_kept_for_their_adapters_and_unknown_unless_registered() {
    let config = load(
        "[slack]\napi_url = \"http://x\"\n",
        &[
            ("HELPDESK_SLACK_MESSAGE_INTERVAL", "2s"),
            ("HELPDESK_SLACK_BOT_TOKEN", "xoxb-1"),
        ],
    )
    .unwrap();
    let slack = &config.platforms["slack"];
    assert_eq!(slack["api_url"].as_str(), Some("http://x"));
    assert_eq!(slack["message_interval"].as_str(), Some("2s"));
    assert!(
        !slack.contains_key("bot_token"),
        "a secret's variable is the adapter's to read, never laid over the file"
    );
    let f = file("[slack]\napi_url = \"http://x\"\n");
    let e = Loader {
        path: Some(f.path()),
        env: vec![],
    }
    .load()
    .unwrap_err()
    .to_string();
    assert!(e.contains("slack"), "{e}");
}
