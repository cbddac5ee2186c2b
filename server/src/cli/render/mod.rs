//! Diagnostics → text for `charter check --format`: a compiler-like report for people, JSON for
//! scripts, SARIF 2.1.0 for code-scanning tools and workflow commands for GitHub Actions.
//!
//! Every format turns byte ranges into positions here, through [`Files::span`] and so through
//! [`LineIndex`], so that all of them agree on where a diagnostic is.

mod github;
mod human;
mod json;
mod sarif;

use std::collections::HashMap;
use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, FileId};
use crate::text::{Encoding, LineIndex, TextRange};
use crate::workspace::Workspace;

/// The output formats of `charter check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

/// A file as the output names and quotes it.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

impl<'a> Source<'a> {
    /// A file of `ws` (bundled policies included), as `charter check` names it.
    pub fn of(ws: &'a Workspace, file: FileId) -> Self {
        let file = ws.file(file);
        Source {
            path: &file.path,
            text: &file.text,
        }
    }
}

/// Renders the diagnostics of `results` (file, its diagnostics in order) to `out`. `sources`
/// maps any FileId (also those only named by related info, e.g. a bundled policy) to its path and
/// text. `color`: ANSI styling for Human only. `docs`: the base address of the user's guide,
/// for the link to each code's page (SARIF `helpUri`).
pub fn render<'a>(
    format: Format,
    results: &[(FileId, Vec<Diagnostic>)],
    sources: &dyn Fn(FileId) -> Source<'a>,
    color: bool,
    docs: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut files = Files::new(sources);
    match format {
        Format::Human => human::render(results, &mut files, color, out),
        Format::Json => json::render(results, &mut files, out),
        Format::Sarif => sarif::render(results, &mut files, docs, out),
        Format::Github => github::render(results, &mut files, out),
    }
}

/// A 1-based line and a 1-based column counted in Unicode characters: what people, JSON, SARIF
/// (`columnKind: unicodeCodePoints`) and GitHub see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Position {
    line: u32,
    column: u32,
}

/// Both ends of a range as [`Position`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: Position,
    end: Position,
}

/// The sources with their line indexes, each built once: a bundled policy may be named by the
/// related places of many diagnostics.
struct Files<'a, 's> {
    sources: &'s dyn Fn(FileId) -> Source<'a>,
    indexes: HashMap<FileId, LineIndex>,
}

impl<'a, 's> Files<'a, 's> {
    fn new(sources: &'s dyn Fn(FileId) -> Source<'a>) -> Self {
        Self {
            sources,
            indexes: HashMap::new(),
        }
    }

    fn source(&self, file: FileId) -> Source<'a> {
        (self.sources)(file)
    }

    fn index(&mut self, file: FileId) -> &LineIndex {
        let sources = self.sources;
        self.indexes
            .entry(file)
            .or_insert_with(|| LineIndex::new(sources(file).text))
    }

    /// The positions of `range` in `file`; out-of-file offsets are clamped by [`LineIndex`].
    fn span(&mut self, file: FileId, range: TextRange) -> Span {
        let text = self.source(file).text;
        let index = self.index(file);
        let at = |offset| {
            let (line, column) = index.position(text, offset, Encoding::Utf32);
            Position {
                line: line.saturating_add(1),
                column: column.saturating_add(1),
            }
        };
        Span {
            start: at(range.start),
            end: at(range.end.max(range.start)),
        }
    }
}

/// A path as GitHub and code-scanning services match it against the repository's files: without
/// the `./` that `charter check .` puts in front (`./a.policy.yaml` names the same file as
/// `a.policy.yaml`, but only the latter matches a pull request's changed file).
fn without_dot_slash(mut path: &str) -> &str {
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.trim_start_matches('/');
    }
    path
}

/// The files and diagnostics every format's tests render: CRLF line breaks, CJK and emoji
/// before the ranges, a related place in another file, a fix and a zero-width range at the end.
#[cfg(test)]
mod fixture {
    use super::{Format, Source, render};
    use crate::diagnostic::{Code, Diagnostic, Edit, FileId};
    use crate::text::TextRange;

    pub const ACME: FileId = FileId(0);
    /// The docs base the formats' tests render with.
    pub const DOCS: &str = "https://docs.example/charter/";
    pub const BASE: FileId = FileId(1);

    pub const ACME_TEXT: &str =
        "policy: acme\r\ntitle: 方針 🎉\r\nrules:\r\n  - {note: 日本🎉, efect: allow}\r\n  - id: allows-weapons\r\n";
    pub const BASE_TEXT: &str = "policy: base\nrules:\n  - {tag: 🎉, id: no-weapons}\n";

    pub fn source(file: FileId) -> Source<'static> {
        match file {
            ACME => Source {
                path: "policies/acme.policy.yaml",
                text: ACME_TEXT,
            },
            _ => Source {
                path: "policies/base.policy.yaml",
                text: BASE_TEXT,
            },
        }
    }

    /// The byte range of the first `needle` in `text`.
    pub fn find(text: &str, needle: &str) -> TextRange {
        let start = text.find(needle).expect("needle in fixture");
        TextRange::new(start, start + needle.len())
    }

    pub fn results() -> Vec<(FileId, Vec<Diagnostic>)> {
        let efect = find(ACME_TEXT, "efect");
        let unknown = Diagnostic::new(Code::UnknownKey, efect, "unknown key `efect`; did you mean `effect`?").with_fix(
            "replace `efect` with `effect`",
            vec![Edit {
                range: efect,
                new_text: "effect".into(),
            }],
        );
        let violation = Diagnostic::new(
            Code::LayerViolation,
            find(ACME_TEXT, "allows-weapons"),
            "rule `allows-weapons` allows `weapons`, which base `base` prohibits",
        )
        .with_related(BASE, find(BASE_TEXT, "no-weapons"), "the base prohibits it here");
        let end = TextRange::empty(ACME_TEXT.len());
        let redundant = Diagnostic::new(Code::RedundantRule, end, "nothing changes without it");
        let shadowed = Diagnostic::new(
            Code::ShadowedRule,
            find(BASE_TEXT, "no-weapons"),
            "rule `no-weapons` never decides",
        );
        vec![(ACME, vec![unknown, violation, redundant]), (BASE, vec![shadowed])]
    }

    pub fn rendered(format: Format, results: &[(FileId, Vec<Diagnostic>)]) -> String {
        let mut out = Vec::new();
        render(format, results, &source, false, DOCS, &mut out).expect("writing to a Vec");
        String::from_utf8(out).expect("UTF-8 output")
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::{BASE_TEXT, find};
    use super::{Format, Source, render, without_dot_slash};
    use crate::diagnostic::{Code, Diagnostic, FileId};

    #[test]
    fn leading_dot_slashes_go() {
        assert_eq!(without_dot_slash("./a.policy.yaml"), "a.policy.yaml");
        assert_eq!(without_dot_slash("././/x/./a.policy.yaml"), "x/./a.policy.yaml");
        assert_eq!(without_dot_slash("../a.policy.yaml"), "../a.policy.yaml");
        assert_eq!(without_dot_slash(".hidden/a.policy.yaml"), ".hidden/a.policy.yaml");
    }

    /// `charter check .` names files `./…`: GitHub and SARIF get them without the `./`.
    #[test]
    fn machine_formats_drop_the_dot_slash() {
        let diagnostic = Diagnostic::new(Code::ShadowedRule, find(BASE_TEXT, "no-weapons"), "never decides");
        let results = vec![(FileId(0), vec![diagnostic])];
        let source = |_| Source {
            path: "./policies/base.policy.yaml",
            text: BASE_TEXT,
        };
        let rendered = |format| {
            let mut out = Vec::new();
            render(format, &results, &source, false, "https://example.com/docs/", &mut out).expect("writing to a Vec");
            String::from_utf8(out).expect("UTF-8")
        };
        assert!(rendered(Format::Github).starts_with("::warning file=policies/base.policy.yaml,"));
        assert!(rendered(Format::Sarif).contains(r#""uri": "policies/base.policy.yaml""#));
        // People and scripts see the path as it was found.
        assert!(rendered(Format::Json).contains(r#""./policies/base.policy.yaml""#));
    }
}
