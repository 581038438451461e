//! Progress of long work (an import, an index build, a migration, a long report): a bar on a
//! terminal, and otherwise (a service's log, a pipe) one log line every few seconds, so an
//! operator never stares at a silent process.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How often a progress line is logged when there is no terminal to draw on.
pub const LOG_EVERY: Duration = Duration::from_secs(5);

/// One piece of long work, counted in items (or, with no total, just running).
pub struct Progress {
    what: &'static str,
    total: Option<u64>,
    done: u64,
    bar: Option<ProgressBar>,
    every: Duration,
    started: Instant,
    logged: Instant,
    /// For work that reports no steps, with no terminal: logs on a timer until it ends.
    ticker: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    /// Starts showing `what` (`"importing articles"`) out of `total` items, if known: a bar
    /// when standard error is a terminal, log lines otherwise.
    pub fn start(what: &'static str, total: Option<u64>) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| bar(what, total));
        Self::with(what, total, bar, LOG_EVERY)
    }

    /// Log lines only, every `every`: for services, and for tests.
    pub fn logging(what: &'static str, total: Option<u64>, every: Duration) -> Progress {
        Self::with(what, total, None, every)
    }

    fn with(
        what: &'static str,
        total: Option<u64>,
        bar: Option<ProgressBar>,
        every: Duration,
    ) -> Progress {
        let now = Instant::now();
        let ticker = match (&bar, total, tokio::runtime::Handle::try_current()) {
            (None, None, Ok(runtime)) => Some(runtime.spawn(async move {
                let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
                loop {
                    tick.tick().await;
                    let seconds = format!("{:.0}", now.elapsed().as_secs_f64());
                    tracing::info!(what, seconds, "in progress");
                }
            })),
            _ => None,
        };
        Progress {
            what,
            total,
            done: 0,
            bar,
            every,
            started: now,
            logged: now,
            ticker,
        }
    }

    /// `n` more items done.
    pub fn advance(&mut self, n: u64) {
        self.done += n;
        if let Some(bar) = &self.bar {
            bar.inc(n);
            return;
        }
        if self.logged.elapsed() >= self.every {
            self.logged = Instant::now();
            self.log("in progress");
        }
    }

    /// How many items are done.
    pub fn done(&self) -> u64 {
        self.done
    }

    /// The work is over: the bar is cleared, and the log says how long it took.
    pub fn finish(mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if let Some(ticker) = self.ticker.take() {
            ticker.abort();
        }
        self.log("done");
    }

    fn log(&self, state: &str) {
        let seconds = self.started.elapsed().as_secs_f64();
        let rate = if seconds > 0.0 {
            self.done as f64 / seconds
        } else {
            0.0
        };
        match self.total {
            Some(total) => tracing::info!(
                what = self.what,
                done = self.done,
                total,
                percent = format!("{:.0}", 100.0 * self.done as f64 / total.max(1) as f64),
                per_second = format!("{rate:.0}"),
                seconds = format!("{seconds:.1}"),
                "{state}"
            ),
            None => tracing::info!(
                what = self.what,
                done = self.done,
                seconds = format!("{seconds:.1}"),
                "{state}"
            ),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // Work that failed half way must not leave its ticker logging.
        if let Some(ticker) = self.ticker.take() {
            ticker.abort();
        }
    }
}

fn bar(what: &'static str, total: Option<u64>) -> ProgressBar {
    let bar = match total {
        Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            .with_style(
                ProgressStyle::with_template(
                    "{msg} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.set_message(what);
    if total.is_none() {
        bar.enable_steady_tick(Duration::from_millis(200));
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Collects what the log says.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn without_a_terminal_progress_is_logged_with_counts_and_the_end() {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let mut p = Progress::logging("importing articles", Some(4), Duration::ZERO);
            for _ in 0..4 {
                p.advance(1);
            }
            assert_eq!(p.done(), 4);
            p.finish();
        });
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let progress: Vec<&str> = text.lines().filter(|l| l.contains("in progress")).collect();
        assert_eq!(progress.len(), 4, "{text}");
        assert!(
            progress[1].contains("done=2") && progress[1].contains("percent=\"50\""),
            "{text}"
        );
        assert!(text.lines().last().unwrap().contains("done=4"), "{text}");
        assert!(text.contains("importing articles"), "{text}");
    }

    #[tokio::test(start_paused = true)]
    async fn work_without_steps_is_logged_on_a_timer_until_it_ends() {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .finish();
        let _default = tracing::subscriber::set_default(subscriber);
        let p = Progress::logging("migrating the database", None, Duration::from_secs(5));
        // The paused clock moves on by itself while the test sleeps: 12 s is two ticks.
        tokio::time::sleep(Duration::from_secs(12)).await;
        p.finish();
        tokio::time::sleep(Duration::from_secs(30)).await;
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let ticks = text.lines().filter(|l| l.contains("in progress")).count();
        assert_eq!(ticks, 2, "{text}");
        assert!(text.lines().last().unwrap().contains("done"), "{text}");
    }

    #[test]
    fn lines_wait_for_their_interval() {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let mut p = Progress::logging("building the index", None, Duration::from_secs(3600));
            p.advance(1000);
            p.finish();
        });
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        assert!(!text.contains("in progress"), "{text}");
        assert_eq!(text.lines().count(), 1, "only the end: {text}");
    }
}
