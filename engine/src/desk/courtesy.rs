//! Courtesy lines: "thanks", "ok", "👍", "grazie mille", "dzięki!". They never open a ticket.
//! People write in whatever language they like, so every language's words count everywhere.

use crate::i18n::Language;

/// The most words a courtesy line has: anything longer says something.
const MAX_WORDS: usize = 4;

/// The words that alone, or a few together, say nothing that needs an answer: thanks,
/// agreement, greetings. Lower case; accents as written.
fn words(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::En => &[
            "thanks", "thank", "you", "thx", "ty", "tnx", "ok", "okay", "k", "kk", "cool", "great",
            "perfect", "nice", "got", "it", "sure", "np", "problem", "cheers", "hi", "hello",
            "hey", "bye", "yes", "yep", "yeah", "alright", "awesome", "much", "a", "lot", "many",
            "fine", "good", "morning",
        ],
        Language::It => &[
            "grazie",
            "mille",
            "ok",
            "okay",
            "perfetto",
            "perfetta",
            "ottimo",
            "bene",
            "va",
            "capito",
            "certo",
            "sì",
            "si",
            "ciao",
            "salve",
            "buongiorno",
            "buonasera",
            "tante",
            "infinite",
            "gentilissimo",
            "gentilissima",
            "d'accordo",
            "benissimo",
        ],
        Language::Pl => &[
            "dzięki",
            "dzieki",
            "dziękuję",
            "dziekuje",
            "dziękujemy",
            "bardzo",
            "wielkie",
            "ok",
            "okej",
            "okey",
            "super",
            "świetnie",
            "swietnie",
            "jasne",
            "rozumiem",
            "spoko",
            "tak",
            "cześć",
            "czesc",
            "hej",
            "witam",
            "dzień",
            "dzien",
            "dobry",
            "pozdrawiam",
            "serdecznie",
            "git",
            "dobrze",
        ],
    }
}

/// Whether `text` is only courtesy: no letters or digits at all (emoji, punctuation), or at
/// most [`MAX_WORDS`] words, every one a courtesy word of some language.
pub(crate) fn is_courtesy(text: &str) -> bool {
    let lower = without_shortcodes(&text.to_lowercase());
    let said: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .collect();
    said.len() <= MAX_WORDS
        && said
            .iter()
            .all(|w| Language::ALL.iter().any(|l| words(*l).contains(w)))
}

/// `text` without emoji written as shortcodes (`:+1:`, `:pray:`, Slack's way), which are no
/// words.
fn without_shortcodes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(':') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let code = after.find(':').filter(|&end| {
            end > 0
                && after[..end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_+-'".contains(c))
        });
        match code {
            Some(end) => {
                out.push(' ');
                rest = &after[end + 1..];
            }
            None => {
                out.push(':');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::is_courtesy;

    #[test]
    fn thanks_agreement_greetings_and_emoji_are_courtesy_in_every_language() {
        for line in [
            "thanks",
            "Thank you!",
            "ok",
            "OK 👍",
            "👍",
            "🙏🙏",
            "...",
            "thanks a lot :)",
            "Grazie mille!",
            "perfetto, grazie",
            "Dzięki!",
            "dziękuję bardzo",
            "okej, super",
            "Dzień dobry",
            "hi",
            ":+1:",
            "thanks :pray:",
            "Grazie :thumbsup::tada:",
        ] {
            assert!(is_courtesy(line), "{line:?} is courtesy");
        }
    }

    #[test]
    fn anything_that_says_something_is_not() {
        for line in [
            "my VPN is down",
            "ok but the printer still jams",
            "thanks, the vpn works but outlook does not",
            "grazie, ma la stampante non stampa",
            "dzięki, ale drukarka nadal nie działa",
            "no internet",
            "error 404",
            "no",
            "VPN: still down",
        ] {
            assert!(!is_courtesy(line), "{line:?} asks for something");
        }
    }
}
