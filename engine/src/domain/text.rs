//! Titles and bounded free text, parsed once at the edge.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest title kept, in characters; longer input is cut with "…".
pub const TITLE_MAX_CHARS: usize = 200;
/// The longest message or description kept, in characters (a generous bound against abuse).
pub const TEXT_MAX_CHARS: usize = 40_000;

/// A ticket title: trimmed, single-line, never empty, at most [`TITLE_MAX_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Title(String);

/// Why a title could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TitleError {
    /// Nothing but white space.
    #[error("the title is empty")]
    Empty,
}

impl Title {
    /// Parses a title: folds white space (titles are one line), cuts over-long ones with "…".
    pub fn parse(raw: &str) -> Result<Title, TitleError> {
        let folded = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err(TitleError::Empty);
        }
        Ok(Title(shorten(&folded, TITLE_MAX_CHARS)))
    }

    /// A title made from the first line of a description, for tickets opened without one.
    pub fn from_description(description: &str) -> Option<Title> {
        description
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .and_then(|line| Title::parse(&shorten(line, 80)).ok())
    }

    /// The title text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Title {
    type Error = TitleError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Title::parse(&value)
    }
}

impl From<Title> for String {
    fn from(t: Title) -> String {
        t.0
    }
}

/// Cuts `text` to at most `max` characters, ending with "…" when anything was cut: titles only.
/// The domain imports nothing of ours, so it keeps this one cut of its own; everything else
/// (the desk, the views, the adapters) cuts with the port's `helpdesk_chat::truncate_chars`.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let keep = max.saturating_sub(1);
    let mut cut: String = text.chars().take(keep).collect();
    cut.push('…');
    cut
}

/// Text over the kept maximum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the text has {chars} characters; at most {max} are accepted")]
pub struct TextTooLong {
    /// How many characters it had.
    pub chars: usize,
    /// The limit.
    pub max: usize,
}

/// Accepts free text up to [`TEXT_MAX_CHARS`]; longer text is refused rather than silently cut.
pub fn bounded_text(text: &str) -> Result<&str, TextTooLong> {
    let chars = text.chars().count();
    if chars > TEXT_MAX_CHARS {
        Err(TextTooLong {
            chars,
            max: TEXT_MAX_CHARS,
        })
    } else {
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn titles_are_trimmed_and_folded() {
        assert_eq!(
            Title::parse("  VPN \n down\t now ").unwrap().as_str(),
            "VPN down now"
        );
        assert_eq!(Title::parse(" \n\t"), Err(TitleError::Empty));
    }

    #[test]
    fn missing_title_comes_from_the_description() {
        let t = Title::from_description("\n\n  My laptop will not boot.\nIt beeps.").unwrap();
        assert_eq!(t.as_str(), "My laptop will not boot.");
        assert_eq!(Title::from_description("   "), None);
    }

    proptest! {
        #[test]
        fn titles_never_exceed_the_limit(raw in "\\PC{0,400}") {
            if let Ok(t) = Title::parse(&raw) {
                prop_assert!(t.as_str().chars().count() <= TITLE_MAX_CHARS);
                prop_assert!(!t.as_str().is_empty());
                prop_assert!(!t.as_str().contains('\n'));
            }
        }

        #[test]
        fn truncation_keeps_a_prefix(text in "\\PC{0,50}", max in 1usize..60) {
            let cut = shorten(&text, max);
            prop_assert!(cut.chars().count() <= max);
            let kept = cut.trim_end_matches('…');
            prop_assert!(text.starts_with(kept));
        }
    }
}
