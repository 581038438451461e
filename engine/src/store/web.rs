//! `web_accounts` and `web_sessions`: the web desk's local accounts and signed-in browsers.
//! Names arrive checked (the web adapter's `Username`); hashes are made by the caller, so no
//! password or session id ever reaches this module.

use super::audit::AuditEntry;
use super::rows::{from_ms, parse, to_ms};
use super::{Store, StoreError, StoreTx};
use crate::domain::{AccountRole, Person, Timestamp};

/// A local account of the web desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebAccount {
    /// Its row id.
    pub id: i64,
    /// The sign-in name (lower case).
    pub name: String,
    /// Its role on the web tenant's desk.
    pub role: AccountRole,
    /// The Argon2id PHC string of its password.
    pub password_hash: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// When its password was last set.
    pub password_changed_at: Timestamp,
}

/// A signed-in browser, with the account it is signed in as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    /// Who.
    pub account: WebAccount,
    /// The token its forms carry.
    pub csrf_token: String,
    /// When it signed in.
    pub created_at: Timestamp,
    /// Its last request.
    pub seen_at: Timestamp,
}

/// Where a new account may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountAdded {
    /// Made.
    Added,
    /// That name is taken.
    NameTaken,
    /// Only the first admin may be made this way, and there is one already.
    AdminExists,
}

const ACCOUNT_COLUMNS: &str = "a.id, a.name, a.role, a.password_hash, a.created_at, \
    a.password_changed_at";

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    name: String,
    role: String,
    password_hash: String,
    created_at: i64,
    password_changed_at: i64,
}

impl TryFrom<AccountRow> for WebAccount {
    type Error = StoreError;

    fn try_from(r: AccountRow) -> Result<Self, StoreError> {
        Ok(WebAccount {
            id: r.id,
            role: parse("web_accounts.role", &r.role)?,
            name: r.name,
            password_hash: r.password_hash,
            created_at: from_ms(r.created_at)?,
            password_changed_at: from_ms(r.password_changed_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    account: AccountRow,
    csrf_token: String,
    session_created_at: i64,
    seen_at: i64,
}

impl Store {
    /// Every web account, by name.
    pub async fn web_accounts(&self) -> Result<Vec<WebAccount>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM web_accounts a ORDER BY a.name");
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let rows: Vec<AccountRow> = on!(db, c => sqlx::query_as(&sql).fetch_all(&mut **c).await)?;
        rows.into_iter().map(WebAccount::try_from).collect()
    }

    /// The web account of that name, if any.
    pub async fn web_account(&self, name: &str) -> Result<Option<WebAccount>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM web_accounts a WHERE a.name = $1");
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let row: Option<AccountRow> =
            on!(db, c => sqlx::query_as(&sql).bind(name).fetch_optional(&mut **c).await)?;
        row.map(WebAccount::try_from).transpose()
    }

    /// Whether some web account is an admin (the setup link is dead once one is).
    pub async fn web_admin_exists(&self) -> Result<bool, StoreError> {
        const SQL: &str = "SELECT COUNT(*) FROM web_accounts WHERE role = $1";
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let admins: i64 = on!(db, c => sqlx::query_scalar(SQL)
            .bind(AccountRole::Admin.as_str())
            .fetch_one(&mut **c)
            .await)?;
        Ok(admins > 0)
    }

    /// Adds an account; with `first_admin`, only while no admin exists (the setup page). The
    /// act is audited as `actor`'s.
    pub async fn add_web_account(
        &self,
        actor: &Person,
        name: &str,
        role: AccountRole,
        password_hash: &str,
        first_admin: bool,
        now: Timestamp,
    ) -> Result<AccountAdded, StoreError> {
        const ADMINS: &str = "SELECT COUNT(*) FROM web_accounts WHERE role = $1";
        const SQL: &str = "INSERT INTO web_accounts \
            (name, role, password_hash, created_at, password_changed_at) \
            VALUES ($1, $2, $3, $4, $4) ON CONFLICT (name) DO NOTHING";
        let mut tx = self.begin().await?;
        let db = &mut tx.db();
        if first_admin {
            // Two setups at once (two replicas' links, or the CLI beside the page) must not
            // both see no admin: on PostgreSQL the count and the insert hold the table against
            // other writers; SQLite has one writer already.
            if db.is_postgres() {
                on!(db, c => sqlx::query("LOCK TABLE web_accounts IN SHARE ROW EXCLUSIVE MODE")
                    .execute(&mut **c)
                    .await
                    .map(|_| ()))?;
            }
            let admins: i64 = on!(db, c => sqlx::query_scalar(ADMINS)
                .bind(AccountRole::Admin.as_str())
                .fetch_one(&mut **c)
                .await)?;
            if admins > 0 {
                return Ok(AccountAdded::AdminExists);
            }
        }
        let added = on!(db, c => sqlx::query(SQL)
            .bind(name)
            .bind(role.as_str())
            .bind(password_hash)
            .bind(to_ms(now))
            .execute(&mut **c)
            .await
            .map(|r| r.rows_affected()))?;
        if added == 1 {
            let detail = serde_json::json!({ "role": role.as_str() });
            audit(&mut tx, actor, "web.account.add", name, detail, now).await?;
        }
        tx.commit().await?;
        Ok(if added == 1 {
            AccountAdded::Added
        } else {
            AccountAdded::NameTaken
        })
    }

    /// Sets an account's password and signs it out everywhere; `false` if there is no such
    /// account. Audited as `actor`'s.
    pub async fn set_web_password(
        &self,
        actor: &Person,
        name: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE web_accounts SET password_hash = $2, password_changed_at = $3 \
            WHERE name = $1";
        let mut tx = self.begin().await?;
        let db = &mut tx.db();
        let changed = on!(db, c => sqlx::query(SQL)
            .bind(name)
            .bind(password_hash)
            .bind(to_ms(now))
            .execute(&mut **c)
            .await
            .map(|r| r.rows_affected()))?;
        sign_out_everywhere(db, name).await?;
        if changed == 1 {
            let detail = serde_json::json!({});
            audit(&mut tx, actor, "web.account.password", name, detail, now).await?;
        }
        tx.commit().await?;
        Ok(changed == 1)
    }

    /// Removes an account and its sessions; `false` if there is no such account. Audited as
    /// `actor`'s.
    pub async fn remove_web_account(
        &self,
        actor: &Person,
        name: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "DELETE FROM web_accounts WHERE name = $1";
        let mut tx = self.begin().await?;
        let db = &mut tx.db();
        // Not left to ON DELETE CASCADE: SQLite enforces it only with foreign keys on.
        sign_out_everywhere(db, name).await?;
        let removed = on!(db, c => sqlx::query(SQL)
            .bind(name)
            .execute(&mut **c)
            .await
            .map(|r| r.rows_affected()))?;
        if removed == 1 {
            let detail = serde_json::json!({});
            audit(&mut tx, actor, "web.account.remove", name, detail, now).await?;
        }
        tx.commit().await?;
        Ok(removed == 1)
    }

    /// Records a signed-in browser by the hash of its session id.
    pub async fn add_web_session(
        &self,
        id_hash: &str,
        account: i64,
        csrf_token: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO web_sessions \
            (id_hash, account_id, csrf_token, created_at, seen_at) VALUES ($1, $2, $3, $4, $4)";
        let mut tx = self.begin().await?;
        let db = &mut tx.db();
        on!(db, c => sqlx::query(SQL)
            .bind(id_hash)
            .bind(account)
            .bind(csrf_token)
            .bind(to_ms(now))
            .execute(&mut **c)
            .await
            .map(|_| ()))?;
        tx.commit().await
    }

    /// The session with that id hash and its account, if any.
    pub async fn web_session(&self, id_hash: &str) -> Result<Option<WebSession>, StoreError> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, s.csrf_token, s.created_at AS session_created_at, \
             s.seen_at FROM web_sessions s JOIN web_accounts a ON a.id = s.account_id \
             WHERE s.id_hash = $1"
        );
        let mut conn = self.conn().await?;
        let db = &mut conn.db();
        let row: Option<SessionRow> =
            on!(db, c => sqlx::query_as(&sql).bind(id_hash).fetch_optional(&mut **c).await)?;
        row.map(|r| {
            Ok(WebSession {
                account: WebAccount::try_from(r.account)?,
                csrf_token: r.csrf_token,
                created_at: from_ms(r.session_created_at)?,
                seen_at: from_ms(r.seen_at)?,
            })
        })
        .transpose()
    }

    /// Notes a session's latest request, for its idle expiry.
    pub async fn touch_web_session(&self, id_hash: &str, now: Timestamp) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE web_sessions SET seen_at = $2 WHERE id_hash = $1";
        let mut tx = self.begin().await?;
        let db = &mut tx.db();
        on!(db, c => sqlx::query(SQL)
            .bind(id_hash)
            .bind(to_ms(now))
            .execute(&mut **c)
            .await
            .map(|_| ()))?;
        tx.commit().await
    }

    /// Ends one session (sign-out, or found expired).
    pub async fn remove_web_session(&self, id_hash: &str) -> Result<(), StoreError> {
        const SQL: &str = "DELETE FROM web_sessions WHERE id_hash = $1";
        let mut tx = self.begin().await?;
        let db = &mut tx.db();
        on!(db, c => sqlx::query(SQL)
            .bind(id_hash)
            .execute(&mut **c)
            .await
            .map(|_| ()))?;
        tx.commit().await
    }

    /// Removes the sessions idle since before `seen_before` or signed in before
    /// `created_before`; how many.
    pub async fn prune_web_sessions(
        &self,
        seen_before: Timestamp,
        created_before: Timestamp,
    ) -> Result<u64, StoreError> {
        const SQL: &str = "DELETE FROM web_sessions WHERE seen_at < $1 OR created_at < $2";
        let mut tx = self.begin().await?;
        let db = &mut tx.db();
        let pruned = on!(db, c => sqlx::query(SQL)
            .bind(to_ms(seen_before))
            .bind(to_ms(created_before))
            .execute(&mut **c)
            .await
            .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(pruned)
    }
}

/// Audits an act on the web account `name` (no tenant row: web accounts are the web desk's).
async fn audit(
    tx: &mut StoreTx,
    actor: &Person,
    action: &str,
    name: &str,
    detail: serde_json::Value,
    at: Timestamp,
) -> Result<(), StoreError> {
    tx.audit(&AuditEntry {
        tenant: None,
        at,
        actor: actor.clone(),
        action: action.to_string(),
        target: format!("web:{name}"),
        detail,
    })
    .await
}

/// Ends every session of the account `name`.
async fn sign_out_everywhere(db: &mut super::Db<'_>, name: &str) -> Result<(), StoreError> {
    const SQL: &str = "DELETE FROM web_sessions WHERE account_id IN \
        (SELECT id FROM web_accounts WHERE name = $1)";
    on!(db, c => sqlx::query(SQL)
        .bind(name)
        .execute(&mut **c)
        .await
        .map(|_| ()))?;
    Ok(())
}
