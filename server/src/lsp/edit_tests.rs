//! Incremental sync against a model: thousands of random changes (see `testing::Change`:
//! positions inside multi-byte characters and surrogate pairs, past the end, lone `\r`, CRLF
//! pairs formed and broken) go through the session, and the same changes through the model,
//! LSP's rules written apart from `crate::text`. The document must equal the model after each.

use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

use super::config::Config;
use super::session::Session;
use crate::testing::{Change, Rng};
use crate::text::Encoding;

/// Mixed line breaks and characters of every width, so that edits land next to them at once.
const BASE: &str =
    "manifest: m\r\nuse-cases:\n  - id: a\r    summary: 中文😀 é 𝄞\r\n\n    categories: [high-risk.legal]\n";

fn event(change: &Change) -> TextDocumentContentChangeEvent {
    let position = |(line, character)| Position { line, character };
    TextDocumentContentChangeEvent {
        range: change.range.map(|[start, end]| Range {
            start: position(start),
            end: position(end),
        }),
        range_length: None,
        text: change.text.clone(),
    }
}

fn session_matches_model(encoding: Encoding, seed: u64, steps: usize) {
    let utf8 = encoding == Encoding::Utf8;
    let mut session = Session::new(encoding, String::from("en"), Config::default(), &[], None);
    let uri = Uri::from_file_path("/charter-model/doc.usecases.yaml").unwrap();
    let file = session.did_open(&uri, BASE.to_owned(), 1).unwrap();
    let mut model = BASE.to_owned();
    let mut rng = Rng(seed);
    for step in 0..steps {
        let before = model.clone();
        // One to three changes per notification, each on the text the previous one left.
        let mut changes = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let change = if model.len() > 3000 || rng.chance(1) {
                Change {
                    range: None,
                    text: BASE.to_owned(),
                }
            } else {
                Change::random(&mut rng, &model, utf8)
            };
            change.apply(&mut model, utf8);
            changes.push(change);
        }
        let events = changes.iter().map(event).collect();
        assert!(session.did_change(&uri, step as i32 + 2, events));
        let text = session.open[&file].rope.to_string();
        assert!(
            text == model,
            "{encoding:?}, step {step}: the document and the model differ\nbefore: {before:?}\nchanges: {changes:?}\ndocument: {text:?}\nmodel:    {model:?}"
        );
    }
}

#[test]
fn utf16_incremental_edits_keep_the_document_equal_to_the_model() {
    session_matches_model(Encoding::Utf16, 0x5EED_0016, 5000);
}

#[test]
fn utf8_incremental_edits_keep_the_document_equal_to_the_model() {
    session_matches_model(Encoding::Utf8, 0x5EED_0008, 5000);
}
