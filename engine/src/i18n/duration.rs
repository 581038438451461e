//! Durations in words, in the reader's language: "3 days", "2 hours 5 minutes", and as a time
//! from now, "in 3 days" / "tra 3 giorni" / "za 3 dni". Each unit is a Fluent message, so the
//! language's plural rules pick its form. Config files keep `config::format_duration` ("3d").

use super::{text, Arg, Language, Msg};
use std::time::Duration;

/// Each unit's length in seconds, its message, and its message after "in".
const UNITS: [(u64, Msg, Msg); 4] = [
    (86_400, Msg::DurationDays, Msg::InDays),
    (3_600, Msg::DurationHours, Msg::InHours),
    (60, Msg::DurationMinutes, Msg::InMinutes),
    (1, Msg::DurationSeconds, Msg::InSeconds),
];

/// `d` in words: its two largest units that are not zero ("1 day 4 hours"; what is below them is
/// left out), whole seconds (under a second but not zero reads as 1 second).
pub fn duration(lang: Language, d: Duration) -> String {
    words(lang, d, false)
}

/// `d` as a time from now: "in 3 days", "tra 3 giorni", "za 3 dni".
pub fn duration_from_now(lang: Language, d: Duration) -> String {
    let words = words(lang, d, true);
    text(lang, Msg::DurationIn, &[("duration", Arg::Text(words))])
}

/// The words of [`duration`]; `after_in`: in the form that follows "in".
fn words(lang: Language, d: Duration, after_in: bool) -> String {
    let mut rest = d.as_secs();
    if rest == 0 && !d.is_zero() {
        rest = 1;
    }
    let unit = |plain: Msg, after: Msg, count: u64| {
        let msg = if after_in { after } else { plain };
        text(lang, msg, &[("count", Arg::num(count))])
    };
    let mut parts = Vec::with_capacity(2);
    for (size, plain, after) in UNITS {
        let count = rest / size;
        rest %= size;
        if count > 0 && parts.len() < 2 {
            parts.push(unit(plain, after, count));
        }
    }
    match <[String; 2]>::try_from(parts) {
        Ok([first, second]) => text(
            lang,
            Msg::DurationPair,
            &[("first", Arg::Text(first)), ("second", Arg::Text(second))],
        ),
        Err(mut parts) => parts
            .pop()
            .unwrap_or_else(|| unit(Msg::DurationSeconds, Msg::InSeconds, 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60;
    const HOUR: u64 = 3_600;
    const DAY: u64 = 86_400;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn english_durations_read_as_words() {
        let en = |s| duration(Language::En, secs(s));
        assert_eq!(en(3 * DAY), "3 days");
        assert_eq!(en(DAY), "1 day");
        assert_eq!(en(2 * HOUR + 5 * MINUTE), "2 hours 5 minutes");
        assert_eq!(en(HOUR + MINUTE), "1 hour 1 minute");
        assert_eq!(en(90), "1 minute 30 seconds");
        assert_eq!(en(DAY + 30 * MINUTE), "1 day 30 minutes");
        // Two units at most: the seconds of a day, two hours and a minute are left out.
        assert_eq!(en(DAY + 2 * HOUR + MINUTE + 1), "1 day 2 hours");
        assert_eq!(en(0), "0 seconds");
        assert_eq!(
            duration(Language::En, Duration::from_millis(200)),
            "1 second"
        );
        assert_eq!(duration_from_now(Language::En, secs(3 * DAY)), "in 3 days");
        assert_eq!(
            duration_from_now(Language::En, secs(HOUR + 5 * MINUTE)),
            "in 1 hour 5 minutes"
        );
    }

    #[test]
    fn italian_durations_read_as_words() {
        let it = |s| duration(Language::It, secs(s));
        assert_eq!(it(3 * DAY), "3 giorni");
        assert_eq!(it(DAY), "1 giorno");
        assert_eq!(it(2 * HOUR + 5 * MINUTE), "2 ore e 5 minuti");
        assert_eq!(it(HOUR + MINUTE), "1 ora e 1 minuto");
        assert_eq!(it(45), "45 secondi");
        assert_eq!(it(1), "1 secondo");
        assert_eq!(
            duration_from_now(Language::It, secs(3 * DAY)),
            "tra 3 giorni"
        );
        assert_eq!(duration_from_now(Language::It, secs(HOUR)), "tra 1 ora");
    }

    #[test]
    fn polish_durations_take_every_plural_form_and_the_accusative_after_za() {
        let pl = |s| duration(Language::Pl, secs(s));
        assert_eq!(pl(3 * DAY), "3 dni");
        assert_eq!(pl(DAY), "1 dzień");
        assert_eq!(pl(2 * HOUR), "2 godziny");
        assert_eq!(pl(5 * HOUR), "5 godzin");
        assert_eq!(pl(22 * HOUR), "22 godziny");
        assert_eq!(pl(12 * HOUR), "12 godzin");
        assert_eq!(pl(HOUR), "1 godzina");
        assert_eq!(pl(2 * HOUR + 5 * MINUTE), "2 godziny i 5 minut");
        assert_eq!(pl(MINUTE), "1 minuta");
        assert_eq!(pl(24 * MINUTE), "24 minuty");
        assert_eq!(pl(25), "25 sekund");
        let za = |s| duration_from_now(Language::Pl, secs(s));
        assert_eq!(za(3 * DAY), "za 3 dni");
        assert_eq!(za(HOUR), "za 1 godzinę");
        assert_eq!(za(MINUTE), "za 1 minutę");
        assert_eq!(za(1), "za 1 sekundę");
        assert_eq!(za(HOUR + MINUTE), "za 1 godzinę i 1 minutę");
        assert_eq!(za(5 * MINUTE), "za 5 minut");
    }
}
