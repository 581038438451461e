//! Text analysis for search: words, lower case, stop words dropped, Snowball stems (English,
//! Italian, Polish), accents folded; beside the stems, each word's first [`PREFIX_CHARS`]
//! letters (prefix truncation, which catches the inflections a stemmer misses, in Polish above
//! all). Articles and queries go through the same steps, except that a Polish query also drops
//! its question words ([`KbLanguage::question_words`]).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use tantivy::tokenizer::{
    LowerCaser, SimpleTokenizer, StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};

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

    /// The words that only frame a question ("how", "why", "which"), dropped from queries on
    /// top of the stop words. English's and Italian's stop lists already hold theirs; Polish's
    /// is kept short (the full Snowball-style list hurt on Allegro, whose passages need their
    /// function words), so a Polish query drops the interrogative pronouns and adverbs, every
    /// case form, here, where they are only the question's frame. The list is the grammar's,
    /// not tuned on the dev set.
    pub fn question_words(self) -> &'static [&'static str] {
        match self {
            KbLanguage::En | KbLanguage::It => &[],
            KbLanguage::Pl => QUESTION_PL,
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

/// The tantivy analyser of `lang`: words (runs of letters and digits), lower case, the
/// language's stop words dropped, then [`WordFilter::Stem`]. Articles and queries both go
/// through it.
pub fn analyzer(lang: KbLanguage) -> TextAnalyzer {
    words_then(lang, WordFilter::Stem(lang), false)
}

/// How many letters of a word its prefix term keeps: truncation at about six letters is a
/// known strong baseline for Polish retrieval, and on both dev sets (StackFAQ, Allegro) six did
/// best of 5–7.
pub const PREFIX_CHARS: usize = 6;

/// The tantivy analyser of the prefix terms of `lang`: as [`analyzer`], then
/// [`WordFilter::Prefix`] (accents folded, the first [`PREFIX_CHARS`] letters).
pub fn prefix_analyzer(lang: KbLanguage) -> TextAnalyzer {
    words_then(lang, WordFilter::Prefix(PREFIX_CHARS), false)
}

/// Words, lower case, stop words dropped (and the question words too for a query), then `last`.
fn words_then(lang: KbLanguage, last: WordFilter, query: bool) -> TextAnalyzer {
    let question: &[&str] = if query { lang.question_words() } else { &[] };
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(
            lang.stop_words()
                .iter()
                .chain(question)
                .map(|w| w.to_string()),
        ))
        .filter(last)
        .build()
}

/// The terms of `text` in `lang`, as the index sees them (at most [`MAX_WORDS`] words are read).
pub fn analyze(text: &str, lang: KbLanguage) -> Vec<String> {
    terms(analyzer(lang), text)
}

/// The prefix terms of `text` in `lang`, as the index sees them (see [`prefix_analyzer`]).
#[cfg(test)]
pub fn analyze_prefixes(text: &str, lang: KbLanguage) -> Vec<String> {
    terms(prefix_analyzer(lang), text)
}

/// The terms of a query in `lang`: as [`analyze`], without the language's
/// [`question words`](KbLanguage::question_words).
pub fn analyze_query(text: &str, lang: KbLanguage) -> Vec<String> {
    terms(words_then(lang, WordFilter::Stem(lang), true), text)
}

/// The prefix terms of a query in `lang`: as [`analyze_prefixes`], without the language's
/// [`question words`](KbLanguage::question_words).
pub fn analyze_query_prefixes(text: &str, lang: KbLanguage) -> Vec<String> {
    terms(
        words_then(lang, WordFilter::Prefix(PREFIX_CHARS), true),
        text,
    )
}

fn terms(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(first_words(text, MAX_WORDS));
    let mut terms = Vec::new();
    while stream.advance() {
        terms.push(stream.token().text.clone());
    }
    terms
}

/// The start of `text` holding its first `n` words.
pub fn first_words(text: &str, n: usize) -> &str {
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        let letter = c.is_alphanumeric();
        if letter && !in_word {
            if words == n {
                return &text[..i];
            }
            words += 1;
        }
        in_word = letter;
    }
    text
}

/// The last token filter: drops words over [`MAX_WORD_CHARS`] and turns the rest into terms.
#[derive(Clone, Copy)]
pub enum WordFilter {
    /// The Snowball stem in the language, accents folded (stems are defined on the accented
    /// spelling).
    Stem(KbLanguage),
    /// Accents folded, the first `n` letters (shorter words stay whole).
    Prefix(usize),
}

impl TokenFilter for WordFilter {
    type Tokenizer<T: Tokenizer> = WordTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> WordTokenizer<T> {
        WordTokenizer {
            inner,
            filter: self,
        }
    }
}

/// A tokenizer followed by a [`WordFilter`].
#[derive(Clone)]
pub struct WordTokenizer<T> {
    inner: T,
    filter: WordFilter,
}

impl<T: Tokenizer> Tokenizer for WordTokenizer<T> {
    type TokenStream<'a> = WordStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordStream {
            tail: self.inner.token_stream(text),
            term: match self.filter {
                WordFilter::Stem(lang) => Term::Stem(lang.stemmer()),
                WordFilter::Prefix(n) => Term::Prefix(n),
            },
        }
    }
}

/// How a [`WordStream`] makes a word's term.
enum Term {
    Stem(frostem::Stemmer),
    Prefix(usize),
}

/// The token stream of [`WordTokenizer`].
pub struct WordStream<S> {
    tail: S,
    term: Term,
}

impl<S: TokenStream> TokenStream for WordStream<S> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let token = self.tail.token_mut();
            if token.text.chars().count() > MAX_WORD_CHARS {
                continue;
            }
            let term = match &self.term {
                Term::Stem(stemmer) => fold(&stemmer.stem(&token.text)),
                Term::Prefix(n) => fold(&token.text).chars().take(*n).collect(),
            };
            token.text = term;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
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

// The Polish interrogative pronouns and adverbs in all their case forms ("czy" and "jak" are
// stop words already).
const QUESTION_PL: &[&str] = &[
    "co", "czego", "czemu", "czym", "kto", "kogo", "komu", "kim", "jaki", "jaka", "jakie",
    "jakiego", "jakiej", "jakiemu", "jakim", "jakimi", "jakich", "jaką", "który", "która", "które",
    "którego", "której", "któremu", "którym", "którymi", "których", "którą", "gdzie", "kiedy",
    "dlaczego", "dokąd", "skąd", "ile", "ilu",
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
    fn prefixes_are_folded_truncated_words_without_stop_words() {
        assert_eq!(
            analyze_prefixes("Nie mogę zmienić ofercie i ofertę", KbLanguage::Pl),
            ["moge", "zmieni", "oferci", "oferte"]
        );
        assert_eq!(
            analyze_prefixes("The VPN connections", KbLanguage::En),
            ["vpn", "connec"]
        );
        assert!(analyze_prefixes(&"x".repeat(41), KbLanguage::En).is_empty());
    }

    #[test]
    fn polish_queries_drop_their_question_words_and_articles_keep_them() {
        let q = "Dlaczego nie widzę oferty i kiedy wróci?";
        assert_eq!(
            analyze_query_prefixes(q, KbLanguage::Pl),
            ["widze", "oferty", "wroci"]
        );
        assert_eq!(analyze_query(q, KbLanguage::Pl).len(), 3);
        assert!(analyze_prefixes(q, KbLanguage::Pl).contains(&"kiedy".to_string()));
        assert_eq!(
            analyze_query("Where is the VPN", KbLanguage::En),
            analyze("Where is the VPN", KbLanguage::En)
        );
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
