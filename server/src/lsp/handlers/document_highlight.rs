use tower_lsp_server::ls_types::{DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams};

use crate::lsp::snapshot::Snapshot;

pub fn run(snap: &Snapshot, params: DocumentHighlightParams) -> Option<Vec<DocumentHighlight>> {
    let position = &params.text_document_position_params;
    let (file, offset) = super::at(snap, &position.text_document.uri, position.position)?;
    let highlights = crate::ide::document_highlights(&snap.cx, file, offset)
        .into_iter()
        .map(|h| DocumentHighlight {
            range: snap.range(file, h.range),
            kind: Some(if h.write {
                DocumentHighlightKind::WRITE
            } else {
                DocumentHighlightKind::READ
            }),
        })
        .collect();
    Some(highlights)
}
