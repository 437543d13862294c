//! What a test run means for a student: passed, still a `todo!()`, does not compile, a
//! snapshot that differs (with the difference), or another failure.

/// The result of grading one exercise.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The test passes.
    Passed,
    /// The function still panics with `todo!()`.
    Todo,
    /// The crate does not compile; the compiler's errors.
    DoesNotCompile(String),
    /// The result differs from the snapshot; insta's report with the difference.
    SnapshotDiffers(String),
    /// Anything else (a panic, an error returned); the test's output.
    Failed(String),
}

impl Outcome {
    /// Reads `cargo test`'s output.
    pub fn classify(success: bool, output: &str) -> Outcome {
        if success {
            return Outcome::Passed;
        }
        if output.contains("error[E") || output.contains("could not compile") {
            let errors: Vec<&str> = output
                .split("\n\n")
                .filter(|block| block.trim_start().starts_with("error"))
                .filter(|block| !block.contains("could not compile"))
                .collect();
            return Outcome::DoesNotCompile(errors.join("\n\n"));
        }
        if output.contains("not yet implemented") {
            return Outcome::Todo;
        }
        if let Some(start) = output.find("Snapshot Summary").or_else(|| output.find("Snapshot:")) {
            let report = &output[start..];
            let end = ["Stopped on the first failure", "stopped on the first failure", "\nthread '", "\nfailures:"]
                .iter()
                .filter_map(|marker| report.find(marker))
                .min()
                .unwrap_or(report.len());
            return Outcome::SnapshotDiffers(report[..end].trim_end().to_string());
        }
        let start = output.find("---- ").unwrap_or(0);
        Outcome::Failed(output[start..].trim_end().to_string())
    }

    /// Whether the exercise is done.
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Passed)
    }

    /// A short status word.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Passed => "done",
            Outcome::Todo => "todo",
            Outcome::DoesNotCompile(_) => "compile",
            Outcome::SnapshotDiffers(_) => "differs",
            Outcome::Failed(_) => "fails",
        }
    }

    /// What to tell the student.
    pub fn explain(&self) -> String {
        match self {
            Outcome::Passed => "It passes.".into(),
            Outcome::Todo => "It is still a `todo!()`: replace it with your code.".into(),
            Outcome::DoesNotCompile(errors) => format!("The exercises do not compile yet:\n\n{errors}"),
            Outcome::SnapshotDiffers(diff) => {
                format!("Your result differs from the expected one (`-old` is expected, `+new` is yours):\n\n{diff}")
            }
            Outcome::Failed(output) => format!("The test fails:\n\n{output}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Outcome;

    #[test]
    fn outputs_are_classified() {
        assert_eq!(Outcome::classify(true, "anything"), Outcome::Passed);
        assert_eq!(
            Outcome::classify(false, "thread 'x' panicked at src/ex01.rs:3:5:\nnot yet implemented: exercise"),
            Outcome::Todo
        );
        let compile = "error[E0308]: mismatched types\n --> part1/src/ex02.rs:4:5\n\nerror: could not compile `part1`";
        assert!(matches!(Outcome::classify(false, compile), Outcome::DoesNotCompile(e) if e.contains("E0308")));
        let snap = "running 1 test\nSnapshot Summary\n-old snapshot\n+new results\n-min 1.00\n+min 2.00\nstopped on the first failure";
        assert!(matches!(Outcome::classify(false, snap), Outcome::SnapshotDiffers(d) if d.contains("+min 2.00")));
        assert!(
            matches!(Outcome::classify(false, "---- t stdout ----\nError: boom"), Outcome::Failed(f) if f.contains("boom"))
        );
    }
}
