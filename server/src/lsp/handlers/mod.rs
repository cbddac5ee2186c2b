//! One module per request: each turns LSP parameters into an engine call on a [`Snapshot`]
//! and the answer back into LSP. The engine does the thinking.

pub mod code_action;
pub mod code_lens;
pub mod completion;
pub mod definition;
pub mod diagnostic;
pub mod document_highlight;
pub mod document_link;
pub mod document_symbol;
pub mod folding_range;
pub mod formatting;
pub mod hover;
pub mod inlay_hint;
pub mod references;
pub mod rename;
pub mod selection_range;
pub mod semantic_tokens;
pub mod workspace_symbol;

use tower_lsp_server::ls_types::{Position, Uri};

use super::snapshot::Snapshot;
use crate::diagnostic::FileId;

/// The file and byte offset a request is about; `None` for files Charter ignores.
pub fn at(snap: &Snapshot, uri: &Uri, position: Position) -> Option<(FileId, usize)> {
    let file = snap.file(uri)?;
    Some((file, snap.offset(file, position)))
}
