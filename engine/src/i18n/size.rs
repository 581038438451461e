//! A file's size in words: bytes below a kilobyte, else one unit (KB, MB, GB, of 1024 each),
//! with one decimal below ten ("1.2 MB", "1,2 MB" in Italian and Polish) and none above.

use super::{text, Arg, Language, Msg};

/// The units above bytes, smallest first.
const UNITS: [Msg; 3] = [Msg::FileSizeKb, Msg::FileSizeMb, Msg::FileSizeGb];

/// `bytes` as people of `lang` read a file's size: "512 B", "1.2 MB", "12 MB", "1,2 MB".
pub fn file_size(lang: Language, bytes: u64) -> String {
    if bytes < 1024 {
        return text(lang, Msg::FileSizeBytes, &[("count", Arg::num(bytes))]);
    }
    let bytes = u128::from(bytes);
    let mut unit: u128 = 1024;
    let mut index = 0;
    // The largest unit the size still reaches once rounded (1023.9 KB reads 1 MB).
    while index + 1 < UNITS.len() && (bytes + unit / 2) / unit >= 1024 {
        unit *= 1024;
        index += 1;
    }
    let tenths = (bytes * 10 + unit / 2) / unit;
    let size = if tenths < 100 {
        match tenths % 10 {
            0 => (tenths / 10).to_string(),
            decimal => format!("{}{}{decimal}", tenths / 10, lang.decimal_mark()),
        }
    } else {
        ((bytes + unit / 2) / unit).to_string()
    };
    text(lang, UNITS[index], &[("size", Arg::Text(size))])
}

#[cfg(test)]
mod tests {
    use super::*;

    const KB: u64 = 1024;
    const MB: u64 = 1024 * KB;
    const GB: u64 = 1024 * MB;

    #[test]
    fn sizes_read_in_one_unit_with_one_decimal_below_ten() {
        let en = |b| file_size(Language::En, b);
        assert_eq!(en(0), "0 B");
        assert_eq!(en(1023), "1023 B");
        assert_eq!(en(KB), "1 KB");
        assert_eq!(en(1_258_291), "1.2 MB");
        assert_eq!(en(12 * MB + 300 * KB), "12 MB");
        assert_eq!(en(MB - 1), "1 MB", "rounded up to the next unit");
        assert_eq!(en(9 * MB + 1000 * KB), "10 MB", "9.98 rounds to a whole 10");
        assert_eq!(en(3 * GB / 2), "1.5 GB");
        assert_eq!(en(5000 * GB), "5000 GB", "no unit above GB");
        assert_eq!(
            en(u64::MAX),
            format!(
                "{} GB",
                (u128::from(u64::MAX) + GB as u128 / 2) / GB as u128
            )
        );
    }

    #[test]
    fn italian_and_polish_write_a_decimal_comma() {
        assert_eq!(file_size(Language::It, 1_258_291), "1,2 MB");
        assert_eq!(file_size(Language::Pl, 1_258_291), "1,2 MB");
        assert_eq!(file_size(Language::Pl, 512), "512 B");
        assert_eq!(
            text(
                Language::It,
                Msg::FileLabel,
                &[
                    ("name", Arg::text("errore.png")),
                    ("size", Arg::Text(file_size(Language::It, 3 * KB / 2)))
                ]
            ),
            "errore.png (1,5 KB)"
        );
    }
}
