//! The operator's database commands: `check-db`, `backup`, `restore`.

use anyhow::{bail, Context, Result};
use helpdesk::config::Config;
use helpdesk::store::{mask_url, sqlite_file, ConnectOptions, SchemaState, Store, Thoroughness};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What to do about a damaged SQLite file.
fn damaged_advice(file: &Path) -> String {
    format!(
        "the database file is damaged. Stop the bot, keep a copy of {0} (and any {0}-wal), then \
         restore the latest backup: `helpdesk restore BACKUP --force`. Without a backup, \
         `sqlite3 {0} .recover | sqlite3 recovered.db` salvages what it can.",
        file.display()
    )
}

/// `helpdesk check-db [--full]`.
pub async fn check_db(config: &Config, full: bool) -> Result<()> {
    let options = config.database.connect_options();
    let target = mask_url(&options.url);
    let store = Store::connect_existing(&options).await?;
    let how = if full {
        Thoroughness::Full
    } else {
        Thoroughness::Quick
    };
    let started = Instant::now();
    let checked = store.integrity_problems(how, 20).await;
    let file = sqlite_file(&options.url);
    match (&checked, &file) {
        (Ok(problems), Some(file)) if !problems.is_empty() => {
            for p in problems {
                println!("problem: {p}");
            }
            store.close_without_checkpoint().await;
            bail!("{target}: {}", damaged_advice(file));
        }
        (Err(e), Some(file)) => {
            store.close_without_checkpoint().await;
            bail!(
                "{target}: the check could not read the file ({e}); {}",
                damaged_advice(file)
            );
        }
        (Err(e), None) => bail!("{target}: the server does not answer: {e}"),
        _ => {}
    }
    let pages = match (file, how) {
        (None, _) => "the server answers".to_string(),
        (Some(_), Thoroughness::Quick) => format!("quick_check ok in {:.1?}", started.elapsed()),
        (Some(_), Thoroughness::Full) => {
            format!("integrity_check ok in {:.1?}", started.elapsed())
        }
    };
    let schema = store.schema_state().await;
    store.close_without_checkpoint().await;
    match schema? {
        SchemaState::Current { applied } => {
            println!("{target}: {pages}; schema up to date ({applied} migrations)");
            Ok(())
        }
        SchemaState::Behind { applied, known } => bail!(
            "{target}: {pages}; but the schema has {applied} of {known} migrations: run \
             `helpdesk migrate`"
        ),
        SchemaState::Empty => bail!(
            "no helpdesk database at {target}: it has no helpdesk tables (run `helpdesk migrate` \
             to create them)"
        ),
    }
}

/// `helpdesk backup FILE`.
pub async fn backup(config: &Config, file: &Path) -> Result<()> {
    let options = config.database.connect_options();
    if sqlite_file(&options.url).is_none() {
        bail!(
            "{} is PostgreSQL: back it up with its own tools, e.g. `pg_dump --format=custom \
             --file=helpdesk.dump URL` (restore with `pg_restore --clean --dbname=URL \
             helpdesk.dump`); `helpdesk backup` copies SQLite files only",
            mask_url(&options.url)
        );
    }
    if file.exists() {
        bail!(
            "{} exists already: choose a new file name (a backup never overwrites one)",
            file.display()
        );
    }
    let store = Store::open_existing(&options).await?;
    // Written under another name first: a backup cut short never looks like a whole one.
    let partial = sibling(file, ".partial");
    let _ = std::fs::remove_file(&partial);
    let started = Instant::now();
    let result = store.backup_into(&partial).await;
    store.close_without_checkpoint().await;
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e).context(format!("the backup into {} failed", file.display()));
    }
    std::fs::rename(&partial, file)
        .with_context(|| format!("cannot move {} to {}", partial.display(), file.display()))?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "backed up {} to {} ({:.1} MiB in {:.1?})",
        mask_url(&options.url),
        file.display(),
        size as f64 / (1024.0 * 1024.0),
        started.elapsed()
    );
    Ok(())
}

/// `helpdesk restore FILE [--force]`.
pub async fn restore(config: &Config, file: &Path, force: bool) -> Result<()> {
    let options = config.database.connect_options();
    let Some(target) = sqlite_file(&options.url) else {
        bail!(
            "{} is PostgreSQL: restore a pg_dump file with `pg_restore --clean --dbname=URL \
             helpdesk.dump`; `helpdesk restore` writes SQLite files only",
            mask_url(&options.url)
        );
    };
    if !file.is_file() {
        bail!("there is no backup file {}", file.display());
    }
    if target.exists() && !force {
        bail!(
            "{} exists: `helpdesk restore` replaces it only with --force (stop the bot first; \
             take a backup of it if it may still matter)",
            target.display()
        );
    }
    if bot_answers(config).await {
        bail!(
            "a bot answers at {}: stop it before restoring, it keeps the database open",
            config.http.health_addr()
        );
    }
    // Checked as a copy beside the target, then moved in place in one rename.
    let copy = sibling(&target, ".restoring");
    std::fs::copy(file, &copy)
        .with_context(|| format!("cannot copy {} to {}", file.display(), copy.display()))?;
    if let Err(e) = check_backup(&copy, file).await {
        remove_database_files(&copy);
        return Err(e);
    }
    remove_database_files(&target);
    std::fs::rename(&copy, &target)
        .with_context(|| format!("cannot move {} to {}", copy.display(), target.display()))?;
    // The search indexes followed the database that was replaced: the next start rebuilds them.
    helpdesk::kb::remove_indexes(&config.kb_index());
    // A backup of an older version is brought to this binary's schema.
    let store = Store::open(&options).await?;
    store.close().await;
    println!("restored {} into {}", file.display(), target.display());
    Ok(())
}

/// Refuses a file that is not a whole helpdesk database.
async fn check_backup(copy: &Path, original: &Path) -> Result<()> {
    let not_ours =
        |why: String| anyhow::anyhow!("{} is not a helpdesk database: {why}", original.display());
    let options = ConnectOptions::new(copy.to_string_lossy());
    let store = Store::connect_existing(&options)
        .await
        .map_err(|e| not_ours(e.to_string()))?;
    let checked = store.integrity_problems(Thoroughness::Quick, 5).await;
    let schema = store.schema_state().await;
    store.close().await;
    match checked {
        Ok(problems) if problems.is_empty() => {}
        Ok(problems) => return Err(not_ours(format!("it is damaged: {}", problems.join("; ")))),
        Err(e) => return Err(not_ours(e.to_string())),
    }
    match schema.map_err(|e| not_ours(e.to_string()))? {
        SchemaState::Empty => Err(not_ours("it has no helpdesk tables".into())),
        _ => Ok(()),
    }
}

/// Whether something answers `/healthz` where this configuration's bot would.
async fn bot_answers(config: &Config) -> bool {
    let mut addr = config.http.health_addr();
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    matches!(
        tokio::time::timeout(
            std::time::Duration::from_secs(2),
            crate::http_get_status(addr, "/healthz")
        )
        .await,
        Ok(Ok(200))
    )
}

/// `dir/name.db` → `dir/name.db<suffix>`.
fn sibling(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A SQLite file with its WAL and shared-memory index.
fn remove_database_files(file: &Path) {
    for f in [
        file.to_path_buf(),
        sibling(file, "-wal"),
        sibling(file, "-shm"),
    ] {
        let _ = std::fs::remove_file(f);
    }
}
