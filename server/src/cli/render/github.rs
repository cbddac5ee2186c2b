//! `--format github`: GitHub Actions workflow commands, which the runner turns into annotations
//! on the pull request's changed lines.

use std::io::{self, Write};

use super::{Files, without_dot_slash};
use crate::diagnostic::{Diagnostic, FileId, Severity};

pub(super) fn render(results: &[(FileId, Vec<Diagnostic>)], files: &mut Files, out: &mut dyn Write) -> io::Result<()> {
    for (file, diagnostics) in results {
        for diagnostic in diagnostics {
            writeln!(out, "{}", command(*file, diagnostic, files))?;
        }
    }
    Ok(())
}

fn command(file: FileId, diagnostic: &Diagnostic, files: &mut Files) -> String {
    let span = files.span(file, diagnostic.range);
    let (start, end) = (span.start, span.end);
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        command_name(diagnostic.severity),
        escape_property(without_dot_slash(files.source(file).path)),
        start.line,
        start.column,
        end.line,
        end.column,
        escape_property(diagnostic.code.as_str()),
        escape_data(&message(diagnostic, files)),
    )
}

/// Annotations have one place only, so the related places go into the message, one a line,
/// as `path:line:column: message`.
fn message(diagnostic: &Diagnostic, files: &mut Files) -> String {
    let mut message = diagnostic.message.clone();
    for related in &diagnostic.related {
        let start = files.span(related.file, related.range).start;
        let path = files.source(related.file).path;
        message.push_str(&format!(
            "\n{path}:{}:{}: {}",
            start.line, start.column, related.message
        ));
    }
    message
}

/// GitHub has three annotation levels; info and hint are both a `notice`.
fn command_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "notice",
    }
}

/// The escaping of a command's message (the runner's `escapeData`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// The escaping of a command's property values (the runner's `escapeProperty`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::super::Format;
    use super::super::fixture::{ACME, rendered, results};
    use super::{escape_data, escape_property};
    use crate::diagnostic::{Code, Diagnostic};
    use crate::text::TextRange;

    #[test]
    fn one_command_per_diagnostic() {
        let expected = [
            "::error file=policies/acme.policy.yaml,line=4,col=17,endLine=4,endColumn=22,title=unknown-key::unknown key `efect`; did you mean `effect`?",
            "::error file=policies/acme.policy.yaml,line=5,col=9,endLine=5,endColumn=23,title=layer-violation::rule `allows-weapons` allows `weapons`, which base `base` prohibits%0Apolicies/base.policy.yaml:3:18: the base prohibits it here",
            "::notice file=policies/acme.policy.yaml,line=6,col=1,endLine=6,endColumn=1,title=redundant-rule::nothing changes without it",
            "::warning file=policies/base.policy.yaml,line=3,col=18,endLine=3,endColumn=28,title=shadowed-rule::rule `no-weapons` never decides",
        ];
        let out = rendered(Format::Github, &results());
        assert_eq!(out.lines().collect::<Vec<_>>(), expected);
        assert!(out.ends_with('\n'));
    }

    #[test]
    fn nothing_for_no_diagnostics() {
        assert_eq!(rendered(Format::Github, &[(ACME, Vec::new())]), "");
    }

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
    }

    #[test]
    fn message_with_line_breaks_stays_one_command() {
        let diagnostic = Diagnostic::new(Code::YamlSyntax, TextRange::empty(0), "bad:\r\nvalue, 100%");
        let out = rendered(Format::Github, &[(ACME, vec![diagnostic])]);
        assert_eq!(out.lines().count(), 1);
        assert!(out.ends_with("title=yaml-syntax::bad:%0D%0Avalue, 100%25\n"), "{out}");
    }
}
