//! A policy file's tree → [`PolicyDoc`] (SPEC §1.1).
//!
//! What is left out after a diagnostic, and why:
//! - a rule whose `id`, `effect`, `categories`, `safeguards` (on `require`) or `when` is missing
//!   or malformed: half a rule would decide points the author never meant it to;
//! - an attribute without a sound value: it would have no points at all. One whose `default` is
//!   missing or not among its values stays, with `default: None`, so that the rules and use
//!   cases naming it do not all turn into `unknown-attribute` errors as well;
//! - any declaration whose id is invalid, reserved or already declared.
//!
//! Descriptive fields (`summary`, `section`, `title`, `url`, section `text`) that are malformed
//! are left out on their own; the item that holds them stays.

use std::collections::HashMap;

use crate::compact::CompactStr;
use crate::diagnostic::{Code, Diagnostic, FileId};
use crate::model::lower::{Extra, Fields, IdKind, Lowerer, Owner, quote};
use crate::model::{
    AttributeDecl, CategoryDecl, Effect, Localized, PolicyDoc, RuleDecl, SafeguardDecl, SectionDecl, Spanned,
    WhenClause, keys,
};
use crate::syntax::{Entry, NodeId, NodeKind, Tree};
use crate::text::TextRange;

/// Use cases write attributes next to these fields, so an attribute cannot take their names.
const RESERVED_ATTRIBUTES: &[&str] = &["id", "summary", "categories", "safeguards", "expect", "expect-owes"];

const DEFAULTS: &[(&str, Effect)] = &[("allow", Effect::Allow), ("prohibit", Effect::Prohibit)];
const EFFECTS: &[(&str, Effect)] = &[
    ("prohibit", Effect::Prohibit),
    ("allow", Effect::Allow),
    ("require", Effect::Require),
];

/// Lowers a policy file. Reports the structural diagnostics into `diags`; never fails.
pub fn lower_policy(tree: &Tree, file: FileId, diags: &mut Vec<Diagnostic>) -> PolicyDoc {
    let mut lx = Lowerer::new(tree, file, diags);
    let mut doc = PolicyDoc::default();
    let Some((entries, first_key)) = lx.root("a policy file", "a map of keys such as `policy:` and `version:`") else {
        return doc;
    };
    doc.first_key = first_key;
    let owner = lx.file_owner(entries, first_key, "policy", "the policy file");
    let f = lx.fields(entries, keys::POLICY, &owner, Extra::Report);

    doc.id = lx.required_id(&f, "policy", &owner, "policy");
    let version = lx.required(
        &f,
        "version",
        &owner,
        "with the date this version takes effect (YYYY-MM-DD)",
    );
    let reported = lx.diags.len();
    doc.version = version.and_then(|e| lx.date(e.value, &owner.field("version")));
    // A version that is not a date: the rest of the policy is still checked, but nothing can
    // name it by `id@version` until it is fixed.
    if let (Some(id), Some(d)) = (&doc.id, lx.diags.get_mut(reported))
        && doc.version.is_none()
        && d.code == Code::InvalidValue
    {
        d.message.push_str(&format!(
            "; until then policy `{}` cannot be referenced as `{}@…`",
            id.value, id.value
        ));
    }
    doc.title = lx.opt_text(&f, "title", &owner);
    doc.extends = f
        .get("extends")
        .and_then(|e| lx.policy_ref(e.value, &owner.field("extends")));
    doc.default = f
        .get("default")
        .and_then(|e| lx.keyword(e.value, &owner.field("default"), DEFAULTS));

    let declared = |lx: &mut Lowerer, key: &str, kind: &str, id_kind: IdKind| match f.get(key) {
        Some(e) => lx.declarations(e.value, &format!("`{key}`"), kind, id_kind),
        None => Vec::new(),
    };
    let attributes = declared(&mut lx, "attributes", "attribute", IdKind::Plain);
    doc.attributes = attributes
        .into_iter()
        .filter_map(|(id, node)| attribute(&mut lx, id, node))
        .collect();
    let safeguards = declared(&mut lx, "safeguards", "safeguard", IdKind::Plain);
    doc.safeguards = safeguards
        .into_iter()
        .map(|(id, node)| safeguard(&mut lx, id, node))
        .collect();
    let sections = declared(&mut lx, "sections", "section", IdKind::Plain);
    doc.sections = sections
        .into_iter()
        .map(|(id, node)| section(&mut lx, id, node))
        .collect();
    let categories = declared(&mut lx, "categories", "category", IdKind::Category);
    doc.categories = categories
        .into_iter()
        .map(|(id, node)| category(&mut lx, id, node))
        .collect();
    if let Some(e) = f.get("rules") {
        doc.rules = rules(&mut lx, e.value);
    }
    doc
}

/// The fields of one declaration (`audience: {...}`), named and anchored by its id key.
fn declaration_fields(
    lx: &mut Lowerer,
    kind: &str,
    id: &Spanned<CompactStr>,
    node: NodeId,
    keys: keys::Keys,
    expected: &str,
) -> Option<(Owner, Fields)> {
    let owner = Owner::new(format!("{kind} {}", quote(&id.value)), id.range);
    let entries = lx.map(node, &owner.name, expected)?;
    let fields = lx.fields(entries, keys, &owner, Extra::Report);
    Some((owner, fields))
}

fn attribute(lx: &mut Lowerer, id: Spanned<CompactStr>, node: NodeId) -> Option<AttributeDecl> {
    if RESERVED_ATTRIBUTES.contains(&id.value.as_str()) {
        let message = format!(
            "attribute id `{}` is reserved: use cases write attributes next to their `id`, `summary`, `categories`, `safeguards`, `expect` and `expect-owes`; rename the attribute",
            id.value
        );
        lx.report(Code::InvalidId, id.range, message);
        return None;
    }
    let (owner, f) = declaration_fields(
        lx,
        "attribute",
        &id,
        node,
        keys::ATTRIBUTE,
        "a map with `values` and `default`",
    )?;
    let summary = lx.opt_text(&f, "summary", &owner);
    let section = lx.opt_text(&f, "section", &owner);
    let values = lx
        .required(&f, "values", &owner, "with the values it can take")
        .map(|e| attribute_values(lx, e, &owner));
    let default = lx
        .required(&f, "default", &owner, "with one of its values")
        .and_then(|e| lx.text(e.value, &owner.field("default")));
    let values = values?.filter(|v| !v.is_empty())?;
    let default = default.filter(|d| {
        let known = values.iter().any(|v| v.value == d.value);
        if !known {
            let names: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
            lx.not_among(Code::UnknownValue, d, &owner.field("default"), &names, "its values ");
        }
        known
    });
    Some(AttributeDecl {
        id,
        summary,
        values,
        default,
        section,
    })
}

/// An attribute's `values`, each once. `None` when the value is malformed as a whole; an empty
/// list is `invalid-value` (an attribute needs a value for every point).
fn attribute_values(lx: &mut Lowerer, entry: Entry, owner: &Owner) -> Option<Vec<Spanned<CompactStr>>> {
    let what = owner.field("values");
    let scalars = lx.scalars(entry.value, &what, "a value")?;
    if scalars.items.is_empty() && !scalars.had_errors {
        let message = format!("{what} is empty; list at least one value");
        lx.report(Code::InvalidValue, scalars.range, message);
    }
    let mut seen = HashMap::new();
    let values = scalars
        .items
        .into_iter()
        .filter(|v| {
            lx.first_occurrence(&mut seen, v, || {
                format!("value {} is listed twice in {what}; remove this one", quote(&v.value))
            })
        })
        .collect();
    Some(values)
}

fn safeguard(lx: &mut Lowerer, id: Spanned<CompactStr>, node: NodeId) -> SafeguardDecl {
    let (summary, section) = described(lx, "safeguard", &id, node);
    SafeguardDecl { id, summary, section }
}

fn category(lx: &mut Lowerer, id: Spanned<CompactStr>, node: NodeId) -> CategoryDecl {
    let (summary, section) = described(lx, "category", &id, node);
    CategoryDecl { id, summary, section }
}

/// The `summary` and `section` that are all a safeguard or a category holds.
fn described(
    lx: &mut Lowerer,
    kind: &str,
    id: &Spanned<CompactStr>,
    node: NodeId,
) -> (Option<Spanned<CompactStr>>, Option<Spanned<CompactStr>>) {
    let expected = "a map with `summary` and `section`";
    let keys = if kind == "category" {
        keys::CATEGORY
    } else {
        keys::SAFEGUARD
    };
    let Some((owner, f)) = declaration_fields(lx, kind, id, node, keys, expected) else {
        return (None, None);
    };
    (lx.opt_text(&f, "summary", &owner), lx.opt_text(&f, "section", &owner))
}

fn section(lx: &mut Lowerer, id: Spanned<CompactStr>, node: NodeId) -> SectionDecl {
    let mut decl = SectionDecl {
        id,
        title: Localized::default(),
        url: None,
        text: Localized::default(),
    };
    let Some((owner, f)) = declaration_fields(
        lx,
        "section",
        &decl.id,
        node,
        keys::SECTION,
        "a map with `title` and `text`",
    ) else {
        return decl;
    };
    if let Some(e) = f.get("title") {
        decl.title = localized(lx, e.value, &owner, "title");
    }
    decl.url = lx.opt_text(&f, "url", &owner);
    if let Some(e) = lx.required(&f, "text", &owner, "with the section's prose") {
        decl.text = localized(lx, e.value, &owner, "text");
    }
    decl
}

/// A section's `title:` or `text:`: one string (English) or a map from locale to string.
fn localized(lx: &mut Lowerer, node: NodeId, owner: &Owner, field: &str) -> Localized {
    let what = owner.field(field);
    match lx.kind(node) {
        NodeKind::Mapping(entries) => {
            if entries.is_empty() {
                let message = format!("{what} has no locales; add the text under a locale such as `en`");
                lx.report(Code::InvalidValue, lx.range(node), message);
            }
            let text_owner = Owner::new(what.clone(), owner.anchor);
            let mut texts = Vec::with_capacity(entries.len());
            for (locale, entry) in lx.distinct_keys(entries, &text_owner) {
                if !is_locale(&locale.value) {
                    let message = format!(
                        "{} in {what} is not a locale; write a language tag such as `en`, `zh` or `pt-BR`",
                        quote(&locale.value)
                    );
                    lx.report(Code::InvalidValue, locale.range, message);
                    continue;
                }
                if let Some(text) = lx.text(entry.value, &format!("locale `{}` of {what}", locale.value)) {
                    texts.push((locale.value.into(), text));
                }
            }
            Localized(texts)
        }
        NodeKind::Scalar(s) if !s.is_null() => {
            Localized(vec![("en".to_string(), Spanned::new(s.text.clone(), lx.range(node)))])
        }
        _ => {
            lx.wrong_type(node, &what, "text or a map from locales to text");
            Localized::default()
        }
    }
}

/// A BCP 47-like language tag as clients send it: a 2–3 letter language, then subtags
/// (`en`, `zh`, `zh-CN`, `pt-BR`, `zh-Hant-TW`).
fn is_locale(s: &str) -> bool {
    let mut parts = s.split('-');
    let language = parts.next().unwrap_or_default();
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Lowers some items of a policy's `rules` on their own (after `workspace::reparse` spliced
/// them into the tree): `(n, node)` is each item's 1-based position and node. The caller
/// makes sure no other rule shares their ids, so each is lowered as if alone.
pub(crate) fn lower_rule_items(
    tree: &Tree,
    file: FileId,
    items: &[(usize, NodeId)],
    diags: &mut Vec<Diagnostic>,
) -> Vec<RuleDecl> {
    let mut lx = Lowerer::new(tree, file, diags);
    let mut seen = HashMap::new();
    items
        .iter()
        .filter_map(|&(n, node)| {
            let (n, map, entries) = lx.map_item(n, node, "`rules`", "rule map")?;
            seen.clear();
            rule(&mut lx, n, map, entries, &mut seen)
        })
        .collect()
}

fn rules(lx: &mut Lowerer, node: NodeId) -> Vec<RuleDecl> {
    let mut seen = HashMap::new();
    let maps = lx.list_of_maps(node, "`rules`", "rule map");
    let mut rules: Vec<RuleDecl> = maps
        .into_iter()
        .filter_map(|(n, map, entries)| rule(lx, n, map, entries, &mut seen))
        .collect();
    // Grown by doubling, and kept as long as the file: up to half of it would be spare.
    rules.shrink_to_fit();
    rules
}

fn rule(
    lx: &mut Lowerer,
    n: usize,
    map: NodeId,
    entries: &[Entry],
    seen: &mut HashMap<String, TextRange>,
) -> Option<RuleDecl> {
    let owner = lx.item_owner(n, map, entries, "rule");
    let f = lx.fields(entries, keys::RULE, &owner, Extra::Report);
    let id = lx.item_id(&f, &owner, "rule", seen);
    let effect = lx
        .required(&f, "effect", &owner, "with `prohibit`, `allow` or `require`")
        .and_then(|e| lx.keyword(e.value, &owner.field("effect"), EFFECTS));
    let categories = lx
        .required(&f, "categories", &owner, "with the categories it covers")
        .and_then(|e| {
            let if_empty = "so the rule matches nothing; list at least one category";
            lx.nonempty_list(e.value, &owner.field("categories"), "a category id", if_empty)
        });
    let safeguards = rule_safeguards(lx, &f, &owner, effect.as_ref().map(|e| e.value));
    let when = match f.get("when") {
        Some(e) => when(lx, e.value, &owner.field("when")),
        None => Some(Vec::new()),
    };
    let section = lx.opt_text(&f, "section", &owner);
    let summary = lx.opt_text(&f, "summary", &owner);
    Some(RuleDecl {
        id: id?,
        effect: effect?,
        categories: categories?,
        safeguards: safeguards?,
        when: when?,
        section,
        summary,
        range: lx.range(map),
    })
}

/// `safeguards:` belongs on `require` rules only (SPEC §1.2): required there, `unknown-key`
/// elsewhere (the rule stays; the stray list is ignored).
fn rule_safeguards(
    lx: &mut Lowerer,
    f: &Fields,
    owner: &Owner,
    effect: Option<Effect>,
) -> Option<Vec<Spanned<CompactStr>>> {
    let entry = f.get("safeguards");
    match (effect?, entry) {
        (Effect::Require, None) => {
            lx.missing_key(owner, "safeguards", "with the safeguards this `require` rule asks for");
            None
        }
        (Effect::Require, Some(e)) => {
            let if_empty = "so the rule requires nothing; list the safeguards it asks for";
            lx.nonempty_list(e.value, &owner.field("safeguards"), "a safeguard id", if_empty)
        }
        (effect, Some(e)) => {
            let message = format!(
                "`safeguards` only belongs on `require` rules, and {} is `{}`; remove it or make the rule `require`",
                owner.name,
                effect.as_str()
            );
            lx.report(Code::UnknownKey, lx.range(e.key), message);
            Some(Vec::new())
        }
        (_, None) => Some(Vec::new()),
    }
}

/// `when:` — attribute → one value or a list of values. `None` when a clause is malformed or
/// empty: dropping only that clause would widen the rule.
fn when(lx: &mut Lowerer, node: NodeId, what: &str) -> Option<Vec<WhenClause>> {
    let entries = lx.map(node, what, "a map from attribute ids to values")?;
    let owner = Owner::new(what.to_string(), lx.range(node));
    let mut clauses = Vec::with_capacity(entries.len());
    let mut sound = true;
    for (attribute, entry) in lx.distinct_keys(entries, &owner) {
        let clause_what = format!("{} in {what}", quote(&attribute.value));
        match lx.nonempty_list(
            entry.value,
            &clause_what,
            "a value",
            "so the rule matches nothing; list at least one value",
        ) {
            Some(values) => clauses.push(WhenClause { attribute, values }),
            None => sound = false,
        }
    }
    sound.then_some(clauses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Date;
    use crate::model::lower::testing::{FILE, covered, only, summary, tree};

    fn lower(src: &str) -> (PolicyDoc, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let doc = lower_policy(&tree(src), FILE, &mut diags);
        (doc, diags)
    }

    /// A policy around one body of extra keys: `policy` and `version` already there.
    fn with_header(body: &str) -> String {
        format!("policy: acme\nversion: 2025-11-01\n{body}")
    }

    fn texts(items: &[Spanned<CompactStr>]) -> Vec<&str> {
        items.iter().map(|s| s.value.as_str()).collect()
    }

    const EXAMPLE: &str = r#"policy: acme-assistant           # id: lowercase kebab-case
version: 2025-11-01              # ISO date; also the day the version takes effect
title: Acme Assistant usage policy   # optional
extends: anthropic-usage@2025-09-15   # optional; see §3.3
default: allow                   # allow | prohibit; verdict where no rule decides (default: allow)

attributes:                      # finite-domain facts a use case declares
  audience:
    summary: Who reads the output.
    values: [consumer, business]
    default: consumer            # required; used when a use case is silent
    section: high-risk           # optional; hover quotes it

safeguards:
  human-in-the-loop:
    summary: A qualified person reviews output before it reaches the consumer.

sections:                        # the policy's prose; hover quotes it
  high-risk:
    title: High-risk use cases
    url: https://example.com/policy#high-risk      # optional
    text: |                      # a string, or a map of locale -> string
      Uses with public-welfare impact need care.
  cyber:
    title: Cyber
    text: { en: "Do not attack systems.", zh: "不得攻击系统。" }

categories:                      # a tree: a dot separates parent from child
  high-risk:
    summary: Uses with public-welfare or social-equity impact.
    section: high-risk           # optional; a child without one inherits its parent's
  high-risk.legal:
    summary: Legal advice, review or drafting.

rules:
  - id: high-risk-consumer
    effect: require              # prohibit | allow | require
    categories: [high-risk]      # a category names itself and its whole subtree
    safeguards: [human-in-the-loop]   # required for `require`, forbidden otherwise
    when: { audience: consumer } # optional; value or list of values per attribute
    section: high-risk           # optional; default: the first category's section
    summary: Consumer-facing high-risk uses keep a person in the loop.   # optional
  - id: no-legal
    effect: prohibit
    categories: high-risk.legal
    when: { audience: [consumer, business] }
"#;

    #[test]
    fn spec_example_lowers_cleanly() {
        let (doc, diags) = lower(EXAMPLE);
        assert_eq!(diags, []);
        assert_eq!(doc.id.as_ref().unwrap().value, "acme-assistant");
        assert_eq!(
            covered(EXAMPLE, &Diagnostic::new(Code::MissingKey, doc.first_key, "")),
            "policy"
        );
        assert_eq!(doc.version.as_ref().unwrap().value, Date::parse("2025-11-01").unwrap());
        assert_eq!(doc.title.as_ref().unwrap().value, "Acme Assistant usage policy");
        assert_eq!(
            doc.extends.as_ref().unwrap().value.to_string(),
            "anthropic-usage@2025-09-15"
        );
        assert_eq!(doc.default.as_ref().unwrap().value, Effect::Allow);

        let [audience] = doc.attributes.as_slice() else {
            panic!("{:?}", doc.attributes)
        };
        assert_eq!(audience.id.value, "audience");
        assert_eq!(audience.summary.as_ref().unwrap().value, "Who reads the output.");
        assert_eq!(texts(&audience.values), ["consumer", "business"]);
        assert_eq!(audience.default.as_ref().unwrap().value, "consumer");
        assert_eq!(audience.section.as_ref().unwrap().value, "high-risk");

        let [hitl] = doc.safeguards.as_slice() else {
            panic!("{:?}", doc.safeguards)
        };
        assert_eq!(hitl.id.value, "human-in-the-loop");
        assert!(hitl.summary.as_ref().unwrap().value.starts_with("A qualified person"));

        let [high_risk, cyber] = doc.sections.as_slice() else {
            panic!("{:?}", doc.sections)
        };
        assert_eq!(high_risk.title.get("zh"), Some("High-risk use cases"));
        assert_eq!(
            high_risk.url.as_ref().unwrap().value,
            "https://example.com/policy#high-risk"
        );
        assert_eq!(high_risk.text.len(), 1);
        assert_eq!(high_risk.text[0].0, "en");
        assert_eq!(
            high_risk.text[0].1.value,
            "Uses with public-welfare impact need care.\n"
        );
        let locales: Vec<(&str, &str)> = cyber.text.iter().map(|(l, t)| (l.as_str(), t.value.as_str())).collect();
        assert_eq!(locales, [("en", "Do not attack systems."), ("zh", "不得攻击系统。")]);

        let ids: Vec<&str> = doc.categories.iter().map(|c| c.id.value.as_str()).collect();
        assert_eq!(ids, ["high-risk", "high-risk.legal"]);
        assert_eq!(doc.categories[0].section.as_ref().unwrap().value, "high-risk");
        assert_eq!(doc.categories[1].section, None);

        let [first, second] = doc.rules.as_slice() else {
            panic!("{:?}", doc.rules)
        };
        assert_eq!(first.id.value, "high-risk-consumer");
        assert_eq!(first.effect.value, Effect::Require);
        assert_eq!(texts(&first.categories), ["high-risk"]);
        assert_eq!(texts(&first.safeguards), ["human-in-the-loop"]);
        assert_eq!(first.when.len(), 1);
        assert_eq!(first.when[0].attribute.value, "audience");
        assert_eq!(texts(&first.when[0].values), ["consumer"]);
        assert_eq!(first.section.as_ref().unwrap().value, "high-risk");
        assert!(first.summary.is_some());
        assert!(
            covered(EXAMPLE, &Diagnostic::new(Code::MissingKey, first.range, "")).starts_with("id: high-risk-consumer")
        );
        assert_eq!(second.effect.value, Effect::Prohibit);
        assert_eq!(texts(&second.categories), ["high-risk.legal"]);
        assert_eq!(texts(&second.when[0].values), ["consumer", "business"]);
        assert_eq!(second.safeguards, []);
    }

    #[test]
    fn only_the_required_keys_make_a_policy() {
        let (doc, diags) = lower("policy: p\nversion: 2024-02-29\n");
        assert_eq!(diags, []);
        assert_eq!(doc.default, None);
        assert_eq!(doc.extends, None);
        assert!(doc.attributes.is_empty() && doc.rules.is_empty());
    }

    #[test]
    fn unknown_key_offers_the_nearest_key_as_a_fix() {
        let src = with_header("categories:\n  cyber:\n    sumary: Attacks.\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::UnknownKey, "sumary");
        assert_eq!(
            d.message,
            "unknown key `sumary` in category `cyber`; did you mean `summary`?"
        );
        assert_eq!(d.fixes.len(), 1);
        assert_eq!(d.fixes[0].title, "Replace with `summary`");
        assert_eq!(d.fixes[0].edits.len(), 1);
        assert_eq!(d.fixes[0].edits[0].new_text, "summary");
        assert_eq!(
            &src[d.fixes[0].edits[0].range.start..d.fixes[0].edits[0].range.end],
            "sumary"
        );
        assert_eq!(doc.categories.len(), 1, "the category stays");
    }

    #[test]
    fn a_typo_of_a_key_the_map_already_has_is_not_corrected_into_a_duplicate() {
        let rule = "rules:\n  - id: r\n    effect: prohibit\n    categories: [c]\n";
        let src = with_header(&format!("{rule}    summary: Kept.\n    summry: Again.\n"));
        let (_, diags) = lower(&src);
        let d = only(&src, &diags, Code::UnknownKey, "summry");
        assert!(!d.message.contains("did you mean"), "{}", d.message);
        assert!(d.message.contains("valid keys are"), "{}", d.message);
        assert!(
            d.message.ends_with("(`summary` is already there: keep one of the two)"),
            "{}",
            d.message
        );
        assert!(d.fixes.is_empty(), "a fix would write `summary` twice: {:?}", d.fixes);
    }

    #[test]
    fn two_typos_of_one_key_are_not_safe_to_fix_together() {
        let src =
            with_header("categories:\n  cyber:\n    sumary: Attacks.\n    summry: Again.\n  web:\n    sumary: Web.\n");
        let (_, diags) = lower(&src);
        let safe: Vec<(&str, bool)> = diags.iter().map(|d| (covered(&src, d), d.fixes[0].safe)).collect();
        // Within `cyber` both would become `summary`; `web`'s lone typo is another map.
        assert_eq!(safe, [("sumary", false), ("summry", false), ("sumary", true)]);
    }

    #[test]
    fn unknown_key_without_a_near_one_lists_the_valid_keys() {
        let src = with_header("colour: blue\n");
        let (_, diags) = lower(&src);
        let d = only(&src, &diags, Code::UnknownKey, "colour");
        assert_eq!(
            d.message,
            "unknown key `colour` in policy `acme`; valid keys are `policy`, `version`, `title`, `extends`, `default`, \
             `attributes`, `safeguards`, `sections`, `categories` or `rules`"
        );
        assert!(d.fixes.is_empty());
    }

    #[test]
    fn missing_default_is_reported_at_the_attribute_key() {
        let src = with_header("attributes:\n  audience:\n    values: [consumer, business]\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::MissingKey, "audience");
        assert_eq!(
            d.message,
            "attribute `audience` lacks `default`; add `default:` with one of its values"
        );
        assert_eq!(doc.attributes.len(), 1, "kept, so references to it still resolve");
        assert_eq!(doc.attributes[0].default, None);
    }

    #[test]
    fn missing_values_drops_the_attribute() {
        let src = with_header("attributes:\n  audience:\n    default: consumer\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::MissingKey, "audience");
        assert_eq!(
            d.message,
            "attribute `audience` lacks `values`; add `values:` with the values it can take"
        );
        assert!(doc.attributes.is_empty());
    }

    #[test]
    fn missing_key_in_a_rule_is_at_its_first_key() {
        let src = with_header("rules:\n  - id: r1\n    categories: [cyber]\n  - {}\n");
        let (doc, diags) = lower(&src);
        let got = summary(&src, &diags);
        assert_eq!(
            got,
            [
                (
                    Code::MissingKey,
                    "id",
                    "rule `r1` lacks `effect`; add `effect:` with `prohibit`, `allow` or `require`".into()
                ),
                (
                    Code::MissingKey,
                    "{}",
                    "rule #2 lacks `id`; add `id:` with the rule's id".into()
                ),
                (
                    Code::MissingKey,
                    "{}",
                    "rule #2 lacks `effect`; add `effect:` with `prohibit`, `allow` or `require`".into()
                ),
                (
                    Code::MissingKey,
                    "{}",
                    "rule #2 lacks `categories`; add `categories:` with the categories it covers".into()
                ),
            ]
        );
        assert!(doc.rules.is_empty());
    }

    #[test]
    fn missing_policy_is_at_the_first_key_of_the_file() {
        let src = "version: 2025-11-01\ntitle: T\n";
        let (doc, diags) = lower(src);
        let d = only(src, &diags, Code::MissingKey, "version");
        assert_eq!(
            d.message,
            "the policy file lacks `policy`; add `policy:` with the policy's id"
        );
        assert_eq!(doc.id, None);
        assert!(doc.version.is_some());
    }

    #[test]
    fn an_empty_file_lacks_its_keys_at_offset_zero() {
        for src in ["", "# only a comment\n"] {
            let (_, diags) = lower(src);
            let got: Vec<(Code, usize, usize)> = diags.iter().map(|d| (d.code, d.range.start, d.range.end)).collect();
            assert_eq!(
                got,
                [(Code::MissingKey, 0, 0), (Code::MissingKey, 0, 0)],
                "{src:?}: {diags:#?}"
            );
            assert_eq!(
                diags[1].message,
                "the policy file lacks `version`; add `version:` with the date this version takes effect (YYYY-MM-DD)"
            );
        }
    }

    #[test]
    fn shapes_that_do_not_fit_are_wrong_type() {
        let src = with_header("rules:\n  id: r1\n");
        let (_, diags) = lower(&src);
        let d = only(&src, &diags, Code::WrongType, "id: r1");
        assert_eq!(d.message, "`rules` must be a list of rule maps, found a map");

        let src = with_header("attributes: [a, b]\n");
        let (_, diags) = lower(&src);
        let d = only(&src, &diags, Code::WrongType, "[a, b]");
        assert_eq!(
            d.message,
            "`attributes` must be a map from attribute ids to attributes, found a list"
        );

        let src = with_header("rules:\n  - just text\n");
        let (_, diags) = lower(&src);
        let d = only(&src, &diags, Code::WrongType, "just text");
        assert_eq!(d.message, "item 1 of `rules` must be a rule map, found a scalar");

        let src = with_header("safeguards:\n  hitl:\n    summary: [a]\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::WrongType, "[a]");
        assert_eq!(d.message, "`summary` of safeguard `hitl` must be text, found a list");
        assert_eq!(doc.safeguards.len(), 1);
        assert_eq!(doc.safeguards[0].summary, None);

        let src = "- policy: p\n";
        let (_, diags) = lower(src);
        let d = only(src, &diags, Code::WrongType, "- policy: p");
        assert_eq!(
            d.message,
            "a policy file must be a map of keys such as `policy:` and `version:`, found a list"
        );
    }

    #[test]
    fn a_key_that_is_not_text_is_wrong_type() {
        let src = with_header("categories:\n  ? [a, b]\n  : {}\n");
        let (_, diags) = lower(&src);
        let d = only(&src, &diags, Code::WrongType, "[a, b]");
        assert_eq!(d.message, "a key in `categories` must be a name, found a list");
    }

    #[test]
    fn a_null_value_is_wrong_type() {
        let src = with_header("categories:\n  cyber:\n    summary:\n");
        let (doc, diags) = lower(&src);
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].code, Code::WrongType);
        assert_eq!(
            diags[0].message,
            "`summary` of category `cyber` has no value; write text there"
        );
        assert!(covered(&src, &diags[0]).trim().is_empty());
        assert_eq!(doc.categories.len(), 1);

        let src = "policy: ~\nversion: 2025-11-01\n";
        let (doc, diags) = lower(src);
        let d = only(src, &diags, Code::WrongType, "~");
        assert_eq!(d.message, "`policy` has no value; write text there");
        assert_eq!(doc.id, None);
    }

    #[test]
    fn empty_declaration_blocks_declare_nothing() {
        // A block still being written is not an error in itself; what it lacks is.
        let src = with_header("attributes:\nsafeguards:\n  hitl:\nrules:\n");
        let (doc, diags) = lower(&src);
        assert_eq!(diags, []);
        assert_eq!(doc.safeguards.len(), 1);
        assert!(doc.attributes.is_empty() && doc.rules.is_empty());
    }

    #[test]
    fn invalid_effect_offers_the_nearest_effect() {
        let src = with_header("rules:\n  - id: r\n    effect: alow\n    categories: cyber\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::InvalidValue, "alow");
        assert_eq!(
            d.message,
            "`effect` of rule `r` is `alow`, not one of `prohibit`, `allow` or `require`; did you mean `allow`?"
        );
        assert_eq!(d.fixes[0].edits[0].new_text, "allow");
        assert!(doc.rules.is_empty());
    }

    #[test]
    fn invalid_policy_default() {
        let src = with_header("default: require\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::InvalidValue, "require");
        assert_eq!(
            d.message,
            "`default` is `require`, not one of `allow` or `prohibit`; write one of them"
        );
        assert_eq!(doc.default, None);
    }

    #[test]
    fn attribute_default_outside_its_values_is_unknown_value() {
        let src = with_header("attributes:\n  audience:\n    values: [consumer, business]\n    default: consumr\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::UnknownValue, "consumr");
        assert_eq!(
            d.message,
            "`default` of attribute `audience` is `consumr`, not one of its values `consumer` or `business`; did you mean `consumer`?"
        );
        assert_eq!(d.fixes[0].title, "Replace with `consumer`");
        assert_eq!(doc.attributes[0].default, None);
    }

    #[test]
    fn attribute_values_compare_by_text() {
        let src = with_header("attributes:\n  agentic:\n    values: [true, false]\n    default: \"false\"\n");
        let (doc, diags) = lower(&src);
        assert_eq!(diags, []);
        assert_eq!(texts(&doc.attributes[0].values), ["true", "false"]);
        assert_eq!(doc.attributes[0].default.as_ref().unwrap().value, "false");

        let src = with_header("attributes:\n  tier:\n    values: gold\n    default: gold\n");
        let (doc, diags) = lower(&src);
        assert_eq!(diags, []);
        assert_eq!(texts(&doc.attributes[0].values), ["gold"]);
    }

    #[test]
    fn invalid_version_is_not_a_date() {
        let src = "policy: acme\nversion: 2025-02-29\n";
        let (doc, diags) = lower(src);
        let d = only(src, &diags, Code::InvalidValue, "2025-02-29");
        assert_eq!(
            d.message,
            "`version` is `2025-02-29`, not a date; write it as YYYY-MM-DD; until then policy `acme` cannot be referenced as `acme@…`"
        );
        assert_eq!(doc.version, None);
    }

    #[test]
    fn invalid_extends_shows_the_reference_form() {
        let src = with_header("extends: anthropic-usage@2025-9-15\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::InvalidValue, "anthropic-usage@2025-9-15");
        assert_eq!(
            d.message,
            "`extends` is `anthropic-usage@2025-9-15`, not a policy reference; write `id@YYYY-MM-DD` \
             (e.g. `anthropic-usage@2025-09-15`) or a bare `id`"
        );
        assert_eq!(doc.extends, None);
    }

    #[test]
    fn invalid_ids_offer_kebab_case() {
        let src = "policy: Acme_Assistant\nversion: 2025-11-01\n";
        let (doc, diags) = lower(src);
        let d = only(src, &diags, Code::InvalidId, "Acme_Assistant");
        assert_eq!(
            d.message,
            "policy id `Acme_Assistant` is not valid; use lowercase letters, digits and `-`, starting with a letter or digit, e.g. `acme-assistant`"
        );
        assert_eq!(d.fixes[0].edits[0].new_text, "acme-assistant");
        assert_eq!(doc.id, None);

        let src = with_header("categories:\n  High-Risk..Legal: {}\n  ok.fine: {}\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::InvalidId, "High-Risk..Legal");
        assert_eq!(
            d.message,
            "category id `High-Risk..Legal` is not valid; use ids of lowercase letters, digits and `-` joined by `.`"
        );
        assert!(d.fixes.is_empty(), "no valid spelling to offer");
        assert_eq!(doc.categories.len(), 1);

        let src =
            with_header("safeguards:\n  Human In Loop: {}\nrules:\n  - id: -r\n    effect: allow\n    categories: x\n");
        let (doc, diags) = lower(&src);
        let got: Vec<(Code, &str)> = diags.iter().map(|d| (d.code, covered(&src, d))).collect();
        assert_eq!(got, [(Code::InvalidId, "Human In Loop"), (Code::InvalidId, "-r")]);
        assert_eq!(diags[0].fixes[0].edits[0].new_text, "human-in-loop");
        assert!(doc.safeguards.is_empty() && doc.rules.is_empty());
    }

    #[test]
    fn reserved_attribute_names_are_invalid_ids() {
        let src = with_header("attributes:\n  summary:\n    values: [a]\n    default: a\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::InvalidId, "summary");
        assert_eq!(
            d.message,
            "attribute id `summary` is reserved: use cases write attributes next to their `id`, `summary`, `categories`, `safeguards`, `expect` and `expect-owes`; rename the attribute"
        );
        assert!(doc.attributes.is_empty());
    }

    #[test]
    fn a_declaration_twice_is_a_duplicate_id_on_the_second() {
        let src = with_header("safeguards:\n  hitl: {summary: first}\n  hitl: {summary: second}\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::DuplicateId, "hitl");
        assert_eq!(d.range.start, src.rfind("hitl").unwrap());
        assert_eq!(
            d.message,
            "safeguard `hitl` is declared twice; rename or remove this one"
        );
        assert_eq!(d.related.len(), 1);
        assert_eq!(d.related[0].file, FILE);
        assert_eq!(d.related[0].range.start, src.find("hitl").unwrap());
        assert_eq!(doc.safeguards.len(), 1);
        assert_eq!(doc.safeguards[0].summary.as_ref().unwrap().value, "first");
    }

    #[test]
    fn two_rules_with_one_id_are_a_duplicate_id() {
        let src = with_header(
            "rules:\n  - id: r\n    effect: allow\n    categories: a\n  - id: r\n    effect: prohibit\n    categories: b\n",
        );
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::DuplicateId, "r");
        assert_eq!(d.range.start, src.rfind("id: r").unwrap() + 4);
        assert_eq!(d.related[0].range.start, src.find("id: r").unwrap() + 4);
        assert_eq!(d.message, "rule id `r` is used twice; rename this rule");
        assert_eq!(doc.rules.len(), 1);
        assert_eq!(doc.rules[0].effect.value, Effect::Allow);
    }

    #[test]
    fn repeated_values_are_duplicate_ids() {
        let src = with_header("attributes:\n  tier:\n    values: [gold, silver, gold]\n    default: gold\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::DuplicateId, "gold");
        assert_eq!(d.range.start, src.rfind("gold]").unwrap());
        assert_eq!(
            d.message,
            "value `gold` is listed twice in `values` of attribute `tier`; remove this one"
        );
        assert_eq!(texts(&doc.attributes[0].values), ["gold", "silver"]);
    }

    #[test]
    fn a_fixed_key_twice_is_a_yaml_error_and_the_first_wins() {
        let src = with_header("rules:\n  - id: r\n    effect: allow\n    effect: prohibit\n    categories: a\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::YamlSyntax, "effect");
        assert_eq!(d.range.start, src.rfind("effect").unwrap());
        assert_eq!(d.message, "key `effect` appears twice in rule `r`; keep one");
        assert_eq!(doc.rules[0].effect.value, Effect::Allow);
    }

    #[test]
    fn safeguards_on_an_allow_rule_is_an_unknown_key() {
        let src = with_header("rules:\n  - id: r\n    effect: allow\n    categories: a\n    safeguards: [hitl]\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::UnknownKey, "safeguards");
        assert_eq!(
            d.message,
            "`safeguards` only belongs on `require` rules, and rule `r` is `allow`; remove it or make the rule `require`"
        );
        assert_eq!(doc.rules.len(), 1, "the rule itself is sound");
        assert_eq!(doc.rules[0].safeguards, []);
    }

    #[test]
    fn a_require_rule_without_safeguards_is_missing_them() {
        let src = with_header("rules:\n  - effect: require\n    id: r\n    categories: a\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::MissingKey, "effect");
        assert_eq!(
            d.message,
            "rule `r` lacks `safeguards`; add `safeguards:` with the safeguards this `require` rule asks for"
        );
        assert!(doc.rules.is_empty());
    }

    #[test]
    fn empty_lists_match_nothing() {
        let src = with_header("rules:\n  - id: r\n    effect: allow\n    categories: []\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::InvalidValue, "[]");
        assert_eq!(
            d.message,
            "`categories` of rule `r` is empty, so the rule matches nothing; list at least one category"
        );
        assert!(doc.rules.is_empty());

        let src = with_header(
            "rules:\n  - id: r\n    effect: allow\n    categories: a\n    when: {audience: [], agentic: true}\n",
        );
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::InvalidValue, "[]");
        assert_eq!(
            d.message,
            "`audience` in `when` of rule `r` is empty, so the rule matches nothing; list at least one value"
        );
        assert!(doc.rules.is_empty());

        let src = with_header("rules:\n  - id: r\n    effect: require\n    categories: a\n    safeguards: []\n");
        let (_, diags) = lower(&src);
        let d = only(&src, &diags, Code::InvalidValue, "[]");
        assert_eq!(
            d.message,
            "`safeguards` of rule `r` is empty, so the rule requires nothing; list the safeguards it asks for"
        );

        let src = with_header("attributes:\n  a:\n    values: []\n    default: x\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::InvalidValue, "[]");
        assert_eq!(d.message, "`values` of attribute `a` is empty; list at least one value");
        assert!(doc.attributes.is_empty());
    }

    #[test]
    fn a_malformed_category_item_drops_the_rule() {
        let src = with_header("rules:\n  - id: r\n    effect: prohibit\n    categories: [a, {b: c}]\n");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::WrongType, "{b: c}");
        assert_eq!(
            d.message,
            "an item of `categories` of rule `r` must be a category id, found a map"
        );
        assert!(doc.rules.is_empty());
    }

    #[test]
    fn section_text_forms_and_locales() {
        let src = with_header("sections:\n  s:\n    text: [a]\n");
        let (_, diags) = lower(&src);
        let d = only(&src, &diags, Code::WrongType, "[a]");
        assert_eq!(
            d.message,
            "`text` of section `s` must be text or a map from locales to text, found a list"
        );

        let src = with_header("sections:\n  s:\n    text: {en: Hello, pt-BR: Olá, EN_us: x}\n  t:\n    title: T\n");
        let (doc, diags) = lower(&src);
        let got: Vec<(Code, &str)> = diags.iter().map(|d| (d.code, covered(&src, d))).collect();
        assert_eq!(got, [(Code::InvalidValue, "EN_us"), (Code::MissingKey, "t")]);
        assert_eq!(
            diags[0].message,
            "`EN_us` in `text` of section `s` is not a locale; write a language tag such as `en`, `zh` or `pt-BR`"
        );
        assert_eq!(
            diags[1].message,
            "section `t` lacks `text`; add `text:` with the section's prose"
        );
        let locales: Vec<&str> = doc.sections[0].text.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(locales, ["en", "pt-BR"]);
        assert_eq!(doc.sections.len(), 2, "a section without text still resolves");
    }

    #[test]
    fn a_section_title_may_be_localized_like_its_text() {
        let src = with_header(
            "sections:\n  s:\n    title: {en: Weapons, zh: 武器}\n    text: x\n  t:\n    title: [a]\n    text: y\n",
        );
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::WrongType, "[a]");
        assert_eq!(
            d.message,
            "`title` of section `t` must be text or a map from locales to text, found a list"
        );
        let s = &doc.sections[0];
        assert_eq!(
            (s.title_in("zh-CN"), s.title_in("en"), s.title_in("fr")),
            ("武器", "Weapons", "Weapons")
        );
        assert_eq!(
            doc.sections[1].title_in("zh"),
            "t",
            "a section without a usable title shows its id"
        );
    }

    #[test]
    fn non_ascii_text_before_an_error_keeps_byte_ranges_exact() {
        let src = with_header("categories:\n  cyber: { summary: \"攻击 — ünïcödé\", sectoin: x }\n");
        let (_, diags) = lower(&src);
        let d = only(&src, &diags, Code::UnknownKey, "sectoin");
        assert_eq!(d.fixes[0].edits[0].range, d.range);
        assert_eq!(d.fixes[0].edits[0].new_text, "section");
    }

    #[test]
    fn messages_quote_user_text_on_one_line() {
        let src = with_header("categories:\n  \"bad\\nid\": {}\n");
        let (_, diags) = lower(&src);
        let d = only(&src, &diags, Code::InvalidId, "\"bad\\nid\"");
        assert!(
            d.message.starts_with("category id `bad\\nid` is not valid"),
            "{}",
            d.message
        );
    }

    #[test]
    fn invalid_nodes_are_left_to_the_parser() {
        let src = with_header("title: *nope\nrules:\n  - *nope\n  - id: r\n    effect: *nope\n    categories: a\n");
        let out = crate::syntax::parse(&src, &crate::syntax::Limits::default());
        assert!(!out.diagnostics.is_empty());
        let mut diags = Vec::new();
        let doc = lower_policy(&out.tree, FILE, &mut diags);
        assert_eq!(diags, []);
        assert_eq!(doc.title, None);
        assert!(doc.rules.is_empty());
    }

    #[test]
    fn aliases_are_read_like_the_nodes_they_name() {
        let src = with_header(
            "safeguards:\n  a: &s {summary: same}\n  b: *s\nrules:\n  - &r {id: r, effect: allow, categories: c}\n  - *r\n",
        );
        let (doc, diags) = lower(&src);
        assert_eq!(doc.safeguards.len(), 2);
        assert_eq!(doc.safeguards[1].summary.as_ref().unwrap().value, "same");
        // The repeated rule is the same node: still one duplicate, and one rule.
        let got: Vec<Code> = diags.iter().map(|d| d.code).collect();
        assert_eq!(got, [Code::DuplicateId]);
        assert_eq!(doc.rules.len(), 1);
    }

    #[test]
    fn lowering_is_total_on_every_prefix_and_line_deletion() {
        // Cut the example anywhere and drop any line: the parser may complain, lowering must not
        // panic, and every range it reports must lie inside the text.
        for (cut, _) in EXAMPLE.char_indices() {
            assert_total(&EXAMPLE[..cut]);
        }
        let lines: Vec<&str> = EXAMPLE.lines().collect();
        for skip in 0..lines.len() {
            let text: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != skip)
                .map(|(_, l)| *l)
                .collect();
            assert_total(&text.join("\n"));
        }
    }

    /// Runs both lowerings on any text: no panic, and every range inside the text on character
    /// boundaries, every message on one line.
    fn assert_total(src: &str) {
        let out = crate::syntax::parse(src, &crate::syntax::Limits::default());
        let mut diags = Vec::new();
        lower_policy(&out.tree, FILE, &mut diags);
        crate::model::lower_manifest(&out.tree, FILE, &mut diags);
        for d in &diags {
            assert!(
                d.range.start <= d.range.end && d.range.end <= src.len(),
                "{d:?} in {src:?}"
            );
            assert!(src.is_char_boundary(d.range.start) && src.is_char_boundary(d.range.end));
            assert!(!d.message.contains('\n'), "{:?}", d.message);
        }
    }

    proptest::proptest! {
        /// The example with YAML-significant text spliced in anywhere.
        #[test]
        fn lowering_is_total_on_spliced_text(
            at in 0usize..EXAMPLE.len(),
            splice in "[-:{}\\[\\],&*!|>'\" \n#a-z0-9é~]{0,12}",
        ) {
            let mut at = at;
            while !EXAMPLE.is_char_boundary(at) {
                at -= 1;
            }
            assert_total(&format!("{}{splice}{}", &EXAMPLE[..at], &EXAMPLE[at..]));
        }
    }

    #[test]
    fn lowering_is_total_on_a_malformed_tree() {
        use crate::syntax::{Node, NodeKind, Scalar, ScalarStyle};
        let scalar = |text: &str| {
            NodeKind::Scalar(Scalar {
                text: text.into(),
                style: ScalarStyle::Plain,
            })
        };
        let node = |kind| Node {
            kind,
            range: TextRange::new(0, 0),
        };
        // Entries and items pointing past the arena, and the root pointing at itself.
        let tree = Tree {
            nodes: vec![
                node(NodeKind::Mapping(vec![
                    Entry {
                        key: NodeId(1),
                        value: NodeId(2),
                    },
                    Entry {
                        key: NodeId(3),
                        value: NodeId(99),
                    },
                    Entry {
                        key: NodeId(4),
                        value: NodeId(0),
                    },
                ])),
                node(scalar("rules")),
                node(NodeKind::Sequence(vec![NodeId(0), NodeId(42)])),
                node(scalar("policy")),
                node(scalar("attributes")),
            ],
            root: Some(NodeId(0)),
            ..Tree::default()
        };
        let mut diags = Vec::new();
        let doc = lower_policy(&tree, FILE, &mut diags);
        assert!(doc.rules.is_empty());
        let bad_root = Tree {
            nodes: Vec::new(),
            root: Some(NodeId(5)),
            ..Tree::default()
        };
        lower_policy(&bad_root, FILE, &mut diags);
        crate::model::lower_manifest(&bad_root, FILE, &mut diags);
    }
}
