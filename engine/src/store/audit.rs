//! The audit log: privileged actions, written in the transaction that acts, read by tenant,
//! actor, ticket and time.

use super::rows::{from_ms, to_ms, AuditRow};
use super::{values, Store, StoreError, StoreTx, ROWS_PER_INSERT};
use crate::domain::{Person, TenantId, Timestamp};

/// A privileged action, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The tenant, if the action belongs to one.
    pub tenant: Option<TenantId>,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: Person,
    /// What (e.g. `ticket.escalate`).
    pub action: String,
    /// On what (e.g. `#42`).
    pub target: String,
    /// Details (JSON).
    pub detail: serde_json::Value,
}

/// Which audit entries to read; every field left out matches all.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this tenant's.
    pub tenant: Option<TenantId>,
    /// Only acts by this user id.
    pub actor: Option<String>,
    /// Only acts on this target (a ticket as `#42`).
    pub target: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only acts at or after this time.
    pub since: Option<Timestamp>,
    /// At most this many, newest first.
    pub limit: i64,
}

reads! {
    /// The audit entries that match, newest first.
    fn audit_entries(db, f: &AuditFilter) -> Vec<AuditEntry> {
        // One statement for every combination: a left-out filter binds NULL and matches all.
        const SQL: &str = "SELECT tenant_id, at, actor_id, actor_name, action, target, detail \
            FROM audit_log WHERE ($1 IS NULL OR tenant_id = $1) AND ($2 IS NULL OR actor_id = $2) \
            AND ($3 IS NULL OR target = $3) AND ($4 IS NULL OR action = $4) \
            AND ($5 IS NULL OR at >= $5) ORDER BY at DESC, id DESC LIMIT $6";
        let rows: Vec<AuditRow> = on!(db, c => sqlx::query_as(SQL)
            .bind(f.tenant.map(|t| t.0))
            .bind(f.actor.as_deref())
            .bind(f.target.as_deref())
            .bind(f.action.as_deref())
            .bind(f.since.map(to_ms))
            .bind(f.limit)
            .fetch_all(&mut **c)
            .await)?;
        rows.into_iter()
            .map(|r| {
                Ok(AuditEntry {
                    tenant: r.tenant_id.map(TenantId),
                    at: from_ms(r.at)?,
                    actor: Person::new(r.actor_id, r.actor_name),
                    action: r.action,
                    target: r.target,
                    detail: serde_json::from_str(&r.detail)?,
                })
            })
            .collect()
    }
}

impl Store {
    /// The newest audit entries first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let all = AuditFilter {
            limit,
            ..AuditFilter::default()
        };
        self.audit_entries(&all).await
    }
}

impl StoreTx {
    /// Records a privileged action, written with the transaction's other audit entries in one
    /// INSERT (at commit, or before a read of the audit log).
    pub async fn audit(&mut self, e: &AuditEntry) -> Result<(), StoreError> {
        self.buffered.audit.push(e.clone());
        Ok(())
    }

    /// Writes the buffered audit entries, in order.
    pub(super) async fn flush_audit(&mut self) -> Result<(), StoreError> {
        const COLUMNS: &str = "tenant_id, at, actor_id, actor_name, action, target, detail";
        const ROW: &str = "($1, $2, $3, $4, $5, $6, $7)";
        let rows = std::mem::take(&mut self.buffered.audit);
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO audit_log ({COLUMNS}) VALUES {}",
                values(chunk.len(), 7, ROW)
            );
            let db = &mut self.db();
            on!(db, c => {
                let mut q = sqlx::query(&sql);
                for e in chunk {
                    q = q
                        .bind(e.tenant.map(|t| t.0))
                        .bind(to_ms(e.at))
                        .bind(&e.actor.id)
                        .bind(&e.actor.name)
                        .bind(&e.action)
                        .bind(&e.target)
                        .bind(e.detail.to_string());
                }
                q.execute(&mut **c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }
}
