//! Measures shared by the engines: latency percentiles, quality per language, memory, sizes.

use super::corpus::{family, Query};
use helpdesk::kb::KbLanguage;
use std::path::Path;
use std::time::Duration;

/// Results looked at for quality.
pub const TOP: usize = 10;

/// Quality over one language's queries.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct Quality {
    pub queries: usize,
    /// MRR@10, a hit of the right family counting as right.
    pub mrr: f64,
    /// P@1, by family.
    pub p1: f64,
    /// Hit@3, by family.
    pub hit3: f64,
    /// MRR@10 counting only the original article as right.
    pub strict_mrr: f64,
    /// P@1 counting only the original article as right.
    pub strict_p1: f64,
}

/// Accumulates [`Quality`] per language.
#[derive(Default)]
pub struct QualitySum {
    en: Quality,
    pl: Quality,
}

impl QualitySum {
    /// Counts one query's results (slugs, best first).
    pub fn add(&mut self, q: &Query, slugs: &[String]) {
        let qual = match q.language {
            KbLanguage::Pl => &mut self.pl,
            _ => &mut self.en,
        };
        qual.queries += 1;
        let top = &slugs[..slugs.len().min(TOP)];
        if let Some(rank) = top.iter().position(|s| family(s) == q.article) {
            qual.mrr += 1.0 / (rank + 1) as f64;
            qual.p1 += f64::from(u8::from(rank == 0));
            qual.hit3 += f64::from(u8::from(rank < 3));
        }
        if let Some(rank) = top.iter().position(|s| *s == q.article) {
            qual.strict_mrr += 1.0 / (rank + 1) as f64;
            qual.strict_p1 += f64::from(u8::from(rank == 0));
        }
    }

    /// The means: (English, Polish).
    pub fn finish(self) -> (Quality, Quality) {
        let mean = |mut q: Quality| {
            let n = q.queries.max(1) as f64;
            q.mrr /= n;
            q.p1 /= n;
            q.hit3 /= n;
            q.strict_mrr /= n;
            q.strict_p1 /= n;
            q
        };
        (mean(self.en), mean(self.pl))
    }
}

/// Latency figures, in milliseconds.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct Latency {
    pub n: usize,
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
}

impl Latency {
    pub fn of(mut times: Vec<Duration>) -> Latency {
        times.sort_unstable();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        Latency {
            n: times.len(),
            p50: ms(percentile(&times, 0.50)),
            p99: ms(percentile(&times, 0.99)),
            max: ms(times.last().copied().unwrap_or_default()),
        }
    }
}

/// The nearest-rank percentile of sorted times.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// What a child process measured, printed as one JSON line.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ChildReport {
    /// From nothing open to the first answered query, with the index present.
    pub ready_ms: f64,
    /// VmRSS right after that.
    pub rss_ready_kib: u64,
    /// VmRSS after every query.
    pub rss_kib: u64,
    /// VmHWM (peak RSS).
    pub hwm_kib: u64,
    pub latency: Latency,
    pub en: Quality,
    pub pl: Quality,
    /// Searchable articles.
    pub articles: usize,
    /// Similar-tickets searches on a card, when tickets were written.
    pub similar: Option<Latency>,
}

fn status_kib(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The resident set size of this process, KiB (0 without /proc).
pub fn rss_kib() -> u64 {
    status_kib("VmRSS:")
}

/// The peak resident set size of this process, KiB.
pub fn hwm_kib() -> u64 {
    status_kib("VmHWM:")
}

/// Bytes of a file or of everything under a folder.
pub fn size_of(path: &Path) -> u64 {
    let Ok(meta) = std::fs::metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    std::fs::read_dir(path)
        .map(|entries| entries.flatten().map(|e| size_of(&e.path())).sum())
        .unwrap_or(0)
}

/// A SQLite database's bytes with its WAL and shared-memory files.
pub fn sqlite_size(db: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            size_of(Path::new(&p))
        })
        .sum()
}

/// The queries in a fixed spread order (a stride coprime with their number), so that any
/// prefix mixes the languages and the articles like the whole set.
pub fn spread(queries: &[Query]) -> Vec<&Query> {
    let n = queries.len();
    let mut stride = 389 % n.max(1);
    while n > 1 && gcd(stride, n) != 1 {
        stride += 1;
    }
    (0..n).map(|k| &queries[(k * stride.max(1)) % n]).collect()
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}
