//! `textDocument/codeAction`: the quick fixes of the diagnostics in the range, and, when the
//! client asks for source actions, `source.fixAll.charter`: every safe fix of the file at once
//! (what editors run on save).

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    self as lsp, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse, NumberOrString, Uri,
    WorkspaceEdit,
};

use crate::diagnostic::FileId;
use crate::lsp::convert::{diagnostic, text_edit};
use crate::lsp::snapshot::Snapshot;

/// Charter's fix-all, under the kind editors run on save (`source.fixAll`).
pub const FIX_ALL: CodeActionKind = CodeActionKind::new("source.fixAll.charter");

pub fn run(snap: &Snapshot, params: CodeActionParams) -> Option<CodeActionResponse> {
    let uri = &params.text_document.uri;
    let file = snap.file(uri)?;
    let only = params.context.only.as_deref();
    let mut actions = Vec::new();
    // Without `only`, the client wants what fits the range: quick fixes, not source actions.
    if only.is_none_or(|only| asked(only, &CodeActionKind::QUICKFIX)) {
        actions = quick_fixes(snap, file, &params);
    }
    if only.is_some_and(|only| asked(only, &FIX_ALL)) {
        actions.extend(fix_all(snap, file, uri));
    }
    Some(actions)
}

/// Whether `kind` is among the kinds asked for: a kind covers those under it
/// (`source.fixAll` covers `source.fixAll.charter`).
fn asked(only: &[CodeActionKind], kind: &CodeActionKind) -> bool {
    only.iter().any(|wanted| {
        let (wanted, kind) = (wanted.as_str(), kind.as_str());
        kind == wanted || kind.strip_prefix(wanted).is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The quick fixes of the diagnostics in the requested range, each attached to its diagnostic.
fn quick_fixes(snap: &Snapshot, file: FileId, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
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
                edit: Some(edit(uri, edits)),
                is_preferred: Some(i == 0 && d.fixes.len() == 1),
                ..lsp::CodeAction::default()
            }));
        }
    }
    actions
}

/// The fix-all action, when the file has a safe fix; its title names the corrections.
fn fix_all(snap: &Snapshot, file: FileId, uri: &Uri) -> Option<CodeActionOrCommand> {
    let all = snap.diagnostics(file);
    let chosen = crate::ide::fix_all(&all);
    if chosen.edits.is_empty() {
        return None;
    }
    let edits = chosen.edits.iter().map(|e| text_edit(snap, file, e)).collect();
    Some(CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: chosen.title(&snap.cx.ws.file(file).text),
        kind: Some(FIX_ALL),
        diagnostics: Some(chosen.fixed.iter().map(|&i| diagnostic(snap, file, &all[i])).collect()),
        edit: Some(edit(uri, edits)),
        ..lsp::CodeAction::default()
    }))
}

fn edit(uri: &Uri, edits: Vec<lsp::TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..Default::default()
    }
}
