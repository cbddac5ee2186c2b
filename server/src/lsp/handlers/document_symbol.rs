use tower_lsp_server::ls_types::{self as lsp, DocumentSymbolParams, DocumentSymbolResponse};

use crate::diagnostic::FileId;
use crate::ide::{Symbol, SymbolKind};
use crate::lsp::snapshot::Snapshot;

pub fn run(snap: &Snapshot, params: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let file = snap.file(&params.text_document.uri)?;
    let symbols = crate::ide::document_symbols(&snap.cx, file);
    Some(DocumentSymbolResponse::Nested(
        symbols.into_iter().map(|s| convert(snap, file, s)).collect(),
    ))
}

#[allow(deprecated)] // `deprecated` is a required field of the LSP type
fn convert(snap: &Snapshot, file: FileId, symbol: Symbol) -> lsp::DocumentSymbol {
    let children: Vec<_> = symbol.children.into_iter().map(|c| convert(snap, file, c)).collect();
    lsp::DocumentSymbol {
        name: symbol.name,
        detail: symbol.detail,
        kind: kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: snap.range(file, symbol.range),
        selection_range: snap.range(file, symbol.selection),
        children: (!children.is_empty()).then_some(children),
    }
}

pub(super) fn kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Policy | SymbolKind::Manifest => lsp::SymbolKind::FILE,
        SymbolKind::Group => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Section => lsp::SymbolKind::STRING,
        SymbolKind::Attribute => lsp::SymbolKind::ENUM,
        SymbolKind::Safeguard => lsp::SymbolKind::INTERFACE,
        SymbolKind::Category => lsp::SymbolKind::CLASS,
        SymbolKind::Rule => lsp::SymbolKind::FUNCTION,
        SymbolKind::UseCase => lsp::SymbolKind::OBJECT,
    }
}
