use tower_lsp_server::ls_types::{SymbolInformation, WorkspaceSymbolParams, WorkspaceSymbolResponse};

use super::document_symbol::kind;
use crate::lsp::snapshot::Snapshot;

/// Answered as `SymbolInformation`, which every client reads (the newer `WorkspaceSymbol` is
/// optional for clients and brings nothing here: every location is known at once).
#[allow(deprecated)] // `deprecated` is a required field of the LSP type
pub fn run(snap: &Snapshot, params: WorkspaceSymbolParams) -> Option<WorkspaceSymbolResponse> {
    let symbols = crate::ide::workspace_symbols(&snap.cx, &params.query)
        .into_iter()
        .filter_map(|s| {
            Some(SymbolInformation {
                location: snap.location(s.location.file, s.location.range)?,
                name: s.name,
                kind: kind(s.kind),
                tags: None,
                deprecated: None,
                container_name: s.container,
            })
        })
        .collect();
    Some(WorkspaceSymbolResponse::Flat(symbols))
}
