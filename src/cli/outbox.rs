//! `helpdesk outbox`: the chat actions waiting to be sent.

use super::{open, open_existing, print_list};
use anyhow::{bail, Result};
use clap::Subcommand;
use helpdesk::config::Config;
use helpdesk::store::OutboxState;

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// List outbox items, oldest first.
    List {
        /// Only items in this state: pending, sent or dead.
        #[arg(long)]
        state: Option<OutboxState>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Put dead items back in the queue: one by id, or all of them.
    Retry {
        /// The item's id (see `outbox list --state dead`).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<i64>,
        /// Every dead item.
        #[arg(long)]
        all: bool,
    },
}

/// Runs one `outbox` subcommand.
pub async fn run(config: &Config, command: OutboxCommand) -> Result<()> {
    match command {
        OutboxCommand::List { state, limit, json } => {
            let store = open_existing(config).await?;
            let items = store.outbox(state, limit.max(1)).await?;
            print_list(
                &items,
                json,
                "the outbox is empty",
                helpdesk::view::outbox_json,
                helpdesk::view::outbox_table,
            )
        }
        OutboxCommand::Retry { id, all: _ } => {
            let store = open(config).await?;
            let returned = store.retry_dead(id, chrono::Utc::now()).await?;
            store.close().await;
            match (id, returned) {
                (Some(id), 0) => bail!("outbox item {id} does not exist or is not dead"),
                _ => println!("{returned} item(s) back in the queue"),
            }
            Ok(())
        }
    }
}
