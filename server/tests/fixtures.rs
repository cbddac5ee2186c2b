//! The fixture corpus: every folder under `tests/fixtures/` is a workspace whose files carry
//! their expected diagnostics in comments, next to the text they are about (like rustc's UI
//! tests). The whole folder is checked with the bundled policies, as `charter check` would,
//! and the diagnostics must match the annotations exactly: file, range, severity and code.
//!
//! Annotation forms, each a comment line of its own:
//!
//! ```yaml
//!     categories: [high-risk.finacial]
//! #                ^^^^^^^^^^^^^^^^^^ error unknown-category "did you mean `high-risk.financial`"
//! #~ 3:1-3:6 error missing-key
//! ```
//!
//! A caret line marks columns of the nearest line above it that is not an annotation; the
//! quoted text, optional, must occur in the message. `#~ L:C-L:C` gives a range by 1-based
//! line and column (in characters) for ranges a caret cannot mark (column 1, several lines,
//! empty). A folder may hold `today.txt` with the date to judge as of (default 2026-01-01).

use std::path::{Path, PathBuf};

use charter::check::Context;
use charter::model::Date;
use charter::text::{Encoding, LineIndex, decode};
use charter::workspace::{FileKind, Workspace};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    file: String,
    /// 1-based (line, column) start and end, columns in characters.
    start: (u32, u32),
    end: (u32, u32),
    severity: String,
    code: String,
    message: Option<String>,
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}:{}-{}:{} {} {}",
            self.file, self.start.0, self.start.1, self.end.0, self.end.1, self.severity, self.code
        )?;
        if let Some(m) = &self.message {
            write!(f, " {m:?}")?;
        }
        Ok(())
    }
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// Parses the annotations of one file.
fn annotations(file: &str, text: &str) -> Vec<Expected> {
    let mut expected = Vec::new();
    let mut target_line = 0u32; // 1-based number of the last line that is not an annotation
    for (i, line) in text.lines().enumerate() {
        let number = i as u32 + 1;
        if let Some(rest) = line.strip_prefix("#~ ") {
            let (range, rest) = rest.split_once(' ').expect("`#~ L:C-L:C severity code`");
            let (start, end) = range.split_once('-').expect("a range L:C-L:C");
            let pos = |p: &str| {
                let (l, c) = p.split_once(':').expect("L:C");
                (l.parse().unwrap(), c.parse().unwrap())
            };
            expected.push(parse_tail(file, pos(start), pos(end), rest));
        } else if line.starts_with('#') && line.trim_start_matches('#').trim_start().starts_with('^') {
            let chars: Vec<char> = line.chars().collect();
            let first = chars.iter().position(|&c| c == '^').unwrap();
            let last = chars.iter().rposition(|&c| c == '^').unwrap();
            let rest: String = chars[last + 1..].iter().collect();
            let start = (target_line, first as u32 + 1);
            let end = (target_line, last as u32 + 2);
            expected.push(parse_tail(file, start, end, rest.trim()));
        } else {
            target_line = number;
        }
    }
    expected
}

fn parse_tail(file: &str, start: (u32, u32), end: (u32, u32), tail: &str) -> Expected {
    let (severity, rest) = tail.split_once(' ').unwrap_or((tail, ""));
    let (code, message) = match rest.split_once(' ') {
        Some((code, message)) => (code, Some(message.trim().trim_matches('"').to_owned())),
        None => (rest, None),
    };
    Expected {
        file: file.to_owned(),
        start,
        end,
        severity: severity.to_owned(),
        code: code.to_owned(),
        message,
    }
}

fn check_fixture(dir: &Path) -> Result<(), String> {
    let mut ws = Workspace::with_bundled();
    let mut files = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(kind) = FileKind::of_path(&name) else { continue };
        let bytes = std::fs::read(&path).unwrap();
        let (text, invalid) = decode(&bytes);
        let id = ws.add(name, text.into_owned(), kind, false);
        if let Some(invalid) = invalid {
            ws.report_invalid_utf8(id, invalid);
        }
        files.push(id);
    }
    let today = std::fs::read_to_string(dir.join("today.txt")).ok();
    let today = Date::parse(today.as_deref().unwrap_or("2026-01-01").trim()).expect("today.txt holds a date");
    let cx = Context::new(ws.clone(), today);
    let mut expected = Vec::new();
    let mut actual = Vec::new();
    for &id in &files {
        let file = ws.file(id);
        expected.extend(annotations(&file.path, &file.text));
        let index = LineIndex::new(&file.text);
        for d in cx.check_file(id) {
            let pos = |offset| {
                let (l, c) = index.position(&file.text, offset, Encoding::Utf32);
                (l + 1, c + 1)
            };
            actual.push((
                Expected {
                    file: file.path.clone(),
                    start: pos(d.range.start),
                    end: pos(d.range.end),
                    severity: d.severity.as_str().to_owned(),
                    code: d.code.as_str().to_owned(),
                    message: None,
                },
                d.message,
            ));
        }
    }
    compare(expected, actual)
}

fn compare(mut expected: Vec<Expected>, actual: Vec<(Expected, String)>) -> Result<(), String> {
    let mut unexpected = Vec::new();
    for (got, message) in actual {
        let found = expected.iter().position(|e| {
            Expected {
                message: None,
                ..e.clone()
            } == got
                && e.message.as_ref().is_none_or(|m| message.contains(m.as_str()))
        });
        match found {
            Some(i) => {
                expected.remove(i);
            }
            None => unexpected.push(format!("  unexpected: {got} {message:?}")),
        }
    }
    let missing: Vec<String> = expected.iter().map(|e| format!("  missing:    {e}")).collect();
    if unexpected.is_empty() && missing.is_empty() {
        Ok(())
    } else {
        Err([unexpected, missing].concat().join("\n"))
    }
}

#[test]
fn fixture_corpus() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures_root())
        .expect("tests/fixtures exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "the corpus has fixtures");
    let failures: Vec<String> = dirs
        .iter()
        .filter_map(|dir| {
            check_fixture(dir)
                .err()
                .map(|e| format!("{}:\n{e}", dir.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}

#[test]
fn every_code_is_covered_by_the_corpus() {
    let mut corpus = String::new();
    for dir in std::fs::read_dir(fixtures_root()).unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).into_iter().flatten() {
            corpus.push_str(&std::fs::read_to_string(file.unwrap().path()).unwrap_or_default());
        }
    }
    let uncovered: Vec<&str> = charter::diagnostic::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|code| !corpus.contains(&format!(" {code}")))
        .collect();
    assert!(uncovered.is_empty(), "codes without a fixture: {uncovered:?}");
}
