//! `textDocument/formatting` and `textDocument/rangeFormatting`. The canonical layout decides
//! indentation and the final newline, so the client's `tabSize`, `insertSpaces` and
//! `insertFinalNewline` options are not read: a file formats the same in every editor and in
//! `charter fmt`.

use tower_lsp_server::ls_types::{DocumentFormattingParams, DocumentRangeFormattingParams, TextEdit, Uri};

use crate::lsp::convert::text_edit;
use crate::lsp::snapshot::Snapshot;
use crate::text::TextRange;

pub fn document(snap: &Snapshot, params: DocumentFormattingParams) -> Option<Vec<TextEdit>> {
    edits(snap, &params.text_document.uri, None)
}

/// The whole file is formatted; the edits returned are those of the key or item around the
/// range that keep its meaning (`ide::formatting`).
pub fn range(snap: &Snapshot, params: DocumentRangeFormattingParams) -> Option<Vec<TextEdit>> {
    let file = snap.file(&params.text_document.uri)?;
    let within = TextRange::new(
        snap.offset(file, params.range.start),
        snap.offset(file, params.range.end),
    );
    edits(snap, &params.text_document.uri, Some(within))
}

fn edits(snap: &Snapshot, uri: &Uri, within: Option<TextRange>) -> Option<Vec<TextEdit>> {
    let file = snap.file(uri)?;
    let source = snap.cx.ws.file(file);
    let edits = crate::ide::formatting(&source.text, source.kind, within);
    Some(edits.iter().map(|e| text_edit(snap, file, e)).collect())
}
