//! `web_messages`: what the desk sent to the web desk, kept for its pages (the web platform's
//! sends land here, as a chat platform's land on its service).

use super::rows::{from_ms, to_ms};
use super::{Store, StoreError};
use crate::domain::Timestamp;
use helpdesk_chat::RichMessage;

/// A message the desk sent to the web desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebMessage {
    /// The web account it is for, when it is for one person (their conversation, a private
    /// answer); `None` for a queue's.
    pub person: Option<String>,
    /// The channel it was posted in (a person's or a queue's).
    pub channel: String,
    /// The thread it went into, if any.
    pub thread: Option<String>,
    /// Its id, as the web platform named it.
    pub message_id: String,
    /// What it says.
    pub message: RichMessage,
    /// When it was kept.
    pub at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct Row {
    person: Option<String>,
    channel: String,
    thread: Option<String>,
    message_id: String,
    message: String,
    at: i64,
}

impl TryFrom<Row> for WebMessage {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(WebMessage {
            message: serde_json::from_str(&r.message)
                .map_err(|e| StoreError::Corrupt(format!("web message {}: {e}", r.message_id)))?,
            person: r.person,
            channel: r.channel,
            thread: r.thread,
            message_id: r.message_id,
            at: from_ms(r.at)?,
        })
    }
}

impl Store {
    /// Keeps a message sent to the web desk under the outbox item it carries out
    /// (`attempt_key`): a retried send of the same item keeps the first row. Returns the
    /// message id stored for that item.
    pub async fn keep_web_message(
        &self,
        attempt_key: &str,
        message: &WebMessage,
    ) -> Result<String, StoreError> {
        const INSERT: &str = "INSERT INTO web_messages \
            (attempt_key, person, channel, thread, message_id, message, at) \
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (attempt_key) DO NOTHING";
        const KEPT: &str = "SELECT message_id FROM web_messages WHERE attempt_key = $1";
        let json = serde_json::to_string(&message.message)
            .map_err(|e| StoreError::Corrupt(format!("web message: {e}")))?;
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        on!(db, c => sqlx::query(INSERT)
            .bind(attempt_key)
            .bind(message.person.as_deref())
            .bind(&message.channel)
            .bind(message.thread.as_deref())
            .bind(&message.message_id)
            .bind(&json)
            .bind(to_ms(message.at))
            .execute(&mut **c)
            .await
            .map(|_| ()))?;
        let kept: String =
            on!(db, c => sqlx::query_scalar(KEPT).bind(attempt_key).fetch_one(&mut **c).await)?;
        Ok(kept)
    }

    /// The newest `limit` messages for `person`, newest first.
    pub async fn web_messages_for(
        &self,
        person: &str,
        limit: i64,
    ) -> Result<Vec<WebMessage>, StoreError> {
        const SQL: &str = "SELECT person, channel, thread, message_id, message, at \
            FROM web_messages WHERE person = $1 ORDER BY id DESC LIMIT $2";
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let rows: Vec<Row> = on!(db, c => sqlx::query_as(SQL)
            .bind(person)
            .bind(limit)
            .fetch_all(&mut **c)
            .await)?;
        rows.into_iter().map(WebMessage::try_from).collect()
    }
}
