//! `--tenant`: which tenant a command reads, looked up the same way by every command.

use super::list_or_none;
use anyhow::{bail, Context, Result};
use clap::Args;
use helpdesk::domain::TenantId;
use helpdesk::store::Store;

// Flattened into the commands that read one tenant's data.
#[derive(Args)]
pub struct TenantArg {
    /// Tenant (workspace or guild): its database id or platform id; needed when there are several.
    #[arg(long)]
    pub tenant: Option<String>,
}

impl TenantArg {
    /// The tenant `--tenant` names, or `None` (every tenant) without it.
    pub async fn optional(&self, store: &Store) -> Result<Option<TenantId>> {
        match &self.tenant {
            Some(wanted) => Ok(Some(find(store, wanted).await?)),
            None => Ok(None),
        }
    }

    /// The tenant `--tenant` names, or else the only one there is.
    pub async fn required(&self, store: &Store) -> Result<TenantId> {
        match &self.tenant {
            Some(wanted) => find(store, wanted).await,
            None => only(store).await,
        }
    }
}

/// `id (platform external-id)`, as the errors list the known tenants.
fn described(tenant: &helpdesk::store::TenantRecord) -> String {
    format!(
        "{} ({} {})",
        tenant.id.0, tenant.platform, tenant.external_id
    )
}

/// The tenant whose platform id or database id is `wanted`.
async fn find(store: &Store, wanted: &str) -> Result<TenantId> {
    let tenants = store.tenants().await?;
    tenants
        .iter()
        .find(|t| t.external_id == wanted || t.id.0.to_string() == wanted)
        .map(|t| t.id)
        .with_context(|| {
            let known: Vec<String> = tenants.iter().map(described).collect();
            format!(
                "no tenant {wanted:?}; known tenants: {}",
                list_or_none(&known)
            )
        })
}

/// The database's one tenant; an error when there are none or several.
async fn only(store: &Store) -> Result<TenantId> {
    let tenants = store.tenants().await?;
    match tenants.as_slice() {
        [one] => Ok(one.id),
        [] => bail!("there are no tickets yet"),
        many => {
            let known: Vec<String> = many.iter().map(described).collect();
            bail!(
                "there are several tenants; choose one with --tenant: {}",
                known.join(", ")
            )
        }
    }
}
