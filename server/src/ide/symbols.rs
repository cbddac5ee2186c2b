//! The outline of a file. A policy: its id, then one group per declaration block in file order
//! (attributes, safeguards, sections, categories as a tree by dotted parent, rules). A manifest:
//! its id, then its use cases.
//!
//! A symbol's range is its whole declaration, from the key to the end of its value (a parent
//! category's also covers its children, so that an editor finds the enclosing symbol of any
//! position inside them); its selection is the id.

use std::collections::HashMap;

use super::{Symbol, SymbolKind};
use crate::check::Context;
use crate::compact::CompactStr;
use crate::diagnostic::FileId;
use crate::model::{CategoryDecl, ManifestDoc, PolicyDoc, Spanned};
use crate::syntax::Tree;
use crate::text::TextRange;
use crate::workspace::Document;

/// Past this depth, categories are listed under their ancestor at this depth: an outline that
/// deep helps nobody, and a tree of unbounded depth would cost unbounded stack downstream.
const MAX_CATEGORY_DEPTH: usize = 16;

pub fn document_symbols(cx: &Context, file: FileId) -> Vec<Symbol> {
    let source = cx.ws.file(file);
    let spans = Spans::new(source.tree());
    let mut symbols = match &source.doc {
        Document::Policy(doc) => policy(doc, &spans),
        Document::Manifest(doc) => manifest(doc, &spans),
    };
    symbols.sort_by_key(|s| s.range.start);
    symbols
}

/// Where each map entry of the file spans, by the range of its key.
struct Spans<'t> {
    tree: &'t Tree,
    entries: HashMap<TextRange, TextRange>,
}

impl<'t> Spans<'t> {
    fn new(tree: &'t Tree) -> Self {
        let mut entries = HashMap::new();
        for id in tree.reachable() {
            for e in tree.entries(id).unwrap_or_default() {
                let key = tree.range(e.key);
                entries.insert(key, key.cover(tree.range(e.value)));
            }
        }
        Self { tree, entries }
    }

    /// The whole entry whose key is `key`.
    fn entry(&self, key: TextRange) -> TextRange {
        self.entries.get(&key).copied().unwrap_or(key)
    }

    /// The top-level entry `name:`, as (key, whole entry).
    fn top(&self, name: &str) -> Option<(TextRange, TextRange)> {
        let entry = self.tree.get(self.tree.root()?, name)?;
        let key = self.tree.range(entry.key);
        Some((key, self.entry(key)))
    }

    /// The top-level entry holding the value `value` (`policy: x` for the id `x`).
    fn holding(&self, name: &str, value: TextRange) -> TextRange {
        self.top(name).map_or(value, |(_, entry)| entry.cover(value))
    }
}

fn symbol(name: String, detail: Option<String>, kind: SymbolKind, range: TextRange, selection: TextRange) -> Symbol {
    Symbol {
        name,
        detail,
        kind,
        range: range.cover(selection),
        selection,
        children: Vec::new(),
    }
}

/// A declaration keyed by its id (`audience:`).
fn keyed(id: &Spanned<CompactStr>, detail: Option<String>, kind: SymbolKind, spans: &Spans) -> Symbol {
    symbol(id.value.to_string(), detail, kind, spans.entry(id.range), id.range)
}

fn summary(s: &Option<Spanned<CompactStr>>) -> Option<String> {
    s.as_ref().map(|s| s.value.to_string())
}

fn group(name: &str, children: Vec<Symbol>, spans: &Spans) -> Option<Symbol> {
    let (key, entry) = spans.top(name)?;
    let mut group = symbol(name.to_owned(), None, SymbolKind::Group, entry, key);
    group.children = children;
    Some(group)
}

fn policy(doc: &PolicyDoc, spans: &Spans) -> Vec<Symbol> {
    let mut out = Vec::new();
    if let Some(id) = &doc.id {
        let name = match &doc.version {
            Some(v) => format!("{}@{}", id.value, v.value),
            None => id.value.to_string(),
        };
        out.push(symbol(
            name,
            summary(&doc.title),
            SymbolKind::Policy,
            spans.holding("policy", id.range),
            id.range,
        ));
    }
    let attributes = doc
        .attributes
        .iter()
        .map(|a| {
            let values: Vec<&str> = a.values.iter().map(|v| v.value.as_str()).collect();
            keyed(&a.id, Some(values.join(", ")), SymbolKind::Attribute, spans)
        })
        .collect();
    let safeguards = doc
        .safeguards
        .iter()
        .map(|s| keyed(&s.id, summary(&s.summary), SymbolKind::Safeguard, spans))
        .collect();
    let sections = doc
        .sections
        .iter()
        .map(|s| keyed(&s.id, s.title.get("en").map(str::to_owned), SymbolKind::Section, spans))
        .collect();
    let rules = doc
        .rules
        .iter()
        .map(|r| {
            let categories: Vec<&str> = r.categories.iter().map(|c| c.value.as_str()).collect();
            let detail = format!("{}: {}", r.effect.value.as_str(), categories.join(", "));
            symbol(
                r.id.value.to_string(),
                Some(detail),
                SymbolKind::Rule,
                r.range,
                r.id.range,
            )
        })
        .collect();
    let groups = [
        ("attributes", attributes),
        ("safeguards", safeguards),
        ("sections", sections),
        ("categories", category_tree(&doc.categories, spans)),
        ("rules", rules),
    ];
    out.extend(
        groups
            .into_iter()
            .filter_map(|(name, children)| group(name, children, spans)),
    );
    out
}

/// Categories nested under their nearest ancestor declared in the same file; those whose
/// ancestors are all declared elsewhere (in a base) are roots.
fn category_tree(categories: &[CategoryDecl], spans: &Spans) -> Vec<Symbol> {
    let declared: HashMap<&str, usize> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.value.as_str(), i))
        .collect();
    // Per category: its parent in the outline and its depth there.
    let placed: Vec<(Option<usize>, usize)> = categories
        .iter()
        .map(|c| {
            let name = c.id.value.as_str();
            let ancestors: Vec<usize> = name
                .match_indices('.')
                .filter_map(|(at, _)| declared.get(&name[..at]).copied())
                .collect();
            let depth = ancestors.len().min(MAX_CATEGORY_DEPTH);
            (depth.checked_sub(1).map(|d| ancestors[d]), depth)
        })
        .collect();
    let mut nodes: Vec<Option<Symbol>> = categories
        .iter()
        .map(|c| Some(keyed(&c.id, summary(&c.summary), SymbolKind::Category, spans)))
        .collect();
    // Deepest first, so that every node has its children when it moves under its parent.
    let mut order: Vec<usize> = (0..categories.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(placed[i].1));
    let mut roots = Vec::new();
    for i in order {
        let Some(mut node) = nodes[i].take() else { continue };
        node.children.sort_by_key(|s| s.selection.start);
        // A parent is shallower than its child, so it is still in `nodes`.
        match placed[i].0.and_then(|p| nodes[p].as_mut()) {
            Some(parent) => {
                parent.range = parent.range.cover(node.range);
                parent.children.push(node);
            }
            None => roots.push(node),
        }
    }
    roots.sort_by_key(|s| s.selection.start);
    roots
}

fn manifest(doc: &ManifestDoc, spans: &Spans) -> Vec<Symbol> {
    let mut out = Vec::new();
    if let Some(id) = &doc.id {
        let policy = doc.policy.as_ref().map(|p| format!("policy {}", p.value));
        out.push(symbol(
            id.value.to_string(),
            policy,
            SymbolKind::Manifest,
            spans.holding("manifest", id.range),
            id.range,
        ));
    }
    for uc in &doc.use_cases {
        let categories: Vec<&str> = uc.categories.iter().map(|c| c.value.as_str()).collect();
        out.push(symbol(
            uc.id.value.to_string(),
            Some(categories.join(", ")),
            SymbolKind::UseCase,
            uc.range,
            uc.id.range,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::target::tests::{bundled_2025, fixture, slice};

    fn outline(cx: &Context, file: FileId, symbols: &[Symbol], depth: usize, out: &mut Vec<String>) {
        for s in symbols {
            out.push(format!(
                "{}{:?} {} [{}]",
                "  ".repeat(depth),
                s.kind,
                s.name,
                s.detail.as_deref().unwrap_or("")
            ));
            assert_eq!(slice(cx, file, s.selection), s.name.split('@').next().unwrap());
            assert!(s.range.start <= s.selection.start && s.selection.end <= s.range.end);
            outline(cx, file, &s.children, depth + 1, out);
        }
    }

    #[test]
    fn bundled_policy_outline_nests_categories() {
        let (cx, _, _) = fixture(&[("m.usecases.yaml", "manifest: m$0\n")]);
        let file = bundled_2025(&cx);
        let symbols = document_symbols(&cx, file);
        let top: Vec<(SymbolKind, &str)> = symbols.iter().map(|s| (s.kind, s.name.as_str())).collect();
        assert_eq!(
            top,
            [
                (SymbolKind::Policy, "anthropic-usage@2025-09-15"),
                (SymbolKind::Group, "attributes"),
                (SymbolKind::Group, "safeguards"),
                (SymbolKind::Group, "sections"),
                (SymbolKind::Group, "categories"),
                (SymbolKind::Group, "rules"),
            ]
        );
        let categories = &symbols[4];
        let roots: Vec<&str> = categories.children.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            roots,
            [
                "general",
                "mcp-server",
                "illegal",
                "critical-infrastructure",
                "cyber",
                "weapons",
                "violence",
                "privacy",
                "child-safety",
                "psychological-harm",
                "misinformation",
                "politics",
                "law-enforcement",
                "fraud",
                "platform-abuse",
                "sexual-content",
                "high-risk"
            ]
        );
        let cyber = &categories.children[4];
        let children: Vec<&str> = cyber.children.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            children,
            [
                "cyber.malware",
                "cyber.network-attack",
                "cyber.denial-of-service",
                "cyber.interception",
                "cyber.persistence",
                "cyber.security-bypass",
                "cyber.mass-compromise",
                "cyber.infrastructure-compromise",
                "cyber.vulnerability-discovery",
                "cyber.defense"
            ]
        );
        let malware = &cyber.children[0];
        assert_eq!(
            slice(&cx, file, malware.range),
            "cyber.malware:\n    summary: Creating or spreading malware, ransomware or other malicious code."
        );
        assert_eq!(
            malware.detail.as_deref(),
            Some("Creating or spreading malware, ransomware or other malicious code.")
        );
        let text = slice(&cx, file, cyber.range);
        assert!(text.starts_with("cyber:\n    summary: Work on"), "{text}");
        assert!(
            text.ends_with(
                "cyber.defense:\n    summary: Defensive security work, such as detection, hardening, incident response or security tooling."
            ),
            "{text}"
        );
        let rule = symbols[5]
            .children
            .iter()
            .find(|r| r.name == "high-risk-consumer-safeguards")
            .unwrap();
        assert_eq!(rule.name, "high-risk-consumer-safeguards");
        assert_eq!(rule.detail.as_deref(), Some("require: high-risk"));
        assert!(slice(&cx, file, rule.range).starts_with("id: high-risk-consumer-safeguards\n    effect: require"));
        assert!(slice(&cx, file, rule.range).ends_with("need human review and AI disclosure."));
        let audience = &symbols[1].children[0];
        assert_eq!(
            (audience.name.as_str(), audience.detail.as_deref()),
            ("audience", Some("consumer, business"))
        );
        let mut lines = Vec::new();
        outline(&cx, file, &symbols, 0, &mut lines);
        assert!(lines.contains(&"    Category law-enforcement.analytics [Analysis by or for a law-enforcement agency that surveils, tracks or profiles no one, such as helping to find missing persons.]".to_owned()));
        assert!(lines.contains(&"  Section high-risk [High-Risk Use Case Requirements]".to_owned()));
    }

    #[test]
    fn layer_categories_nest_under_the_nearest_own_ancestor() {
        let text = "policy: acme$0\nversion: 2025-01-01\nextends: anthropic-usage@2025-09-15\ncategories:\n  high-risk.medical:\n    summary: 医疗建议。\n  high-risk.medical.triage.urgent:\n    summary: Urgent triage.\n  high-risk.medical.triage:\n    summary: Triage.\n  own: {summary: Own.}\n";
        let (cx, file, _) = fixture(&[("acme.policy.yaml", text)]);
        let symbols = document_symbols(&cx, file);
        let mut lines = Vec::new();
        outline(&cx, file, &symbols, 0, &mut lines);
        assert_eq!(
            lines,
            [
                "Policy acme@2025-01-01 []",
                "Group categories []",
                "  Category high-risk.medical [医疗建议。]",
                "    Category high-risk.medical.triage [Triage.]",
                "      Category high-risk.medical.triage.urgent [Urgent triage.]",
                "  Category own [Own.]",
            ]
        );
        let own = &symbols[1].children[1];
        assert_eq!(slice(&cx, file, own.range), "own: {summary: Own.}");
        let medical = &symbols[1].children[0];
        assert!(slice(&cx, file, medical.range).ends_with("summary: Triage."));
        assert_eq!(slice(&cx, file, symbols[0].range), "policy: acme");
    }

    #[test]
    fn very_deep_categories_are_capped() {
        let mut text = String::from("policy: deep$0\nversion: 2025-01-01\ncategories:\n");
        let mut name = String::from("a");
        for _ in 0..40 {
            text.push_str(&format!("  {name}: {{summary: x}}\n"));
            name.push_str(".a");
        }
        let (cx, file, _) = fixture(&[("deep.policy.yaml", &text)]);
        let symbols = document_symbols(&cx, file);
        let mut depth = 0;
        let mut count = 0;
        let mut level = &symbols[1].children;
        while let Some(first) = level.first() {
            depth += 1;
            count += level.len();
            level = &first.children;
        }
        assert_eq!(depth, MAX_CATEGORY_DEPTH + 1);
        assert_eq!(count, 40);
    }

    #[test]
    fn manifest_outline_lists_use_cases() {
        let text = "manifest: shop$0\npolicy: anthropic-usage\nuse-cases:\n  - id: help-desk\n    summary: 客服\n    categories: [x]\n  - id: legal-help\n    summary: 法律帮助\n    categories: [high-risk.legal, politics.writing]\n    audience: business\n";
        let (cx, file, _) = fixture(&[("shop.usecases.yaml", text)]);
        let symbols = document_symbols(&cx, file);
        let shown: Vec<(SymbolKind, &str, Option<&str>, &str)> = symbols
            .iter()
            .map(|s| (s.kind, s.name.as_str(), s.detail.as_deref(), slice(&cx, file, s.range)))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    SymbolKind::Manifest,
                    "shop",
                    Some("policy anthropic-usage"),
                    "manifest: shop"
                ),
                (
                    SymbolKind::UseCase,
                    "help-desk",
                    Some("x"),
                    "id: help-desk\n    summary: 客服\n    categories: [x]"
                ),
                (
                    SymbolKind::UseCase,
                    "legal-help",
                    Some("high-risk.legal, politics.writing"),
                    "id: legal-help\n    summary: 法律帮助\n    categories: [high-risk.legal, politics.writing]\n    audience: business"
                ),
            ]
        );
        assert_eq!(slice(&cx, file, symbols[2].selection), "legal-help");
    }
}
