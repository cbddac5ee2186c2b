use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use crate::lsp::snapshot::Snapshot;

pub fn run(snap: &Snapshot, params: HoverParams) -> Option<Hover> {
    let position = &params.text_document_position_params;
    let (file, offset) = super::at(snap, &position.text_document.uri, position.position)?;
    let hover = crate::ide::hover(&snap.cx, file, offset, &snap.locale)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: hover.markdown,
        }),
        range: Some(snap.range(file, hover.range)),
    })
}
