//! Engine values → LSP values (positions go through the snapshot).

use tower_lsp_server::ls_types::{self as lsp, NumberOrString};

use super::snapshot::Snapshot;
use crate::diagnostic::{Diagnostic, Edit, FileId, Severity};

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
        source: Some(String::from("charter")),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: d.is_unnecessary().then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        ..lsp::Diagnostic::default()
    }
}

pub fn text_edit(snap: &Snapshot, file: FileId, edit: &Edit) -> lsp::TextEdit {
    lsp::TextEdit {
        range: snap.range(file, edit.range),
        new_text: edit.new_text.clone(),
    }
}
