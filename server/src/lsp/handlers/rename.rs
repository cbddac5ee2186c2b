use std::collections::HashMap;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{PrepareRenameResponse, RenameParams, TextDocumentPositionParams, WorkspaceEdit};

use crate::lsp::convert::text_edit;
use crate::lsp::snapshot::Snapshot;

pub fn prepare(snap: &Snapshot, params: TextDocumentPositionParams) -> Option<PrepareRenameResponse> {
    let (file, offset) = super::at(snap, &params.text_document.uri, params.position)?;
    let range = crate::ide::prepare_rename(&snap.cx, file, offset)?;
    Some(PrepareRenameResponse::Range(snap.range(file, range)))
}

/// An invalid or clashing name is an error response with the engine's message.
pub fn run(snap: &Snapshot, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let position = &params.text_document_position;
    let Some((file, offset)) = super::at(snap, &position.text_document.uri, position.position) else {
        return Ok(None);
    };
    let edits = crate::ide::rename(&snap.cx, file, offset, &params.new_name).map_err(Error::invalid_params)?;
    let mut changes = HashMap::new();
    for (file, edits) in edits {
        let Some(uri) = snap.uri(file) else { continue };
        let edits: Vec<_> = edits.iter().map(|e| text_edit(snap, file, e)).collect();
        changes.insert(uri.clone(), edits);
    }
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }))
}
