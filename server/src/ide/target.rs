//! What the cursor is on, and what that stands for.
//!
//! [`occurrences`] lists every id a file writes (declarations and references, with their
//! kind) by walking its document; [`target_at`] picks the one under the cursor. A
//! [`Resolver`] then finds the declaration an occurrence means, in the names of the policy that
//! governs the file: a policy's own chain, a manifest's governing policy. Hover, definition,
//! references and rename are all built from these three.

use crate::check::{Context, governing_policy};
use crate::compact::CompactStr;
use crate::diagnostic::FileId;
use crate::model::{ManifestDoc, PolicyDoc, PolicyRef, Spanned, UseCaseDecl};
use std::collections::HashMap;

use crate::resolve::{Decl, ResolvedPolicy};
use crate::text::TextRange;
use crate::workspace::{Document, Resolved, SourceFile};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TargetKind {
    Category,
    Attribute,
    /// A value of `attribute`.
    Value {
        attribute: String,
    },
    Safeguard,
    Section,
    Rule,
    UseCase,
    /// A policy: a manifest's `policy:`, an `extends:`, or a policy's own `policy:` id.
    Policy,
}

impl TargetKind {
    /// How messages name the kind: "category", "use case".
    pub fn noun(&self) -> &'static str {
        match self {
            TargetKind::Category => "category",
            TargetKind::Attribute => "attribute",
            TargetKind::Value { .. } => "value",
            TargetKind::Safeguard => "safeguard",
            TargetKind::Section => "section",
            TargetKind::Rule => "rule",
            TargetKind::UseCase => "use case",
            TargetKind::Policy => "policy",
        }
    }
}

/// An id in a file: what kind of thing it names, which, and whether it declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: TargetKind,
    /// The token (a quoted scalar's quotes included).
    pub range: TextRange,
    /// The id as written (`high-risk.legal`); for a policy reference, `id` or `id@version`.
    pub name: String,
    pub declaration: bool,
}

/// What the cursor at byte `offset` is on. A cursor touching the end of a token counts; a token
/// that contains the offset wins over one that only touches it.
pub fn target_at(cx: &Context, file: FileId, offset: usize) -> Option<Target> {
    let source = cx.ws.file(file);
    match &source.doc {
        // Listing a big manifest's every id took longer than the rest of a hover.
        Document::Manifest(doc) if !source.tree().anchored => {
            pick(&manifest_occurrences_within(doc, TextRange::empty(offset)), offset)
        }
        _ => pick(&occurrences(source), offset),
    }
}

/// The occurrence [`target_at`] picks among `all` (in document order per kind of place).
fn pick(all: &[Target], offset: usize) -> Option<Target> {
    let found = all
        .iter()
        .find(|t| t.range.contains(offset))
        .or_else(|| all.iter().find(|t| t.range.touches(offset)));
    found.cloned()
}

/// The occurrences of a manifest that may touch `within`, in the order [`occurrences`] lists
/// them: its `policy:`, and those of the use cases whose map touches the range. Every id of a
/// use case lies in its map (valid only with no anchor in the file: no alias brings text from
/// elsewhere), and the maps are items of one list, in document order and disjoint, so their
/// ends are sorted too and a binary search finds the first that can touch.
pub(super) fn manifest_occurrences_within(doc: &ManifestDoc, within: TextRange) -> Vec<Target> {
    let mut out = Vec::new();
    push_manifest_policy(doc, &mut out);
    let first = doc.use_cases.partition_point(|uc| uc.range.end < within.start);
    for uc in doc.use_cases[first..]
        .iter()
        .take_while(|uc| uc.range.start <= within.end)
    {
        use_case_occurrences(uc, &mut out);
    }
    out
}

/// Every id the file writes, in document order per kind of place.
pub(super) fn occurrences(source: &SourceFile) -> Vec<Target> {
    let mut out = Vec::new();
    match &source.doc {
        Document::Policy(doc) => policy_occurrences(doc, &mut out),
        Document::Manifest(doc) => {
            push_manifest_policy(doc, &mut out);
            for uc in &doc.use_cases {
                use_case_occurrences(uc, &mut out);
            }
        }
    }
    out
}

fn push_manifest_policy(doc: &ManifestDoc, out: &mut Vec<Target>) {
    if let Some(policy) = &doc.policy {
        out.push(Target {
            kind: TargetKind::Policy,
            range: policy.range,
            name: policy.value.to_string(),
            declaration: false,
        });
    }
}

fn use_case_occurrences(uc: &UseCaseDecl, out: &mut Vec<Target>) {
    push(out, TargetKind::UseCase, &uc.id, true);
    push_all(out, TargetKind::Category, &uc.categories, false);
    for s in uc.safeguards.iter().flat_map(|s| &s.value) {
        push(out, TargetKind::Safeguard, s, false);
    }
    for (key, value) in &uc.attributes {
        push(out, TargetKind::Attribute, key, false);
        let kind = TargetKind::Value {
            attribute: key.value.to_string(),
        };
        push(out, kind, value, false);
    }
}

fn policy_occurrences(doc: &PolicyDoc, out: &mut Vec<Target>) {
    if let Some(id) = &doc.id {
        push(out, TargetKind::Policy, id, true);
    }
    if let Some(extends) = &doc.extends {
        out.push(Target {
            kind: TargetKind::Policy,
            range: extends.range,
            name: extends.value.to_string(),
            declaration: false,
        });
    }
    for a in &doc.attributes {
        push(out, TargetKind::Attribute, &a.id, true);
        let value = TargetKind::Value {
            attribute: a.id.value.to_string(),
        };
        push_all(out, value.clone(), &a.values, true);
        if let Some(default) = &a.default {
            push(out, value, default, false);
        }
        push_opt(out, TargetKind::Section, a.section.as_ref());
    }
    for s in &doc.safeguards {
        push(out, TargetKind::Safeguard, &s.id, true);
        push_opt(out, TargetKind::Section, s.section.as_ref());
    }
    for s in &doc.sections {
        push(out, TargetKind::Section, &s.id, true);
    }
    for c in &doc.categories {
        push(out, TargetKind::Category, &c.id, true);
        push_opt(out, TargetKind::Section, c.section.as_ref());
    }
    for r in &doc.rules {
        push(out, TargetKind::Rule, &r.id, true);
        push_all(out, TargetKind::Category, &r.categories, false);
        push_all(out, TargetKind::Safeguard, &r.safeguards, false);
        for clause in &r.when {
            push(out, TargetKind::Attribute, &clause.attribute, false);
            let value = TargetKind::Value {
                attribute: clause.attribute.value.to_string(),
            };
            push_all(out, value, &clause.values, false);
        }
        push_opt(out, TargetKind::Section, r.section.as_ref());
    }
}

fn push(out: &mut Vec<Target>, kind: TargetKind, id: &Spanned<CompactStr>, declaration: bool) {
    out.push(Target {
        kind,
        range: id.range,
        name: id.value.to_string(),
        declaration,
    });
}

fn push_all(out: &mut Vec<Target>, kind: TargetKind, ids: &[Spanned<CompactStr>], declaration: bool) {
    for id in ids {
        push(out, kind.clone(), id, declaration);
    }
}

fn push_opt(out: &mut Vec<Target>, kind: TargetKind, id: Option<&Spanned<CompactStr>>) {
    if let Some(id) = id {
        push(out, kind, id, false);
    }
}

/// Where something is declared: the file, the index of the declaration in its document's list
/// (for a value, its attribute's; for a policy, 0) and the range of the declaring id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Declared {
    pub file: FileId,
    pub index: u32,
    pub range: TextRange,
}

/// Finds declarations from one file: in the names of its policy chain when that resolves, else
/// (a policy whose chain is broken) in the file's own declarations.
pub(super) struct Resolver<'c> {
    pub cx: &'c Context,
    pub file: FileId,
    /// The policy whose names the file's references mean.
    pub policy: Option<&'c ResolvedPolicy>,
}

impl<'c> Resolver<'c> {
    pub fn new(cx: &'c Context, file: FileId) -> Self {
        let policy = match &cx.ws.file(file).doc {
            Document::Policy(_) => cx.policy(file),
            Document::Manifest(doc) => governing_policy(cx, doc, &mut Vec::new()),
        };
        Self { cx, file, policy }
    }

    /// The declaration `target` means. A declaration means the visible declaration of its name
    /// (the base's, when a layer redeclares it); a use case means itself.
    pub fn declaration(&self, target: &Target) -> Option<Declared> {
        match &target.kind {
            TargetKind::UseCase => {
                let doc = self.cx.ws.file(self.file).manifest()?;
                let index = doc.use_cases.iter().position(|uc| uc.id.range == target.range)?;
                Some(Declared {
                    file: self.file,
                    index: index as u32,
                    range: target.range,
                })
            }
            TargetKind::Policy if target.declaration => Some(Declared {
                file: self.file,
                index: 0,
                range: target.range,
            }),
            TargetKind::Policy => {
                let reference = PolicyRef::parse(&target.name)?;
                let Resolved::Found(file) = self.cx.registry.resolve(&reference, self.cx.today) else {
                    return None;
                };
                let id = self.cx.ws.file(file).policy()?.id.as_ref()?;
                Some(Declared {
                    file,
                    index: 0,
                    range: id.range,
                })
            }
            TargetKind::Value { attribute } => {
                let a = self.lookup(&TargetKind::Attribute, attribute)?;
                let decl = &self.cx.ws.file(a.file).policy()?.attributes[a.index as usize];
                let value = decl.values.iter().find(|v| v.value == target.name)?;
                Some(Declared {
                    range: value.range,
                    ..a
                })
            }
            kind => self.lookup(kind, &target.name),
        }
    }

    /// The declaration of `name` as a category, attribute, safeguard, section or rule.
    pub fn lookup(&self, kind: &TargetKind, name: &str) -> Option<Declared> {
        if let Some(policy) = self.policy {
            let decl = names(policy, kind)?.1.get(name)?;
            return Some(Declared {
                file: decl.file,
                index: decl.index,
                range: decl.range,
            });
        }
        let doc = self.cx.ws.file(self.file).policy()?;
        own_declarations(doc, kind)
            .into_iter()
            .enumerate()
            .find(|(_, id)| id.value == name)
            .map(|(i, id)| Declared {
                file: self.file,
                index: i as u32,
                range: id.range,
            })
    }

    /// Every name of `kind` visible from the file, in declaration order.
    pub fn names(&self, kind: &TargetKind) -> Vec<String> {
        match self.policy {
            Some(policy) => names(policy, kind).map(|(order, _)| order.to_vec()).unwrap_or_default(),
            None => self
                .cx
                .ws
                .file(self.file)
                .policy()
                .map(|doc| {
                    own_declarations(doc, kind)
                        .iter()
                        .map(|id| id.value.to_string())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// The names of one kind in a policy's scope: their order and their declarations.
fn names<'p>(policy: &'p ResolvedPolicy, kind: &TargetKind) -> Option<(&'p [String], &'p HashMap<String, Decl>)> {
    let scope = &policy.scope;
    let names = match kind {
        TargetKind::Category => &scope.categories,
        TargetKind::Attribute => &scope.attribute_names,
        TargetKind::Safeguard => &scope.safeguards,
        TargetKind::Section => &scope.sections,
        TargetKind::Rule => &scope.rules,
        _ => return None,
    };
    Some((&names.order, &names.decls))
}

/// The ids a policy document declares of `kind`, indexed as its lists are.
fn own_declarations<'d>(doc: &'d PolicyDoc, kind: &TargetKind) -> Vec<&'d Spanned<CompactStr>> {
    match kind {
        TargetKind::Category => doc.categories.iter().map(|d| &d.id).collect(),
        TargetKind::Attribute => doc.attributes.iter().map(|d| &d.id).collect(),
        TargetKind::Safeguard => doc.safeguards.iter().map(|d| &d.id).collect(),
        TargetKind::Section => doc.sections.iter().map(|d| &d.id).collect(),
        TargetKind::Rule => doc.rules.iter().map(|d| &d.id).collect(),
        _ => Vec::new(),
    }
}

/// The id inside a token: a quoted scalar without its quotes, when what is between them is the
/// id as written (no escapes).
pub(super) fn inner_range(text: &str, token: TextRange, name: &str) -> TextRange {
    let slice = text.get(token.start..token.end).unwrap_or_default();
    let quoted = slice.len() >= 2
        && (slice.starts_with('"') && slice.ends_with('"') || slice.starts_with('\'') && slice.ends_with('\''));
    if quoted && &slice[1..slice.len() - 1] == name {
        TextRange::new(token.start + 1, token.end - 1)
    } else {
        token
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::Date;
    use crate::workspace::{FileKind, Workspace};

    /// The day the tests run on: both bundled versions are in effect.
    pub fn today() -> Date {
        Date::parse("2025-10-01").unwrap()
    }

    /// Strips the `$0` cursor marker, returning the text and the cursor's byte offset.
    pub fn cursor(text: &str) -> (String, usize) {
        let offset = text.find("$0").expect("fixture has a $0 cursor");
        (text.replacen("$0", "", 1), offset)
    }

    /// A workspace of the bundled policies plus `files` (path, text, kind by the path); the
    /// file holding `$0` is returned with the cursor's offset.
    pub fn fixture(files: &[(&str, &str)]) -> (Context, FileId, usize) {
        let mut ws = Workspace::with_bundled();
        let mut at = None;
        for (path, text) in files {
            let kind = FileKind::of_path(path).expect("a policy or manifest path");
            if text.contains("$0") {
                let (text, offset) = cursor(text);
                let id = ws.add((*path).to_owned(), text, kind, false);
                at = Some((id, offset));
            } else {
                ws.add((*path).to_owned(), (*text).to_owned(), kind, false);
            }
        }
        let (file, offset) = at.expect("some file has a $0 cursor");
        (Context::new(ws, today()), file, offset)
    }

    /// The file added at `path`.
    pub fn file_of(cx: &Context, path: &str) -> FileId {
        cx.ws
            .ids()
            .find(|&f| cx.ws.file(f).path == path)
            .expect("file in the workspace")
    }

    /// The bundled `anthropic-usage@2025-09-15`.
    pub fn bundled_2025(cx: &Context) -> FileId {
        file_of(cx, "<bundled>/anthropic-usage/2025-09-15.policy.yaml")
    }

    pub fn slice(cx: &Context, file: FileId, range: TextRange) -> &str {
        &cx.ws.file(file).text[range.start..range.end]
    }

    fn at(files: &[(&str, &str)]) -> Option<(Target, String)> {
        let (cx, file, offset) = fixture(files);
        let target = target_at(&cx, file, offset)?;
        let text = slice(&cx, file, target.range).to_owned();
        Some((target, text))
    }

    fn kind_name(files: &[(&str, &str)]) -> (TargetKind, String, bool, String) {
        let (t, text) = at(files).expect("a target at the cursor");
        (t.kind, t.name, t.declaration, text)
    }

    const MANIFEST: &str = "manifest: m\npolicy: anthropic-usage@2025-09-15\nuse-cases:\n  - id: uc\n    summary: 合同摘要（中文）\n    categories: [high-risk.legal, cyber]\n    audience: business\n    safeguards: [ai-disclosure]\n";

    fn manifest_at(needle: &str, shift: usize) -> (TargetKind, String, bool, String) {
        let at = MANIFEST.find(needle).unwrap() + shift;
        let text = format!("{}$0{}", &MANIFEST[..at], &MANIFEST[at..]);
        kind_name(&[("m.usecases.yaml", &text)])
    }

    /// The search over a manifest's nearby use cases finds what the search over every id of
    /// the file finds, at every offset: of random manifests (flow maps, block scalars, CRLF,
    /// missing and repeated ids, some edited until they no longer parse) and of one with an
    /// anchor.
    #[test]
    fn target_at_equals_the_whole_file_search() {
        use crate::testing::{Rng, random_manifest, random_manifest_edit};
        let mut rng = Rng(0x7A46E7);
        let mut texts = vec![
            String::from(MANIFEST),
            String::from("use-cases:\n- id: &a x\n  categories: [c]\n- id: *a\n  categories: [*a, d]\n"),
            String::from("policy: p\nuse-cases: [{id: a, categories: [c]},{id: b, categories: [d]}]\n"),
        ];
        for _ in 0..60 {
            let mut text = random_manifest(&mut rng);
            for _ in 0..rng.below(3) {
                let (start, end, inserted) = random_manifest_edit(&mut rng, &text);
                text.replace_range(start..end, &inserted);
            }
            texts.push(text);
        }
        for text in texts {
            let mut ws = Workspace::with_bundled();
            let file = ws.add("m.usecases.yaml".into(), text.clone(), FileKind::Manifest, false);
            let cx = Context::new(ws, today());
            let all = occurrences(cx.ws.file(file));
            for offset in 0..=text.len() {
                assert_eq!(
                    target_at(&cx, file, offset),
                    pick(&all, offset),
                    "at {offset} of {text:?}"
                );
            }
        }
    }

    #[test]
    fn manifest_references_after_non_ascii_text() {
        use TargetKind::*;
        let legal = (Category, "high-risk.legal".into(), false, "high-risk.legal".into());
        assert_eq!(manifest_at("high-risk.legal", 0), legal);
        assert_eq!(manifest_at("high-risk.legal", 4), legal);
        assert_eq!(
            manifest_at("high-risk.legal", "high-risk.legal".len()),
            legal,
            "touching the end"
        );
        assert_eq!(manifest_at("cyber]", 2).1, "cyber");
        assert_eq!(
            manifest_at("audience", 3),
            (Attribute, "audience".into(), false, "audience".into())
        );
        let business = Value {
            attribute: "audience".into(),
        };
        assert_eq!(
            manifest_at("business", 1),
            (business, "business".into(), false, "business".into())
        );
        assert_eq!(manifest_at("ai-disclosure", 0).0, Safeguard);
        assert_eq!(manifest_at("uc\n", 1), (UseCase, "uc".into(), true, "uc".into()));
        let policy = manifest_at("anthropic-usage@", 3);
        assert_eq!(
            policy,
            (
                Policy,
                "anthropic-usage@2025-09-15".into(),
                false,
                "anthropic-usage@2025-09-15".into()
            )
        );
    }

    #[test]
    fn nothing_on_keys_and_free_text() {
        let text = "manifest: m\nuse-cases:\n  - id: uc\n    summ$0ary: text\n    categories: [cyber]\n";
        assert_eq!(at(&[("m.usecases.yaml", text)]), None);
        let text = "manifest: m\nuse-cases:\n  - id: uc\n    summary: te$0xt\n    categories: [cyber]\n";
        assert_eq!(at(&[("m.usecases.yaml", text)]), None);
    }

    const POLICY: &str = "policy: acme\nversion: 2025-01-01\nextends: anthropic-usage@2025-09-15\nattributes:\n  tier:\n    summary: Plan.\n    values: [free, paid]\n    default: free\n    section: plans\nsafeguards:\n  review:\n    summary: Reviewed.\n    section: plans\nsections:\n  plans:\n    title: Plans\n    text: Plans text.\ncategories:\n  acme:\n    summary: Acme.\n    section: plans\n  acme.beta:\n    summary: Beta.\nrules:\n  - id: beta-paid\n    effect: require\n    categories: [acme.beta, \"high-risk\"]\n    when: { tier: paid, audience: [consumer] }\n    safeguards: [review]\n    section: plans\n";

    fn policy_at(needle: &str, nth: usize) -> (TargetKind, String, bool, String) {
        let at = POLICY.match_indices(needle).nth(nth).unwrap().0 + 1;
        let text = format!("{}$0{}", &POLICY[..at], &POLICY[at..]);
        kind_name(&[("acme.policy.yaml", &text)])
    }

    #[test]
    fn policy_declarations_and_references() {
        use TargetKind::*;
        let tier = || Value {
            attribute: "tier".into(),
        };
        let audience = Value {
            attribute: "audience".into(),
        };
        assert_eq!(policy_at("acme", 0), (Policy, "acme".into(), true, "acme".into()));
        assert_eq!(policy_at("anthropic-usage", 0).0, Policy);
        assert_eq!(policy_at("tier", 0), (Attribute, "tier".into(), true, "tier".into()));
        assert_eq!(policy_at("free", 0), (tier(), "free".into(), true, "free".into()));
        assert_eq!(policy_at("free", 1), (tier(), "free".into(), false, "free".into()));
        assert_eq!(policy_at("plans", 0), (Section, "plans".into(), false, "plans".into()));
        assert_eq!(
            policy_at("review", 0),
            (Safeguard, "review".into(), true, "review".into())
        );
        assert_eq!(policy_at("plans", 2), (Section, "plans".into(), true, "plans".into()));
        assert_eq!(
            policy_at("acme.beta", 0),
            (Category, "acme.beta".into(), true, "acme.beta".into())
        );
        assert_eq!(
            policy_at("beta-paid", 0),
            (Rule, "beta-paid".into(), true, "beta-paid".into())
        );
        assert_eq!(
            policy_at("acme.beta", 1),
            (Category, "acme.beta".into(), false, "acme.beta".into())
        );
        assert_eq!(
            policy_at("\"high-risk\"", 0),
            (Category, "high-risk".into(), false, "\"high-risk\"".into())
        );
        assert_eq!(policy_at("tier", 1), (Attribute, "tier".into(), false, "tier".into()));
        assert_eq!(policy_at("paid", 2), (tier(), "paid".into(), false, "paid".into()));
        assert_eq!(
            policy_at("consumer", 0),
            (audience, "consumer".into(), false, "consumer".into())
        );
        assert!(!policy_at("review", 1).2);
        assert_eq!(policy_at("plans", 4), (Section, "plans".into(), false, "plans".into()));
    }

    #[test]
    fn resolver_finds_bundled_and_own_declarations() {
        let text = POLICY.replacen("acme.beta:", "acme.be$0ta:", 1);
        let (cx, file, _) = fixture(&[("acme.policy.yaml", &text)]);
        let r = Resolver::new(&cx, file);
        let hr = r.lookup(&TargetKind::Category, "high-risk").unwrap();
        assert_eq!(hr.file, bundled_2025(&cx));
        assert_eq!(slice(&cx, hr.file, hr.range), "high-risk");
        let beta = r.lookup(&TargetKind::Category, "acme.beta").unwrap();
        assert_eq!((beta.file, slice(&cx, file, beta.range)), (file, "acme.beta"));
        assert!(r.lookup(&TargetKind::Category, "nope").is_none());
    }

    #[test]
    fn inner_range_strips_quotes() {
        let text = "a: \"x-y\" 'z' w";
        assert_eq!(inner_range(text, TextRange::new(3, 8), "x-y"), TextRange::new(4, 7));
        assert_eq!(inner_range(text, TextRange::new(9, 12), "z"), TextRange::new(10, 11));
        assert_eq!(inner_range(text, TextRange::new(13, 14), "w"), TextRange::new(13, 14));
    }
}
