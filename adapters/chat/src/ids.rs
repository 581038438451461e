//! How a platform writes its ids, so the engine's configuration can refuse a name or a mention
//! where an id belongs without knowing any platform: each adapter gives its rules, and the
//! binary registers them with the adapter's configuration [`Section`](crate::setting::Section).

/// What an id in the configuration names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// A channel (where tickets come in, where a level works).
    Channel,
    /// A person.
    User,
    /// A group of people (a Slack user group, a Discord role).
    UserGroup,
}

/// One platform's id rules.
#[derive(Debug, Clone, Copy)]
pub struct Ids {
    /// Whether `id` is written the way the platform writes ids of that kind.
    pub fits: fn(IdKind, &str) -> bool,
    /// What such an id is called in an error (`a Slack channel id`).
    pub name: fn(IdKind) -> &'static str,
    /// Where the operator finds the id the setting wants.
    pub hint: fn(IdKind) -> &'static str,
}

impl Ids {
    /// Why `id` cannot be used where an id of `kind` belongs, if it cannot.
    pub fn refuse(&self, kind: IdKind, id: &str) -> Option<String> {
        if (self.fits)(kind, id) {
            return None;
        }
        Some(format!(
            "{id:?} is not {}; {}",
            (self.name)(kind),
            (self.hint)(kind)
        ))
    }
}

/// The in-memory platform's: anything id-like (letters, digits, `-` and `_`).
pub const MEMORY_IDS: Ids = Ids {
    fits: |_, id| {
        !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    },
    name: |_| "an id",
    hint: |_| "use letters, digits, - and _ only",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_ids_are_words() {
        assert_eq!(MEMORY_IDS.refuse(IdKind::User, "U-ada_1"), None);
        assert_eq!(
            MEMORY_IDS.refuse(IdKind::Channel, "#help").as_deref(),
            Some("\"#help\" is not an id; use letters, digits, - and _ only")
        );
    }
}
