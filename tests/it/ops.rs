//! The operator's side of the database: read-only commands that create nothing, backups taken
//! while the desk works, honest readiness, `check-db`.

use crate::common;

use common::bot::Bot;
use common::chat::{mario, message};
use common::cli::{helpdesk, run};
use common::now;
use helpdesk::desk::Handled;
use helpdesk::sandbox::{example_tenant, person, Sandbox};
use helpdesk::store::{ConnectOptions, Store};
use sqlx::Connection;
use std::io::{Read, Write};
use std::path::Path;

/// Every command that only reads, with the arguments it needs.
const READ_ONLY: &[&[&str]] = &[
    &["ticket", "list"],
    &["ticket", "show", "1"],
    &["ticket", "export", "1"],
    &["report"],
    &["outbox", "list"],
    &["audit"],
    &["kb", "search", "printer"],
    &["kb", "export", "exported"],
    &["kb", "history", "vpn"],
    &["kb", "eval", "--queries", "queries.jsonl"],
    &["check-db"],
    &["backup", "copy.db"],
];

/// A migrated SQLite database in `dir`, made by the CLI.
fn migrated(dir: &Path) {
    let (out, _, stderr) = run(helpdesk(dir).arg("migrate"));
    assert!(out.status.success(), "{stderr}");
}

/// `GET path` on the bot: status code and body.
fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn read_only_commands_on_a_missing_sqlite_database_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("queries.jsonl"),
        "{\"id\":\"q1\",\"text\":\"printer jammed\",\"article\":\"printer\"}\n",
    )
    .unwrap();
    for args in READ_ONLY {
        let (out, stdout, stderr) = run(helpdesk(dir.path()).args(*args));
        assert!(!out.status.success(), "{args:?} succeeded: {stdout}");
        assert!(
            stderr.contains("no helpdesk database at helpdesk.db"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            !dir.path().join("helpdesk.db").exists(),
            "{args:?} created the database"
        );
    }
    // Also where the folder is missing: the same words, not a folder complaint.
    let (out, _, stderr) = run(helpdesk(dir.path())
        .args(["ticket", "list"])
        .env("HELPDESK_DATABASE_URL", "data/helpdesk.db"));
    assert!(!out.status.success());
    assert!(
        stderr.contains("no helpdesk database at data/helpdesk.db"),
        "{stderr}"
    );
    // The commands that may create it still do.
    migrated(dir.path());
    let (out, stdout, stderr) = run(helpdesk(dir.path()).args(["ticket", "list"]));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("no tickets"), "{stdout}");
    let (out, stdout, stderr) = run(helpdesk(dir.path()).arg("check-db"));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("quick_check ok") && stdout.contains("schema up to date"),
        "{stdout}"
    );
    let (out, stdout, stderr) = run(helpdesk(dir.path()).args(["check-db", "--full"]));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("integrity_check ok"), "{stdout}");
}

#[tokio::test]
async fn read_only_commands_on_a_fresh_postgres_schema_leave_it_without_tables() {
    let Some(db) = common::TestDb::postgres_unmigrated().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("queries.jsonl"),
        "{\"id\":\"q1\",\"text\":\"printer jammed\",\"article\":\"printer\"}\n",
    )
    .unwrap();
    for args in READ_ONLY {
        let (out, stdout, stderr) = run(helpdesk(dir.path())
            .args(*args)
            .env("HELPDESK_DATABASE_URL", &db.url));
        assert!(!out.status.success(), "{args:?} succeeded: {stdout}");
        let said_no_database = stderr.contains("no helpdesk database at postgres://");
        let said_pg_dump = args[0] == "backup" && stderr.contains("pg_dump");
        assert!(said_no_database || said_pg_dump, "{args:?}: {stderr}");
        assert_eq!(db.tables().await, 0, "{args:?} created tables");
    }
    db.finish().await;
}

#[tokio::test]
async fn read_only_commands_on_an_older_schema_say_to_migrate() {
    let dir = tempfile::tempdir().unwrap();
    migrated(dir.path());
    let url = dir
        .path()
        .join("helpdesk.db")
        .to_string_lossy()
        .into_owned();
    // The newest migration forgotten: the schema as the previous release left it.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{url}"))
        .await
        .unwrap();
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    for args in [&["ticket", "list"][..], &["report"], &["check-db"]] {
        let (out, _, stderr) = run(helpdesk(dir.path()).args(args));
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr.contains("run `helpdesk migrate`"),
            "{args:?}: {stderr}"
        );
    }
}

#[tokio::test]
async fn cli_writes_leave_every_row_in_the_main_file() {
    let dir = tempfile::tempdir().unwrap();
    migrated(dir.path());
    // Another process has the database open, as the running bot does: SQLite's checkpoint
    // when the last connection closes cannot be what saves the data.
    let file = dir.path().join("helpdesk.db");
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    sqlx::query("SELECT count(*) FROM tickets")
        .execute(&mut other)
        .await
        .unwrap();
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).unwrap();
    for (slug, title) in [
        ("vpn", "Connecting to the VPN"),
        ("printer", "The printer jams"),
    ] {
        std::fs::write(
            articles.join(format!("{slug}.md")),
            format!(
                "---\ntitle: {title}\n---\n{title}: open the settings, choose the profile \
                 your team uses and follow the steps shown there."
            ),
        )
        .unwrap();
    }
    let (out, stdout, stderr) = run(helpdesk(dir.path()).args(["kb", "import", "articles"]));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("2 created"), "{stdout}");
    let wal = dir.path().join("helpdesk.db-wal");
    assert!(
        !wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0,
        "the WAL still holds data after the command"
    );
    // The main file alone, copied as an operator would, has the articles.
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.path().join("helpdesk.db"),
        copy.path().join("helpdesk.db"),
    )
    .unwrap();
    let (out, stdout, stderr) = run(helpdesk(copy.path()).args(["kb", "export", "out"]));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("2 articles"), "{stdout}");
    other.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_desk_takes_tickets_restores_every_acknowledged_one() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir
        .path()
        .join("helpdesk.db")
        .to_string_lossy()
        .into_owned();
    let store = Store::open(&ConnectOptions::new(&url)).await.unwrap();
    let sb = Sandbox::new(store.clone(), example_tenant(), now());
    let (acked, mut acked_rx) = tokio::sync::watch::channel(0usize);
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let desk = tokio::spawn(async move {
        let mut n = 0usize;
        while !*stopped.borrow_and_update() {
            let text = format!(
                "My laptop number {n} does not reach the VPN since this morning: the client \
                 says the certificate expired and the office Wi-Fi drops every few minutes."
            );
            // A different person each time: one person's messages would join one ticket.
            let who = person(&format!("U-emp{n}"), &format!("Employee {n}"), &[]);
            let event = sb.event(&who, "help", None, message(&text, &format!("m-{n}")));
            assert_eq!(sb.handle(&event).await.unwrap(), Handled::Done);
            n += 1;
            acked.send_replace(n);
        }
    });
    acked_rx.wait_for(|n| *n >= 50).await.unwrap();
    let before = *acked_rx.borrow();
    let backup_dir = tempfile::tempdir().unwrap();
    let cwd = dir.path().to_path_buf();
    let (out, stdout, stderr) = tokio::task::spawn_blocking(move || {
        run(helpdesk(&cwd)
            .args(["backup", "../backup.db"])
            .current_dir(&cwd))
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("backed up"), "{stdout}");
    let after = *acked_rx.borrow();
    stop.send_replace(true);
    desk.await.unwrap();
    assert!(
        after > before,
        "the desk kept taking tickets during the backup"
    );
    let backup = dir.path().parent().unwrap().join("backup.db");
    std::fs::rename(&backup, backup_dir.path().join("backup.db")).unwrap();
    store.close().await;

    let restored = tempfile::tempdir().unwrap();
    let (out, stdout, stderr) = run(helpdesk(restored.path())
        .arg("restore")
        .arg(backup_dir.path().join("backup.db")));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("restored"), "{stdout}");
    let (out, stdout, stderr) =
        run(helpdesk(restored.path()).args(["ticket", "list", "--json", "--limit", "100000"]));
    assert!(out.status.success(), "{stderr}");
    let list: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    let mut numbers: Vec<usize> = list
        .iter()
        .map(|t| t["number"].as_u64().unwrap() as usize)
        .collect();
    numbers.sort_unstable();
    // One moment's snapshot: tickets 1..=k without gaps, k at least every acknowledged one.
    let k = numbers.len();
    assert_eq!(numbers, (1..=k).collect::<Vec<_>>());
    assert!(
        (before..=after).contains(&k),
        "{k} tickets in the backup, {before} acknowledged before it and {after} after"
    );
}

#[test]
fn backup_refuses_postgres_and_an_existing_file_and_restore_checks_what_it_gets() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _, stderr) = run(helpdesk(dir.path()).args(["backup", "b.db"]).env(
        "HELPDESK_DATABASE_URL",
        "postgres://bot:s3cret@127.0.0.1:1/helpdesk",
    ));
    assert!(!out.status.success());
    assert!(stderr.contains("pg_dump"), "{stderr}");
    assert!(!stderr.contains("s3cret"), "{stderr}");
    migrated(dir.path());
    std::fs::write(dir.path().join("b.db"), "not a database").unwrap();
    let (out, _, stderr) = run(helpdesk(dir.path()).args(["backup", "b.db"]));
    assert!(!out.status.success());
    assert!(stderr.contains("exists already"), "{stderr}");
    let (out, _, stderr) = run(helpdesk(dir.path()).args(["restore", "b.db"]));
    assert!(!out.status.success());
    assert!(stderr.contains("only with --force"), "{stderr}");
    let (out, _, stderr) = run(helpdesk(dir.path()).args(["restore", "b.db", "--force"]));
    assert!(!out.status.success());
    assert!(stderr.contains("not a helpdesk database"), "{stderr}");
    // The database it would have replaced is untouched.
    let (out, _, stderr) = run(helpdesk(dir.path()).arg("check-db"));
    assert!(out.status.success(), "{stderr}");
}

#[tokio::test]
async fn readiness_fails_with_the_reason_on_a_read_only_database() {
    let dir = tempfile::tempdir().unwrap();
    migrated(dir.path());
    let file = dir.path().join("helpdesk.db");
    // Opened read-only, as SQLite does with a file or disk it cannot write.
    let url = format!("sqlite://{}?mode=ro", file.display());
    let bot = Bot::start("", Some(&url), &[]).await;
    let (status, body) = get(bot.addr, "/readyz");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("read-only"), "{body}");
    assert_eq!(get(bot.addr, "/healthz").0, 200, "alive, only not ready");
    let (out, _, stderr) = run(helpdesk(dir.path())
        .arg("health")
        .env("HELPDESK_HTTP_LISTEN", bot.addr.to_string()));
    assert!(!out.status.success(), "the health check says not ready");
    assert!(
        stderr.contains("503") && stderr.contains("read-only"),
        "{stderr}"
    );
    bot.stop().await;
}

#[tokio::test]
async fn readiness_and_check_db_find_a_page_corrupted_database() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("helpdesk.db");
    {
        let store = Store::open(&ConnectOptions::new(file.to_string_lossy()))
            .await
            .unwrap();
        let sb = Sandbox::new(store.clone(), example_tenant(), now());
        for n in 0..20 {
            let text = format!("The shared drive number {n} is read-only since the update.");
            let event = sb.event(&mario(), "help", None, message(&text, &format!("m-{n}")));
            sb.handle(&event).await.unwrap();
        }
        store.close().await;
    }
    // Garbage over the log table's first page, as a bad disk or a careless copy leaves it.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let (root,): (i64,) =
        sqlx::query_as("SELECT rootpage FROM sqlite_master WHERE name = 'ticket_log'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let (page,): (i64,) = sqlx::query_as("PRAGMA page_size")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    let mut bytes = std::fs::read(&file).unwrap();
    let start = ((root - 1) * page) as usize;
    for (i, b) in bytes[start..start + page as usize].iter_mut().enumerate() {
        *b = (i * 7 + 13) as u8;
    }
    std::fs::write(&file, bytes).unwrap();

    let url = file.to_string_lossy().into_owned();
    let bot = Bot::start("", Some(&url), &[]).await;
    let (status, body) = get(bot.addr, "/readyz");
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("damaged") && body.contains("check-db"),
        "{body}"
    );
    bot.stop().await;

    let (out, _, stderr) = run(helpdesk(dir.path()).arg("check-db"));
    assert!(!out.status.success());
    assert!(
        stderr.contains("damaged") && stderr.contains("helpdesk restore"),
        "{stderr}"
    );
}

#[tokio::test]
async fn readiness_answers_200_on_a_healthy_database() {
    let dir = tempfile::tempdir().unwrap();
    migrated(dir.path());
    let url = dir
        .path()
        .join("helpdesk.db")
        .to_string_lossy()
        .into_owned();
    let bot = Bot::start("", Some(&url), &[]).await;
    for _ in 0..3 {
        let (status, body) = get(bot.addr, "/readyz");
        assert_eq!((status, body.as_str()), (200, "ready\n"));
    }
    bot.stop().await;
}

#[tokio::test]
async fn restore_refuses_while_a_bot_answers_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    migrated(dir.path());
    let (out, _, stderr) = run(helpdesk(dir.path()).args(["backup", "copy.db"]));
    assert!(out.status.success(), "{stderr}");
    let url = dir
        .path()
        .join("helpdesk.db")
        .to_string_lossy()
        .into_owned();
    let bot = Bot::start("", Some(&url), &[]).await;
    let (out, _, stderr) = run(helpdesk(dir.path())
        .args(["restore", "copy.db", "--force"])
        .env("HELPDESK_HTTP_LISTEN", bot.addr.to_string()));
    assert!(!out.status.success());
    assert!(stderr.contains("a bot answers"), "{stderr}");
    assert_eq!(
        get(bot.addr, "/readyz").0,
        200,
        "the bot's database is untouched"
    );
    bot.stop().await;
    let (out, stdout, stderr) = run(helpdesk(dir.path()).args(["restore", "copy.db", "--force"]));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("restored"), "{stdout}");
}

#[tokio::test]
async fn readiness_probes_at_most_once_per_period_and_caches_the_answer() {
    let db = common::TestDb::sqlite().await;
    let readiness = helpdesk::readiness::Readiness::new(db.store.clone());
    assert_eq!(readiness.check().await, Ok(()));
    // The database is gone now, but within the period the answer comes from the cache: a
    // flood of readiness requests never reaches the database.
    db.store.close_without_checkpoint().await;
    for _ in 0..100 {
        assert_eq!(readiness.check().await, Ok(()));
    }
    let fresh = helpdesk::readiness::Readiness::new(db.store.clone());
    assert!(fresh.check().await.is_err(), "a new probe does see it");
}

/// `kb import` leaves the index current beside the database; a restore removes it (it followed
/// the replaced database), and the next command builds it from the restored one.
#[test]
fn a_restore_leaves_the_search_index_to_be_rebuilt_from_the_restored_database() {
    let dir = tempfile::tempdir().unwrap();
    let articles = |rows: &[(&str, &str)]| {
        let path = dir.path().join("articles.jsonl");
        let lines: Vec<String> = rows
            .iter()
            .map(|(id, title)| {
                serde_json::json!({"id": id, "title": title, "body": format!("{title}: restart it.")})
                    .to_string()
            })
            .collect();
        std::fs::write(&path, lines.join("\n")).unwrap();
        path
    };
    let import = |path: &std::path::Path| {
        let (out, stdout, stderr) = run(helpdesk(dir.path())
            .args(["kb", "import", "--jsonl"])
            .arg(path));
        assert!(out.status.success(), "{stderr}");
        stdout
    };
    let first = articles(&[("vpn", "VPN error 809"), ("printer", "Printer jammed")]);
    assert!(import(&first).contains("search index: 2 articles"));
    let index = dir.path().join("helpdesk.db.index");
    assert!(index
        .join(format!("articles-v{}", helpdesk::kb::SCHEMA_VERSION))
        .is_dir());
    let (out, _, stderr) = run(helpdesk(dir.path()).args(["backup", "backup.db"]));
    assert!(out.status.success(), "{stderr}");
    let later = articles(&[("vpn-token", "VPN token expired")]);
    assert!(import(&later).contains("search index: 3 articles"));
    std::fs::write(index.join("notes.txt"), "the operator's").unwrap();

    let (out, _, stderr) = run(helpdesk(dir.path()).args(["restore", "backup.db", "--force"]));
    assert!(out.status.success(), "{stderr}");
    assert!(!index
        .join(format!("articles-v{}", helpdesk::kb::SCHEMA_VERSION))
        .exists());
    assert!(
        index.join("notes.txt").exists(),
        "only the index's own folders are removed"
    );
    let (out, stdout, stderr) = run(helpdesk(dir.path()).args(["kb", "search", "vpn token"]));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("vpn ") && !stdout.contains("vpn-token"),
        "{stdout}"
    );
}
