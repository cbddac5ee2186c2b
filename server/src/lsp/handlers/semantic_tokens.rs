//! `textDocument/semanticTokens/full` and `/range`: the ide's tokens in LSP's relative
//! encoding, positions in the negotiated encoding. The legend is defined here, once; the
//! types are standard ones, so editors colour them without configuration (`label` is VS
//! Code's and LSP 3.18's).

use tower_lsp_server::ls_types::{
    self as lsp, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend, SemanticTokensParams,
    SemanticTokensRangeParams, SemanticTokensRangeResult, SemanticTokensResult,
};

use crate::diagnostic::FileId;
use crate::ide::{SemanticToken, TargetKind};
use crate::lsp::snapshot::Snapshot;

/// The token types, indexed as the legend lists them.
const TYPES: [SemanticTokenType; 8] = [
    SemanticTokenType::NAMESPACE,    // policy
    SemanticTokenType::CLASS,        // category
    SemanticTokenType::PROPERTY,     // attribute
    SemanticTokenType::ENUM_MEMBER,  // attribute value
    SemanticTokenType::INTERFACE,    // safeguard
    SemanticTokenType::FUNCTION,     // rule
    SemanticTokenType::VARIABLE,     // use case
    SemanticTokenType::new("label"), // section
];

/// The modifiers, bit `i` for the `i`-th.
const MODIFIERS: [SemanticTokenModifier; 3] = [
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::DEPRECATED,
    SemanticTokenModifier::DEFAULT_LIBRARY,
];

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

fn type_index(kind: &TargetKind) -> u32 {
    match kind {
        TargetKind::Policy => 0,
        TargetKind::Category => 1,
        TargetKind::Attribute => 2,
        TargetKind::Value { .. } => 3,
        TargetKind::Safeguard => 4,
        TargetKind::Rule => 5,
        TargetKind::UseCase => 6,
        TargetKind::Section => 7,
    }
}

fn modifiers(token: &SemanticToken) -> u32 {
    [token.declaration, token.deprecated, token.bundled]
        .iter()
        .enumerate()
        .map(|(bit, &on)| u32::from(on) << bit)
        .sum()
}

pub fn full(snap: &Snapshot, params: SemanticTokensParams) -> Option<SemanticTokensResult> {
    let file = snap.file(&params.text_document.uri)?;
    Some(SemanticTokensResult::Tokens(tokens(snap, file, None)))
}

pub fn range(snap: &Snapshot, params: SemanticTokensRangeParams) -> Option<SemanticTokensRangeResult> {
    let file = snap.file(&params.text_document.uri)?;
    let within = crate::text::TextRange::new(
        snap.offset(file, params.range.start),
        snap.offset(file, params.range.end),
    );
    Some(SemanticTokensRangeResult::Tokens(tokens(snap, file, Some(within))))
}

/// Each token relative to the one before: lines, then columns on the same line.
fn tokens(snap: &Snapshot, file: FileId, within: Option<crate::text::TextRange>) -> SemanticTokens {
    let mut previous = lsp::Position::default();
    let data = crate::ide::semantic_tokens(&snap.cx, file, within)
        .iter()
        .map(|token| {
            let range = snap.range(file, token.range);
            let delta_line = range.start.line - previous.line;
            let delta_start = if delta_line == 0 {
                range.start.character - previous.character
            } else {
                range.start.character
            };
            previous = range.start;
            lsp::SemanticToken {
                delta_line,
                delta_start,
                length: range.end.character - range.start.character,
                token_type: type_index(&token.kind),
                token_modifiers_bitset: modifiers(token),
            }
        })
        .collect();
    SemanticTokens { result_id: None, data }
}
