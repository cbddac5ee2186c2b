//! Pulled diagnostics (`textDocument/diagnostic`, `workspace/diagnostic`), for clients that
//! declare them; the others get them pushed (`diagnostics.rs`). A report's `resultId` is a hash
//! of what it says, so a client asking again about a file whose diagnostics did not change
//! gets `unchanged`, however the text changed around them.

use std::hash::{Hash, Hasher};

use tower_lsp_server::ls_types::{
    self as lsp, DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    FullDocumentDiagnosticReport, RelatedFullDocumentDiagnosticReport, RelatedUnchangedDocumentDiagnosticReport,
    UnchangedDocumentDiagnosticReport, WorkspaceDiagnosticParams, WorkspaceDiagnosticReport,
    WorkspaceDiagnosticReportResult, WorkspaceDocumentDiagnosticReport, WorkspaceFullDocumentDiagnosticReport,
    WorkspaceUnchangedDocumentDiagnosticReport,
};

use crate::diagnostic::FileId;
use crate::lsp::convert::diagnostic;
use crate::lsp::diagnostics::held;
use crate::lsp::snapshot::Snapshot;

/// The identifier of Charter's diagnostics among a client's pulled ones.
pub const IDENTIFIER: &str = "charter";

/// A file's report; `None` while it is held back for the index (see [`held`]): the caller
/// asks again once the workspace is indexed. `indexing`: whether it is, as the request came.
pub fn document(
    snap: &Snapshot,
    (params, indexing): (DocumentDiagnosticParams, bool),
) -> Option<DocumentDiagnosticReportResult> {
    let file = snap.file(&params.text_document.uri);
    if file.is_some_and(|file| held(&snap.diagnostics(file), indexing)) {
        return None;
    }
    // The result id is looked up before anything is converted: a file unchanged since the
    // client last asked (the common case of a poll) costs no conversion to LSP types.
    let mut converted = None;
    let result_id = match file {
        Some(file) => snap.result_id(file, || {
            let (id, items) = report(snap, file);
            converted = Some(items);
            id
        }),
        // A file Charter does not check has nothing to report.
        None => result_id(&[]),
    };
    let report = if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
        DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id },
        })
    } else {
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: Some(result_id),
                items: converted.unwrap_or_else(|| file.map_or_else(Vec::new, |file| report(snap, file).1)),
            },
        })
    };
    Some(DocumentDiagnosticReportResult::Report(report))
}

/// A report for every file of the workspace (bundled policies aside): `unchanged` where the
/// client's previous result still holds. The caller waits for the index first.
pub fn workspace(snap: &Snapshot, params: WorkspaceDiagnosticParams) -> WorkspaceDiagnosticReportResult {
    let ws = &snap.cx.ws;
    let items = ws
        .ids()
        .filter(|&file| !ws.file(file).bundled && !ws.file(file).removed)
        .filter_map(|file| {
            let uri = snap.uri(file)?.clone();
            let version = snap.versions.get(&file).map(|&v| i64::from(v));
            let mut converted = None;
            let result_id = snap.result_id(file, || {
                let (id, items) = report(snap, file);
                converted = Some(items);
                id
            });
            let previous = params.previous_result_ids.iter().find(|p| p.uri == uri);
            Some(if previous.is_some_and(|p| p.value == result_id) {
                WorkspaceDocumentDiagnosticReport::Unchanged(WorkspaceUnchangedDocumentDiagnosticReport {
                    uri,
                    version,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id },
                })
            } else {
                WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                    uri,
                    version,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: Some(result_id),
                        items: converted.unwrap_or_else(|| report(snap, file).1),
                    },
                })
            })
        })
        .collect();
    WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport { items })
}

/// The file's diagnostics in LSP terms, and their result id.
fn report(snap: &Snapshot, file: FileId) -> (String, Vec<lsp::Diagnostic>) {
    let items: Vec<lsp::Diagnostic> = snap
        .diagnostics(file)
        .iter()
        .map(|d| diagnostic(snap, file, d))
        .collect();
    (result_id(&items), items)
}

/// A hash of the diagnostics as the client receives them (ranges in its encoding included).
fn result_id(items: &[lsp::Diagnostic]) -> String {
    let json = serde_json::to_vec(items).expect("diagnostics are plain data");
    // `DefaultHasher::new()` is keyed the same in every run: ids stay valid across snapshots.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    json.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}
