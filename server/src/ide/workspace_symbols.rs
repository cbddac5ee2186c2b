//! Workspace symbols: every declaration of every policy and manifest (the outline's entries,
//! without its group headings), matched against the query as editors match file names.
//!
//! A bundled policy is searched when some file of the workspace uses it, through its chain or
//! as a manifest's policy: users look for `no-malicious-cyber` in the policy their manifests
//! are judged by, while the older bundled version nobody uses would only double every result.
//! Attribute values are left out: they are short words repeated across attributes (`none`,
//! `true`), which would crowd out the ids a search is for; their attribute is listed.

use std::collections::BTreeSet;

use super::symbols::document_symbols;
use super::target::Resolver;
use super::{Location, Symbol, SymbolKind, WorkspaceSymbol};
use crate::check::Context;
use crate::diagnostic::FileId;
use crate::resolve::policy_name;
use crate::workspace::Document;

/// Editors ask again as the query grows, so a cut list fills up as the user types; a list longer
/// than a screen or two is scrolled by nobody, while a big workspace's thousands of use cases
/// would be serialised and read by the client on every keystroke.
pub const MAX_WORKSPACE_SYMBOLS: usize = 256;

/// The declarations matching `query`, best first, at most [`MAX_WORKSPACE_SYMBOLS`].
pub fn workspace_symbols(cx: &Context, query: &str) -> Vec<WorkspaceSymbol> {
    let query: Vec<char> = query
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut scored: Vec<(i64, WorkspaceSymbol)> = Vec::new();
    for file in searched_files(cx) {
        let container = container(cx, file);
        let mut flat = Vec::new();
        flatten(document_symbols(cx, file), &mut flat);
        for s in flat {
            let Some(score) = fuzzy_score(&query, &s.name) else {
                continue;
            };
            let is_file = matches!(s.kind, SymbolKind::Policy | SymbolKind::Manifest);
            scored.push((
                score,
                WorkspaceSymbol {
                    name: s.name,
                    kind: s.kind,
                    container: if is_file { None } else { container.clone() },
                    location: Location {
                        file,
                        range: s.selection,
                    },
                },
            ));
        }
    }
    scored.sort_by(|(a, x), (b, y)| {
        b.cmp(a)
            .then(x.name.len().cmp(&y.name.len()))
            .then_with(|| x.name.cmp(&y.name))
            .then(x.location.cmp(&y.location))
    });
    scored.truncate(MAX_WORKSPACE_SYMBOLS);
    scored.into_iter().map(|(_, s)| s).collect()
}

/// The workspace's own files, and the bundled policies one of them uses.
fn searched_files(cx: &Context) -> Vec<FileId> {
    let own: Vec<FileId> = cx.ws.ids().filter(|&f| !cx.ws.file(f).bundled).collect();
    let used: BTreeSet<FileId> = own
        .iter()
        .filter_map(|&f| Resolver::new(cx, f).policy)
        .flat_map(|p| p.chain.iter().copied())
        .filter(|&f| cx.ws.file(f).bundled)
        .collect();
    own.into_iter().chain(used).collect()
}

/// What the declarations of `file` are listed under: its policy's `id@version`, its manifest's id.
fn container(cx: &Context, file: FileId) -> Option<String> {
    match &cx.ws.file(file).doc {
        Document::Policy(_) => Some(policy_name(&cx.ws, file)),
        Document::Manifest(doc) => doc.id.as_ref().map(|id| id.value.to_string()),
    }
}

/// The outline's symbols, depth first, without the group headings (`rules`, `categories`).
fn flatten(symbols: Vec<Symbol>, out: &mut Vec<Symbol>) {
    for mut s in symbols {
        let children = std::mem::take(&mut s.children);
        if s.kind != SymbolKind::Group {
            out.push(s);
        }
        flatten(children, out);
    }
}

/// How well `name` matches `query` (lowercase, no spaces), or `None` when the query's characters
/// are not all in the name in order, whatever their case. Higher is better: each matched
/// character counts, more at the start of the name or of a segment (after `.`, `-`, `@`, `_`)
/// and when it follows the previous match, so `mc` ranks `malicious-cyber` above `commercial`.
/// The best placement is found (`refunds` in `support.refunds` is the segment, not the `r` of
/// `support`): for each query character, the best score of a match ending at each name position.
fn fuzzy_score(query: &[char], name: &str) -> Option<i64> {
    let name: Vec<char> = name.chars().collect();
    let bonus = |j: usize| match j.checked_sub(1).map(|p| name[p]) {
        None => 10,
        Some('.' | '-' | '@' | '_') => 8,
        Some(_) => 0,
    };
    // `ending[j]`: the best score of the query so far with its last character at `name[j]`.
    let mut ending: Vec<Option<i64>> = vec![Some(0); name.len() + 1];
    let mut first = true;
    for &q in query {
        let mut next = vec![None; name.len() + 1];
        // The best score of the query so far ending before `j`.
        let mut before: Option<i64> = first.then_some(0);
        for (j, &c) in name.iter().enumerate() {
            if c.to_lowercase().eq(std::iter::once(q)) {
                let run = if first { None } else { ending[j].map(|s| s + 4) };
                next[j + 1] = before.max(run).map(|s| s + 1 + bonus(j));
            }
            if !first {
                before = before.max(ending[j + 1]);
            }
        }
        ending = next;
        first = false;
    }
    ending.into_iter().max().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::target::tests::{bundled_2025, fixture, slice};

    const POLICY: &str = "policy: acme\nversion: 2025-01-01\nextends: anthropic-usage@2025-09-15\nsafeguards:\n  audit-log:\n    summary: Protokoll für alles.\ncategories:\n  support:\n    summary: Support.\n  support.chat:\n    summary: Chat.\nrules:\n  - id: chat-logged\n    effect: require\n    categories: [support.chat]\n    safeguards: [audit-log]\n";

    const MANIFEST: &str = "manifest: helpdesk\npolicy: acme\nuse-cases:\n  - id: 客服-chat\n    categories: [support.chat]\n    safeguards: [audit-log]\n";

    fn search(query: &str) -> (Context, Vec<WorkspaceSymbol>) {
        let (cx, _, _) = fixture(&[
            ("acme.policy.yaml", POLICY),
            ("h.usecases.yaml", &format!("$0{MANIFEST}")),
        ]);
        let found = workspace_symbols(&cx, query);
        (cx, found)
    }

    fn shown(found: &[WorkspaceSymbol]) -> Vec<(&str, SymbolKind, Option<&str>)> {
        found
            .iter()
            .map(|s| (s.name.as_str(), s.kind, s.container.as_deref()))
            .collect()
    }

    #[test]
    fn a_subsequence_query_finds_declarations_of_policies_and_manifests() {
        let (cx, found) = search("CHAT");
        assert_eq!(
            shown(&found)[..4],
            [
                ("chatbot", SymbolKind::Attribute, Some("anthropic-usage@2025-09-15")),
                ("chat-logged", SymbolKind::Rule, Some("acme@2025-01-01")),
                ("客服-chat", SymbolKind::UseCase, Some("helpdesk")),
                ("support.chat", SymbolKind::Category, Some("acme@2025-01-01")),
            ],
            "whole words first, shorter names first"
        );
        assert!(
            shown(&found).contains(&(
                "violence.hate",
                SymbolKind::Category,
                Some("anthropic-usage@2025-09-15")
            )),
            "scattered letters match too, ranked after"
        );
        let rule = &found[1];
        assert_eq!(slice(&cx, rule.location.file, rule.location.range), "chat-logged");
        let (_, found) = search("hdsk");
        assert_eq!(shown(&found), [("helpdesk", SymbolKind::Manifest, None)]);
        let (_, found) = search("acme");
        assert_eq!(shown(&found)[0], ("acme@2025-01-01", SymbolKind::Policy, None));
        assert_eq!(search("zzz").1, []);
    }

    #[test]
    fn the_bundled_policy_in_use_is_searched_and_the_unused_version_is_not() {
        let (cx, found) = search("malicious-cyber");
        assert_eq!(
            shown(&found),
            [(
                "no-malicious-cyber",
                SymbolKind::Rule,
                Some("anthropic-usage@2025-09-15")
            )]
        );
        assert_eq!(found[0].location.file, bundled_2025(&cx));
    }

    #[test]
    fn a_big_workspace_answers_at_most_the_cap() {
        let mut policy = String::from("policy: big\nversion: 2025-01-01\ncategories:\n");
        for i in 0..400 {
            policy.push_str(&format!("  c{i}: {{summary: x}}\n"));
        }
        let (cx, _, _) = fixture(&[("big.policy.yaml", &format!("$0{policy}"))]);
        assert_eq!(workspace_symbols(&cx, "").len(), MAX_WORKSPACE_SYMBOLS);
        let found = workspace_symbols(&cx, "c399");
        assert_eq!(found[0].name, "c399", "the exact name is first however many match");
    }

    #[test]
    fn segment_starts_and_runs_rank_first() {
        let score = |q: &str, name: &str| fuzzy_score(&q.chars().collect::<Vec<_>>(), name);
        assert!(score("mc", "malicious-cyber") > score("mc", "commercial"));
        assert!(score("chat", "chat-logged") > score("chat", "violence.hate"));
        assert!(
            score("refunds", "support.refunds") == score("refunds", "eu-refunds"),
            "the segment, not the `r` of `support`"
        );
        assert_eq!(score("x", "audit-log"), None);
        assert_eq!(score("", "anything"), Some(0));
    }
}
