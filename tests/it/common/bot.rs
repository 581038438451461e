//! The `helpdesk` binary as a test starts it: its own folder, configuration and port, logs
//! captured, stopped with SIGTERM or killed with SIGKILL.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// A running bot; killed if the test fails before stopping it.
pub struct Bot {
    child: Child,
    dir: Option<tempfile::TempDir>,
    /// Its HTTP server.
    pub addr: SocketAddr,
    logs: Arc<Mutex<Vec<String>>>,
    /// Signalled when its standard error is closed: every log line is in `logs`.
    logs_complete: std::sync::mpsc::Receiver<()>,
}

impl Bot {
    /// Starts `helpdesk run` with this configuration file, database (default: a SQLite file in
    /// its folder) and environment; returns once it serves HTTP.
    pub async fn start(config: &str, database: Option<&str>, env: &[(&str, String)]) -> Bot {
        Bot::start_until(config, database, env, "ready: HTTP server listening").await
    }

    /// Like [`Bot::start`], returning once it logs a line containing `marker` instead.
    pub async fn start_until(
        config: &str,
        database: Option<&str>,
        env: &[(&str, String)],
        marker: &'static str,
    ) -> Bot {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("helpdesk.toml");
        std::fs::write(&file, config).unwrap();
        let database = database.map_or_else(
            || {
                dir.path()
                    .join("helpdesk.db")
                    .to_string_lossy()
                    .into_owned()
            },
            str::to_string,
        );
        let addr = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_helpdesk"));
        cmd.arg("--config")
            .arg(&file)
            .arg("run")
            // Its own working folder, as a deployment gives it: on PostgreSQL the search index
            // goes there (`helpdesk-index`).
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HELPDESK_DATABASE_URL", database)
            .env("HELPDESK_HTTP_LISTEN", addr.to_string())
            .env("HELPDESK_LOG_FORMAT", "json")
            // Every level, so the tests that look for secrets in the logs see everything.
            .env("RUST_LOG", "trace")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the helpdesk binary starts");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let stderr = child.stderr.take().unwrap();
        let kept = logs.clone();
        let (complete, logs_complete) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut ready = Some(ready_tx);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains(marker) {
                    if let Some(tx) = ready.take() {
                        let _ = tx.send(());
                    }
                }
                kept.lock().unwrap().push(line);
            }
            let _ = complete.send(());
        });
        let bot = Bot {
            child,
            dir: Some(dir),
            addr,
            logs,
            logs_complete,
        };
        if super::fake_slack::patiently("the bot to start", ready_rx)
            .await
            .is_err()
        {
            panic!("the bot exited early:\n{}", bot.logs().join("\n"));
        }
        bot
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What it logged so far.
    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }

    /// Stops it with SIGTERM and checks it exits cleanly; its logs and its folder.
    pub async fn stop(mut self) -> (Vec<String>, tempfile::TempDir) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        let _ = self
            .logs_complete
            .recv_timeout(std::time::Duration::from_secs(5));
        let logs = self.logs();
        assert!(
            status.success(),
            "the bot exits cleanly: {status}\n{}",
            logs.join("\n")
        );
        (logs, self.dir.take().unwrap())
    }

    /// Sends it `signal` (`TERM`, `INT`) and waits at most `bound` for it to end: its exit
    /// status (`None` if it is still running), how long it took, and its logs.
    pub fn signal_and_wait(
        &mut self,
        signal: &str,
        bound: std::time::Duration,
    ) -> (
        Option<std::process::ExitStatus>,
        std::time::Duration,
        Vec<String>,
    ) {
        let pid = self.child.id().to_string();
        let sent = std::time::Instant::now();
        Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        let status = loop {
            match self.child.try_wait().unwrap() {
                Some(status) => break Some(status),
                None if sent.elapsed() >= bound => break None,
                // Polling the process table: std has no wait with a timeout.
                None => std::thread::sleep(std::time::Duration::from_millis(5)),
            }
        };
        let took = sent.elapsed();
        // The log reader ends with the process; give it a moment to read the last lines.
        if status.is_some() {
            let _ = self
                .logs_complete
                .recv_timeout(std::time::Duration::from_secs(5));
        }
        (status, took, self.logs())
    }

    /// Kills it with SIGKILL, as a crash would.
    pub fn kill(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.dir.take().unwrap()
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

/// The store a stopped bot left in `dir`, and its ticket number `n` of the first tenant.
pub async fn stored_ticket(
    dir: &tempfile::TempDir,
    n: i64,
) -> (helpdesk::store::Store, helpdesk::domain::Ticket) {
    let options =
        helpdesk::store::ConnectOptions::new(dir.path().join("helpdesk.db").to_string_lossy());
    let store = helpdesk::store::Store::open(&options).await.unwrap();
    let tenant = store.tenants().await.unwrap()[0].id;
    let ticket = store
        .ticket(tenant, helpdesk::domain::TicketNumber(n))
        .await
        .unwrap()
        .expect("the ticket was stored");
    (store, ticket)
}
