//! Semantic tokens: every id a file writes (declarations and references, from
//! [`occurrences`]), with the kind of thing it names, for editors to colour. The reference
//! `superseded-policy` is reported on is marked deprecated, by the check's own decision
//! ([`superseded_reference`]), and no other; a reference to a declaration in a bundled policy is
//! marked as coming from the bundled library.

use super::target::{Resolver, Target, TargetKind, manifest_occurrences_within, occurrences};
use crate::check::{Context, superseded_reference};
use crate::diagnostic::FileId;
use crate::text::TextRange;
use crate::workspace::Document;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemanticToken {
    /// One line of the file: the id as written (a quoted scalar with its quotes).
    pub range: TextRange,
    pub kind: TargetKind,
    pub declaration: bool,
    /// A policy reference pinned to a superseded version.
    pub deprecated: bool,
    /// A reference to something a bundled policy declares.
    pub bundled: bool,
}

/// The file's tokens in document order, not overlapping; only those intersecting `within`
/// when given (a touching token counts).
pub fn semantic_tokens(cx: &Context, file: FileId, within: Option<TextRange>) -> Vec<SemanticToken> {
    let source = cx.ws.file(file);
    let text = &source.text;
    let listed = match (&source.doc, within) {
        // A range of a big manifest: only the use cases it touches are walked.
        (Document::Manifest(doc), Some(within)) if !source.tree().anchored => manifest_occurrences_within(doc, within),
        _ => occurrences(source),
    };
    let mut all: Vec<Target> = listed
        .into_iter()
        .filter(|t| within.is_none_or(|w| t.range.start <= w.end && w.start <= t.range.end))
        // Clients draw no token across lines; an id never is one, but a folded scalar could be.
        .filter(|t| {
            !text
                .get(t.range.start..t.range.end)
                .unwrap_or("\n")
                .contains(['\n', '\r'])
        })
        .collect();
    all.sort_by_key(|t| (t.range.start, t.range.end));
    // An alias repeats its anchor's range; a token may only be coloured once.
    let mut end = 0;
    all.retain(|t| {
        let first = t.range.start >= end && !t.range.is_empty();
        if first {
            end = t.range.end;
        }
        first
    });
    let resolver = Resolver::new(cx, file);
    let superseded = superseded_reference(cx, file);
    all.into_iter().map(|t| token(cx, &resolver, superseded, t)).collect()
}

fn token(cx: &Context, resolver: &Resolver, superseded: Option<TextRange>, target: Target) -> SemanticToken {
    let deprecated = target.kind == TargetKind::Policy && !target.declaration && superseded == Some(target.range);
    // A use case is declared where it is written; only references may lead into a bundled file.
    let bundled = !target.declaration
        && target.kind != TargetKind::UseCase
        && resolver
            .declaration(&target)
            .is_some_and(|d| cx.ws.file(d.file).bundled);
    SemanticToken {
        range: target.range,
        kind: target.kind,
        declaration: target.declaration,
        deprecated,
        bundled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::target::tests::{file_of, fixture};

    const POLICY: &str = "\
policy: acme
version: 2025-01-01
extends: anthropic-usage@2024-06-06
attributes:
  tier: { summary: Plan., values: [free, paid], default: free }
safeguards:
  review: { summary: Reviewed. }
categories:
  acme: { summary: Acme. }
rules:
  - id: paid-review
    effect: require
    categories: [acme, high-risk]
    safeguards: [review, human-in-the-loop]
    when: { tier: paid }
";

    /// Each token as (text, kind noun, declaration, deprecated, bundled).
    fn described(
        cx: &Context,
        file: FileId,
        within: Option<TextRange>,
    ) -> Vec<(String, &'static str, bool, bool, bool)> {
        let text = &cx.ws.file(file).text;
        semantic_tokens(cx, file, within)
            .into_iter()
            .map(|t| {
                let slice = text[t.range.start..t.range.end].to_owned();
                (slice, t.kind.noun(), t.declaration, t.deprecated, t.bundled)
            })
            .collect()
    }

    /// `extends:` an older bundled version: `check` reports nothing there, so it is not marked.
    #[test]
    fn a_policy_colours_declarations_references_and_not_its_older_base() {
        let (cx, _, _) = fixture(&[("acme.policy.yaml", POLICY), ("x.usecases.yaml", "$0")]);
        let file = file_of(&cx, "acme.policy.yaml");
        let t = |s: &str, kind, decl, dep, bundled| (s.to_owned(), kind, decl, dep, bundled);
        assert_eq!(
            described(&cx, file, None),
            vec![
                t("acme", "policy", true, false, false),
                t("anthropic-usage@2024-06-06", "policy", false, false, true),
                t("tier", "attribute", true, false, false),
                t("free", "value", true, false, false),
                t("paid", "value", true, false, false),
                t("free", "value", false, false, false),
                t("review", "safeguard", true, false, false),
                t("acme", "category", true, false, false),
                t("paid-review", "rule", true, false, false),
                t("acme", "category", false, false, false),
                t("high-risk", "category", false, false, true),
                t("review", "safeguard", false, false, false),
                t("human-in-the-loop", "safeguard", false, false, true),
                t("tier", "attribute", false, false, false),
                t("paid", "value", false, false, false),
            ]
        );
    }

    #[test]
    fn a_manifest_colours_its_use_cases_and_a_range_keeps_what_it_touches() {
        let manifest = "\
manifest: bot
policy: \"anthropic-usage@2025-09-15\"
use-cases:
  - { summary: \"Aide — légale\", id: legal-helper, categories: [high-risk.legal], audience: business }
$0";
        let (cx, file, _) = fixture(&[("bot.usecases.yaml", manifest)]);
        let all = described(&cx, file, None);
        let names: Vec<(&str, &str, bool, bool, bool)> =
            all.iter().map(|(s, k, d, x, b)| (s.as_str(), *k, *d, *x, *b)).collect();
        assert_eq!(
            names,
            vec![
                ("\"anthropic-usage@2025-09-15\"", "policy", false, false, true),
                ("legal-helper", "use case", true, false, false),
                ("high-risk.legal", "category", false, false, true),
                ("audience", "attribute", false, false, true),
                ("business", "value", false, false, true),
            ]
        );
        let text = &cx.ws.file(file).text;
        let at = text.find("[high").unwrap();
        let within = TextRange::new(at, at + "[high".len());
        let some: Vec<String> = described(&cx, file, Some(within)).into_iter().map(|t| t.0).collect();
        assert_eq!(some, vec!["high-risk.legal"]);
    }

    #[test]
    fn the_reference_superseded_policy_is_reported_on_is_marked_deprecated() {
        let deprecated_and_reported = |manifest: &str| {
            let (cx, file, _) = fixture(&[("bot.usecases.yaml", manifest)]);
            let reported: Vec<TextRange> = cx
                .check_file(file)
                .iter()
                .filter(|d| d.code == crate::diagnostic::Code::SupersededPolicy)
                .map(|d| d.range)
                .collect();
            let marked: Vec<TextRange> = semantic_tokens(&cx, file, None)
                .iter()
                .filter(|t| t.deprecated)
                .map(|t| t.range)
                .collect();
            (marked, reported)
        };
        let pinned =
            "manifest: bot\npolicy: anthropic-usage@2024-06-06\nuse-cases:\n  - { id: u, categories: [general] }\n$0";
        let (marked, reported) = deprecated_and_reported(pinned);
        assert_eq!(reported.len(), 1);
        assert_eq!(marked, reported);
        // Silenced by a suppression comment: neither reported nor struck through.
        let silenced = pinned.replace("2024-06-06", "2024-06-06  # charter-ignore: superseded-policy");
        assert_eq!(deprecated_and_reported(&silenced), (vec![], vec![]));
    }
}
