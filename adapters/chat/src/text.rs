//! Texts an adapter says on its own (the desk is down, a command was received), in the
//! language of each tenant: the adapters know no catalogue, the wiring fills these in. And
//! the one way text is cut to a platform's limit.

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

/// Cuts `text` to at most `max` characters, ending with "…" when anything was cut: the one
/// cut the desk and every adapter make to fit a limit (the domain, which imports nothing of
/// ours, keeps a private one for titles).
pub fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_over_the_limit_is_cut_with_an_ellipsis() {
        assert_eq!(truncate_chars("héllo", 5), "héllo");
        assert_eq!(truncate_chars("héllo!", 5), "héll…");
        assert_eq!(truncate_chars("abc", 0), "…");
    }

    #[test]
    fn a_tenant_hears_its_own_text_and_others_the_default() {
        let text = TenantText::new("The desk is down.").with("G1", "Il desk non risponde.");
        assert_eq!(text.get("G1"), "Il desk non risponde.");
        assert_eq!(text.get("G2"), "The desk is down.");
        assert_eq!(text.get(""), "The desk is down.");
    }
}
