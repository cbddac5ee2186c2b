use tower_lsp_server::ls_types::{Location, ReferenceParams};

use crate::lsp::snapshot::Snapshot;

pub fn run(snap: &Snapshot, params: ReferenceParams) -> Option<Vec<Location>> {
    let position = &params.text_document_position;
    let (file, offset) = super::at(snap, &position.text_document.uri, position.position)?;
    let include_declaration = params.context.include_declaration;
    let locations = crate::ide::references(&snap.cx, file, offset, include_declaration)
        .into_iter()
        .filter_map(|l| snap.location(l.file, l.range))
        .collect();
    Some(locations)
}
