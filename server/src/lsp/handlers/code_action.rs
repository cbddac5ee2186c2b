use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    self as lsp, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse, NumberOrString,
    WorkspaceEdit,
};

use crate::lsp::convert::{diagnostic, text_edit};
use crate::lsp::snapshot::Snapshot;

/// The quick fixes of the diagnostics in the requested range, each attached to its diagnostic.
pub fn run(snap: &Snapshot, params: CodeActionParams) -> Option<CodeActionResponse> {
    let uri = &params.text_document.uri;
    let file = snap.file(uri)?;
    let wanted = params.range;
    let mut actions = Vec::new();
    for d in snap.diagnostics(file).iter() {
        let lsp_diagnostic = diagnostic(snap, file, d);
        let overlaps = lsp_diagnostic.range.start <= wanted.end && wanted.start <= lsp_diagnostic.range.end;
        let asked = params.context.diagnostics.is_empty()
            || params.context.diagnostics.iter().any(|c| {
                c.range == lsp_diagnostic.range && c.code == Some(NumberOrString::String(d.code.as_str().to_owned()))
            });
        if !overlaps || !asked {
            continue;
        }
        for (i, fix) in d.fixes.iter().enumerate() {
            let edits = fix.edits.iter().map(|e| text_edit(snap, file, e)).collect();
            actions.push(CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp_diagnostic.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), edits)])),
                    ..Default::default()
                }),
                is_preferred: Some(i == 0 && d.fixes.len() == 1),
                ..lsp::CodeAction::default()
            }));
        }
    }
    Some(actions)
}
