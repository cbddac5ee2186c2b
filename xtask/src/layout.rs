//! The YAML the docs show, in the layout `charter fmt` writes: a reader who copies a whole
//! policy or manifest from a page gets a file that `charter fmt --check` accepts as it is.
//!
//! A block counts when it is a whole file: a YAML block whose top-level map has `manifest`, or
//! `policy` and `version`. Fragments (a `rules:` list alone), blocks with a syntax error (which
//! `charter fmt` leaves as they are) and YAML the formatter does not rewrite (anchors, tags)
//! are left out.

use std::path::Path;

use charter::format::{Refusal, format};
use charter::syntax::{Limits, parse};
use charter::workspace::FileKind;

use crate::markdown::{Block, blocks};

/// The command that formats the docs' YAML, for messages.
pub const COMMAND: &str = "cargo xtask fmt-docs";

/// The Markdown files whose YAML is kept formatted, relative to the root: the guide's
/// hand-written pages (its `editors/` pages are generated from the editors' READMEs) and the
/// READMEs a reader meets first.
pub fn markdown_files(root: &Path) -> Vec<String> {
    let book = crate::links::markdown_files(&root.join(crate::BOOK_SRC))
        .into_iter()
        .filter(|p| !p.starts_with("editors/"))
        .map(|p| format!("{}/{p}", crate::BOOK_SRC));
    let readmes = ["README.md", "examples/README.md"]
        .into_iter()
        .map(String::from)
        .chain(crate::EDITORS.iter().map(|e| format!("editors/{e}/README.md")));
    book.chain(readmes).collect()
}

/// A block of a page that the formatter would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unformatted {
    /// The 1-based line of the block's opening fence.
    pub line: usize,
    /// The block's text and its formatted text.
    pub old: String,
    pub new: String,
}

impl Unformatted {
    /// What `charter fmt --check` would print for the block.
    pub fn diff(&self, name: &str) -> String {
        let mut out = Vec::new();
        charter::cli::fmt::unified_diff(name, &self.old, &self.new, &mut out).expect("writing into memory");
        String::from_utf8(out).expect("the diff of UTF-8 texts is UTF-8")
    }
}

/// The blocks of `page` that are whole files and not in the canonical layout. An error names
/// the line of a block the formatter failed on (a bug in Charter).
pub fn unformatted(page: &str) -> Result<Vec<Unformatted>, String> {
    let mut found = Vec::new();
    for block in blocks(page) {
        let (indent, old) = dedent(&block);
        if let Some(new) = formatted(&old).map_err(|e| format!("line {}: {e}", block.line))?
            && new != old
        {
            found.push(Unformatted {
                line: block.line,
                old: reindent(&indent, &old),
                new: reindent(&indent, &new),
            });
        }
    }
    Ok(found)
}

/// `page` with every block [`unformatted`] finds replaced by its formatted text.
pub fn format_page(page: &str) -> Result<String, String> {
    let mut lines: Vec<String> = page.split_inclusive('\n').map(String::from).collect();
    // From the last block up, so that the line numbers of the ones above stay true.
    for block in unformatted(page)?.into_iter().rev() {
        let body = block.line..block.line + block.old.lines().count();
        lines.splice(body, block.new.split_inclusive('\n').map(String::from));
    }
    Ok(lines.concat())
}

/// The kind of file a YAML text is, when it is a whole policy or manifest without syntax errors.
fn document_kind(text: &str) -> Option<FileKind> {
    let parsed = parse(text, &Limits::default());
    if !parsed.diagnostics.is_empty() {
        return None;
    }
    let (tree, root) = (&parsed.tree, parsed.tree.root()?);
    if tree.get(root, "manifest").is_some() {
        Some(FileKind::Manifest)
    } else if tree.get(root, "policy").is_some() && tree.get(root, "version").is_some() {
        Some(FileKind::Policy)
    } else {
        None
    }
}

/// The formatted text of a whole file; `None` for anything else or a text `charter fmt` leaves
/// as it is.
fn formatted(text: &str) -> Result<Option<String>, String> {
    let Some(kind) = document_kind(text) else {
        return Ok(None);
    };
    match format(text, kind) {
        Ok(new) => Ok(Some(new)),
        Err(Refusal::Syntax(_) | Refusal::Unsupported(_)) => Ok(None),
        Err(internal @ Refusal::Internal(_)) => Err(internal.reason()),
    }
}

/// A block's text without the indentation of its fence (a block in a list item), and that
/// indentation.
fn dedent(block: &Block) -> (String, String) {
    let first = block.body.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let indent: String = first.chars().take_while(|c| *c == ' ').collect();
    let text = block
        .body
        .split_inclusive('\n')
        .map(|l| l.strip_prefix(indent.as_str()).unwrap_or(l.trim_start_matches(' ')))
        .collect();
    (indent, text)
}

fn reindent(indent: &str, text: &str) -> String {
    text.split_inclusive('\n')
        .map(|l| match l.trim().is_empty() {
            true => l.to_owned(),
            false => format!("{indent}{l}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# Page\n\n```yaml\n# a.usecases.yaml\nmanifest: a   # the id\nuse-cases:\n  - categories: [x]\n    id: u\n```\n\n\
                        ```yaml\nrules:\n  - id: r\n```\n\n- a list item:\n\n  ```yaml\n  policy: p\n  version: 2025-11-01\n  \
                        categories:\n    a: {summary: A.}\n  ```\n";

    #[test]
    fn whole_files_are_formatted_in_place_and_fragments_left_alone() {
        let found = unformatted(PAGE).unwrap();
        assert_eq!(found.iter().map(|u| u.line).collect::<Vec<_>>(), [3, 18]);
        let page = format_page(PAGE).unwrap();
        assert!(
            page.contains(
                "```yaml\n# a.usecases.yaml\nmanifest: a  # the id\n\nuse-cases:\n  - id: u\n    categories: [x]\n```\n"
            ),
            "{page}"
        );
        assert!(
            page.contains("```yaml\nrules:\n  - id: r\n```\n"),
            "a fragment stays: {page}"
        );
        assert!(
            page.contains(
                "  ```yaml\n  policy: p\n  version: 2025-11-01\n\n  categories:\n    a: { summary: A. }\n  ```\n"
            ),
            "an indented block keeps its indentation: {page}"
        );
        assert_eq!(unformatted(&page).unwrap(), []);
    }

    #[test]
    fn the_diff_names_the_file_and_shows_the_change() {
        let diff = unformatted(PAGE).unwrap()[0].diff("page.md:3");
        assert!(diff.starts_with("--- page.md:3\n+++ page.md:3 (formatted)\n"), "{diff}");
        assert!(
            diff.contains("\n-manifest: a   # the id\n") && diff.contains("\n+manifest: a  # the id\n"),
            "{diff}"
        );
    }

    #[test]
    fn syntax_errors_and_anchors_are_left_as_they_are() {
        let page = "```yaml\nmanifest: a\nuse-cases: [\n```\n\n```yaml\nmanifest: &m a\nowner: *m\n```\n";
        assert_eq!(unformatted(page).unwrap(), []);
    }
}
