//! Texts an adapter says on its own (the desk is down, a command was received), in the
//! language of each tenant: the adapters know no catalogue, the wiring fills these in.

use std::collections::BTreeMap;

/// A text with a default and, per tenant (workspace or guild), the same in its language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TenantText {
    /// Said where the tenant has no text of its own.
    pub default: String,
    /// By tenant id.
    pub per_tenant: BTreeMap<String, String>,
}

impl TenantText {
    /// The same text for every tenant.
    pub fn new(default: impl Into<String>) -> Self {
        TenantText {
            default: default.into(),
            per_tenant: BTreeMap::new(),
        }
    }

    /// This text, saying `text` in `tenant`.
    pub fn with(mut self, tenant: impl Into<String>, text: impl Into<String>) -> Self {
        self.per_tenant.insert(tenant.into(), text.into());
        self
    }

    /// What to say in `tenant`.
    pub fn get(&self, tenant: &str) -> &str {
        self.per_tenant.get(tenant).unwrap_or(&self.default)
    }
}

impl From<&str> for TenantText {
    fn from(text: &str) -> Self {
        TenantText::new(text)
    }
}

impl From<String> for TenantText {
    fn from(text: String) -> Self {
        TenantText::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_hears_its_own_text_and_others_the_default() {
        let text = TenantText::new("The desk is down.").with("G1", "Il desk non risponde.");
        assert_eq!(text.get("G1"), "Il desk non risponde.");
        assert_eq!(text.get("G2"), "The desk is down.");
        assert_eq!(text.get(""), "The desk is down.");
    }
}
