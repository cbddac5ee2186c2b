//! Engine values → LSP values (positions go through the snapshot).

use tower_lsp_server::ls_types::{self as lsp, NumberOrString};

use super::snapshot::Snapshot;
use crate::diagnostic::{Code, Diagnostic, Edit, FileId, Severity};

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub fn diagnostic(snap: &Snapshot, file: FileId, d: &Diagnostic) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            Some(lsp::DiagnosticRelatedInformation {
                location: snap.location(r.file, r.range)?,
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: snap.range(file, d.range),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.as_str().to_owned())),
        code_description: code_description(&snap.docs_base, d.code),
        source: Some(String::from("charter")),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: d.is_unnecessary().then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        ..lsp::Diagnostic::default()
    }
}

/// The link to the code's page of the user's guide under `base`. The base was checked when it
/// was configured, so only a broken default could make this `None`.
pub fn code_description(base: &str, code: Code) -> Option<lsp::CodeDescription> {
    let href = code.docs_url(base).parse().ok()?;
    Some(lsp::CodeDescription { href })
}

pub fn text_edit(snap: &Snapshot, file: FileId, edit: &Edit) -> lsp::TextEdit {
    lsp::TextEdit {
        range: snap.range(file, edit.range),
        new_text: edit.new_text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::DEFAULT_DOCS_URL;

    #[test]
    fn every_code_links_its_page() {
        for &code in Code::ALL {
            let link = code_description(DEFAULT_DOCS_URL, code).expect("the default base makes a URI");
            assert_eq!(link.href.as_str(), format!("{DEFAULT_DOCS_URL}codes/{code}.html"));
        }
    }
}
