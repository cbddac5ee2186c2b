use tower_lsp_server::ls_types::{GotoDefinitionParams, GotoDefinitionResponse};

use crate::lsp::snapshot::Snapshot;

pub fn run(snap: &Snapshot, params: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let position = &params.text_document_position_params;
    let (file, offset) = super::at(snap, &position.text_document.uri, position.position)?;
    let locations: Vec<_> = crate::ide::definition(&snap.cx, file, offset)
        .into_iter()
        .filter_map(|l| snap.location(l.file, l.range))
        .collect();
    (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
}
