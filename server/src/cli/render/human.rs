//! `--format human`: compiler-style reports through annotate-snippets (rustc's renderer), then
//! a one-line summary.
//!
//! Each snippet is cut from the file to the lines its range touches, with line numbers from
//! [`LineIndex`](crate::text::LineIndex): the renderer then never sees more than those lines (a
//! file with many diagnostics is not rescanned for each) and numbers lines as the other formats do.

use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;

use annotate_snippets::{Annotation, AnnotationKind, Group, Level, Patch, Renderer, Snippet};

use super::Files;
use crate::diagnostic::{Diagnostic, Edit, FileId, Fix, Severity};
use crate::text::{Encoding, TextRange};

pub(super) fn render(
    results: &[(FileId, Vec<Diagnostic>)],
    files: &mut Files,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut counts = Counts::default();
    for (file, diagnostics) in results {
        for diagnostic in diagnostics {
            counts.add(diagnostic.severity);
            writeln!(out, "{}\n", renderer.render(&report(*file, diagnostic, files)))?;
        }
    }
    writeln!(out, "{}", counts.summary())
}

/// The diagnostic with its place and related places, then one group per fix.
fn report<'d, 'a: 'd>(file: FileId, diagnostic: &'d Diagnostic, files: &mut Files<'a, '_>) -> Vec<Group<'d>> {
    let title = level(diagnostic.severity)
        .primary_title(&diagnostic.message)
        .id(diagnostic.code.as_str());
    // The primary place goes unlabelled: its label would repeat the title, often a long line.
    let primary = annotated(files, file, diagnostic.range, AnnotationKind::Primary, None);
    let related = diagnostic.related.iter().map(|related| {
        let label = Some(related.message.as_str());
        annotated(files, related.file, related.range, AnnotationKind::Context, label)
    });
    let group = title.element(primary).elements(related.collect::<Vec<_>>());
    let fixes = diagnostic.fixes.iter().map(|fix| fix_group(file, fix, files));
    std::iter::once(group).chain(fixes.collect::<Vec<_>>()).collect()
}

/// The lines of `file` that `range` touches, with `range` marked (and labelled).
fn annotated<'d, 'a: 'd>(
    files: &mut Files<'a, '_>,
    file: FileId,
    range: TextRange,
    kind: AnnotationKind,
    label: Option<&'d str>,
) -> Snippet<'d, Annotation<'d>> {
    let excerpt = Excerpt::new(files, file, range);
    let span = excerpt.relative(range);
    let path = files.source(file).path;
    let snippet = Snippet::source(excerpt.source)
        .line_start(excerpt.line_start)
        .path(path);
    snippet.annotation(kind.span(span).label(label))
}

/// A fix as `help: title`, with its edits shown as a diff when they can be (they do not
/// overlap); otherwise the title alone.
fn fix_group<'d, 'a: 'd>(file: FileId, fix: &'d Fix, files: &mut Files<'a, '_>) -> Group<'d> {
    let title = Level::HELP.secondary_title(&fix.title);
    let Some(cover) = disjoint_cover(&fix.edits) else {
        return Group::with_title(title);
    };
    let excerpt = Excerpt::new(files, file, cover);
    let patches: Vec<_> = fix
        .edits
        .iter()
        .map(|edit| Patch::new(excerpt.relative(edit.range), edit.new_text.as_str()))
        .collect();
    let snippet = Snippet::source(excerpt.source).line_start(excerpt.line_start);
    title.element(snippet.path(files.source(file).path).patches(patches))
}

/// The range covering all `edits`, if there are some and no two overlap.
fn disjoint_cover(edits: &[Edit]) -> Option<TextRange> {
    let mut ranges: Vec<TextRange> = edits.iter().map(|edit| edit.range).collect();
    ranges.sort();
    let disjoint = ranges
        .windows(2)
        .all(|pair| pair[0].end <= pair[1].start && pair[0] != pair[1]);
    let cover = ranges.iter().copied().reduce(TextRange::cover)?;
    disjoint.then_some(cover)
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        // Help's style, under the name the severity has everywhere else.
        Severity::Hint => Level::HELP.with_name("hint"),
    }
}

/// Whole lines of a file around a range: the text the renderer is given.
struct Excerpt<'a> {
    source: Cow<'a, str>,
    /// 1-based number of the excerpt's first line.
    line_start: usize,
    /// Byte offset of the excerpt in the file.
    from: usize,
}

impl<'a> Excerpt<'a> {
    /// The lines from the one `range` starts on to the one it ends on, without the last line's
    /// break. A broken range (past the end, inside a character) is clamped, for the renderer
    /// panics on those.
    fn new(files: &mut Files<'a, '_>, file: FileId, range: TextRange) -> Self {
        let text = files.source(file).text;
        let index = files.index(file);
        let (first, _) = index.position(text, range.start, Encoding::Utf8);
        let (last, _) = index.position(text, range.end.max(range.start), Encoding::Utf8);
        let from = index.line_start(first as usize);
        let mut to = index.line_start(last as usize + 1);
        if (last as usize + 1) < index.line_count() {
            to -= if text[..to].ends_with("\r\n") { 2 } else { 1 };
        }
        let source = lone_cr_as_lf(&text[from..to]);
        Excerpt {
            source,
            line_start: first as usize + 1,
            from,
        }
    }

    /// `range` within the excerpt: clamped to it and to character boundaries, and moved off the
    /// `\n` of a CRLF to its `\r`, where [`LineIndex`](crate::text::LineIndex) puts it too.
    fn relative(&self, range: TextRange) -> Range<usize> {
        let clamp = |offset: usize| {
            let offset = floor_char_boundary(&self.source, offset.saturating_sub(self.from));
            let inside_crlf = self.source[..offset].ends_with('\r') && self.source[offset..].starts_with('\n');
            offset - usize::from(inside_crlf)
        };
        let start = clamp(range.start);
        start..clamp(range.end).max(start)
    }
}

/// annotate-snippets breaks lines at `\n` only; a lone `\r` breaks a line for
/// [`LineIndex`](crate::text::LineIndex), so it becomes a `\n`. Same length, so offsets hold.
fn lone_cr_as_lf(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return Cow::Borrowed(text);
    }
    let bytes = (0..bytes.len())
        .map(|i| if lone(i) { b'\n' } else { bytes[i] })
        .collect();
    Cow::Owned(String::from_utf8(bytes).expect("an ASCII byte swapped for another"))
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[derive(Default)]
struct Counts {
    errors: usize,
    warnings: usize,
    infos: usize,
    hints: usize,
}

impl Counts {
    fn add(&mut self, severity: Severity) {
        *match severity {
            Severity::Error => &mut self.errors,
            Severity::Warning => &mut self.warnings,
            Severity::Info => &mut self.infos,
            Severity::Hint => &mut self.hints,
        } += 1;
    }

    /// `Found 3 errors, 1 warning, 2 hints.` or `No problems found.`: only the diagnostics, for
    /// the caller knows how many files it checked.
    fn summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| (n > 0).then(|| format!("{n} {}", if n == 1 { one } else { many }));
        let parts: Vec<String> = [
            plural(self.errors, "error", "errors"),
            plural(self.warnings, "warning", "warnings"),
            plural(self.infos, "info", "info"),
            plural(self.hints, "hint", "hints"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            "No problems found.".to_owned()
        } else {
            format!("Found {}.", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Format;
    use super::super::fixture::{ACME, ACME_TEXT, DOCS, find, rendered, results};
    use crate::diagnostic::{Code, Diagnostic, Edit};
    use crate::text::TextRange;

    fn human() -> String {
        rendered(Format::Human, &results())
    }

    #[test]
    fn header_place_and_underline() {
        let out = human();
        assert!(
            out.contains("error[unknown-key]: unknown key `efect`; did you mean `effect`?"),
            "{out}"
        );
        assert!(out.contains("--> policies/acme.policy.yaml:4:17"), "{out}");
        assert!(out.contains("4 |   - {note: 日本🎉, efect: allow}"), "{out}");
        // Under `efect`, after 16 characters of which 日本🎉 are two columns wide each.
        assert!(out.contains(&format!("  | {}^^^^^\n", " ".repeat(19))), "{out}");
        assert!(!out.contains('\r'), "{out:?}");
    }

    #[test]
    fn fix_is_a_help_with_the_changed_line() {
        let out = human();
        assert!(out.contains("help: replace `efect` with `effect`"), "{out}");
        assert!(out.contains("4 |   - {note: 日本🎉, effect: allow}"), "{out}");
    }

    #[test]
    fn related_place_in_another_file() {
        let out = human();
        assert!(out.contains("error[layer-violation]: rule `allows-weapons`"), "{out}");
        assert!(out.contains("--> policies/acme.policy.yaml:5:9"), "{out}");
        assert!(out.contains("::: policies/base.policy.yaml:3:18"), "{out}");
        assert!(out.contains("3 |   - {tag: 🎉, id: no-weapons}"), "{out}");
        assert!(out.contains("---------- the base prohibits it here"), "{out}");
    }

    #[test]
    fn zero_width_range_at_end_of_file() {
        let out = human();
        assert!(
            out.contains("hint[redundant-rule]: nothing changes without it"),
            "{out}"
        );
        assert!(out.contains("--> policies/acme.policy.yaml:6:1"), "{out}");
    }

    #[test]
    fn summary_counts_severities() {
        assert!(human().ends_with("\nFound 2 errors, 1 warning, 1 hint.\n"));
        assert_eq!(rendered(Format::Human, &[]), "No problems found.\n");
    }

    #[test]
    fn no_color_codes_when_color_is_off() {
        assert!(!human().contains('\x1b'));
    }

    #[test]
    fn color_when_asked() {
        let mut out = Vec::new();
        let source = super::super::fixture::source;
        super::super::render(Format::Human, &results(), &source, true, DOCS, &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains('\x1b'));
    }

    #[test]
    fn broken_ranges_are_clamped_not_a_panic() {
        let emoji = ACME_TEXT.find('🎉').unwrap();
        let len = ACME_TEXT.len();
        let ranges = [
            TextRange::new(emoji + 1, emoji + 2),
            TextRange::new(emoji + 1, len + 10),
            TextRange::new(len + 5, len + 9),
            TextRange::empty(ACME_TEXT.find("\r\n").unwrap() + 1),
            TextRange::new(0, len),
        ];
        for range in ranges {
            let diagnostic = Diagnostic::new(Code::YamlSyntax, range, "broken").with_fix(
                "fix it",
                vec![Edit {
                    range,
                    new_text: "x\ny".into(),
                }],
            );
            let out = rendered(Format::Human, &[(ACME, vec![diagnostic])]);
            assert!(out.contains("error[yaml-syntax]: broken"), "{range:?}: {out}");
        }
    }

    #[test]
    fn empty_file_and_lone_carriage_returns() {
        let texts = ["", "a: 1\rb: 2\r", "\r\n\r\n"];
        for text in texts {
            let source = |_| super::super::Source {
                path: "x.policy.yaml",
                text,
            };
            let ranges = [TextRange::empty(text.len()), TextRange::new(0, text.len())];
            let results = [(ACME, ranges.map(|r| Diagnostic::new(Code::MissingKey, r, "m")).to_vec())];
            let mut out = Vec::new();
            super::super::render(Format::Human, &results, &source, false, DOCS, &mut out).unwrap();
            assert!(String::from_utf8(out).unwrap().contains("error[missing-key]: m"));
        }
    }

    #[test]
    fn lone_carriage_return_breaks_lines_like_line_index() {
        let text = "a: 1\rb: 2\r";
        let source = |_| super::super::Source {
            path: "x.policy.yaml",
            text,
        };
        let range = TextRange::new(5, 6);
        let results = [(ACME, vec![Diagnostic::new(Code::UnknownKey, range, "unknown key `b`")])];
        let mut out = Vec::new();
        super::super::render(Format::Human, &results, &source, false, DOCS, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("--> x.policy.yaml:2:1"), "{out}");
        assert!(out.contains("2 | b: 2"), "{out}");
    }

    #[test]
    fn multi_line_range_in_crlf_text() {
        let range = find(ACME_TEXT, "rules:\r\n  - {note");
        let results = [(ACME, vec![Diagnostic::new(Code::WrongType, range, "expected a list")])];
        let out = rendered(Format::Human, &results);
        assert!(out.contains("--> policies/acme.policy.yaml:3:1"), "{out}");
        assert!(out.contains("3 | / rules:"), "{out}");
        assert!(out.contains("4 | |   - {note"), "{out}");
    }

    /// The header's `line:column` is annotate-snippets' own count within the excerpt; it must
    /// agree with the JSON's, which comes from `LineIndex`, also on broken ranges.
    #[test]
    fn human_and_json_agree_on_positions() {
        for text in [ACME_TEXT, "\r\n\r\n", "a: 1\rb: 2\r", "k: 日\r\n", ""] {
            let source = |_| super::super::Source {
                path: "x.policy.yaml",
                text,
            };
            for start in 0..text.len() + 2 {
                let range = TextRange::new(start, start + 1);
                let results = [(ACME, vec![Diagnostic::new(Code::UnknownKey, range, "m")])];
                let render = |format| {
                    let mut out = Vec::new();
                    super::super::render(format, &results, &source, false, DOCS, &mut out).unwrap();
                    String::from_utf8(out).unwrap()
                };
                let json: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
                let start = &json[0]["range"]["start"];
                let header = format!("--> x.policy.yaml:{}:{}\n", start["line"], start["column"]);
                assert!(render(Format::Human).contains(&header), "{text:?} {range:?}: {header}");
            }
        }
    }
}
