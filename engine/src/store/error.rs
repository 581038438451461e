//! What can go wrong in storage.

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or opened.
    #[error("cannot open the database {target}: {reason}")]
    Connect {
        /// The URL or path, with any password masked.
        target: String,
        /// What went wrong, for people.
        reason: String,
    },
    /// A command that only reads found no database there (and created none).
    #[error("no helpdesk database at {target}{hint}")]
    NoDatabase {
        /// The URL or path, with any password masked.
        target: String,
        /// What to do about it, starting with "; " (or empty).
        hint: String,
    },
    /// The database's schema is older than this binary's; reads could misread it.
    #[error(
        "the database at {target} has {applied} of the {known} schema migrations this helpdesk \
         knows: run `helpdesk migrate` first (stop the bot or upgrade it: `helpdesk run` \
         migrates at start)"
    )]
    SchemaBehind {
        /// The URL or path, with any password masked.
        target: String,
        /// Migrations applied.
        applied: usize,
        /// Migrations this binary knows.
        known: usize,
    },
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Somebody else changed the ticket since it was read; read it again and retry.
    #[error("ticket {0} was changed concurrently")]
    Conflict(i64),
    /// A stored value does not parse into its domain type (hand-edited or newer data).
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    /// A value could not be encoded for storage.
    #[error("cannot encode a value for storage: {0}")]
    Encode(#[from] serde_json::Error),
}

impl StoreError {
    /// A failure that goes away when the whole transaction runs again: a concurrent change to
    /// the same ticket, or PostgreSQL breaking a deadlock or a serialisation conflict.
    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Conflict(_) => true,
            StoreError::Database(sqlx::Error::Database(e)) => {
                matches!(e.code().as_deref(), Some("40P01") | Some("40001"))
            }
            _ => false,
        }
    }
}
