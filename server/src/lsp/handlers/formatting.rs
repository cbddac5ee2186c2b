//! `textDocument/formatting` and `textDocument/rangeFormatting`. The canonical layout decides
//! indentation and the final newline, so the client's `tabSize`, `insertSpaces` and
//! `insertFinalNewline` options are not read: a file formats the same in every editor and in
//! `charter fmt`.

use tower_lsp_server::ls_types::{DocumentFormattingParams, DocumentRangeFormattingParams, TextEdit, Uri};

use crate::lsp::convert::text_edit;
use crate::lsp::snapshot::Snapshot;
use crate::text::TextRange;

/// The answer to a formatting request, and what to tell the user when the file is left as it
/// is (the server shows it: a handler has no client to send it with).
#[derive(Debug, Default)]
pub struct Formatted {
    pub edits: Option<Vec<TextEdit>>,
    pub refused: Option<String>,
}

pub fn document(snap: &Snapshot, params: DocumentFormattingParams) -> Formatted {
    edits(snap, &params.text_document.uri, None)
}

/// The whole file is formatted; the edits returned are those of the key or item around the
/// range that keep its meaning (`ide::formatting`).
pub fn range(snap: &Snapshot, params: DocumentRangeFormattingParams) -> Formatted {
    let Some(file) = snap.file(&params.text_document.uri) else {
        return Formatted::default();
    };
    let within = TextRange::new(
        snap.offset(file, params.range.start),
        snap.offset(file, params.range.end),
    );
    edits(snap, &params.text_document.uri, Some(within))
}

fn edits(snap: &Snapshot, uri: &Uri, within: Option<TextRange>) -> Formatted {
    let Some(file) = snap.file(uri) else {
        return Formatted::default();
    };
    let source = snap.cx.ws.file(file);
    match crate::ide::formatting(&source.text, source.kind, within) {
        Ok(edits) => Formatted {
            edits: Some(edits.iter().map(|e| text_edit(snap, file, e)).collect()),
            refused: None,
        },
        Err(refusal) => Formatted {
            edits: Some(Vec::new()),
            refused: crate::ide::refusal_message(&source.path, &refusal),
        },
    }
}
