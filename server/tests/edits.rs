//! Thousands of random incremental edits through the built `charter lsp`, then the same
//! texts opened whole: diagnostics, symbols and inlay hints must be the same.
//!
//! The edits (`charter::testing::Change`) are hostile on purpose: ranges that start or end
//! inside a multi-byte character (UTF-8 positions) or a surrogate pair (UTF-16), past the end
//! of a line or of the text, reversed; lone `\r`, `\n`, `\r\n` inserted next to other breaks,
//! so that CR+LF pairs form and break. The model applies them with LSP's rules as the server
//! clamps them; that the server's text equals the model after every edit is checked in process
//! (`lsp::edit_tests`), here what a user sees of it.

mod support;

use charter::testing::{Change, Rng};
use serde_json::{Value, json};
use support::*;

const POLICY: &str = "\
policy: acme\r
version: 2025-10-01\r
extends: anthropic-usage@2025-09-15\r
title: Acme — 中文😀 policy\r
attributes:
  region:
    summary: Where 𝄞 é.
    values: [eu, us]
    default: eu
safeguards:\r  audit-log:\r    summary: Every conversation is logged.\r
categories:
  support:
    summary: Support 支持.
  support.faq:
    summary: Questions.
rules:
  - id: defense-logged
    effect: require
    categories: [cyber.defense, support]
    when: { region: eu }
    safeguards: [audit-log]
  - id: no-faq
    effect: prohibit
    categories: [support.faq]
    when: { region: us }
";

const MANIFEST: &str = "\
manifest: acme-bot\r
policy: acme@2025-10-01\r
use-cases:
  - id: blue-team
    summary: 中文😀 text\r    categories: [cyber.defense, support.faq]
    region: us
  - {id: logged, categories: [support], safeguards: [audit-log]}
  - id: typo
    categories: [high-risk.legl, cyber.malware]
";

const URIS: [&str; 2] = [
    "file:///charter-edits/acme.policy.yaml",
    "file:///charter-edits/bot.usecases.yaml",
];

fn change_json(change: &Change) -> Value {
    match change.range {
        Some([(sl, sc), (el, ec)]) => json!({ "range": range(sl, sc, el, ec), "text": change.text }),
        None => json!({ "text": change.text }),
    }
}

/// What a user sees of a document: its diagnostics (related locations in the server's own
/// cache folder written `<cache>`), symbols and inlay hints.
fn seen(server: &Server, uri: &str, publish: &Value) -> [String; 3] {
    let doc = json!({ "textDocument": { "uri": uri } });
    let mut hints = doc.clone();
    hints["range"] = range(0, 0, u32::MAX, 0);
    [
        publish["diagnostics"].to_string(),
        server.ok("textDocument/documentSymbol", doc).to_string(),
        server.ok("textDocument/inlayHint", hints).to_string(),
    ]
    .map(|s| s.replace(&file_uri(&server.cache.path), "<cache>"))
}

/// `checkpoints` rounds of `edits` random edits to the policy and the manifest; after each
/// round the incremental server must show what a server that opened the same texts shows.
fn edits_end_where_a_fresh_open_starts(utf8: bool, seed: u64, checkpoints: usize, edits: usize) {
    let options = Options {
        encodings: utf8.then(|| vec!["utf-8"]),
        ..Options::default()
    };
    let server = Server::start(&options);
    let bases = [POLICY, MANIFEST];
    let mut texts = bases.map(str::to_owned);
    let mut versions = [1, 1];
    for (uri, text) in URIS.iter().zip(&texts) {
        server.open(uri, text);
    }
    let mut rng = Rng(seed);
    let mut edited = 0;
    for round in 0..checkpoints {
        for _ in 0..edits {
            let which = rng.below(2);
            let text = &mut texts[which];
            // One to three changes per notification, each on the text the one before left.
            let changes: Vec<Change> = (0..1 + rng.below(3))
                .map(|_| {
                    let change = if text.len() > 4000 || rng.chance(1) {
                        Change {
                            range: None,
                            text: bases[which].to_owned(),
                        }
                    } else {
                        Change::random(&mut rng, text, utf8)
                    };
                    change.apply(text, utf8);
                    change
                })
                .collect();
            versions[which] += 1;
            let json: Vec<Value> = changes.iter().map(change_json).collect();
            server.change(URIS[which], versions[which], json!(json));
            edited += 1;
        }
        // An empty edit to each, the manifest last: its publication then reflects every edit
        // of the policy too.
        for which in 0..2 {
            versions[which] += 1;
            server.change(
                URIS[which],
                versions[which],
                json!([{ "range": range(0, 0, 0, 0), "text": "" }]),
            );
        }
        let fresh = Server::start(&options);
        for which in 0..2 {
            fresh.open(URIS[which], &texts[which]);
        }
        for which in 0..2 {
            let incremental = server.publish_version(URIS[which], versions[which] as i64);
            let whole = fresh.publish_version(URIS[which], 1);
            assert_eq!(
                seen(&server, URIS[which], &incremental),
                seen(&fresh, URIS[which], &whole),
                "round {round} ({edited} edits, seed {seed:#x}, utf8 {utf8}): {} differs from a fresh open of\n{:?}",
                URIS[which],
                texts[which]
            );
        }
        fresh.finish();
    }
    assert!(!server.stderr().contains("a bug"), "{}", server.stderr());
    server.finish();
}

/// `CHARTER_EDITS_SEED` explores other sequences; the default ones are fixed.
fn seed(default: u64) -> u64 {
    std::env::var("CHARTER_EDITS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[test]
fn utf16_random_edits_end_where_a_fresh_open_starts() {
    edits_end_where_a_fresh_open_starts(false, seed(0xC0FF_EE16), 20, 100);
}

#[test]
fn utf8_random_edits_end_where_a_fresh_open_starts() {
    edits_end_where_a_fresh_open_starts(true, seed(0xC0FF_EE08), 20, 100);
}
