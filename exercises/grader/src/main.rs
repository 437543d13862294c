//! The grader: `cargo run -p grader [list | hint [EXERCISE] | watch] [--part N] [--solutions]`.
//!
//! It runs each exercise's snapshot test in order, part by part, shows how many pass, and for
//! the first one that does not: its task, where to write the code, and why it fails (still a
//! `todo!()`, a compile error, or a snapshot that differs, with the difference). `watch` does the
//! same again every time a file under `partN/src` is saved. `--part N` grades one part only;
//! `--solutions` grades `solutions/` instead.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, SystemTime};

mod exercise;
mod outcome;

use exercise::Exercise;
use outcome::Outcome;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let solutions = args.iter().any(|a| a == "--solutions");
    let mut part = None;
    let mut words: Vec<&str> = Vec::new();
    let mut it = args.iter().map(String::as_str);
    while let Some(a) = it.next() {
        match a {
            "--part" => match it.next().map(|n| n.trim_start_matches("part").parse::<u32>()) {
                Some(Ok(n)) => part = Some(format!("part{n}")),
                _ => return fail("--part needs a part number, e.g. `--part 2`"),
            },
            a if a.starts_with("--") => {}
            a => words.push(a),
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let exercises = match exercise::discover_parts(&root) {
        Ok(list) => list.into_iter().filter(|e| part.as_ref().is_none_or(|p| &e.part == p)).collect::<Vec<_>>(),
        Err(e) => return fail(&format!("cannot read the exercises in {}: {e}", root.display())),
    };
    if exercises.is_empty() {
        let which = part.map_or_else(|| "partN/src".to_string(), |p| format!("{p}/src"));
        return fail(&format!("no exercises found in {}", root.join(which).display()));
    }
    let grader = Grader { root, solutions };
    match words.as_slice() {
        [] => grader.verify(&exercises),
        ["list"] => grader.list(&exercises),
        ["hint"] => grader.hint(&exercises, None),
        ["hint", name] => grader.hint(&exercises, Some(name)),
        ["watch"] => grader.watch(&exercises),
        _ => fail(
            "usage: cargo run -p grader [list | hint [EXERCISE] | watch] [--part N] [--solutions]\n\
             \n  (nothing)  grade every exercise, show progress and the next task\n  \
             list       every exercise and whether it passes\n  \
             hint       the hint of the next exercise (or of EXERCISE)\n  \
             watch      grade again every time you save a file",
        ),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::FAILURE
}

struct Grader {
    root: PathBuf,
    solutions: bool,
}

impl Grader {
    /// Runs one exercise's test and classifies the result.
    fn grade(&self, ex: &Exercise) -> Outcome {
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.current_dir(&self.root)
            .args(["test", "--quiet", "-p", &ex.part, "--test", &ex.name])
            .env("INSTA_UPDATE", "no")
            .env("CARGO_TERM_COLOR", "never")
            .env("RUST_BACKTRACE", "0")
            .env_remove("INSTA_FORCE_PASS");
        if self.solutions {
            cmd.args(["--features", "solutions"]);
        }
        match cmd.output() {
            Ok(out) => {
                let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
                Outcome::classify(out.status.success(), &text)
            }
            Err(e) => Outcome::Failed(format!("cannot run cargo: {e}")),
        }
    }

    fn grade_all(&self, exercises: &[Exercise]) -> Vec<Outcome> {
        let bar = indicatif::ProgressBar::new(exercises.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template("grading {pos}/{len} [{bar:25}] {msg}") {
            bar.set_style(style.progress_chars("=> "));
        }
        let outcomes = exercises
            .iter()
            .map(|ex| {
                bar.set_message(format!("{}/{}", ex.part, ex.name));
                let o = self.grade(ex);
                bar.inc(1);
                o
            })
            .collect();
        bar.finish_and_clear();
        outcomes
    }

    fn verify(&self, exercises: &[Exercise]) -> ExitCode {
        let outcomes = self.grade_all(exercises);
        self.report(exercises, &outcomes)
    }

    fn report(&self, exercises: &[Exercise], outcomes: &[Outcome]) -> ExitCode {
        let done = outcomes.iter().filter(|o| o.passed()).count();
        println!("{}", progress_line(done, exercises.len()));
        match exercises.iter().zip(outcomes).find(|(_, o)| !o.passed()) {
            None => {
                println!("\nAll {} exercises pass. Well done!", exercises.len());
                ExitCode::SUCCESS
            }
            Some((ex, outcome)) => {
                println!("\nNext: {}  ({})\n", ex.heading(), self.source_path(ex).display());
                println!("{}\n", ex.task.trim());
                println!("{}", outcome.explain());
                println!("\nStuck? `cargo run -p grader hint` shows a hint.");
                ExitCode::FAILURE
            }
        }
    }

    fn source_path(&self, ex: &Exercise) -> PathBuf {
        if self.solutions {
            self.root.join("../solutions").join(&ex.part).join(format!("{}.rs", ex.name))
        } else {
            Path::new(&ex.part).join("src").join(format!("{}.rs", ex.name))
        }
    }

    fn list(&self, exercises: &[Exercise]) -> ExitCode {
        let outcomes = self.grade_all(exercises);
        for (ex, o) in exercises.iter().zip(&outcomes) {
            println!("{:<8} {:<30} {}", o.label(), format!("{}/{}", ex.part, ex.name), ex.title);
        }
        let done = outcomes.iter().filter(|o| o.passed()).count();
        println!("\n{}", progress_line(done, exercises.len()));
        if done == exercises.len() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
    }

    fn hint(&self, exercises: &[Exercise], name: Option<&str>) -> ExitCode {
        let ex = match name {
            Some(n) => match exercises.iter().find(|e| {
                let full = format!("{}/{}", e.part, e.name);
                e.name == n || full == n || full.starts_with(n) || e.name.starts_with(n)
            }) {
                Some(e) => e,
                None => {
                    let names: Vec<String> = exercises.iter().map(|e| format!("{}/{}", e.part, e.name)).collect();
                    return fail(&format!("no exercise {n:?}; the exercises are {}", names.join(", ")));
                }
            },
            None => {
                let outcomes = self.grade_all(exercises);
                match exercises.iter().zip(&outcomes).find(|(_, o)| !o.passed()) {
                    Some((e, _)) => e,
                    None => {
                        println!("All exercises pass: no hint needed.");
                        return ExitCode::SUCCESS;
                    }
                }
            }
        };
        println!("Hint for {}:\n\n{}", ex.heading(), ex.hint.trim());
        ExitCode::SUCCESS
    }

    fn watch(&self, exercises: &[Exercise]) -> ExitCode {
        let mut dirs: Vec<PathBuf> = exercises.iter().map(|e| self.root.join(&e.part).join("src")).collect();
        dirs.dedup();
        let latest = || dirs.iter().filter_map(|d| latest_change(d)).max();
        loop {
            let outcomes = self.grade_all(exercises);
            // Clear the screen so the latest result is all there is to read.
            print!("\x1b[2J\x1b[H");
            let _ = self.report(exercises, &outcomes);
            let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
            println!("\nWatching {} — save a file to grade again, Ctrl-C to stop.", shown.join(", "));
            let seen = latest();
            loop {
                std::thread::sleep(Duration::from_millis(500));
                if latest() != seen {
                    break;
                }
            }
        }
    }
}

/// `done/total` with a bar.
fn progress_line(done: usize, total: usize) -> String {
    let width = 30;
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!("Progress: [{}{}] {done}/{total} exercises pass", "#".repeat(filled), "-".repeat(width - filled))
}

/// The newest modification time of the files in `dir` (recursively).
fn latest_change(dir: &Path) -> Option<SystemTime> {
    let mut newest = None;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(t) = e.metadata().and_then(|m| m.modified()) {
                newest = newest.max(Some(t));
            }
        }
    }
    newest
}
