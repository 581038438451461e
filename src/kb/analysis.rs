//! Text analysis for search: words, lower case, stop words dropped, Snowball stems (English,
//! Italian, Polish), accents folded. Articles and queries go through the same steps.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The languages the knowledge base analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KbLanguage {
    /// English.
    En,
    /// Italian.
    It,
    /// Polish.
    Pl,
}

impl KbLanguage {
    /// Every language.
    pub const ALL: [KbLanguage; 3] = [KbLanguage::En, KbLanguage::It, KbLanguage::Pl];

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            KbLanguage::En => "en",
            KbLanguage::It => "it",
            KbLanguage::Pl => "pl",
        }
    }

    fn stemmer(self) -> frostem::Stemmer {
        frostem::Stemmer::new(match self {
            KbLanguage::En => frostem::Algorithm::English,
            KbLanguage::It => frostem::Algorithm::Italian,
            KbLanguage::Pl => frostem::Algorithm::Polish,
        })
    }

    fn stop_words(self) -> &'static [&'static str] {
        match self {
            KbLanguage::En => STOP_EN,
            KbLanguage::It => STOP_IT,
            KbLanguage::Pl => STOP_PL,
        }
    }
}

impl fmt::Display for KbLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The text was not a knowledge-base language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: expected en, it or pl")]
pub struct UnknownKbLanguage(pub String);

impl FromStr for KbLanguage {
    type Err = UnknownKbLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(KbLanguage::En),
            "it" | "italian" | "italiano" => Ok(KbLanguage::It),
            "pl" | "polish" | "polski" => Ok(KbLanguage::Pl),
            _ => Err(UnknownKbLanguage(s.to_string())),
        }
    }
}

impl From<crate::i18n::Language> for KbLanguage {
    fn from(lang: crate::i18n::Language) -> Self {
        match lang {
            crate::i18n::Language::En => KbLanguage::En,
            crate::i18n::Language::It => KbLanguage::It,
            crate::i18n::Language::Pl => KbLanguage::Pl,
        }
    }
}

/// The longest word kept; longer runs are noise (hashes, base64) and would bloat the index.
const MAX_WORD_CHARS: usize = 40;
/// At most this many words of one text are analysed (a 10,000-word paste stays fast).
pub const MAX_WORDS: usize = 2000;

/// Splits, lower-cases, drops stop words, stems and folds: the terms of `text` in `lang`.
pub fn analyze(text: &str, lang: KbLanguage) -> Vec<String> {
    let stemmer = lang.stemmer();
    let stop = lang.stop_words();
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD_CHARS)
        .take(MAX_WORDS)
        .filter_map(|word| {
            let lower = word.to_lowercase();
            if stop.contains(&lower.as_str()) {
                return None;
            }
            // Stems are defined on the accented spelling; folding comes after.
            let stem = stemmer.stem(&lower);
            Some(fold(&stem))
        })
        .collect()
}

/// Replaces accented Latin letters by their base letter (è → e, ł → l, ż → z).
pub fn fold(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ł' => 'l',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ś' | 'š' => 's',
            'ù' | 'ú' | 'û' | 'ü' | 'ů' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            'ß' => 's',
            other => other,
        })
        .collect()
}

// Snowball's stop word lists, shortened to the function words.
const STOP_EN: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

const STOP_IT: &[&str] = &[
    "a", "ad", "al", "alla", "alle", "allo", "agli", "ai", "anche", "che", "chi", "ci", "come",
    "con", "cosa", "da", "dal", "dalla", "dalle", "dallo", "dei", "del", "della", "delle", "dello",
    "degli", "di", "e", "è", "gli", "ha", "hanno", "ho", "i", "il", "in", "io", "la", "le", "lo",
    "loro", "lui", "ma", "mi", "mia", "mio", "ne", "nei", "nel", "nella", "nelle", "nello",
    "negli", "noi", "non", "o", "per", "perché", "più", "quale", "quando", "quello", "questo",
    "se", "si", "sia", "sono", "su", "sul", "sulla", "sulle", "sullo", "suo", "sua", "ti", "tra",
    "tu", "tuo", "tua", "un", "una", "uno", "vi", "voi",
];

const STOP_PL: &[&str] = &[
    "a", "aby", "ale", "bo", "by", "być", "czy", "dla", "do", "gdy", "go", "i", "ich", "ja", "jak",
    "jako", "je", "jego", "jej", "jest", "jestem", "już", "lub", "ma", "mi", "mnie", "na", "nad",
    "nie", "o", "od", "po", "pod", "przez", "przy", "się", "so", "ta", "tak", "tam", "te", "tego",
    "ten", "to", "tu", "w", "we", "z", "za", "ze", "że",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_folds_each_language() {
        assert_eq!(
            analyze("Connecting to the VPN connections", KbLanguage::En),
            ["connect", "vpn", "connect"]
        );
        let it = analyze("La stampante non stampa più", KbLanguage::It);
        assert!(it.contains(&"stamp".to_string()), "{it:?}");
        assert!(!it.contains(&"la".to_string()));
        let pl = analyze("Drukarka nie drukuje dokumentów", KbLanguage::Pl);
        assert!(!pl.contains(&"nie".to_string()));
        assert!(pl.iter().all(|w| w.is_ascii()), "accents folded: {pl:?}");
        assert_eq!(fold("perché città łódź"), "perche citta lodz");
    }

    #[test]
    fn odd_input_gives_terms_or_nothing() {
        assert!(analyze("", KbLanguage::En).is_empty());
        assert!(analyze("\"*:()-AND", KbLanguage::En).len() <= 1);
        assert!(analyze("🙂🙂 🎫", KbLanguage::En).is_empty());
        assert_eq!(analyze("пароль", KbLanguage::En), ["пароль"]);
        assert_eq!(analyze("密码错误", KbLanguage::En).len(), 1);
        assert_eq!(
            analyze(&"word ".repeat(10_000), KbLanguage::En).len(),
            MAX_WORDS
        );
    }
}
