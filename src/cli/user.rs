//! `helpdesk user`: the web desk's local accounts (add, list, passwd, remove).

use super::{open, open_existing, print_list};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use helpdesk::config::Config;
use helpdesk::domain::{AccountRole, Person};
use helpdesk::store::{AccountAdded, WebAccount};
use helpdesk_web::{password, Password, Username};
use std::io::BufRead;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a web desk account. Without --password-stdin a random password is made and
    /// printed once.
    Add {
        /// The sign-in name: 2 to 64 of a-z, 0-9, '.', '-', '_'.
        name: Username,
        /// requester, agent-l1, agent-l2, agent-l3, manager or admin.
        #[arg(long)]
        role: AccountRole,
        #[command(flatten)]
        password: PasswordArg,
    },
    /// List the web desk's accounts.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Set an account's password (and sign it out everywhere).
    Passwd {
        /// The account's name.
        name: Username,
        #[command(flatten)]
        password: PasswordArg,
    },
    /// Remove an account (and sign it out everywhere).
    Remove {
        /// The account's name.
        name: Username,
    },
}

#[derive(Args)]
pub struct PasswordArg {
    /// Read the password from the first line of standard input (at least 10 characters).
    #[arg(long)]
    password_stdin: bool,
}

impl PasswordArg {
    /// The password from standard input, or a new random one to print.
    fn read(&self) -> Result<(Password, bool)> {
        if !self.password_stdin {
            let made = helpdesk_web::token::Token::generate()?;
            // 24 hex digits: 96 random bits, easy to type once and change.
            let text = &made.expose()[..24];
            return Ok((Password::new(text)?, true));
        }
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        let text = line.strip_suffix('\n').unwrap_or(&line);
        let text = text.strip_suffix('\r').unwrap_or(text);
        Ok((Password::new(text)?, false))
    }
}

/// Runs one `user` subcommand.
pub async fn run(config: &Config, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add {
            name,
            role,
            password,
        } => {
            let (password, made) = password.read()?;
            let hash = password::hash(&password)?;
            let store = open(config).await?;
            let added = store
                .add_web_account(
                    &operator(),
                    name.as_str(),
                    role,
                    &hash,
                    false,
                    chrono::Utc::now(),
                )
                .await?;
            match added {
                AccountAdded::Added => {
                    tracing::info!(account = %name, %role, "web account added");
                    println!("added {name} ({role})");
                    print_made(&name, &password, made);
                    Ok(())
                }
                AccountAdded::NameTaken | AccountAdded::AdminExists => {
                    bail!("an account named {name} exists already")
                }
            }
        }
        UserCommand::List { json } => {
            let store = open_existing(config).await?;
            let accounts = store.web_accounts().await?;
            print_list(
                &accounts,
                json,
                "no web accounts",
                account_json,
                account_table,
            )
        }
        UserCommand::Passwd { name, password } => {
            let store = open_existing(config).await?;
            let (password, made) = password.read()?;
            let hash = password::hash(&password)?;
            if !store
                .set_web_password(&operator(), name.as_str(), &hash, chrono::Utc::now())
                .await?
            {
                bail!("there is no web account named {name}");
            }
            tracing::info!(account = %name, "web account password set");
            println!("password of {name} set; its sessions are signed out");
            print_made(&name, &password, made);
            Ok(())
        }
        UserCommand::Remove { name } => {
            let store = open_existing(config).await?;
            let removed = store
                .remove_web_account(&operator(), name.as_str(), chrono::Utc::now())
                .await?;
            if !removed {
                bail!("there is no web account named {name}");
            }
            tracing::info!(account = %name, "web account removed");
            println!("removed {name}");
            if !store.web_admin_exists().await? {
                println!("no administrator is left: the next `helpdesk run` prints a setup link");
            }
            Ok(())
        }
    }
}

/// Who the audit log says acted: the operator at the command line.
fn operator() -> Person {
    Person::new("cli", "command line")
}

/// Shows a password made for the operator, once.
fn print_made(name: &Username, password: &Password, made: bool) {
    if made {
        println!("password for {name}: {}", password.expose());
        println!("(shown once: pass it on privately; `helpdesk user passwd {name}` sets another)");
    }
}

fn account_json(a: &WebAccount) -> serde_json::Value {
    serde_json::json!({
        "name": a.name,
        "role": a.role.as_str(),
        "created_at": a.created_at.to_rfc3339(),
        "password_changed_at": a.password_changed_at.to_rfc3339(),
    })
}

fn account_table(accounts: &[WebAccount]) -> String {
    let width = accounts
        .iter()
        .map(|a| a.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!("{:width$}  {:9}  CREATED\n", "NAME", "ROLE");
    for a in accounts {
        out.push_str(&format!(
            "{:width$}  {:9}  {}\n",
            a.name,
            a.role.as_str(),
            a.created_at.format("%Y-%m-%d %H:%M")
        ));
    }
    out
}
