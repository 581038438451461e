//! What `helpdesk config check` tells the operator beside the values: which platforms are on
//! (each adapter says so of its own section), and what in the configuration means nobody (or
//! anybody) is served.

use super::Config;
pub use helpdesk_chat::setting::{PlatformCheck, PlatformState};

/// The findings of a configuration check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Each platform the binary knows, by name, in its order.
    pub platforms: Vec<(&'static str, PlatformState)>,
    /// What the operator most likely did not mean, one sentence each.
    pub warnings: Vec<String>,
}

impl CheckReport {
    /// How the platform `name` is set up, if the binary knows it.
    pub fn state(&self, name: &str) -> Option<&PlatformState> {
        self.platforms
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, state)| state)
    }
}

impl Config {
    /// Which platforms are enabled and how (as their adapters checked them), and what looks
    /// wrong.
    pub fn check_report(&self, platforms: Vec<PlatformCheck>) -> CheckReport {
        let mut warnings: Vec<String> = platforms
            .iter()
            .flat_map(|p| p.warnings.iter().cloned())
            .collect();
        if platforms.iter().all(|p| p.state == PlatformState::Off) {
            let ways: Vec<&str> = platforms.iter().map(|p| p.enabled_by).collect();
            warnings.push(match ways.is_empty() {
                true => "no chat platform is enabled: nobody can reach the desk".to_string(),
                false => format!(
                    "no chat platform is enabled: nobody can reach the desk (set {})",
                    ways.join(" or ")
                ),
            });
        }
        if self.tenants.is_empty() && !self.accept_unconfigured_tenants {
            warnings.push(
                "no [[tenants]] block is configured: events from every workspace and guild are \
                 dropped, so nothing will be served; add a [[tenants]] block for each"
                    .to_string(),
            );
        }
        if self.accept_unconfigured_tenants {
            warnings.push(
                "accept_unconfigured_tenants = true: any Slack workspace or Discord guild that \
                 adds the bot is served on the default settings; set it to false and list each \
                 one in [[tenants]]"
                    .to_string(),
            );
        }
        for (i, tenant) in self.tenants.iter().enumerate() {
            let name = tenant.platform.to_string();
            // A platform the binary does not know (the in-memory one) is never "off".
            let off = platforms
                .iter()
                .any(|p| p.name == name && p.state == PlatformState::Off);
            if off {
                warnings.push(format!(
                    "tenants[{i}] ({} {:?}) is for {}, which is not enabled",
                    tenant.platform, tenant.id, tenant.platform
                ));
            }
        }
        CheckReport {
            platforms: platforms.into_iter().map(|p| (p.name, p.state)).collect(),
            warnings,
        }
    }
}
