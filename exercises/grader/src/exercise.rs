//! Finding the exercises and reading their task and hint from their doc comments.

use std::path::Path;

/// One exercise: `<part>/src/<name>.rs`, whose `//!` doc comment starts with `# <title>`,
/// states the task, and ends with a `## Hint` section.
#[derive(Clone, Debug, PartialEq)]
pub struct Exercise {
    /// The crate it belongs to (`part1`, `part2`, …).
    pub part: String,
    /// File stem, also the name of its test (`ex02_june_mean`).
    pub name: String,
    /// The `# ...` heading.
    pub title: String,
    /// The doc comment between the heading and the hint.
    pub task: String,
    /// The `## Hint` section.
    pub hint: String,
}

impl Exercise {
    /// The title with its part: `Part 2 · Exercise 1: many yearly stores as one dataset`.
    pub fn heading(&self) -> String {
        match self.part.strip_prefix("part") {
            Some(n) if !n.is_empty() => format!("Part {n} · {}", self.title),
            _ => self.title.clone(),
        }
    }
}

/// The exercises of every part under `root` (`part1/src`, `part2/src`, …), part by part, each
/// part in file-name order.
pub fn discover_parts(root: &Path) -> std::io::Result<Vec<Exercise>> {
    let mut parts: Vec<String> = std::fs::read_dir(root)?
        .filter_map(Result::ok)
        .filter(|e| e.path().join("src").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.strip_prefix("part").is_some_and(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit())))
        .collect();
    parts.sort_by_key(|p| p[4..].parse::<u32>().unwrap_or(u32::MAX));
    let mut all = Vec::new();
    for part in parts {
        for mut ex in discover(&root.join(&part).join("src"))? {
            ex.part.clone_from(&part);
            all.push(ex);
        }
    }
    Ok(all)
}

/// The exercises in `dir`, in file-name order (`ex01_...`, `ex02_...`).
pub fn discover(dir: &Path) -> std::io::Result<Vec<Exercise>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "rs")
                && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("ex"))
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p)?;
            let name = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            Ok(parse(&name, &text))
        })
        .collect()
}

/// Splits an exercise's `//!` comment into title, task and hint.
pub fn parse(name: &str, source: &str) -> Exercise {
    let doc: Vec<&str> = source
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!").strip_prefix(' ').unwrap_or(l.trim_start_matches("//!")))
        .collect();
    let title = doc.iter().find_map(|l| l.strip_prefix("# ")).unwrap_or(name).to_string();
    let body: Vec<&str> = doc.iter().copied().skip_while(|l| !l.starts_with("# ")).skip(1).collect();
    let split = body.iter().position(|l| l.trim() == "## Hint").unwrap_or(body.len());
    let task = body[..split].join("\n");
    let hint = body.get(split + 1..).map(|h| h.join("\n")).unwrap_or_else(|| "(no hint written)".into());
    Exercise { part: String::new(), name: name.to_string(), title, task, hint }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn title_task_and_hint_come_from_the_doc_comment() {
        let src = "//! # Exercise 9: x\n//!\n//! Do **this**.\n//!\n//! ## Hint\n//! Try `that`.\n\nuse a;\n";
        let ex = parse("ex09_x", src);
        assert_eq!(ex.title, "Exercise 9: x");
        assert_eq!(ex.task.trim(), "Do **this**.");
        assert_eq!(ex.hint.trim(), "Try `that`.");
    }

    #[test]
    fn parts_are_found_in_numeric_order_with_their_exercises() {
        let root = std::env::temp_dir().join(format!("grader-parts-{}", std::process::id()));
        for (part, file) in [("part10", "ex01_c.rs"), ("part2", "ex02_b.rs"), ("part2", "ex01_a.rs"), ("notes", "x.rs")]
        {
            std::fs::create_dir_all(root.join(part).join("src")).unwrap();
            std::fs::write(root.join(part).join("src").join(file), "//! # T\n").unwrap();
        }
        let found = super::discover_parts(&root).unwrap();
        let _ = std::fs::remove_dir_all(&root);
        let names: Vec<(&str, &str)> = found.iter().map(|e| (e.part.as_str(), e.name.as_str())).collect();
        assert_eq!(names, [("part2", "ex01_a"), ("part2", "ex02_b"), ("part10", "ex01_c")]);
    }
}
