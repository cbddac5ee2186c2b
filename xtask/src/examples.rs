//! The YAML examples of a diagnostic code's page, run through Charter's engine.
//!
//! A page's `## Example` section holds one or more YAML blocks whose first line names a file
//! (`# acme.policy.yaml`); together they are a workspace, checked with the bundled policies as
//! `charter check` would. The `## How to fix it` section holds the corrected files: the
//! example's workspace with those files replaced. Comments like `# error[unknown-key]` mark
//! what Charter reports, on the line it reports it.

use charter::check::Context;
use charter::cli::render::{Format, Source, render};
use charter::diagnostic::{Diagnostic, FileId};
use charter::model::Date;
use charter::text::{Encoding, LineIndex};
use charter::workspace::{FileKind, Workspace};

use crate::markdown::{Marker, blocks, example_file_name};

/// The day examples are judged as of: both bundled versions exist, `2025-09-15` is in effect.
pub const TODAY: &str = "2026-01-01";

/// The section whose blocks are the example, and the one whose blocks fix it.
pub const EXAMPLE: &str = "Example";
pub const FIX: &str = "How to fix it";

/// A file of an example: its name and text.
pub type File = (String, String);

#[derive(Debug, Clone, Default)]
pub struct PageExamples {
    pub example: Vec<File>,
    /// The files of the fix section.
    pub fix: Vec<File>,
    /// The example's files with the fixed ones in their place.
    pub fixed: Vec<File>,
}

/// The example and the fix of a page; an error names what is malformed.
pub fn page_examples(page: &str) -> Result<PageExamples, String> {
    let mut example: Vec<File> = Vec::new();
    let mut fix: Vec<File> = Vec::new();
    for block in blocks(page) {
        let Some(name) = example_file_name(&block) else {
            continue;
        };
        let into = match block.section.as_str() {
            EXAMPLE => &mut example,
            FIX => &mut fix,
            _ => continue,
        };
        if into.iter().any(|(n, _)| n == name) {
            return Err(format!(
                "line {}: a second `{name}` in section `{}`",
                block.line, block.section
            ));
        }
        into.push((name.to_owned(), block.body.clone()));
    }
    let mut fixed = example.clone();
    for (name, text) in &fix {
        match fixed.iter_mut().find(|(n, _)| n == name) {
            Some(file) => file.1.clone_from(text),
            None => fixed.push((name.clone(), text.clone())),
        }
    }
    Ok(PageExamples { example, fix, fixed })
}

/// The examples of a guide page, in steps: (heading, the files the step shows, the workspace it
/// is checked in). A step is the files shown under one heading, until a file is shown again
/// (a corrected version starts the next step). A step's workspace holds every file shown so far
/// on the page, the latest text of each, so a later section can use an earlier one's policy.
pub fn guide_sections(page: &str) -> Vec<(String, Vec<File>, Vec<File>)> {
    let mut sections: Vec<(String, Vec<File>, Vec<File>)> = Vec::new();
    let mut workspace: Vec<File> = Vec::new();
    for block in blocks(page) {
        let Some(name) = example_file_name(&block) else {
            continue;
        };
        let file = (name.to_owned(), block.body.clone());
        match workspace.iter_mut().find(|(n, _)| n == name) {
            Some(existing) => existing.1.clone_from(&file.1),
            None => workspace.push(file.clone()),
        }
        match sections.last_mut() {
            Some((heading, files, ws)) if *heading == block.section && !files.iter().any(|(n, _)| n == name) => {
                files.push(file);
                ws.clone_from(&workspace);
            }
            _ => sections.push((block.section.clone(), vec![file], workspace.clone())),
        }
    }
    sections
}

/// The excerpts a page quotes from a repository file: blocks whose first line is
/// `# from PATH` (a path from the repository's root), with the quoted text.
pub fn excerpts(page: &str) -> Vec<(String, String, usize)> {
    blocks(page)
        .into_iter()
        .filter_map(|block| {
            let (first, rest) = block.body.split_once('\n')?;
            let path = first.strip_prefix("# from ")?.trim();
            Some((path.to_owned(), rest.to_owned(), block.line))
        })
        .collect()
}

/// A diagnostic as an example's marker states it, with its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    pub file: String,
    pub marker: Marker,
    pub message: String,
}

fn today() -> Date {
    Date::parse(TODAY).expect("TODAY is a date")
}

/// The files in a workspace with the bundled policies, and the context judging them.
fn context(files: &[File]) -> (Context, Vec<FileId>) {
    let mut ws = Workspace::with_bundled();
    let ids = files
        .iter()
        .map(|(name, text)| {
            let kind = FileKind::of_path(name).expect("example names are policy or manifest files");
            ws.add(name.clone(), text.clone(), kind, false)
        })
        .collect();
    (Context::new(ws, today()), ids)
}

/// Every diagnostic Charter reports on `files`, in file order.
pub fn check(files: &[File]) -> Vec<Reported> {
    let (cx, ids) = context(files);
    let mut reported = Vec::new();
    for (id, (name, text)) in ids.iter().zip(files) {
        let index = LineIndex::new(text);
        for d in cx.check_file(*id) {
            let (line, _) = index.position(text, d.range.start, Encoding::Utf32);
            reported.push(Reported {
                file: name.clone(),
                marker: Marker {
                    line: line as usize + 1,
                    severity: d.severity.as_str().to_owned(),
                    code: d.code.as_str().to_owned(),
                },
                message: d.message,
            });
        }
    }
    reported
}

/// What `charter check` prints on `files` (without colour), as the page shows it.
pub fn human_output(files: &[File]) -> String {
    let (cx, ids) = context(files);
    let results: Vec<(FileId, Vec<Diagnostic>)> = ids.iter().map(|&f| (f, cx.check_file(f))).collect();
    let sources = |f: FileId| Source::of(&cx.ws, f);
    let mut out = Vec::new();
    render(
        Format::Human,
        &results,
        &sources,
        false,
        charter::diagnostic::DEFAULT_DOCS_URL,
        &mut out,
    )
    .expect("rendering into memory");
    String::from_utf8(out).expect("the human format is UTF-8")
}

/// `text` with `# charter-ignore: CODE` alone on the line above each line in `lines`
/// (1-based), indented like that line.
pub fn with_ignore_comments(text: &str, lines: &[usize], code: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if lines.contains(&(i + 1)) {
            let indent: String = line.chars().take_while(|c| *c == ' ').collect();
            out.push_str(&format!("{indent}# charter-ignore: {code}\n"));
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
