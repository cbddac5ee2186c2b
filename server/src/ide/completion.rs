//! Completion: the keys allowed at the cursor, and the ids and values that fit where a reference
//! goes, each with its summary.
//!
//! Where the cursor stands is read from the text ([`context`]), since the text being typed
//! seldom parses. What can be offered comes from the policies in scope: the file's own chain,
//! or the policy that governs the manifest. While the file has a YAML error, its last parse
//! without one also counts, for its own declarations and its `policy:` or `extends:`.

mod context;

use std::collections::HashSet;

use context::{Cursor, Place};

use super::{CompletionItem, CompletionKind};
use crate::check::{Context, section_text};
use crate::compact::CompactStr;
use crate::diagnostic::{Code, Edit, FileId, Severity};
use crate::model::keys;
use crate::model::{AttributeDecl, PolicyDoc, Spanned};
use crate::text::TextRange;
use crate::workspace::{FileKind, Resolved, SourceFile};

/// The completions at byte `offset` of `file`. Each one's edit replaces the partial word before
/// the cursor; clients filter and sort by the label.
pub fn completion(cx: &Context, file: FileId, offset: usize) -> Vec<CompletionItem> {
    let source = cx.ws.file(file);
    let text = source.text.as_str();
    match context::cursor_near(source, offset) {
        Some(Cursor::Comment { start }) => suppressions(text, start, offset),
        Some(Cursor::Node(place)) => {
            let Some(want) = classify(source.kind, &place) else {
                return Vec::new();
            };
            let partial = &text[place.node_start..offset];
            let policy_ref = matches!(want, Want::Policies);
            if !partial.bytes().all(|b| is_word(b, policy_ref)) {
                return Vec::new();
            }
            let mut out = Out {
                range: TextRange::new(place.node_start, offset),
                items: Vec::new(),
            };
            let scope = Scope::of(cx, file);
            offer(cx, file, &scope, &place, want, &mut out);
            out.items
        }
        None => Vec::new(),
    }
}

/// A byte of a partial word: an id, a category id, a value, or (`at`) a policy reference.
fn is_word(b: u8, at: bool) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') || (at && b == b'@')
}

/// What goes at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Want {
    Keys(&'static [(&'static str, &'static str)]),
    RuleKeys,
    UseCaseKeys,
    /// The attributes a rule's `when` names.
    WhenAttributes,
    Effects,
    Defaults,
    /// The values of a use case's `expect`.
    Expectations,
    /// The values of an attribute.
    Values(String),
    Categories,
    Safeguards,
    Sections,
    Policies,
}

/// What the path at the cursor asks for, in a file of `kind`.
fn classify(kind: FileKind, place: &Place) -> Option<Want> {
    let path = place.path_names();
    let at_key = place.at_key;
    // A value may also stand alone on the line below its key (`effect:\n  allow`): a path
    // ending in the key then asks for the value whether or not `at_key`.
    let want = match kind {
        FileKind::Policy => match path.as_slice() {
            [] if at_key => Want::Keys(keys::POLICY),
            ["attributes", a] if at_key && *a != "-" => Want::Keys(keys::ATTRIBUTE),
            ["safeguards", s] if at_key && *s != "-" => Want::Keys(keys::SAFEGUARD),
            ["sections", s] if at_key && *s != "-" => Want::Keys(keys::SECTION),
            ["categories", c] if at_key && *c != "-" => Want::Keys(keys::CATEGORY),
            ["rules", "-"] if at_key => Want::RuleKeys,
            ["default"] => Want::Defaults,
            ["extends"] => Want::Policies,
            ["attributes", a, "default"] => Want::Values((*a).to_owned()),
            ["attributes" | "safeguards" | "categories", _, "section"] | ["rules", "-", "section"] => Want::Sections,
            ["rules", "-", "effect"] => Want::Effects,
            ["rules", "-", "categories"] => Want::Categories,
            ["rules", "-", "categories", "-"] if at_key => Want::Categories,
            ["rules", "-", "safeguards"] => Want::Safeguards,
            ["rules", "-", "safeguards", "-"] if at_key => Want::Safeguards,
            ["rules", "-", "when"] if at_key => Want::WhenAttributes,
            ["rules", "-", "when", a] if *a != "-" => Want::Values((*a).to_owned()),
            ["rules", "-", "when", a, "-"] if at_key && *a != "-" => Want::Values((*a).to_owned()),
            _ => return None,
        },
        FileKind::Manifest => match path.as_slice() {
            [] if at_key => Want::Keys(keys::MANIFEST),
            ["policy"] => Want::Policies,
            ["use-cases", "-"] if at_key => Want::UseCaseKeys,
            ["use-cases", "-", "categories"] => Want::Categories,
            ["use-cases", "-", "categories", "-"] if at_key => Want::Categories,
            ["use-cases", "-", "safeguards" | "expect-owes"] => Want::Safeguards,
            ["use-cases", "-", "safeguards" | "expect-owes", "-"] if at_key => Want::Safeguards,
            ["use-cases", "-", "expect"] => Want::Expectations,
            ["use-cases", "-", "id" | "summary" | "-"] => return None,
            ["use-cases", "-", a] => Want::Values((*a).to_owned()),
            _ => return None,
        },
    };
    Some(want)
}

/// The completions gathered, all replacing `range`.
struct Out {
    range: TextRange,
    items: Vec<CompletionItem>,
}

impl Out {
    fn push(&mut self, label: &str, kind: CompletionKind, detail: Option<String>, documentation: Option<String>) {
        self.items.push(CompletionItem {
            label: label.to_owned(),
            kind,
            detail,
            documentation,
            edit: Edit {
                range: self.range,
                new_text: label.to_owned(),
            },
        });
    }
}

fn offer(cx: &Context, file: FileId, scope: &Scope, place: &Place, want: Want, out: &mut Out) {
    let has_key = |k: &str| place.keys.iter().any(|(key, _)| key == k);
    let has_item = |i: &str| place.items.iter().any(|item| item == i);
    match want {
        Want::Keys(keys) => keywords(keys, CompletionKind::Key, &has_key, out),
        Want::RuleKeys => {
            // `safeguards` belongs to `require` rules only.
            let effect = place
                .keys
                .iter()
                .find(|(k, _)| k == "effect")
                .and_then(|(_, v)| v.as_deref());
            let takes_safeguards = effect.is_none_or(|e| e == "require");
            let skip = |k: &str| has_key(k) || (k == "safeguards" && !takes_safeguards);
            keywords(keys::RULE, CompletionKind::Key, &skip, out);
        }
        Want::UseCaseKeys => {
            keywords(keys::USE_CASE, CompletionKind::Key, &has_key, out);
            for (a, _) in scope.attributes() {
                if !has_key(&a.id.value) && !keys::is_use_case_field(&a.id.value) {
                    out.push(
                        &a.id.value,
                        CompletionKind::Attribute,
                        Some(values_line(a)),
                        summary(&a.summary),
                    );
                }
            }
        }
        Want::WhenAttributes => {
            for (a, _) in scope.attributes() {
                if !has_key(&a.id.value) {
                    out.push(
                        &a.id.value,
                        CompletionKind::Attribute,
                        Some(values_line(a)),
                        summary(&a.summary),
                    );
                }
            }
        }
        Want::Effects => keywords(keys::EFFECTS, CompletionKind::Keyword, &|_| false, out),
        Want::Defaults => keywords(keys::DEFAULTS, CompletionKind::Keyword, &|_| false, out),
        Want::Expectations => keywords(keys::EXPECTATIONS, CompletionKind::Keyword, &|_| false, out),
        Want::Values(attribute) => {
            let Some((a, _)) = scope.attributes().into_iter().find(|(a, _)| a.id.value == attribute) else {
                return;
            };
            let default = a.default.as_ref().map(|d| d.value.as_str());
            for v in &a.values {
                if has_item(&v.value) {
                    continue;
                }
                let mark = if default == Some(v.value.as_str()) {
                    " (default)"
                } else {
                    ""
                };
                out.push(
                    &v.value,
                    CompletionKind::Value,
                    Some(format!("value of {attribute}{mark}")),
                    summary(&a.summary),
                );
            }
        }
        Want::Categories => {
            for (c, doc) in scope.declared(|d| &d.categories, |c| &c.id) {
                if !has_item(&c.id.value) {
                    out.push(
                        &c.id.value,
                        CompletionKind::Category,
                        Some(doc_name(doc)),
                        summary(&c.summary),
                    );
                }
            }
        }
        Want::Safeguards => {
            for (s, doc) in scope.declared(|d| &d.safeguards, |s| &s.id) {
                if !has_item(&s.id.value) {
                    out.push(
                        &s.id.value,
                        CompletionKind::Safeguard,
                        Some(doc_name(doc)),
                        summary(&s.summary),
                    );
                }
            }
        }
        Want::Sections => {
            for (s, doc) in scope.declared(|d| &d.sections, |s| &s.id) {
                let title = s.title.get("en").map(|t| format!("**{t}**"));
                let text = section_text(s, "en").map(str::to_owned);
                let documentation = match (title, text) {
                    (Some(t), Some(x)) => Some(format!("{t}\n\n{x}")),
                    (t, x) => t.or(x),
                };
                out.push(&s.id.value, CompletionKind::Section, Some(doc_name(doc)), documentation);
            }
        }
        Want::Policies => policies(cx, file, out),
    }
}

fn keywords(table: &[(&str, &str)], kind: CompletionKind, skip: &dyn Fn(&str) -> bool, out: &mut Out) {
    for (label, doc) in table {
        if !skip(label) {
            out.push(label, kind, None, Some((*doc).to_owned()));
        }
    }
}

fn summary(s: &Option<Spanned<CompactStr>>) -> Option<String> {
    s.as_ref().map(|s| s.value.to_string())
}

/// `consumer | business (default consumer)`.
fn values_line(a: &AttributeDecl) -> String {
    let values: Vec<&str> = a.values.iter().map(|v| v.value.as_str()).collect();
    match &a.default {
        Some(d) => format!("{} (default {})", values.join(" | "), d.value),
        None => values.join(" | "),
    }
}

/// `id@version` of a policy document, as far as it says.
fn doc_name(doc: &PolicyDoc) -> String {
    let id = doc.id.as_ref().map_or("?", |i| i.value.as_str());
    match &doc.version {
        Some(v) => format!("{id}@{}", v.value),
        None => id.to_owned(),
    }
}

/// Every known policy, each id's versions newest first and then the bare id; a policy file is
/// not offered as its own base.
fn policies(cx: &Context, file: FileId, out: &mut Out) {
    let mut references: Vec<_> = cx.registry.references().collect();
    references.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let own = cx.ws.file(file).kind == FileKind::Policy;
    let documentation = |f: FileId, date: crate::model::Date| {
        let title = cx
            .ws
            .file(f)
            .policy()
            .and_then(|d| d.title.as_ref())
            .map(|t| format!("**{}**\n\n", t.value));
        let when = if date <= cx.today {
            format!("In effect since {date}.")
        } else {
            format!("Takes effect on {date}.")
        };
        format!("{}{when}", title.unwrap_or_default())
    };
    for (i, (id, date, f)) in references.iter().enumerate() {
        if !(own && *f == file) {
            let source = cx.ws.file(*f);
            let place = match source.bundled {
                true => "bundled".to_owned(),
                false => file_name(&source.path).to_owned(),
            };
            out.push(
                &format!("{id}@{date}"),
                CompletionKind::Policy,
                Some(place),
                Some(documentation(*f, *date)),
            );
        }
        let last_of_id = references.get(i + 1).is_none_or(|next| next.0 != *id);
        if last_of_id && let Some((newest, f)) = cx.registry.newest_in_effect(id, cx.today) {
            if own && f == file {
                continue;
            }
            out.push(
                id,
                CompletionKind::Policy,
                Some(format!("newest in effect: {id}@{newest}")),
                Some(documentation(f, newest)),
            );
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `# charter-ignore: ` comments: the codes that can be suppressed (warnings and hints).
fn suppressions(text: &str, start: usize, offset: usize) -> Vec<CompletionItem> {
    let comment = &text[start + 1..offset];
    let Some(rest) = comment.trim_start().strip_prefix("charter-ignore:") else {
        return Vec::new();
    };
    let mut parts: Vec<&str> = rest.split(',').collect();
    let partial = parts.pop().unwrap_or_default().trim_start();
    if !partial.bytes().all(|b| is_word(b, false)) {
        return Vec::new();
    }
    let listed: Vec<&str> = parts.iter().map(|p| p.trim()).collect();
    let mut out = Out {
        range: TextRange::new(offset - partial.len(), offset),
        items: Vec::new(),
    };
    for code in Code::ALL {
        if matches!(code.severity(), Severity::Warning | Severity::Hint) && !listed.contains(&code.as_str()) {
            out.push(
                code.as_str(),
                CompletionKind::Keyword,
                Some(code.severity().as_str().to_owned()),
                Some(code.summary().to_owned()),
            );
        }
    }
    out.items
}

/// The policy documents whose declarations are in scope, base first.
struct Scope<'c> {
    docs: Vec<(FileId, &'c PolicyDoc)>,
}

impl<'c> Scope<'c> {
    fn of(cx: &'c Context, file: FileId) -> Self {
        let mut docs = Vec::new();
        match cx.ws.file(file).kind {
            FileKind::Policy => chain_docs(cx, file, &mut Vec::new(), &mut docs),
            FileKind::Manifest => {
                let manifests: Vec<_> = versions(cx, file)
                    .into_iter()
                    .filter_map(SourceFile::manifest)
                    .collect();
                let reference = manifests.iter().find_map(|d| d.policy.as_ref());
                // A `policy:` that is there but malformed names no policy (as for checking).
                let malformed = reference.is_none() && manifests.iter().any(|d| d.policy_key.is_some());
                if !malformed && let Resolved::Found(policy) = cx.resolve_reference(reference.map(|r| &r.value)) {
                    chain_docs(cx, policy, &mut Vec::new(), &mut docs);
                }
            }
        }
        Scope { docs }
    }

    /// The declarations of one kind, the first of each name winning, with their documents.
    fn declared<T>(
        &self,
        list: impl Fn(&'c PolicyDoc) -> &'c Vec<T>,
        id: impl Fn(&T) -> &Spanned<CompactStr>,
    ) -> Vec<(&'c T, &'c PolicyDoc)> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for &(_, doc) in &self.docs {
            for decl in list(doc) {
                if seen.insert(id(decl).value.as_str()) {
                    out.push((decl, doc));
                }
            }
        }
        out
    }

    fn attributes(&self) -> Vec<(&'c AttributeDecl, &'c PolicyDoc)> {
        self.declared(|d| &d.attributes, |a| &a.id)
    }
}

/// A file as it is, and its last parse without a YAML error when it has one now.
fn versions(cx: &Context, file: FileId) -> Vec<&SourceFile> {
    let current = cx.ws.file(file);
    let mut out = vec![current];
    if !current.is_well_formed()
        && let Some(good) = cx.ws.last_good(file)
    {
        out.push(good);
    }
    out
}

/// The documents of `file`'s chain, base first: its resolution when it has one, else its own
/// documents after those of the base its `extends` names.
fn chain_docs<'c>(cx: &'c Context, file: FileId, seen: &mut Vec<FileId>, out: &mut Vec<(FileId, &'c PolicyDoc)>) {
    if seen.contains(&file) {
        return;
    }
    seen.push(file);
    let own: Vec<&PolicyDoc> = versions(cx, file).into_iter().filter_map(SourceFile::policy).collect();
    match cx.policy(file) {
        Some(resolved) => {
            let bases = &resolved.chain[..resolved.chain.len() - 1];
            out.extend(bases.iter().filter_map(|&f| Some((f, cx.ws.file(f).policy()?))));
        }
        None => {
            let base = own.iter().find_map(|d| d.extends.as_ref());
            if let Some(base) = base
                && let Resolved::Found(base) = cx.registry.resolve(&base.value, cx.today)
            {
                chain_docs(cx, base, seen, out);
            }
        }
    }
    out.extend(own.into_iter().map(|d| (file, d)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Date;
    use crate::workspace::Workspace;

    const ACME: &str = "\
policy: acme
version: 2025-11-01
title: Acme policy
extends: anthropic-usage@2025-09-15
attributes:
  region:
    summary: Where customers are.
    values: [eu, us, other]
    default: other
safeguards:
  audit-log:
    summary: Everything is logged.
sections:
  support-operations:
    title: Support operations
    text: How support works.
categories:
  support:
    summary: Customer support.
  support.faq:
    summary: Answering questions.
rules:
  - id: faq-ok
    effect: allow
    categories: [support.faq]
";

    fn today() -> Date {
        Date::parse("2025-12-01").unwrap()
    }

    /// Text and cursor offset of a fixture with a `$0` marker.
    fn fixture(text: &str) -> (String, usize) {
        let offset = text.find("$0").expect("a $0 marker");
        (text.replace("$0", ""), offset)
    }

    /// Completions in a manifest (or a policy, by `path`) beside the bundled policies and `ACME`.
    fn complete(path: &str, text: &str) -> (Vec<CompletionItem>, usize) {
        let (text, offset) = fixture(text);
        let mut ws = Workspace::with_bundled();
        ws.add("acme.policy.yaml".into(), ACME.into(), FileKind::Policy, false);
        let kind = FileKind::of_path(path).unwrap();
        let file = ws.add(path.into(), text, kind, false);
        let cx = Context::new(ws, today());
        (completion(&cx, file, offset), offset)
    }

    fn labels(items: &[CompletionItem]) -> Vec<&str> {
        items.iter().map(|i| i.label.as_str()).collect()
    }

    fn item<'a>(items: &'a [CompletionItem], label: &str) -> &'a CompletionItem {
        items
            .iter()
            .find(|i| i.label == label)
            .unwrap_or_else(|| panic!("`{label}` not offered; got {:?}", labels(items)))
    }

    const USE_CASE: &str = "manifest: bot\nuse-cases:\n  - id: advice\n";

    #[test]
    fn categories_in_a_flow_list() {
        let (items, offset) = complete(
            "m.usecases.yaml",
            &format!("{USE_CASE}    categories: [cyber.defense, high-risk.l$0]\n"),
        );
        let legal = item(&items, "high-risk.legal");
        assert_eq!(legal.kind, CompletionKind::Category);
        assert_eq!(legal.edit.range, TextRange::new(offset - "high-risk.l".len(), offset));
        assert_eq!(legal.edit.new_text, "high-risk.legal");
        assert_eq!(legal.detail.as_deref(), Some("anthropic-usage@2025-09-15"));
        assert_eq!(
            legal.documentation.as_deref(),
            Some("Legal interpretation, legal guidance or decisions with legal consequences.")
        );
        assert!(labels(&items).contains(&"politics"), "every category is offered");
        assert!(!labels(&items).contains(&"cyber.defense"), "listed already");
        assert!(!labels(&items).contains(&"support.faq"), "another policy's");
    }

    #[test]
    fn categories_in_a_block_list_and_of_a_layer() {
        let text =
            "manifest: bot\npolicy: acme@2025-11-01\nuse-cases:\n- id: faq\n  categories:\n  - support.faq\n  - $0\n";
        let (items, offset) = complete("m.usecases.yaml", text);
        let support = item(&items, "support");
        assert_eq!(support.detail.as_deref(), Some("acme@2025-11-01"));
        assert_eq!(support.edit.range, TextRange::empty(offset));
        assert!(labels(&items).contains(&"high-risk.legal"), "inherited from the base");
        assert!(!labels(&items).contains(&"support.faq"));
    }

    #[test]
    fn use_case_keys_leave_out_those_present() {
        let text = format!(
            "{USE_CASE}    categories: [high-risk.legal]\n    a$0\n    agentic: true\n  - id: other\n    audience: business\n"
        );
        let (items, offset) = complete("m.usecases.yaml", &text);
        assert_eq!(
            labels(&items),
            [
                "summary",
                "safeguards",
                "expect",
                "expect-owes",
                "audience",
                "consent",
                "chatbot",
                "minors"
            ]
        );
        let audience = item(&items, "audience");
        assert_eq!(audience.kind, CompletionKind::Attribute);
        assert_eq!(
            audience.detail.as_deref(),
            Some("consumer | business (default consumer)")
        );
        assert!(
            audience
                .documentation
                .as_deref()
                .unwrap()
                .starts_with("Who the output reaches or is about")
        );
        assert_eq!(audience.edit.range, TextRange::new(offset - 1, offset));
        assert_eq!(item(&items, "summary").kind, CompletionKind::Key);
    }

    #[test]
    fn keys_of_a_new_use_case_and_of_the_manifest() {
        let (items, _) = complete(
            "m.usecases.yaml",
            &format!("{USE_CASE}    categories: [cyber]\n  - $0\n"),
        );
        assert_eq!(
            labels(&items),
            [
                "id",
                "summary",
                "categories",
                "safeguards",
                "expect",
                "expect-owes",
                "audience",
                "agentic",
                "consent",
                "chatbot",
                "minors"
            ]
        );
        let (items, _) = complete("m.usecases.yaml", "manifest: bot\n$0\nuse-cases: []\n");
        assert_eq!(labels(&items), ["policy", "owner"]);
    }

    #[test]
    fn half_typed_key_in_a_broken_file_completes_from_the_last_good_parse() {
        let good = "manifest: bot\nowner: me\npolicy: acme@2025-11-01\nuse-cases:\n  - id: faq\n    categories: [support.faq]\n";
        let broken = "manifest: bot\nowner: a: b\npolicy: acme@2025-11-01\nuse-cases:\n  - id: faq\n    categories: [support.faq]\n    regi$0\n";
        let (broken, offset) = fixture(broken);
        let mut ws = Workspace::with_bundled();
        ws.add("acme.policy.yaml".into(), ACME.into(), FileKind::Policy, false);
        let file = ws.add("m.usecases.yaml".into(), good.into(), FileKind::Manifest, false);
        ws.set_text(file, broken);
        assert!(!ws.file(file).is_well_formed());
        assert!(
            ws.file(file).manifest().unwrap().policy.is_none(),
            "the parse stopped at the error"
        );
        let cx = Context::new(ws, today());
        let items = completion(&cx, file, offset);
        let region = item(&items, "region");
        assert_eq!(region.edit.range, TextRange::new(offset - 4, offset));
        assert_eq!(region.documentation.as_deref(), Some("Where customers are."));
    }

    #[test]
    fn a_broken_layer_still_offers_its_own_and_its_bases_declarations() {
        let mut ws = Workspace::with_bundled();
        let file = ws.add("acme.policy.yaml".into(), ACME.into(), FileKind::Policy, false);
        let broken =
            format!("{ACME}  - id: new\n    effect: require\n    categories: [sup$0\n    safeguards: [\"x]\n  - ]:\n");
        let (broken, offset) = fixture(&broken);
        ws.set_text(file, broken);
        assert!(!ws.file(file).is_well_formed());
        let cx = Context::new(ws, today());
        let items = completion(&cx, file, offset);
        assert!(labels(&items).contains(&"support.faq"));
        assert!(labels(&items).contains(&"high-risk.legal"));
        assert_eq!(item(&items, "support").edit.range, TextRange::new(offset - 3, offset));
    }

    #[test]
    fn policy_references() {
        let (items, offset) = complete("m.usecases.yaml", "manifest: bot\npolicy: anthr$0\n");
        assert_eq!(
            labels(&items),
            [
                "acme@2025-11-01",
                "acme",
                "anthropic-usage@2025-09-15",
                "anthropic-usage@2024-06-06",
                "anthropic-usage"
            ]
        );
        let newest = item(&items, "anthropic-usage@2025-09-15");
        assert_eq!(newest.kind, CompletionKind::Policy);
        assert_eq!(newest.edit.range, TextRange::new(offset - 5, offset));
        assert_eq!(newest.detail.as_deref(), Some("bundled"));
        let doc = newest.documentation.as_deref().unwrap();
        assert!(
            doc.starts_with("**Anthropic Usage Policy, in effect from 15 September 2025"),
            "{doc}"
        );
        assert!(doc.ends_with("In effect since 2025-09-15."), "{doc}");
        assert_eq!(
            item(&items, "acme@2025-11-01").detail.as_deref(),
            Some("acme.policy.yaml")
        );
        assert_eq!(
            item(&items, "anthropic-usage").detail.as_deref(),
            Some("newest in effect: anthropic-usage@2025-09-15")
        );

        // The `@` belongs to the word being replaced.
        let (items, offset) = complete("m.usecases.yaml", "manifest: bot\npolicy: anthropic-usage@2024$0\n");
        let old = item(&items, "anthropic-usage@2024-06-06");
        assert_eq!(
            old.edit.range,
            TextRange::new(offset - "anthropic-usage@2024".len(), offset)
        );

        // A policy does not extend itself.
        let (items, _) = complete("layer.policy.yaml", "policy: layer\nversion: 2025-10-01\nextends: $0\n");
        assert!(labels(&items).contains(&"acme@2025-11-01"));
        assert!(!labels(&items).iter().any(|l| l.starts_with("layer")));
    }

    #[test]
    fn effects_defaults_and_rule_keys() {
        let rule = "policy: p\nversion: 2025-01-01\nrules:\n  - id: r\n";
        let (items, offset) = complete("p.policy.yaml", &format!("{rule}    effect: $0\n"));
        assert_eq!(labels(&items), ["prohibit", "allow", "require"]);
        assert_eq!(items[0].kind, CompletionKind::Keyword);
        assert_eq!(items[0].edit.range, TextRange::empty(offset));
        let (items, _) = complete("p.policy.yaml", "policy: p\ndefault: pro$0\n");
        assert_eq!(labels(&items), ["allow", "prohibit"]);

        let (items, _) = complete("p.policy.yaml", &format!("{rule}    effect: allow\n    $0\n"));
        assert_eq!(labels(&items), ["categories", "when", "section", "summary"]);
        let (items, _) = complete("p.policy.yaml", &format!("{rule}    $0\n    effect: require\n"));
        assert_eq!(
            labels(&items),
            ["categories", "safeguards", "when", "section", "summary"]
        );
        let (items, _) = complete("p.policy.yaml", "policy: p\nvers$0\nrules: []\n");
        assert_eq!(
            labels(&items),
            [
                "version",
                "title",
                "extends",
                "default",
                "attributes",
                "safeguards",
                "sections",
                "categories"
            ]
        );
    }

    #[test]
    fn expectations() {
        let use_case = "manifest: m\nuse-cases:\n  - id: u\n    categories: [cyber.malware]\n";
        let (items, _) = complete("m.usecases.yaml", &format!("{use_case}    expect: $0\n"));
        assert_eq!(labels(&items), ["allowed", "prohibited"]);
        assert_eq!(items[0].kind, CompletionKind::Keyword);
        let (items, _) = complete("m.usecases.yaml", &format!("{use_case}    expect-owes: [ai-$0]\n"));
        assert!(labels(&items).contains(&"ai-disclosure"), "{:?}", labels(&items));
        let (items, _) = complete("m.usecases.yaml", &format!("{use_case}    exp$0\n"));
        assert!(labels(&items).contains(&"expect-owes"), "{:?}", labels(&items));
    }

    #[test]
    fn when_attributes_and_values() {
        let rule = "policy: p\nversion: 2025-01-01\nextends: anthropic-usage@2025-09-15\nrules:\n  - id: r\n    effect: allow\n    categories: [cyber]\n";
        let (items, _) = complete("p.policy.yaml", &format!("{rule}    when: {{ agentic: true, $0 }}\n"));
        assert_eq!(labels(&items), ["audience", "consent", "chatbot", "minors"]);
        let (items, offset) = complete("p.policy.yaml", &format!("{rule}    when: {{ audience: c$0 }}\n"));
        assert_eq!(labels(&items), ["consumer", "business"]);
        assert_eq!(items[0].kind, CompletionKind::Value);
        assert_eq!(items[0].detail.as_deref(), Some("value of audience (default)"));
        assert_eq!(items[0].edit.range, TextRange::new(offset - 1, offset));
        let (items, _) = complete(
            "p.policy.yaml",
            &format!("{rule}    when:\n      audience: [consumer, $0]\n"),
        );
        assert_eq!(labels(&items), ["business"]);
        let (items, _) = complete(
            "p.policy.yaml",
            &format!("{rule}    when:\n      consent:\n        - $0\n"),
        );
        assert_eq!(labels(&items), ["system-owner", "none"]);
    }

    #[test]
    fn values_sections_and_safeguards_in_a_policy() {
        let (items, _) = complete(
            "p.policy.yaml",
            "policy: p\nattributes:\n  tier:\n    values: [free, pro]\n    default: $0\n",
        );
        assert_eq!(labels(&items), ["free", "pro"]);
        let layer = "policy: p\nversion: 2025-12-01\nextends: acme@2025-11-01\nsections:\n  mine:\n    title: Mine\n    text: Text.\n";
        let (items, _) = complete(
            "p.policy.yaml",
            &format!("{layer}rules:\n  - id: r\n    effect: require\n    section: $0\n"),
        );
        let labels = labels(&items);
        assert!(labels.contains(&"cyber") && labels.contains(&"support-operations") && labels.contains(&"mine"));
        let mine = item(&items, "mine");
        assert_eq!(mine.kind, CompletionKind::Section);
        assert_eq!(mine.documentation.as_deref(), Some("**Mine**\n\nText."));
        assert_eq!(mine.detail.as_deref(), Some("p@2025-12-01"));
        let (items, _) = complete(
            "p.policy.yaml",
            &format!("{layer}rules:\n  - id: r\n    effect: require\n    safeguards: [ai-disclosure, $0]\n"),
        );
        assert_eq!(
            self::labels(&items),
            ["human-in-the-loop", "minor-safety", "directory-policy", "audit-log"]
        );
    }

    #[test]
    fn non_ascii_text_earlier_on_the_line() {
        let text = format!("{USE_CASE}  - {{ id: 法律, summary: \"法律咨询, 中文\", categories: [high-risk.l$0 ] }}\n");
        let (items, offset) = complete("m.usecases.yaml", &text);
        let legal = item(&items, "high-risk.legal");
        assert_eq!(legal.edit.range, TextRange::new(offset - "high-risk.l".len(), offset));
        let (text, _) = fixture(&text);
        assert_eq!(&text[legal.edit.range.start..offset], "high-risk.l");

        let text = format!("{USE_CASE}    summary: 日本語のテキスト # ü\n    audience: bus$0\n");
        let (items, offset) = complete("m.usecases.yaml", &text);
        assert_eq!(labels(&items), ["consumer", "business"]);
        assert_eq!(items[1].edit.range, TextRange::new(offset - 3, offset));
    }

    #[test]
    fn nothing_in_prose_after_a_list_or_inside_a_word_with_spaces() {
        for text in [
            "manifest: bot\nuse-cases:\n  - id: x\n    summary: some cat$0\n",
            "manifest: bot\nuse-cases:\n  - id: x\n    categories: [cyber]$0\n",
            "manifest: bot\nuse-cases:\n  - id: x\n    categories: [cyber mal$0]\n",
            "manifest: bot\nuse-cases:\n  - id: x\n    audience:$0\n",
            "manifest: bot\nuse-cases:\n  - id: x\n    unknown-attribute: $0\n",
        ] {
            let (items, _) = complete("m.usecases.yaml", text);
            assert_eq!(labels(&items), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn suppression_codes_in_comments() {
        let (items, offset) = complete(
            "p.policy.yaml",
            "policy: p\n# charter-ignore: shadowed-rule, red$0\nrules: []\n",
        );
        assert_eq!(
            labels(&items),
            [
                "dead-requirement",
                "redundant-rule",
                "ambiguous-decision",
                "superseded-policy"
            ]
        );
        assert_eq!(items[1].edit.range, TextRange::new(offset - 3, offset));
        assert_eq!(items[1].detail.as_deref(), Some("hint"));
        let (items, _) = complete("p.policy.yaml", "policy: p # a comment$0\n");
        assert!(items.is_empty());
    }

    #[test]
    fn crlf_and_offsets_off_a_char_boundary() {
        let (items, _) = complete(
            "m.usecases.yaml",
            "manifest: bot\r\nuse-cases:\r\n  - id: x\r\n    categories: [cyber]\r\n    agentic: t$0\r\n",
        );
        assert_eq!(labels(&items), ["true", "false"]);
        let mut ws = Workspace::with_bundled();
        let file = ws.add(
            "m.usecases.yaml".into(),
            "manifest: 法\n".into(),
            FileKind::Manifest,
            false,
        );
        let cx = Context::new(ws, today());
        assert!(completion(&cx, file, 11).is_empty());
        assert!(completion(&cx, file, 1000).is_empty());
    }

    /// Every edit replaces text that ends at the cursor and is a partial word.
    fn assert_sound(text: &str, offset: usize, items: &[CompletionItem]) {
        for item in items {
            let range = item.edit.range;
            assert_eq!(range.end, offset, "{item:?} at {offset} in {text:?}");
            assert!(text.is_char_boundary(range.start) && range.start <= offset);
            assert!(text[range.start..offset].bytes().all(|b| is_word(b, true)), "{item:?}");
            assert!(!item.label.is_empty());
        }
    }

    #[test]
    fn completion_is_total_at_every_offset_of_the_examples() {
        let mut ws = Workspace::with_bundled();
        let files = [
            ("acme.policy.yaml", include_str!("../../../examples/acme.policy.yaml")),
            (
                "support-bot.usecases.yaml",
                include_str!("../../../examples/support-bot.usecases.yaml"),
            ),
            (
                "legacy.usecases.yaml",
                include_str!("../../../examples/legacy-campaign.usecases.yaml"),
            ),
        ];
        let ids: Vec<FileId> = files
            .iter()
            .map(|(path, text)| ws.add((*path).into(), (*text).into(), FileKind::of_path(path).unwrap(), false))
            .collect();
        let bundled: Vec<FileId> = ws.ids().filter(|&f| ws.file(f).bundled).collect();
        let cx = Context::new(ws, today());
        let mut offered = 0;
        // Every offset of the examples; a sample of the (longer) bundled policies.
        let files = ids
            .into_iter()
            .map(|f| (f, 1))
            .chain(bundled.into_iter().map(|f| (f, 29)));
        for (file, step) in files {
            let text = &cx.ws.file(file).text;
            for offset in (0..=text.len()).step_by(step).filter(|&o| text.is_char_boundary(o)) {
                let items = completion(&cx, file, offset);
                assert_sound(text, offset, &items);
                offered += usize::from(!items.is_empty());
            }
        }
        assert!(offered > 1000, "{offered}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Half-typed text anywhere in a manifest: completion neither panics nor edits outside
        /// the partial word.
        #[test]
        fn completion_is_total_on_spliced_text(
            at in 0usize..400,
            cursor in 0usize..40,
            splice in "[-:{}\\[\\],&*!|>'\" \n\r\t#a-z0-9.@é中~]{0,16}",
        ) {
            let base = include_str!("../../../examples/support-bot.usecases.yaml");
            let mut at = at.min(base.len());
            while !base.is_char_boundary(at) {
                at -= 1;
            }
            let text = format!("{}{splice}{}", &base[..at], &base[at..]);
            let mut offset = (at + cursor).min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            let mut ws = Workspace::with_bundled();
            let file = ws.add("m.usecases.yaml".into(), text.clone(), FileKind::Manifest, false);
            let cx = Context::new(ws, today());
            assert_sound(&text, offset, &completion(&cx, file, offset));
        }
    }
}
