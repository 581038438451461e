//! `person_locales`: the last language a platform said each person uses.

use super::rows::to_ms;
use super::{StoreError, StoreTx};
use crate::domain::{TenantId, Timestamp};

impl StoreTx {
    /// Remembers that `person` uses `locale`; the row is written only when it changes.
    pub async fn remember_locale(
        &mut self,
        tenant: TenantId,
        person: &str,
        locale: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO person_locales (tenant_id, person_id, locale, updated_at) \
            VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, person_id) DO UPDATE SET \
            locale = excluded.locale, updated_at = excluded.updated_at \
            WHERE person_locales.locale <> excluded.locale";
        let db = &mut self.db();
        on!(db, c => sqlx::query(SQL)
            .bind(tenant.0)
            .bind(person)
            .bind(locale)
            .bind(to_ms(now))
            .execute(&mut **c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The last locale the desk saw for `person`, if any.
    pub async fn locale_of(
        &mut self,
        tenant: TenantId,
        person: &str,
    ) -> Result<Option<String>, StoreError> {
        const SQL: &str =
            "SELECT locale FROM person_locales WHERE tenant_id = $1 AND person_id = $2";
        let db = &mut self.db();
        let locale = on!(db, c => sqlx::query_scalar(SQL)
            .bind(tenant.0)
            .bind(person)
            .fetch_optional(&mut **c)
            .await)?;
        Ok(locale)
    }
}
