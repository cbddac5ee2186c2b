use tower_lsp_server::ls_types::{
    self as lsp, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit, Documentation,
    MarkupContent, MarkupKind,
};

use crate::ide::CompletionKind;
use crate::lsp::convert::text_edit;
use crate::lsp::snapshot::Snapshot;

pub fn run(snap: &Snapshot, params: CompletionParams) -> Option<CompletionResponse> {
    let position = &params.text_document_position;
    let (file, offset) = super::at(snap, &position.text_document.uri, position.position)?;
    let items = crate::ide::completion(&snap.cx, file, offset)
        .into_iter()
        .map(|item| lsp::CompletionItem {
            kind: Some(kind(item.kind)),
            detail: item.detail,
            documentation: item.documentation.map(|value| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value,
                })
            }),
            text_edit: Some(CompletionTextEdit::Edit(text_edit(snap, file, &item.edit))),
            label: item.label,
            ..lsp::CompletionItem::default()
        })
        .collect();
    Some(CompletionResponse::Array(items))
}

fn kind(kind: CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::Key => CompletionItemKind::PROPERTY,
        CompletionKind::Category => CompletionItemKind::CLASS,
        CompletionKind::Attribute => CompletionItemKind::FIELD,
        CompletionKind::Value => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Safeguard => CompletionItemKind::INTERFACE,
        CompletionKind::Section => CompletionItemKind::REFERENCE,
        CompletionKind::Rule => CompletionItemKind::FUNCTION,
        CompletionKind::Policy => CompletionItemKind::MODULE,
        CompletionKind::Keyword => CompletionItemKind::KEYWORD,
    }
}
