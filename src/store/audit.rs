//! Reading the audit log by tenant, actor, ticket and time.

use super::db::{AuditEntry, Db};
use super::rows::{from_ms, to_ms, AuditRow};
use super::{Store, StoreError, StoreTx};
use crate::domain::{Person, TenantId, Timestamp};

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

impl Db<'_> {
    async fn audit_entries(&mut self, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        // One statement for every combination: a left-out filter binds NULL and matches all.
        const SQL: &str = "SELECT tenant_id, at, actor_id, actor_name, action, target, detail \
            FROM audit_log WHERE ($1 IS NULL OR tenant_id = $1) AND ($2 IS NULL OR actor_id = $2) \
            AND ($3 IS NULL OR target = $3) AND ($4 IS NULL OR action = $4) \
            AND ($5 IS NULL OR at >= $5) ORDER BY at DESC, id DESC LIMIT $6";
        let rows: Vec<AuditRow> = on!(self, c => sqlx::query_as(SQL)
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
    /// The audit entries that match, newest first.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        self.conn().await?.db().audit_entries(filter).await
    }
}

impl StoreTx {
    /// The audit entries that match, newest first, as this transaction sees them.
    pub async fn audit_entries(
        &mut self,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.db().audit_entries(filter).await
    }
}
