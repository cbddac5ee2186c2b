//! A manifest file's tree → [`ManifestDoc`] (SPEC §1.2).
//!
//! A use case reaches the doc only when its `id`, `categories`, `safeguards` and attribute
//! values are all sound: judging it on part of what it declares would give a verdict for a use
//! case nobody wrote. A malformed `summary` is left out on its own.
//! Keys other than the use case's own fields are attributes of the policy, which is not known
//! here: they are collected as written and checked in `resolve`.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, FileId};
use crate::model::lower::{Extra, Lowerer};
use crate::model::{Expected, ManifestDoc, Spanned, UseCaseDecl, keys};
use crate::syntax::{Entry, NodeId, Tree};
use crate::text::TextRange;

/// Lowers a manifest file. Reports the structural diagnostics into `diags`; never fails.
pub fn lower_manifest(tree: &Tree, file: FileId, diags: &mut Vec<Diagnostic>) -> ManifestDoc {
    let mut lx = Lowerer::new(tree, file, diags);
    let mut doc = ManifestDoc::default();
    let Some((entries, first_key)) = lx.root("a manifest", "a map of keys such as `manifest:` and `use-cases:`") else {
        return doc;
    };
    doc.first_key = first_key;
    let owner = lx.file_owner(entries, first_key, "manifest", "the manifest");
    let f = lx.fields(entries, keys::MANIFEST, &owner, Extra::Report);

    doc.id = lx.required_id(&f, "manifest", &owner, "manifest");
    doc.policy_key = f.get("policy").map(|e| lx.range(e.key));
    doc.policy = f
        .get("policy")
        .and_then(|e| lx.policy_ref(e.value, &owner.field("policy")));
    doc.owner = lx.opt_text(&f, "owner", &owner);
    if let Some(e) = f.get("use-cases") {
        doc.use_cases_key = Some(lx.range(e.key));
        doc.use_cases = use_cases(&mut lx, e.value);
    }
    doc
}

const USE_CASES: &str = "`use-cases`";
const EXPECTATIONS: &[(&str, Expected)] = &[("allowed", Expected::Allowed), ("prohibited", Expected::Prohibited)];
const USE_CASE_MAP: &str = "use-case map";

fn use_cases(lx: &mut Lowerer, node: NodeId) -> Vec<UseCaseDecl> {
    let mut seen = HashMap::new();
    let maps = lx.list_of_maps(node, USE_CASES, USE_CASE_MAP);
    let mut use_cases: Vec<UseCaseDecl> = maps
        .into_iter()
        .filter_map(|(n, map, entries)| use_case(lx, n, map, entries, &mut seen))
        .collect();
    // Grown by doubling, and kept as long as the file (also when it is not open): up to half
    // of it would be spare.
    use_cases.shrink_to_fit();
    use_cases
}

/// Lowers some items of `use-cases` on their own, given with their 1-based positions: what
/// [`lower_manifest`] gives them, except for `duplicate-id`, which needs every item (a partial
/// re-parse only uses this when no id of these items occurs elsewhere).
pub(crate) fn lower_use_case_items(
    tree: &Tree,
    file: FileId,
    items: &[(usize, NodeId)],
    diags: &mut Vec<Diagnostic>,
) -> Vec<UseCaseDecl> {
    let mut lx = Lowerer::new(tree, file, diags);
    let mut seen = HashMap::new();
    items
        .iter()
        .filter_map(|&(n, node)| {
            let (n, map, entries) = lx.map_item(n, node, USE_CASES, USE_CASE_MAP)?;
            seen.clear();
            use_case(&mut lx, n, map, entries, &mut seen)
        })
        .collect()
}

fn use_case(
    lx: &mut Lowerer,
    n: usize,
    map: NodeId,
    entries: &[Entry],
    seen: &mut HashMap<String, TextRange>,
) -> Option<UseCaseDecl> {
    let owner = lx.item_owner(n, map, entries, "use case");
    let f = lx.fields(entries, keys::USE_CASE, &owner, Extra::Keep);
    // An id that is malformed or repeated is reported, but the use case is still checked
    // under the id as written: its references may hold problems of their own.
    let id = lx.item_id(&f, &owner, "use case", seen).or_else(|| {
        let entry = f.get("id")?;
        Some(Spanned::new(lx.scalar_text(entry.value)?.into(), lx.range(entry.value)))
    });
    let summary = lx.opt_text(&f, "summary", &owner);
    let categories = lx
        .required(&f, "categories", &owner, "with the categories it falls under")
        .and_then(|e| {
            let if_empty = "so the use case cannot be judged; list at least one category";
            lx.nonempty_list(e.value, &owner.field("categories"), "a category id", if_empty)
        });
    // Absent and malformed differ: absent is `None` in the doc, malformed leaves the use case out.
    let safeguards = match f.get("safeguards") {
        None => Some(None),
        Some(e) => lx
            .scalars(e.value, &owner.field("safeguards"), "a safeguard id")
            .filter(|s| !s.had_errors)
            .map(|s| Some(Spanned::new(s.items, s.range))),
    };
    // Like `safeguards`: a malformed expectation leaves the use case out, since judging it
    // without would report verdicts the author has said how to take.
    let expect = match f.get("expect") {
        None => Some(None),
        Some(e) => lx
            .keyword(e.value, &owner.field("expect"), EXPECTATIONS)
            .map(|v| Some((lx.range(e.key), v))),
    };
    let expect_owes = match f.get("expect-owes") {
        None => Some(None),
        Some(e) => lx
            .scalars(e.value, &owner.field("expect-owes"), "a safeguard id")
            .filter(|s| !s.had_errors)
            .map(|s| Some((lx.range(e.key), Spanned::new(s.items, s.range)))),
    };
    let mut attributes = Vec::with_capacity(f.extra.len());
    let mut attributes_sound = true;
    for (key, value) in &f.extra {
        match lx.text(*value, &owner.field(&key.value)) {
            Some(value) => attributes.push((key.clone(), value)),
            None => attributes_sound = false,
        }
    }
    if !attributes_sound {
        return None;
    }
    Some(UseCaseDecl {
        id: id?,
        summary,
        categories: categories?,
        safeguards: safeguards?,
        attributes,
        expect: expect?,
        expect_owes: expect_owes?,
        fields: f.known_keys(),
        range: lx.range(map),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;
    use crate::model::Date;
    use crate::model::lower::testing::{FILE, covered, only, summary, tree};

    fn lower(src: &str) -> (ManifestDoc, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let doc = lower_manifest(&tree(src), FILE, &mut diags);
        (doc, diags)
    }

    fn texts(items: &[Spanned<crate::compact::CompactStr>]) -> Vec<&str> {
        items.iter().map(|s| s.value.as_str()).collect()
    }

    /// A manifest with one use case made of `fields` (indented as the use case's keys).
    fn with_use_case(fields: &str) -> String {
        format!("manifest: m\nuse-cases:\n  - {fields}\n")
    }

    const EXAMPLE: &str = r#"manifest: acme-support-bot
policy: acme-assistant@2025-11-01   # id@version; a bare id means its newest version in effect;
                                    # omitted: the bundled anthropic-usage, newest in effect
owner: trust@acme.example           # optional, free text
use-cases:
  - id: contract-summaries
    summary: Summarise contracts for small-business owners.
    categories: [high-risk.legal]
    audience: consumer              # any attribute of the policy, flat in the use case
    safeguards: [human-in-the-loop, ai-disclosure]
  - id: bug-triage
    categories: cyber.defense
    agentic: true
"#;

    #[test]
    fn spec_example_lowers_cleanly() {
        let (doc, diags) = lower(EXAMPLE);
        assert_eq!(diags, []);
        assert_eq!(doc.id.as_ref().unwrap().value, "acme-support-bot");
        let policy = &doc.policy.as_ref().unwrap().value;
        assert_eq!(
            (policy.id.as_str(), policy.version),
            ("acme-assistant", Date::parse("2025-11-01"))
        );
        assert_eq!(doc.owner.as_ref().unwrap().value, "trust@acme.example");
        assert_eq!(&EXAMPLE[doc.first_key.start..doc.first_key.end], "manifest");
        let key = doc.use_cases_key.unwrap();
        assert_eq!(&EXAMPLE[key.start..key.end], "use-cases");

        let [first, second] = doc.use_cases.as_slice() else {
            panic!("{:?}", doc.use_cases)
        };
        assert_eq!(first.id.value, "contract-summaries");
        assert_eq!(
            first.summary.as_ref().unwrap().value,
            "Summarise contracts for small-business owners."
        );
        assert_eq!(texts(&first.categories), ["high-risk.legal"]);
        let safeguards = first.safeguards.as_ref().unwrap();
        assert_eq!(texts(&safeguards.value), ["human-in-the-loop", "ai-disclosure"]);
        assert_eq!(
            &EXAMPLE[safeguards.range.start..safeguards.range.end],
            "[human-in-the-loop, ai-disclosure]"
        );
        let attributes: Vec<(&str, &str)> = first
            .attributes
            .iter()
            .map(|(k, v)| (k.value.as_str(), v.value.as_str()))
            .collect();
        assert_eq!(attributes, [("audience", "consumer")]);
        assert!(EXAMPLE[first.range.start..first.range.end].starts_with("id: contract-summaries"));

        assert_eq!(texts(&second.categories), ["cyber.defense"]);
        assert_eq!(second.safeguards, None, "absent, not empty");
        assert_eq!(second.attributes[0].1.value, "true");
    }

    #[test]
    fn a_bare_manifest_uses_the_bundled_policy() {
        let (doc, diags) = lower("manifest: m\n");
        assert_eq!(diags, []);
        assert_eq!(doc.policy, None);
        assert_eq!(doc.use_cases_key, None);
    }

    #[test]
    fn missing_manifest_key_is_at_the_first_key() {
        let src = "policy: acme\nuse-cases: []\n";
        let (_, diags) = lower(src);
        let d = only(src, &diags, Code::MissingKey, "policy");
        assert_eq!(
            d.message,
            "the manifest lacks `manifest`; add `manifest:` with the manifest's id"
        );
    }

    #[test]
    fn missing_use_case_keys_are_at_its_first_key() {
        let src = with_use_case("summary: S\n    audience: consumer");
        let (doc, diags) = lower(&src);
        let got = summary(&src, &diags);
        assert_eq!(
            got,
            [
                (
                    Code::MissingKey,
                    "summary",
                    "use case #1 lacks `id`; add `id:` with the use case's id".into()
                ),
                (
                    Code::MissingKey,
                    "summary",
                    "use case #1 lacks `categories`; add `categories:` with the categories it falls under".into()
                ),
            ]
        );
        assert!(doc.use_cases.is_empty());
    }

    #[test]
    fn malformed_policy_reference_shows_the_expected_form() {
        let src = "manifest: m\npolicy: acme@latest\n";
        let (doc, diags) = lower(src);
        let d = only(src, &diags, Code::InvalidValue, "acme@latest");
        assert_eq!(
            d.message,
            "`policy` is `acme@latest`, not a policy reference; write `id@YYYY-MM-DD` (e.g. `anthropic-usage@2025-09-15`) or a bare `id`"
        );
        assert_eq!(doc.policy, None);
    }

    #[test]
    fn unknown_top_level_key_offers_the_nearest() {
        let src = "manifest: m\nuse-case: []\n";
        let (_, diags) = lower(src);
        let d = only(src, &diags, Code::UnknownKey, "use-case");
        assert_eq!(
            d.message,
            "unknown key `use-case` in manifest `m`; did you mean `use-cases`?"
        );
        assert_eq!(d.fixes[0].edits[0].new_text, "use-cases");
    }

    #[test]
    fn other_keys_are_attributes_and_must_be_scalars() {
        let src = with_use_case("id: u\n    categories: a\n    audience: [consumer, business]\n    agentic: false");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::WrongType, "[consumer, business]");
        assert_eq!(d.message, "`audience` of use case `u` must be text, found a list");
        assert!(
            doc.use_cases.is_empty(),
            "judging it without `audience` would use the default instead"
        );

        let src = with_use_case("id: u\n    categories: a\n    audience:");
        let (_, diags) = lower(&src);
        assert_eq!(diags.len(), 1);
        assert_eq!(
            diags[0].message,
            "`audience` of use case `u` has no value; write text there"
        );
    }

    #[test]
    fn unknown_looking_keys_are_left_for_the_policy_to_judge() {
        let src = with_use_case("id: u\n    categories: a\n    Audiense: consumer");
        let (doc, diags) = lower(&src);
        assert_eq!(diags, []);
        assert_eq!(doc.use_cases[0].attributes[0].0.value, "Audiense");
    }

    #[test]
    fn two_use_cases_with_one_id_are_a_duplicate_id() {
        let src = "manifest: m\nuse-cases:\n  - id: u\n    categories: a\n  - id: u\n    categories: b\n";
        let (doc, diags) = lower(src);
        let d = only(src, &diags, Code::DuplicateId, "u");
        assert_eq!(d.range.start, src.rfind("id: u").unwrap() + 4);
        assert_eq!(d.related[0].range.start, src.find("id: u").unwrap() + 4);
        assert_eq!(d.related[0].file, FILE);
        assert_eq!(d.message, "use case id `u` is used twice; rename this use case");
        // Both are still checked: the second's references may hold problems of their own.
        assert_eq!(doc.use_cases.len(), 2);
        assert_eq!(texts(&doc.use_cases[1].categories), ["b"]);
    }

    #[test]
    fn a_repeated_key_in_a_use_case_is_a_yaml_error() {
        let src = with_use_case("id: u\n    categories: a\n    audience: consumer\n    audience: business");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::YamlSyntax, "audience");
        assert_eq!(d.range.start, src.rfind("audience").unwrap());
        assert_eq!(d.message, "key `audience` appears twice in use case `u`; keep one");
        assert_eq!(doc.use_cases[0].attributes[0].1.value, "consumer");
    }

    #[test]
    fn use_cases_must_be_a_list_of_maps() {
        let src = "manifest: m\nuse-cases:\n  u: {}\n";
        let (_, diags) = lower(src);
        let d = only(src, &diags, Code::WrongType, "u: {}");
        assert_eq!(d.message, "`use-cases` must be a list of use-case maps, found a map");

        let src = "manifest: m\nuse-cases:\n  - [a]\n";
        let (_, diags) = lower(src);
        let d = only(src, &diags, Code::WrongType, "[a]");
        assert_eq!(d.message, "item 1 of `use-cases` must be a use-case map, found a list");
    }

    #[test]
    fn empty_categories_and_safeguards() {
        let src = with_use_case("id: u\n    categories: []");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::InvalidValue, "[]");
        assert_eq!(
            d.message,
            "`categories` of use case `u` is empty, so the use case cannot be judged; list at least one category"
        );
        assert!(doc.use_cases.is_empty());

        let src = with_use_case("id: u\n    categories: a\n    safeguards: []");
        let (doc, diags) = lower(&src);
        assert_eq!(diags, []);
        assert_eq!(
            doc.use_cases[0].safeguards.as_ref().unwrap().value,
            [],
            "declared empty, not absent"
        );
    }

    #[test]
    fn malformed_safeguards_leave_the_use_case_out() {
        let src = with_use_case("id: u\n    categories: a\n    safeguards: {hitl: yes}");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::WrongType, "{hitl: yes}");
        assert_eq!(
            d.message,
            "`safeguards` of use case `u` must be a safeguard id or a list of them, found a map"
        );
        assert!(doc.use_cases.is_empty());
    }

    #[test]
    fn expectations() {
        let src = with_use_case("id: u\n    categories: a\n    expect: prohibited\n    expect-owes: [x, y]");
        let (doc, diags) = lower(&src);
        assert_eq!(diags, []);
        let uc = &doc.use_cases[0];
        let (key, value) = uc.expect.as_ref().unwrap();
        assert_eq!(&src[key.start..key.end], "expect");
        assert_eq!(value.value, Expected::Prohibited);
        let (key, list) = uc.expect_owes.as_ref().unwrap();
        assert_eq!(&src[key.start..key.end], "expect-owes");
        assert_eq!(texts(&list.value), ["x", "y"]);
        assert!(uc.attributes.is_empty(), "not attributes");

        let src = with_use_case("id: u\n    categories: a\n    expect: deny");
        let (doc, diags) = lower(&src);
        let d = only(&src, &diags, Code::InvalidValue, "deny");
        assert!(
            d.message.contains("not one of `allowed` or `prohibited`"),
            "{}",
            d.message
        );
        assert!(doc.use_cases.is_empty(), "not judged without the expectation");

        let src = with_use_case("id: u\n    categories: a\n    expect-owes: {x: 1}");
        let (doc, diags) = lower(&src);
        only(&src, &diags, Code::WrongType, "{x: 1}");
        assert!(doc.use_cases.is_empty());
    }

    #[test]
    fn invalid_use_case_and_manifest_ids() {
        let src = "manifest: My Bot\nuse-cases:\n  - id: Contract.Summaries\n    categories: a\n";
        let (doc, diags) = lower(src);
        let got: Vec<(Code, &str)> = diags.iter().map(|d| (d.code, covered(src, d))).collect();
        assert_eq!(
            got,
            [(Code::InvalidId, "My Bot"), (Code::InvalidId, "Contract.Summaries")]
        );
        assert_eq!(diags[0].fixes[0].edits[0].new_text, "my-bot");
        assert_eq!(diags[1].fixes[0].edits[0].new_text, "contract-summaries");
        assert_eq!(doc.id, None);
        assert_eq!(
            doc.use_cases[0].id.value, "Contract.Summaries",
            "checked under the id as written"
        );
    }

    #[test]
    fn non_ascii_summary_before_an_error_on_the_same_line() {
        let src = with_use_case("{ id: u, summary: \"Résumé — 合同摘要\", categories: [], audience: consumer }");
        let (_, diags) = lower(&src);
        only(&src, &diags, Code::InvalidValue, "[]");
    }
}
