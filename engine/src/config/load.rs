//! Reading the configuration: the file, the `HELPDESK_*` variables laid over it, the secrets,
//! and the checks, each step naming the exact key that is wrong.

use super::tenant::{format_duration, Invalid as TenantInvalid};
use super::{
    value_error, Config, ConfigError, InstallationAdmin, Loader, RawConfig, Secret, SecretSource,
    TenantConfig, CONFIG_PATH_VAR, DEFAULT_PATH, ENV_PREFIX, TOP_LEVEL_KEYS,
};
use helpdesk_chat::ids::{Ids, MEMORY_IDS};
use helpdesk_chat::setting::{Invalid, Secrets, Section};
use helpdesk_chat::Platform;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The sections the engine reads itself.
const ENGINE_SECTIONS: &[&str] = &["database", "http", "kb", "log", "outbox", "retention"];

/// The keys that hold secrets (`slack.bot_token`) with their variables, section by section.
fn secret_keys<'a>(sections: &'a [&Section]) -> impl Iterator<Item = (String, String)> + 'a {
    sections.iter().flat_map(|section| {
        section
            .secrets
            .iter()
            .map(|key| (format!("{}.{key}", section.name), section.variable(key)))
    })
}

/// Whether a variable holds a secret, read by its section rather than laid over the file.
fn is_secret_variable(sections: &[&Section], name: &str) -> bool {
    secret_keys(sections).any(|(_, var)| var == name)
        || sections
            .iter()
            .any(|section| (section.secret_variable)(name))
}

impl Loader<'_> {
    /// Reads, overrides, parses and validates the engine's sections; a platform's section is
    /// an unknown one (see [`Loader::load_with`]).
    pub fn load(&self) -> Result<Config, ConfigError> {
        self.load_with(&[])
    }

    /// Reads, overrides, parses and validates, knowing the chat platforms' `sections`: their
    /// secrets are refused in the file and their variables are read, and each section is kept
    /// as written for its adapter to check ([`Config::section`]).
    pub fn load_with(&self, sections: &[&Section]) -> Result<Config, ConfigError> {
        let (path, required) = match self.path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from(DEFAULT_PATH), false),
        };
        let mut table = match read_bounded(&path) {
            Ok(text) => text
                .parse::<toml::Table>()
                .map_err(|e| ConfigError::Syntax {
                    path: path.clone(),
                    reason: e.to_string(),
                })?,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => toml::Table::new(),
            Err(e) => {
                return Err(ConfigError::Read {
                    path,
                    reason: e.to_string(),
                })
            }
        };
        refuse_inline_secrets(&table, sections)?;
        self.apply_env(&mut table, sections)?;
        let platforms = platform_tables(&mut table, sections)?;
        let raw: RawConfig =
            serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
                ConfigError::Value {
                    key: e.path().to_string(),
                    reason: in_words(e.inner().message()),
                }
            })?;
        self.finish(raw, platforms, sections)
    }

    fn apply_env(&self, table: &mut toml::Table, sections: &[&Section]) -> Result<(), ConfigError> {
        let mut vars: Vec<&(String, String)> = self.env.iter().collect();
        vars.sort();
        for (name, value) in vars {
            let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if is_secret_variable(sections, name) || name == CONFIG_PATH_VAR {
                continue;
            }
            // `42`, `true` and quoted strings keep their TOML type; anything else is a string.
            let parsed = format!("v = {value}")
                .parse::<toml::Table>()
                .ok()
                .and_then(|mut t| t.remove("v"))
                .unwrap_or_else(|| toml::Value::String(value.clone()));
            let top = rest.to_ascii_lowercase();
            if TOP_LEVEL_KEYS.contains(&top.as_str()) {
                table.insert(top, parsed);
                continue;
            }
            let Some((section, key)) = rest.split_once('_') else {
                return Err(unknown_env(name, sections));
            };
            let (section, key) = (section.to_ascii_lowercase(), key.to_ascii_lowercase());
            let known = ENGINE_SECTIONS.contains(&section.as_str())
                || sections.iter().any(|s| s.name == section);
            if !known {
                return Err(unknown_env(name, sections));
            }
            let section_table = table
                .entry(section.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match section_table {
                toml::Value::Table(t) => {
                    t.insert(key, parsed);
                }
                _ => {
                    return Err(ConfigError::Value {
                        key: section,
                        reason: "must be a table ([section])".into(),
                    })
                }
            }
        }
        Ok(())
    }

    /// Checks every section in turn and puts the configuration together.
    fn finish(
        &self,
        raw: RawConfig,
        platforms: BTreeMap<String, toml::Table>,
        sections: &[&Section],
    ) -> Result<Config, ConfigError> {
        check_database(&raw.database)?;
        raw.http.validate()?;
        raw.retention.validate()?;
        check_outbox(&raw.outbox)?;
        check_tenants(&raw.tenants, sections)?;
        let admins = admins(&raw.admins, sections)?;
        Ok(Config {
            accept_unconfigured_tenants: raw.accept_unconfigured_tenants,
            admins,
            tenants: raw.tenants,
            platforms,
            database: raw.database,
            http: raw.http,
            log: raw.log,
            outbox: raw.outbox,
            retention: raw.retention,
            kb: raw.kb,
        })
    }
}

impl Config {
    /// The platform section `name` (`slack`), deserialized as its adapter reads it; an error
    /// names the key in full (`slack.api_url`).
    pub fn section<T: DeserializeOwned>(&self, name: &str) -> Result<T, ConfigError> {
        let table = self.platforms.get(name).cloned().unwrap_or_default();
        serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
            let path = e.path().to_string();
            ConfigError::Value {
                key: match path.as_str() {
                    "." | "" => name.to_string(),
                    _ => format!("{name}.{path}"),
                },
                reason: in_words(e.inner().message()),
            }
        })
    }
}

/// Takes the platforms' sections out of the file's table, to be checked by their adapters.
fn platform_tables(
    table: &mut toml::Table,
    sections: &[&Section],
) -> Result<BTreeMap<String, toml::Table>, ConfigError> {
    let mut tables = BTreeMap::new();
    for section in sections {
        match table.remove(section.name) {
            None => {}
            Some(toml::Value::Table(t)) => {
                tables.insert(section.name.to_string(), t);
            }
            Some(other) => {
                return Err(ConfigError::Value {
                    key: section.name.to_string(),
                    reason: format!("got {other}; expected a table"),
                })
            }
        }
    }
    Ok(tables)
}

/// The adapters read their secrets through the loader: its environment, or the files named.
impl Secrets for Loader<'_> {
    fn secret(&self, key: &str, file: Option<&Path>) -> Result<Option<Secret>, Invalid> {
        let var = format!("{ENV_PREFIX}{}", key.replace('.', "_")).to_ascii_uppercase();
        if let Some((_, value)) = self.env.iter().find(|(k, _)| *k == var) {
            return Secret::read(value, SecretSource::Env(var.clone()))
                .map(Some)
                .map_err(|_| empty_variable(&var));
        }
        let file_key = format!("{key}_file");
        match file {
            None => Ok(None),
            Some(path) if path.to_string_lossy().trim().is_empty() => Err(Invalid::value(
                &file_key,
                "\"\"",
                "the path of a file that holds the secret (or leave the key out)",
            )),
            Some(path) => {
                let value = std::fs::read_to_string(path).map_err(|e| Invalid {
                    key: file_key.clone(),
                    reason: format!("cannot read {}: {e}", path.display()),
                })?;
                Secret::read(&value, SecretSource::File(path.to_path_buf()))
                    .map(Some)
                    .map_err(|_| Invalid {
                        key: file_key.clone(),
                        reason: format!(
                            "{} is empty (or holds only whitespace); an empty secret is never \
                             used: put the secret in the file, or leave {file_key} out",
                            path.display()
                        ),
                    })
            }
        }
    }

    fn variables(&self, accept: &dyn Fn(&str) -> bool) -> Result<Vec<(String, Secret)>, Invalid> {
        self.env
            .iter()
            .filter(|(name, _)| accept(name))
            .map(|(name, value)| {
                Secret::read(value, SecretSource::Env(name.clone()))
                    .map(|secret| (name.clone(), secret))
                    .map_err(|_| empty_variable(name))
            })
            .collect()
    }
}

/// `[database]`: a URL, a pool of 1 to 1000, a retry of at most an hour.
fn check_database(db: &super::DatabaseConfig) -> Result<(), ConfigError> {
    if db.url.trim().is_empty() {
        return Err(value_error(
            "database.url",
            "\"\"",
            "a SQLite path or a postgres:// URL",
        ));
    }
    if !(1..=1000).contains(&db.max_connections) {
        return Err(value_error(
            "database.max_connections",
            &db.max_connections.to_string(),
            "a number from 1 to 1000",
        ));
    }
    if db.connect_retry_seconds > 3600 {
        return Err(value_error(
            "database.connect_retry_seconds",
            &db.connect_retry_seconds.to_string(),
            "at most 3600",
        ));
    }
    Ok(())
}

/// `[outbox]`: a send must end within its lease; at least one send at a time.
fn check_outbox(outbox: &super::OutboxConfig) -> Result<(), ConfigError> {
    for (key, value) in [
        ("outbox.per_platform", outbox.per_platform),
        ("outbox.per_channel", outbox.per_channel),
    ] {
        if !(1..=1000).contains(&value) {
            return Err(value_error(key, &value.to_string(), "from 1 to 1000"));
        }
    }
    if outbox.send_timeout.is_zero() || outbox.send_timeout >= outbox.lease {
        return Err(value_error(
            "outbox.send_timeout",
            &format_duration(outbox.send_timeout),
            &format!(
                "more than 0 and less than outbox.lease ({})",
                format_duration(outbox.lease)
            ),
        ));
    }
    Ok(())
}

/// How the registered platform `platform` writes ids: its section's rules, or the port's
/// in-memory platform's; `None` for a platform nobody registered.
fn ids_of<'a>(platform: Platform, sections: &[&'a Section]) -> Option<&'a Ids> {
    if platform == Platform::MEMORY {
        return Some(&MEMORY_IDS);
    }
    sections
        .iter()
        .find(|s| s.platform() == platform)
        .map(|s| &s.ids)
}

/// Each `[[tenants]]` block, on a registered platform, valid and configured once.
fn check_tenants(tenants: &[TenantConfig], sections: &[&Section]) -> Result<(), ConfigError> {
    for (i, tenant) in tenants.iter().enumerate() {
        let at = format!("tenants[{i}]");
        let Some(ids) = ids_of(tenant.platform, sections) else {
            let mut known: Vec<&str> = sections.iter().map(|s| s.name).collect();
            known.push(Platform::MEMORY.as_str());
            return Err(value_error(
                &format!("{at}.platform"),
                &format!("{:?}", tenant.platform.as_str()),
                &format!("a configured platform: {}", known.join(", ")),
            ));
        };
        tenant
            .validate(&at, ids)
            .map_err(|TenantInvalid { key, reason }| ConfigError::Value { key, reason })?;
        if tenants[..i]
            .iter()
            .any(|o| o.platform == tenant.platform && o.id == tenant.id)
        {
            return Err(ConfigError::Value {
                key: at,
                reason: format!(
                    "{} tenant {:?} is configured twice",
                    tenant.platform, tenant.id
                ),
            });
        }
    }
    Ok(())
}

/// `admins = ["slack:U0ADMIN"]`, parsed, on registered platforms, each listed once.
fn admins(texts: &[String], sections: &[&Section]) -> Result<Vec<InstallationAdmin>, ConfigError> {
    let mut admins: Vec<InstallationAdmin> = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let key = format!("admins[{i}]");
        let refused = |reason| ConfigError::Value {
            key: key.clone(),
            reason,
        };
        let admin: InstallationAdmin = text.parse().map_err(refused)?;
        admin
            .check(text, ids_of(admin.platform, sections))
            .map_err(refused)?;
        if admins.contains(&admin) {
            return Err(ConfigError::Value {
                key,
                reason: format!("{admin} is listed twice"),
            });
        }
        admins.push(admin);
    }
    Ok(admins)
}

/// The most a configuration file may hold: a real one is a few kilobytes, so a larger file is
/// the wrong one (a log, a database) and reading it whole would only waste memory.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The file's text, refused past [`MAX_FILE_BYTES`] without reading the rest.
fn read_bounded(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other(
            "the file is larger than 1 MB; a configuration file is a few kilobytes: is this \
             the right file?",
        ));
    }
    Ok(text)
}

/// A deserializer's message in the operator's words: serde says `invalid type: string "x",
/// expected u32`; the operator reads `got "x"; expected a whole number`.
fn in_words(message: &str) -> String {
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "));
    let Some((got, expected)) = rest.and_then(|r| r.rsplit_once(", expected ")) else {
        return message.to_string();
    };
    let got = match got.split_once(' ') {
        Some(("string", text)) => text.to_string(),
        Some((_, quoted)) if quoted.starts_with('`') => quoted.trim_matches('`').to_string(),
        _ => match got {
            "sequence" => "a list".into(),
            "map" => "a table".into(),
            other => other.to_string(),
        },
    };
    let expected = match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number (0 or more)",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a string" | "a borrowed string" | "a character" => "text (in quotes)",
        "a boolean" => "true or false",
        "a sequence" => "a list ([...])",
        "a map" => "a table",
        e if e.starts_with("struct ") => "a table",
        e => e,
    };
    format!("got {got}; expected {expected}")
}

/// A `HELPDESK_…` variable that names no section or key the configuration has.
fn unknown_env(name: &str, sections: &[&Section]) -> ConfigError {
    let mut names: Vec<&str> = ENGINE_SECTIONS.to_vec();
    names.extend(sections.iter().map(|s| s.name));
    let names = match names.split_last() {
        Some((last, init)) => format!("{} or {last}", init.join(", ")),
        None => String::new(),
    };
    ConfigError::Value {
        key: name.to_string(),
        reason: format!(
            "unknown environment variable; expected HELPDESK_<SECTION>_<KEY> with a section \
             of {names}, or HELPDESK_ACCEPT_UNCONFIGURED_TENANTS (see helpdesk.example.toml)"
        ),
    }
}

/// A secret's variable that is set but holds nothing.
fn empty_variable(name: &str) -> Invalid {
    Invalid {
        key: name.to_string(),
        reason: "the variable is set but empty (or holds only whitespace); an empty secret is \
                 never used: set it to the secret, or unset it to leave the setting out"
            .into(),
    }
}

/// A secret written into the file would end up in backups and version control: refuse it.
fn refuse_inline_secrets(table: &toml::Table, sections: &[&Section]) -> Result<(), ConfigError> {
    for (key, var) in secret_keys(sections) {
        let (section, name) = key.split_once('.').unwrap_or(("", &key));
        let present = table
            .get(section)
            .and_then(|s| s.as_table())
            .is_some_and(|s| s.contains_key(name));
        if present {
            return Err(ConfigError::Value {
                reason: format!(
                    "secrets are not read from the configuration file; set {var} or \
                     {key}_file = \"/path/to/file\""
                ),
                key,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A platform the engine has never heard of, registered the way the binary registers one.
    const TEAMS: Section = Section {
        name: "teams",
        ids: Ids {
            fits: |_, id| id.starts_with("19:"),
            name: |_| "a Teams id",
            hint: |_| "use the id from the Teams admin centre",
        },
        secrets: &[],
        secret_variable: |_| false,
    };

    fn load(text: &str, sections: &[&Section]) -> Result<Config, ConfigError> {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("helpdesk.toml");
        std::fs::write(&path, text).unwrap();
        Loader {
            path: Some(&path),
            env: Vec::new(),
        }
        .load_with(sections)
    }

    #[test]
    fn a_registered_platform_checks_its_own_ids_and_others_are_refused() {
        let tenant = "[[tenants]]\nplatform = \"teams\"\nid = \"org1\"\n";
        let ok = load(
            &format!("admins = [\"teams:19:boss\"]\n{tenant}intake_channels = [\"19:help\"]\n"),
            &[&TEAMS],
        )
        .unwrap();
        assert_eq!(ok.tenants[0].platform, TEAMS.platform());
        assert_eq!(ok.admins[0].platform.as_str(), "teams");
        let e = load(
            &format!("{tenant}intake_channels = [\"help\"]\n"),
            &[&TEAMS],
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("tenants[0].intake_channels[0]") && e.contains("\"help\" is not a Teams id"),
            "{e}"
        );
        let e = load(tenant, &[]).unwrap_err().to_string();
        assert!(
            e.contains("tenants[0].platform") && e.contains("a configured platform: memory"),
            "{e}"
        );
        let e = load("admins = [\"teams:19:boss\"]\n", &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("admins[0]") && e.contains("unknown platform"),
            "{e}"
        );
    }

    #[test]
    fn the_outbox_bounds_take_a_count_from_one_and_say_so() {
        let ok = load("[outbox]\nper_platform = 2\nper_channel = 1\n", &[]).unwrap();
        assert_eq!((ok.outbox.per_platform, ok.outbox.per_channel), (2, 1));
        let e = load("[outbox]\nper_channel = 0\n", &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("outbox.per_channel") && e.contains("from 1 to 1000"),
            "{e}"
        );
    }
}
