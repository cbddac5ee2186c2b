use tower_lsp_server::ls_types::{
    self as lsp, InlayHintLabel, InlayHintParams, InlayHintTooltip, MarkupContent, MarkupKind,
};

use crate::lsp::snapshot::Snapshot;

pub fn run(snap: &Snapshot, params: InlayHintParams) -> Option<Vec<lsp::InlayHint>> {
    let file = snap.file(&params.text_document.uri)?;
    let hints = crate::ide::inlay_hints(&snap.cx, file)
        .into_iter()
        .map(|hint| lsp::InlayHint {
            position: snap.position(file, hint.offset),
            label: InlayHintLabel::String(hint.label),
            kind: None,
            text_edits: None,
            tooltip: hint.tooltip.map(|value| {
                InlayHintTooltip::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value,
                })
            }),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .filter(|h| h.position >= params.range.start && h.position <= params.range.end)
        .collect();
    Some(hints)
}
