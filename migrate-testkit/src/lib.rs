//! Test and benchmark fixtures: revision files as text, and generated revision graphs.
//!
//! Writes only what it is asked to, where it is asked to; it never validates (that is the job
//! of the code under test).

#[cfg(feature = "package")]
pub mod package;
pub mod sql;

#[cfg(feature = "package")]
pub use package::{PackageBuilder, write_files};

use std::io;
use std::path::Path;

/// One revision to write: enough to exercise the graph.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    /// The id.
    pub id: String,
    /// The parent ids.
    pub parents: Vec<String>,
    /// Extra header lines (e.g. `-- branch-labels: billing`), each ending in `\n`.
    pub extra_header: String,
    /// The up SQL.
    pub up: String,
    /// The down SQL; `None` writes no down section (an irreversible revision).
    pub down: Option<String>,
}

impl Spec {
    /// A revision `id` revising `parents`, creating a table named after it.
    pub fn new(id: &str, parents: &[&str]) -> Self {
        Self {
            id: id.to_owned(),
            parents: parents.iter().map(|p| (*p).to_owned()).collect(),
            extra_header: String::new(),
            up: format!(
                "CREATE TABLE t_{id} (id INTEGER PRIMARY KEY, v VARCHAR(100));\nCREATE INDEX i_{id} ON t_{id} (v);\n"
            ),
            down: Some(format!("DROP TABLE t_{id};\n")),
        }
    }

    /// Without a down section.
    pub fn irreversible(mut self) -> Self {
        self.down = None;
        self
    }

    /// Adds a header line such as `-- branch-labels: billing`.
    pub fn header(mut self, line: &str) -> Self {
        self.extra_header.push_str(line);
        self.extra_header.push('\n');
        self
    }

    /// The file's text.
    pub fn text(&self) -> String {
        let down = self.down.as_ref().map(|d| format!("\n-- migrate:down\n{d}")).unwrap_or_default();
        format!(
            "-- revision: {}\n-- revises: {}\n-- message: create t_{}\n-- created: 2026-11-22T06:30:00Z\n{}\n-- migrate:up\n{}{down}",
            self.id,
            self.parents.join(", "),
            self.id,
            self.extra_header,
            self.up,
        )
    }

    /// The file name: `<rank>_<id>.sql`, so file-name order is `rank` order.
    pub fn file_name(&self, rank: usize) -> String {
        format!("20261122_{rank:06}_{}_create_t_{}.sql", self.id, self.id)
    }
}

/// Writes each spec into `dir` (created if needed), named in the given order.
///
/// # Errors
/// Any I/O error creating the folder or a file.
pub fn write_folder(dir: &Path, specs: &[Spec]) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (rank, spec) in specs.iter().enumerate() {
        std::fs::write(dir.join(spec.file_name(rank)), spec.text())?;
    }
    Ok(())
}

/// A graph with a branch point and a merge, for target and plan tests:
/// `a0 ─ b10 ─ b20 ─ m0 ─ f0`, and `a0 ─ d0 (labeled side) ─ m0`.
pub fn branch_and_merge() -> Vec<Spec> {
    vec![
        Spec::new("a0", &[]),
        Spec::new("b10", &["a0"]),
        Spec::new("b20", &["b10"]),
        Spec::new("d0", &["a0"]).header("-- branch-labels: side"),
        Spec::new("m0", &["b20", "d0"]),
        Spec::new("f0", &["m0"]),
    ]
}

/// `n` revisions on one line of history with a branch of two sides every 50 revisions, each
/// side 5 revisions long, merged back: a valid graph with a single head.
pub fn generated_graph(n: usize) -> Vec<Spec> {
    let id = |i: usize| format!("r{i:06}");
    let mut specs: Vec<Spec> = Vec::with_capacity(n);
    let mut tip: Option<String> = None;
    let mut i = 0;
    while i < n {
        if i % 50 == 49 && n - i >= 12 {
            // Two sides of five, then a merge: 11 revisions.
            let fork = tip.clone();
            let mut sides = Vec::new();
            for _side in 0..2 {
                let mut at = fork.clone();
                for _ in 0..5 {
                    let parents: Vec<&str> = at.iter().map(String::as_str).collect();
                    specs.push(Spec::new(&id(i), &parents));
                    at = Some(id(i));
                    i += 1;
                }
                sides.push(at.unwrap_or_default());
            }
            let sides: Vec<&str> = sides.iter().map(String::as_str).collect();
            specs.push(Spec::new(&id(i), &sides));
            tip = Some(id(i));
            i += 1;
            continue;
        }
        let parents: Vec<&str> = tip.iter().map(String::as_str).collect();
        specs.push(Spec::new(&id(i), &parents));
        tip = Some(id(i));
        i += 1;
    }
    specs
}

/// Timing for benchmark binaries: median, min and max of repeated runs (never used in tests).
pub mod timing {
    use std::time::{Duration, Instant};

    /// The spread of repeated runs.
    #[derive(Debug, Clone, Copy)]
    pub struct Stats {
        /// Median.
        pub median: Duration,
        /// Fastest run.
        pub min: Duration,
        /// Slowest run.
        pub max: Duration,
    }

    impl Stats {
        /// The spread of samples measured elsewhere (e.g. in async code).
        ///
        /// # Panics
        /// With no samples.
        pub fn of(mut samples: Vec<Duration>) -> Self {
            samples.sort();
            Stats { median: samples[samples.len() / 2], min: samples[0], max: samples[samples.len() - 1] }
        }

        /// Median in milliseconds.
        pub fn median_ms(&self) -> f64 {
            self.median.as_secs_f64() * 1000.0
        }
    }

    /// Runs `f` once to warm up, then `runs` times, timing each run.
    pub fn measure(runs: usize, mut f: impl FnMut()) -> Stats {
        f();
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect();
        times.sort();
        Stats { median: times[times.len() / 2], min: times[0], max: times[times.len() - 1] }
    }

    /// Like [`measure`], but each run gets a fresh input from `setup`, made outside the timing
    /// (and dropped outside it too).
    pub fn measure_with<T, R>(runs: usize, mut setup: impl FnMut() -> T, mut f: impl FnMut(T) -> R) -> Stats {
        drop(f(setup()));
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let input = setup();
                let start = Instant::now();
                let output = f(input);
                let elapsed = start.elapsed();
                drop(output);
                elapsed
            })
            .collect();
        times.sort();
        Stats { median: times[times.len() / 2], min: times[0], max: times[times.len() - 1] }
    }

    /// A markdown table row: `| what | median ms | min–max ms | target |`.
    pub fn row(what: &str, s: Stats, target: &str) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        format!("| {what} | {:.2} | {:.2}–{:.2} | {target} |", ms(s.median), ms(s.min), ms(s.max))
    }

    /// The table header matching [`row`].
    pub const HEADER: &str = "| what | median (ms) | min–max (ms) | target |\n|---|---:|---:|---|";
}
