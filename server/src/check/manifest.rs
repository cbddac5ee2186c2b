//! A manifest's diagnostics: its policy reference, each use case's references, and the
//! verdict of §3.1 on each of its categories.

use super::Context;
use super::alternatives;
use super::cache::{Change, CheckCache, Judged};
use super::describe::Describe;
use crate::analysis::{CatId, CategoryVerdict, Decider, Outcome, RuleRef, Verdict, owed_by_all};
use crate::compact::CompactStr;
use crate::diagnostic::{Code, Diagnostic, Edit, FileId, suggest, unsafe_when_shared};
use crate::model::{Expected, ManifestDoc, PolicyRef, Spanned, UseCaseDecl, keys};
use crate::resolve::{ResolvedPolicy, unknown_reference};
use crate::text::TextRange;
use crate::workspace::Resolved;

/// A manifest's diagnostics; with a `cache`, use cases judged the same way before are not
/// judged again.
pub fn check(cx: &Context, file: FileId, out: &mut Vec<Diagnostic>, cache: Option<&CheckCache>) {
    let Some(doc) = cx.ws.file(file).manifest() else { return };
    let Some((policy_file, policy)) = governing(cx, doc, out) else {
        return;
    };
    let newer = newer_version(cx, doc);
    let describe = Describe::new(&cx.ws, policy);
    let text = &cx.ws.file(file).text;
    let judge = |uc: &UseCaseDecl, out: &mut Vec<Diagnostic>| {
        if let Some(resolved) = resolve_use_case(policy, uc, Some(out)) {
            judge_use_case(&describe, uc, &resolved, text, out);
        }
        newer.as_ref().map_or(Change::Same, |n| change(policy, n.policy, uc))
    };
    let changes = match cache {
        Some(cache) => {
            let judged = Judged {
                serial: cx.serial(),
                policy: policy_file,
                newer: newer.as_ref().map(|n| n.file),
            };
            cache.use_cases(file, judged, text, &doc.use_cases, out, judge)
        }
        None => doc.use_cases.iter().map(|uc| judge(uc, out)).collect(),
    };
    if let Some(newer) = newer {
        out.extend(superseded(doc, &newer, &changes));
    }
}

/// The policy a manifest is judged by; `unknown-policy` when it cannot be had.
pub fn governing_policy<'c>(
    cx: &'c Context,
    doc: &ManifestDoc,
    out: &mut Vec<Diagnostic>,
) -> Option<&'c ResolvedPolicy> {
    governing(cx, doc, out).map(|(_, policy)| policy)
}

/// [`governing_policy`], with the file that defines it.
fn governing<'c>(
    cx: &'c Context,
    doc: &ManifestDoc,
    out: &mut Vec<Diagnostic>,
) -> Option<(FileId, &'c ResolvedPolicy)> {
    let reference = doc.policy.as_ref();
    if reference.is_none() && doc.policy_key.is_some() {
        return None; // a malformed `policy:` is not an omitted one; lowering reported it
    }
    let context = format!("manifest `{}` uses", doc.id.as_ref().map_or("?", |i| i.value.as_str()));
    let file = match cx.resolve_reference(reference.map(|r| &r.value)) {
        Resolved::Found(file) => file,
        resolved => {
            let reference = reference?; // the bundled default always resolves
            out.push(crate::resolve::unknown_policy(
                &cx.registry,
                reference.range,
                &reference.value,
                &resolved,
                &context,
            ));
            return None;
        }
    };
    let policy = cx.policy(file);
    if policy.is_none()
        && let Some(reference) = reference
    {
        out.push(Diagnostic::new(
            Code::UnknownPolicy,
            reference.range,
            format!(
                "policy `{}` cannot be used: its file `{}` has errors in `policy`, `version` or `extends`; fix that file first",
                reference.value,
                cx.ws.file(file).path
            ),
        ));
    }
    policy.map(|p| (file, p))
}

/// A use case with its references resolved against a policy.
#[derive(Debug, Clone)]
pub struct ResolvedUseCase {
    pub categories: Vec<(CatId, TextRange)>,
    /// A value index per attribute of the policy (defaults where the use case is silent).
    pub values: Vec<u32>,
    /// Per attribute: whether the use case states it (else its default stands in).
    pub stated: Vec<bool>,
}

/// Resolves a use case; `None` (after reporting, when `report` is given) when a category,
/// attribute or value is unknown, since such a use case cannot be judged.
pub fn resolve_use_case(
    policy: &ResolvedPolicy,
    uc: &UseCaseDecl,
    mut report: Option<&mut Vec<Diagnostic>>,
) -> Option<ResolvedUseCase> {
    let model = &policy.analysis.model;
    let context = format!("use case `{}`", uc.id.value);
    let mut sound = true;
    let mut emit = |d: Diagnostic| {
        if let Some(out) = report.as_deref_mut() {
            out.push(d);
        }
    };
    let mut categories = Vec::new();
    for c in &uc.categories {
        match model.categories.find(&c.value) {
            Some(id) => categories.push((id, c.range)),
            None => {
                sound = false;
                emit(unknown_reference(
                    Code::UnknownCategory,
                    "category",
                    c,
                    &context,
                    model.categories.names.iter().map(String::as_str),
                ));
            }
        }
    }
    let mut values: Vec<u32> = model.attributes.iter().map(|a| a.default).collect();
    let mut stated = vec![false; values.len()];
    let mut unknown_keys = Vec::new();
    for (key, value) in &uc.attributes {
        let Some(a) = model.attributes.iter().position(|a| a.name == key.value) else {
            sound = false;
            unknown_keys.push(unknown_key(policy, key, uc));
            continue;
        };
        let attribute = &model.attributes[a];
        match attribute.values.iter().position(|v| *v == value.value) {
            Some(v) => {
                values[a] = v as u32;
                stated[a] = true;
            }
            None => {
                sound = false;
                emit(crate::resolve::unknown_value(
                    &attribute.name,
                    &attribute.values,
                    value,
                    &context,
                ));
            }
        }
    }
    unsafe_when_shared(&mut unknown_keys);
    unknown_keys.into_iter().for_each(&mut emit);
    let expect_owes = uc.expect_owes.iter().flat_map(|(_, s)| &s.value);
    for s in uc.safeguards.iter().flat_map(|s| &s.value).chain(expect_owes) {
        if !model.safeguards.iter().any(|known| *known == s.value) {
            emit(unknown_reference(
                Code::UnknownSafeguard,
                "safeguard",
                s,
                &context,
                model.safeguards.iter().map(String::as_str),
            ));
        }
    }
    sound.then_some(ResolvedUseCase {
        categories,
        values,
        stated,
    })
}

fn unknown_key(policy: &ResolvedPolicy, key: &Spanned<CompactStr>, uc: &UseCaseDecl) -> Diagnostic {
    let model = &policy.analysis.model;
    let use_case = &uc.id.value;
    let valid = keys::USE_CASE
        .iter()
        .map(|(k, _)| *k)
        .chain(model.attributes.iter().map(|a| a.name.as_str()));
    // A key the use case already has is no correction: the fix would write it twice.
    let present = |k: &&str| uc.fields.contains(k) || uc.attributes.iter().any(|(a, _)| a.value == *k);
    let (taken, absent): (Vec<&str>, Vec<&str>) = valid.partition(present);
    let near = suggest(&key.value, absent);
    let attributes: Vec<&str> = model.attributes.iter().map(|a| a.name.as_str()).collect();
    let hint = match (near, suggest(&key.value, taken)) {
        (Some(n), _) => format!("did you mean `{}`?", n.name),
        (None, Some(t)) => format!("`{}` is already there: keep one of the two", t.name),
        (None, None) => format!("its attributes are: {}", attributes.join(", ")),
    };
    let d = Diagnostic::new(
        Code::UnknownKey,
        key.range,
        format!(
            "unknown key `{}` in use case `{use_case}`: neither a use-case field nor an attribute of the policy; {hint}",
            key.value
        ),
    );
    match near {
        Some(n) => d.with_correction(key.range, n),
        None => d,
    }
}

/// The verdict on each of the use case's categories, and what it owes.
pub fn verdicts(policy: &ResolvedPolicy, uc: &ResolvedUseCase) -> Vec<CategoryVerdict> {
    uc.categories
        .iter()
        .map(|&(c, _)| policy.analysis.judge_category(c, &uc.values))
        .collect()
}

fn judge_use_case(
    describe: &Describe,
    uc: &UseCaseDecl,
    resolved: &ResolvedUseCase,
    text: &str,
    out: &mut Vec<Diagnostic>,
) {
    let verdicts = verdicts(describe.policy, resolved);
    let allowed = verdicts.iter().all(CategoryVerdict::is_allowed);
    let owed = owed_by_all(&verdicts);
    let safeguards = &describe.policy.analysis.model.safeguards;
    let owed_names: Vec<&str> = owed.iter().map(|(s, _)| safeguards[*s as usize].as_str()).collect();
    match (expectation(uc), meets_expectation(uc, allowed, &owed_names, safeguards)) {
        // A test that holds says nothing; one of what the policy requires (`expect-owes`) or of
        // a prohibition is not a deployment, so no safeguard is reported missing either.
        (Some((_, expected)), Some(true)) => {
            if uc.expect_owes.is_some() || expected == Expected::Prohibited {
                return;
            }
        }
        (Some((_, expected)), Some(false)) => {
            out.extend(unexpected(describe, uc, resolved, &verdicts, expected, allowed, &owed));
            return;
        }
        // Undecided while `expect-owes` names an unknown safeguard: `unknown-safeguard` says so.
        (Some(_), None) => return,
        (None, _) => {
            for (&(category, range), verdict) in resolved.categories.iter().zip(&verdicts) {
                if let Some(d) = prohibition(describe, resolved, &uc.id.value, category, range, verdict) {
                    out.push(d);
                }
            }
        }
    }
    let declared = uc.declared_safeguards();
    let missing: Vec<(u32, Vec<RuleRef>)> = owed
        .into_iter()
        .filter(|(s, _)| !declared.contains(&safeguards[*s as usize].as_str()))
        .collect();
    if !missing.is_empty() {
        out.push(missing_safeguards(describe, uc, resolved, &missing, text));
    }
}

/// `unexpected-verdict` for a test that does not hold ([`meets_expectation`]): the verdict is
/// not the expected one, or a prohibition is expected to owe something, or the owed safeguards
/// differ from `expect-owes`.
fn unexpected(
    describe: &Describe,
    uc: &UseCaseDecl,
    resolved: &ResolvedUseCase,
    verdicts: &[CategoryVerdict],
    expected: Expected,
    allowed: bool,
    owed: &[(u32, Vec<RuleRef>)],
) -> Option<Diagnostic> {
    if allowed != (expected == Expected::Allowed) {
        return Some(unexpected_verdict(describe, uc, resolved, verdicts, expected));
    }
    if expected == Expected::Prohibited {
        return owes_beside_prohibited(describe, uc);
    }
    let (key, list) = uc.expect_owes.as_ref()?;
    let expect_owes: Vec<&str> = list.value.iter().map(|s| s.value.as_str()).collect();
    unexpected_owed(describe, uc, *key, &expect_owes, owed)
}

/// What a use case expects of its verdict, with the range a failure is reported at: its
/// `expect`, or `allowed` at its `expect-owes` when only that is written (owing needs allowing).
pub fn expectation(uc: &UseCaseDecl) -> Option<(TextRange, Expected)> {
    match (&uc.expect, &uc.expect_owes) {
        (Some((key, value)), _) => Some((*key, value.value)),
        (None, Some((key, _))) => Some((*key, Expected::Allowed)),
        (None, None) => None,
    }
}

/// Whether a verdict (allowed or not, and the safeguards it owes) meets a use case's `expect`
/// and `expect-owes`; `None` without them, and `None` while `expect-owes` names an id that is
/// not among the policy's `safeguards` (undecided: `unknown-safeguard` is reported instead).
/// The one test of "holds" that `charter diff` and `charter report` share with the check,
/// which reports `unexpected-verdict` where it fails.
pub fn meets_expectation(uc: &UseCaseDecl, allowed: bool, owed: &[&str], safeguards: &[String]) -> Option<bool> {
    let (_, expected) = expectation(uc)?;
    if allowed != (expected == Expected::Allowed) {
        return Some(false);
    }
    let Some((_, list)) = uc.expect_owes.as_ref() else {
        return Some(true);
    };
    let mut listed: Vec<&str> = list.value.iter().map(|s| s.value.as_str()).collect();
    if !allowed {
        // A prohibited use case owes nothing: only an empty list holds.
        return Some(listed.is_empty());
    }
    if !listed.iter().all(|l| safeguards.iter().any(|s| s == l)) {
        return None;
    }
    listed.sort_unstable();
    listed.dedup();
    let mut owed = owed.to_vec();
    owed.sort_unstable();
    owed.dedup();
    Some(listed == owed)
}

/// `unexpected-verdict` when the verdict is not the expected one: what decides instead.
fn unexpected_verdict(
    describe: &Describe,
    uc: &UseCaseDecl,
    resolved: &ResolvedUseCase,
    verdicts: &[CategoryVerdict],
    expected: Expected,
) -> Diagnostic {
    let model = &describe.policy.analysis.model;
    let policy = describe.policy.name(describe.ws);
    let (range, _) = expectation(uc).expect("called with an expectation");
    let mut reasons = Vec::new();
    let mut deciders = Vec::new();
    for (&(category, _), verdict) in resolved.categories.iter().zip(verdicts) {
        let name = model.categories.name(category);
        match expected {
            Expected::Allowed => {
                let prohibited: Vec<&(CatId, Verdict)> = verdict.prohibited().collect();
                if prohibited.is_empty() {
                    continue;
                }
                let clear: Vec<&(CatId, Verdict)> = prohibited
                    .iter()
                    .copied()
                    .filter(|(_, v)| v.outcome == Outcome::Prohibit)
                    .collect();
                if clear.is_empty() {
                    let rules = match &prohibited[0].1.decider {
                        Decider::Rules(rules) => describe.rules_phrase(rules),
                        other => describe.decider(other),
                    };
                    reasons.push(format!(
                        "`{name}` rests on a conflict between {rules}, so it counts as prohibited"
                    ));
                } else {
                    reasons.push(format!(
                        "`{name}` is prohibited {}",
                        by_decider(describe, category, &clear)
                    ));
                }
                deciders.extend(prohibited.iter().map(|(_, v)| (v.decider.clone(), "prohibits it")));
            }
            Expected::Prohibited => {
                let mut by: Vec<String> = Vec::new();
                for (_, v) in &verdict.leaves {
                    let d = describe.decider(&v.decider);
                    if !by.contains(&d) {
                        by.push(d);
                    }
                    deciders.push((v.decider.clone(), "allows it"));
                }
                reasons.push(format!("`{name}` is allowed by {}", by.join(" and ")));
            }
        }
    }
    let message = format!(
        "use case `{}` expects `{}`, but {} under policy `{policy}`; fix the policy or the expectation",
        uc.id.value,
        expected.as_str(),
        reasons.join("; "),
    );
    let mut d = Diagnostic::new(Code::UnexpectedVerdict, range, message);
    for (decider, what) in &deciders {
        d = describe.relate_decider(d, decider, what);
    }
    let mut seen = Vec::new();
    d.related.retain(|r| {
        let new = !seen.contains(r);
        new.then(|| seen.push(r.clone()));
        new
    });
    d
}

/// `unexpected-verdict` at `expect-owes` when the owed safeguards are not the expected ones.
fn unexpected_owed(
    describe: &Describe,
    uc: &UseCaseDecl,
    key: TextRange,
    expected: &[&str],
    owed: &[(u32, Vec<RuleRef>)],
) -> Option<Diagnostic> {
    let safeguards = &describe.policy.analysis.model.safeguards;
    let owed_names: Vec<&str> = owed.iter().map(|(s, _)| safeguards[*s as usize].as_str()).collect();
    let extra: Vec<&(u32, Vec<RuleRef>)> = owed
        .iter()
        .filter(|(s, _)| !expected.contains(&safeguards[*s as usize].as_str()))
        .collect();
    let mut absent: Vec<&str> = expected.iter().copied().filter(|e| !owed_names.contains(e)).collect();
    absent.dedup();
    if extra.is_empty() && absent.is_empty() {
        return None;
    }
    let policy = describe.policy.name(describe.ws);
    let quote = |names: &[&str]| names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let mut parts = Vec::new();
    let mut rules: Vec<RuleRef> = Vec::new();
    for (s, by) in &extra {
        parts.push(format!(
            "it also owes `{}` (required by {})",
            safeguards[*s as usize],
            describe.rules_phrase(by)
        ));
        rules.extend(by.iter().copied());
    }
    if !absent.is_empty() {
        parts.push(format!("no rule requires {}", quote(&absent)));
    }
    let expected_list = if expected.is_empty() {
        String::from("nothing")
    } else {
        quote(expected)
    };
    let message = format!(
        "use case `{}` expects to owe {expected_list}, but under policy `{policy}` {}; fix the policy or the expectation",
        uc.id.value,
        parts.join(" and "),
    );
    rules.sort();
    rules.dedup();
    let d = Diagnostic::new(Code::UnexpectedVerdict, key, message);
    Some(describe.relate_rules(d, &rules, "requires it"))
}

/// `unexpected-verdict` at `expect-owes` when a use case expected (and found) prohibited also
/// lists safeguards it should owe: no verdict can meet both.
fn owes_beside_prohibited(describe: &Describe, uc: &UseCaseDecl) -> Option<Diagnostic> {
    let (key, list) = uc.expect_owes.as_ref().filter(|(_, l)| !l.value.is_empty())?;
    let listed: Vec<String> = list.value.iter().map(|s| format!("`{}`", s.value)).collect();
    let message = format!(
        "use case `{}` expects `prohibited` and to owe {}, but a prohibited use case owes nothing under policy `{}`; remove `expect-owes` or expect `allowed`",
        uc.id.value,
        listed.join(", "),
        describe.policy.name(describe.ws),
    );
    Some(Diagnostic::new(Code::UnexpectedVerdict, *key, message))
}

/// `prohibited-use`, or `ambiguous-decision` when only a rule conflict makes it prohibited.
fn prohibition(
    describe: &Describe,
    uc: &ResolvedUseCase,
    use_case: &str,
    category: CatId,
    range: TextRange,
    verdict: &CategoryVerdict,
) -> Option<Diagnostic> {
    let prohibited: Vec<_> = verdict.prohibited().collect();
    if prohibited.is_empty() {
        return None;
    }
    let model = &describe.policy.analysis.model;
    let name = model.categories.name(category);
    let clear: Vec<&(CatId, Verdict)> = prohibited
        .iter()
        .copied()
        .filter(|(_, v)| v.outcome == Outcome::Prohibit)
        .collect();
    let policy = describe.policy.name(describe.ws);
    if !clear.is_empty() {
        let by = by_decider(describe, category, &clear);
        let lifted = alternatives::lifting(describe.policy, uc, category);
        let hint = match alternatives::lifting_phrase(describe.policy, uc, &lifted) {
            Some(phrase) => format!("; {phrase}"),
            None => String::from("; remove this category or change the use case so that a rule allows it"),
        };
        let message = format!("use case `{use_case}`: `{name}` is prohibited under policy `{policy}` {by}{hint}");
        let mut d = Diagnostic::new(Code::ProhibitedUse, range, message);
        for (_, v) in &clear {
            d = describe.relate_decider(d, &v.decider, "prohibits it");
        }
        let mut seen = Vec::new();
        d.related.retain(|r| {
            let new = !seen.contains(r);
            new.then(|| seen.push(r.clone()));
            new
        });
        return Some(d);
    }
    let (_, first) = prohibited[0];
    let Decider::Rules(rules) = &first.decider else {
        return None;
    };
    let message = format!(
        "use case `{use_case}`: the verdict on `{name}` rests on a conflict between {} in policy `{policy}`, so it is treated as prohibited; resolve the `rule-conflict` in the policy",
        describe.rules_phrase(rules)
    );
    let d = Diagnostic::new(Code::AmbiguousDecision, range, message);
    Some(describe.relate_rules(d, rules, "takes part in the conflict"))
}

/// `by rule `x`` for a leaf; for a group, each deciding rule with the leaves it prohibits:
/// `at `a`, `b` by rule `x`; at `c` by rule `y``.
fn by_decider(describe: &Describe, category: CatId, clear: &[&(CatId, Verdict)]) -> String {
    let model = &describe.policy.analysis.model;
    if model.categories.is_leaf(category) {
        return format!("by {}", describe.decider(&clear[0].1.decider));
    }
    // By the decider's name: a rule listing several categories is one analysis rule per listing.
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (leaf, v) in clear {
        let leaf = format!("`{}`", model.categories.name(*leaf));
        let decider = describe.decider(&v.decider);
        match groups.iter_mut().find(|(d, _)| *d == decider) {
            Some((_, leaves)) => leaves.push(leaf),
            None => groups.push((decider, vec![leaf])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(decider, leaves)| format!("at {} by {decider}", leaves.join(", ")))
        .collect();
    parts.join("; ")
}

fn missing_safeguards(
    describe: &Describe,
    uc: &UseCaseDecl,
    resolved: &ResolvedUseCase,
    missing: &[(u32, Vec<RuleRef>)],
    text: &str,
) -> Diagnostic {
    let safeguards = &describe.policy.analysis.model.safeguards;
    let names: Vec<&str> = missing.iter().map(|(s, _)| safeguards[*s as usize].as_str()).collect();
    let mut rules: Vec<RuleRef> = missing.iter().flat_map(|(_, r)| r.iter().copied()).collect();
    rules.sort();
    rules.dedup();
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let indices: Vec<u32> = missing.iter().map(|(s, _)| *s).collect();
    let because = alternatives::owing_phrase(describe.policy, resolved, &indices)
        .map(|phrase| format!("; {phrase}"))
        .unwrap_or_default();
    let message = format!(
        "use case `{}` owes {} (required by {}); add {} to its `safeguards`{because}",
        uc.id.value,
        quoted.join(", "),
        describe.rules_phrase(&rules),
        if names.len() == 1 { "it" } else { "them" },
    );
    let d = Diagnostic::new(Code::MissingSafeguard, uc.id.range, message).with_fix(
        format!("Add {} to `safeguards`", quoted.join(", ")),
        vec![add_safeguards(uc, &names, text)],
    );
    describe.relate_rules(d, &rules, "requires it")
}

/// The edit that adds safeguards to a use case: the list rewritten in flow style, or a new
/// `safeguards:` key after the use case's last value.
fn add_safeguards(uc: &UseCaseDecl, names: &[&str], text: &str) -> Edit {
    if let Some(list) = &uc.safeguards {
        let all: Vec<&str> = list
            .value
            .iter()
            .map(|s| s.value.as_str())
            .chain(names.iter().copied())
            .collect();
        return Edit {
            range: list.range,
            new_text: format!("[{}]", all.join(", ")),
        };
    }
    let flow = text.get(uc.range.start..).is_some_and(|t| t.starts_with('{'));
    let new = format!("safeguards: [{}]", names.join(", "));
    if flow {
        let at = uc.range.end.saturating_sub(1);
        return Edit {
            range: TextRange::empty(at),
            new_text: format!(", {new}"),
        };
    }
    let line_start = crate::text::line_start_of(text, uc.range.start);
    let indent = " ".repeat(text[line_start..uc.range.start].chars().count());
    Edit {
        range: TextRange::empty(uc.range.end),
        new_text: format!("\n{indent}{new}"),
    }
}

/// A newer version of the manifest's pinned policy, in effect today.
struct Newer<'c> {
    reference: String,
    date: crate::model::Date,
    file: FileId,
    policy: &'c ResolvedPolicy,
}

fn newer_version<'c>(cx: &'c Context, doc: &ManifestDoc) -> Option<Newer<'c>> {
    let reference = doc.policy.as_ref()?;
    let (newest, file) = superseded_by(cx, &reference.value)?;
    Some(Newer {
        reference: format!("{}@{newest}", reference.value.id),
        date: newest,
        file,
        policy: cx.policy(file)?,
    })
}

/// The manifest's `policy:` reference when `superseded-policy` is reported on it: the check's
/// own decision, suppression comments included, for editors that mark the reference deprecated.
pub fn superseded_reference(cx: &Context, file: FileId) -> Option<TextRange> {
    let source = cx.ws.file(file);
    let doc = source.manifest()?;
    governing(cx, doc, &mut Vec::new())?;
    newer_version(cx, doc)?;
    let range = doc.policy.as_ref()?.range;
    let silenced = super::suppress::is_suppressed(&source.text, range.start, Code::SupersededPolicy);
    (!silenced).then_some(range)
}

/// The newer version in effect today (its date and file) that supersedes the version a
/// reference pins; `None` for a bare id, which already means the newest.
fn superseded_by(cx: &Context, reference: &PolicyRef) -> Option<(crate::model::Date, FileId)> {
    let pinned = reference.version?;
    let (newest, file) = cx.registry.newest_in_effect(&reference.id, cx.today)?;
    (newest > pinned).then_some((newest, file))
}

/// How `uc`'s verdict under `policy` changes under `newer`.
fn change(policy: &ResolvedPolicy, newer: &ResolvedPolicy, uc: &UseCaseDecl) -> Change {
    match (summarize(policy, uc), summarize(newer, uc)) {
        (Some(a), Some(b)) if a.0 != b.0 => Change::Verdict,
        (Some(a), Some(b)) if a.1 != b.1 => Change::Safeguards,
        _ => Change::Same,
    }
}

/// `superseded-policy` when the manifest pins a version older than the newest in effect, with
/// how many use cases change (`changes`, one per use case).
fn superseded(doc: &ManifestDoc, newer: &Newer, changes: &[Change]) -> Option<Diagnostic> {
    let reference = doc.policy.as_ref()?;
    let count = |c: Change| changes.iter().filter(|&&x| x == c).count();
    let (verdicts, safeguards) = (count(Change::Verdict), count(Change::Safeguards));
    let Newer {
        reference: newer_ref,
        date: newest,
        ..
    } = newer;
    let also = match safeguards {
        0 => String::new(),
        1 => String::from(" and 1 more changes the safeguards it owes"),
        n => format!(" and {n} more change the safeguards they owe"),
    };
    let message = format!(
        "policy `{}` is superseded by `{newer_ref}`, in effect since {newest}; {verdicts} of {} use cases change verdict under it{also}; move to `{newer_ref}` when ready (`charter diff` shows what changes)",
        reference.value,
        doc.use_cases.len()
    );
    Some(
        Diagnostic::new(Code::SupersededPolicy, reference.range, message).with_fix(
            format!("Move to `{newer_ref}`"),
            vec![Edit {
                range: reference.range,
                new_text: newer_ref.clone(),
            }],
        ),
    )
}

/// What a use case comes to under a policy: allowed in every category or not, and the
/// safeguards it owes; `None` when it cannot be judged there.
pub fn summarize(policy: &ResolvedPolicy, uc: &UseCaseDecl) -> Option<(bool, Vec<String>)> {
    let resolved = resolve_use_case(policy, uc, None)?;
    let verdicts = verdicts(policy, &resolved);
    let allowed = verdicts.iter().all(CategoryVerdict::is_allowed);
    let mut owed: Vec<u32> = verdicts.iter().flat_map(|v| v.owed()).map(|(s, _)| s).collect();
    owed.sort_unstable();
    owed.dedup();
    let owed = owed
        .into_iter()
        .map(|s| policy.analysis.model.safeguards[s as usize].clone())
        .collect();
    Some((allowed, owed))
}
