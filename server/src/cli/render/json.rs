//! `--format json`: one JSON array of diagnostics (SPEC §5), one element per line so that the
//! output is both one document and easy to grep.

use std::io::{self, Write};

use serde::Serialize;

use super::{Files, Position, Span};
use crate::diagnostic::{Diagnostic, FileId};

#[derive(Serialize)]
struct Element<'a> {
    path: &'a str,
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    range: Range,
    related: Vec<Related<'a>>,
}

#[derive(Serialize)]
struct Related<'a> {
    path: &'a str,
    range: Range,
    message: &'a str,
}

#[derive(Serialize)]
struct Range {
    start: Point,
    end: Point,
}

#[derive(Serialize)]
struct Point {
    line: u32,
    column: u32,
}

impl From<Span> for Range {
    fn from(span: Span) -> Self {
        let point = |p: Position| Point {
            line: p.line,
            column: p.column,
        };
        Range {
            start: point(span.start),
            end: point(span.end),
        }
    }
}

pub(super) fn render(results: &[(FileId, Vec<Diagnostic>)], files: &mut Files, out: &mut dyn Write) -> io::Result<()> {
    let mut separator = "\n";
    out.write_all(b"[")?;
    for (file, diagnostics) in results {
        for diagnostic in diagnostics {
            out.write_all(separator.as_bytes())?;
            serde_json::to_writer(&mut *out, &element(*file, diagnostic, files))?;
            separator = ",\n";
        }
    }
    // `[]` when empty, else the closing bracket on its own line.
    out.write_all(if separator == "\n" { b"]\n" } else { b"\n]\n" })
}

fn element<'d, 'a: 'd>(file: FileId, diagnostic: &'d Diagnostic, files: &mut Files<'a, '_>) -> Element<'d> {
    let related = diagnostic.related.iter().map(|related| Related {
        path: files.source(related.file).path,
        range: files.span(related.file, related.range).into(),
        message: &related.message,
    });
    let related = related.collect();
    Element {
        path: files.source(file).path,
        code: diagnostic.code.as_str(),
        severity: diagnostic.severity.as_str(),
        message: &diagnostic.message,
        range: files.span(file, diagnostic.range).into(),
        related,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::Format;
    use super::super::fixture::{rendered, results};

    fn parsed() -> Vec<Value> {
        let out = rendered(Format::Json, &results());
        serde_json::from_str(&out).expect("one JSON array")
    }

    fn range(start: (u32, u32), end: (u32, u32)) -> Value {
        json!({"start": {"line": start.0, "column": start.1}, "end": {"line": end.0, "column": end.1}})
    }

    #[test]
    fn empty_is_an_empty_array() {
        assert_eq!(rendered(Format::Json, &[]), "[]\n");
        let nothing = [(super::super::fixture::ACME, Vec::new())];
        assert_eq!(rendered(Format::Json, &nothing), "[]\n");
    }

    #[test]
    fn elements_have_exactly_the_specified_fields() {
        for element in parsed() {
            let mut keys: Vec<_> = element.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            assert_eq!(keys, ["code", "message", "path", "range", "related", "severity"]);
        }
    }

    #[test]
    fn columns_count_unicode_characters_after_cjk_emoji_and_crlf() {
        let elements = parsed();
        assert_eq!(elements.len(), 4);
        // `  - {note: 日本🎉, efect: allow}`: 16 characters (22 bytes) before `efect`.
        assert_eq!(elements[0]["path"], "policies/acme.policy.yaml");
        assert_eq!(elements[0]["code"], "unknown-key");
        assert_eq!(elements[0]["severity"], "error");
        assert_eq!(elements[0]["message"], "unknown key `efect`; did you mean `effect`?");
        assert_eq!(elements[0]["range"], range((4, 17), (4, 22)));
        assert_eq!(elements[0]["related"], json!([]));
    }

    #[test]
    fn related_places_name_their_own_file() {
        let violation = &parsed()[1];
        assert_eq!(violation["range"], range((5, 9), (5, 23)));
        let related = json!([{
            "path": "policies/base.policy.yaml",
            // `  - {tag: 🎉, id: no-weapons}`: 17 characters before `no-weapons`.
            "range": range((3, 18), (3, 28)),
            "message": "the base prohibits it here",
        }]);
        assert_eq!(violation["related"], related);
    }

    #[test]
    fn zero_width_range_at_the_end_and_order_of_files() {
        let elements = parsed();
        // The text ends with CRLF, so its end is the start of an empty sixth line.
        assert_eq!(elements[2]["severity"], "hint");
        assert_eq!(elements[2]["range"], range((6, 1), (6, 1)));
        assert_eq!(elements[3]["path"], "policies/base.policy.yaml");
        assert_eq!(elements[3]["code"], "shadowed-rule");
        assert_eq!(elements[3]["range"], range((3, 18), (3, 28)));
    }
}
