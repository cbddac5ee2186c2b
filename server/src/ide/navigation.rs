//! Go to definition, find references and rename, across every file of the workspace (bundled
//! policies included, which are read-only).
//!
//! An occurrence belongs to a declaration when the file's [`Resolver`] resolves it there, so a
//! name means what the policy governing each file makes it mean: a base's category is found in
//! its layers and in the manifests of both, and the older bundled version's category of the same
//! name is another declaration.

use std::collections::BTreeMap;

use super::target::{Declared, Resolver, Target, TargetKind, inner_range, occurrences, target_at};
use super::{Location, WorkspaceEdit};
use crate::check::Context;
use crate::diagnostic::{Edit, FileId};
use crate::model::keys;
use crate::model::{is_valid_category_id, is_valid_id};
use crate::resolve::policy_name;
use crate::text::TextRange;

/// Where what the cursor is on is declared; a declaration is its own definition. Empty when the
/// cursor is on no id, or the id is declared nowhere the file can see.
pub fn definition(cx: &Context, file: FileId, offset: usize) -> Vec<Location> {
    let Some(target) = target_at(cx, file, offset) else {
        return Vec::new();
    };
    if target.declaration {
        return vec![Location {
            file,
            range: target.range,
        }];
    }
    Resolver::new(cx, file)
        .declaration(&target)
        .map(|d| Location {
            file: d.file,
            range: d.range,
        })
        .into_iter()
        .collect()
}

/// Every occurrence, in every file, of what the cursor is on, sorted by file and position; the
/// declaration itself only when `include_declaration`.
pub fn references(cx: &Context, file: FileId, offset: usize, include_declaration: bool) -> Vec<Location> {
    let Some(target) = target_at(cx, file, offset) else {
        return Vec::new();
    };
    let Some(declared) = Resolver::new(cx, file).declaration(&target) else {
        // Declared nowhere: the occurrences of the name in this file at least.
        return same_name_in(cx, file, &target)
            .into_iter()
            .map(|o| Location { file, range: o.range })
            .collect();
    };
    let mut found: Vec<Location> = uses(cx, &target.kind, &target.name, declared)
        .into_iter()
        .flat_map(|(f, targets)| {
            targets.into_iter().map(move |t| Location {
                file: f,
                range: t.range,
            })
        })
        .filter(|l| include_declaration || !(l.file == declared.file && l.range == declared.range))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Per file, the occurrences of `kind` named `name` that mean `declared`.
fn uses(cx: &Context, kind: &TargetKind, name: &str, declared: Declared) -> BTreeMap<FileId, Vec<Target>> {
    cx.ws
        .ids()
        .map(|f| (f, uses_in(cx, f, kind, name, declared)))
        .filter(|(_, found)| !found.is_empty())
        .collect()
}

/// The occurrences in `file` of `kind` named `name` that mean `declared`, in document order
/// per kind of place.
pub(super) fn uses_in(cx: &Context, file: FileId, kind: &TargetKind, name: &str, declared: Declared) -> Vec<Target> {
    let resolver = Resolver::new(cx, file);
    occurrences(cx.ws.file(file))
        .into_iter()
        .filter(|o| {
            // Policy references name one file in several ways (`acme`, `acme@2025-01-01`).
            let named = o.name == name || *kind == TargetKind::Policy;
            o.kind == *kind && named && resolver.declaration(o) == Some(declared)
        })
        .collect()
}

/// The occurrences in `file` of the same kind and name as `target`: what stands for its uses
/// when it is declared nowhere.
pub(super) fn same_name_in(cx: &Context, file: FileId, target: &Target) -> Vec<Target> {
    occurrences(cx.ws.file(file))
        .into_iter()
        .filter(|o| o.kind == target.kind && o.name == target.name)
        .collect()
}

fn renamable(kind: &TargetKind) -> bool {
    matches!(
        kind,
        TargetKind::Category | TargetKind::Safeguard | TargetKind::Section | TargetKind::Attribute | TargetKind::Rule
    )
}

/// The id to rename, when the cursor is on a category, safeguard, section, attribute or rule id
/// in a file that is not bundled. (Whether the rename can go through is [`rename`]'s to say,
/// with a message.)
pub fn prepare_rename(cx: &Context, file: FileId, offset: usize) -> Option<TextRange> {
    let source = cx.ws.file(file);
    if source.bundled {
        return None;
    }
    let target = target_at(cx, file, offset).filter(|t| renamable(&t.kind))?;
    Some(inner_range(&source.text, target.range, &target.name))
}

/// Renames what the cursor is on at its declaration and at every reference in every file that
/// sees that declaration. A category takes its subtree along: `a` → `b` also turns `a.x` into
/// `b.x`. Errors say why the rename cannot be done and what to do instead.
pub fn rename(cx: &Context, file: FileId, offset: usize, new_name: &str) -> Result<WorkspaceEdit, String> {
    let target = target_at(cx, file, offset)
        .ok_or("nothing to rename here: put the cursor on a category, safeguard, section, attribute or rule id")?;
    let kind = &target.kind;
    let noun = kind.noun();
    let old = target.name.as_str();
    if !renamable(kind) {
        return Err(format!(
            "{noun} `{old}` cannot be renamed here; rename works on category, safeguard, section, attribute and rule ids"
        ));
    }
    if cx.ws.file(file).bundled {
        return Err(format!(
            "`{}` is a bundled policy and cannot be edited",
            policy_name(&cx.ws, file)
        ));
    }
    let resolver = Resolver::new(cx, file);
    let Some(declared) = resolver.declaration(&target) else {
        return Err(format!(
            "{noun} `{old}` is not declared in the policy this file uses, so there is nothing to rename; declare it first or fix the reference"
        ));
    };
    if cx.ws.file(declared.file).bundled {
        return Err(format!(
            "{noun} `{old}` is declared in the bundled policy `{}`; it cannot be renamed (declare a {noun} of your own in a policy that extends it instead)",
            policy_name(&cx.ws, declared.file)
        ));
    }
    validate(kind, old, new_name)?;
    if new_name == old {
        return Ok(Vec::new());
    }
    let dependents: Vec<(FileId, Resolver)> = cx
        .ws
        .ids()
        .map(|f| (f, Resolver::new(cx, f)))
        .filter(|(_, r)| r.lookup(kind, old) == Some(declared))
        .collect();
    // What is renamed: the id, and for a category every id of its subtree.
    let renamed = |name: &str| -> Option<String> {
        if name == old {
            return Some(new_name.to_owned());
        }
        let rest = name.strip_prefix(old)?;
        (*kind == TargetKind::Category && rest.starts_with('.')).then(|| format!("{new_name}{rest}"))
    };
    let dependent_files: Vec<FileId> = dependents.iter().map(|(f, _)| *f).collect();
    for (f, r) in &dependents {
        for name in r.names(kind) {
            let Some(new) = renamed(&name) else { continue };
            if let Some(d) = r.lookup(kind, &name)
                && (cx.ws.file(d.file).bundled || !dependent_files.contains(&d.file))
            {
                return Err(format!(
                    "{noun} `{name}` would be renamed too, but it is declared in `{}`, which cannot be changed with it; rename it there first",
                    policy_name(&cx.ws, d.file)
                ));
            }
            if renamed(&new).is_none()
                && let Some(d) = r.lookup(kind, &new)
            {
                return Err(format!(
                    "cannot rename {noun} `{name}` to `{new}`: `{new}` is already declared in `{}`{}; choose another name",
                    policy_name(&cx.ws, d.file),
                    if d.file == *f {
                        String::new()
                    } else {
                        format!(" (seen from `{}`)", cx.ws.file(*f).path)
                    }
                ));
            }
        }
    }
    if *kind == TargetKind::Category
        && let Some((parent, _)) = new_name.rsplit_once('.')
        && Resolver::new(cx, declared.file).lookup(kind, parent).is_none()
    {
        return Err(format!(
            "cannot rename category `{old}` to `{new_name}`: its parent `{parent}` is not declared; declare category `{parent}` first or choose a name under a declared category"
        ));
    }
    let mut edit: WorkspaceEdit = Vec::new();
    for (f, r) in &dependents {
        let source = cx.ws.file(*f);
        let mut edits: Vec<Edit> = occurrences(source)
            .into_iter()
            .filter(|o| o.kind == *kind)
            .filter(|o| o.name != old || r.declaration(o) == Some(declared))
            .filter_map(|o| {
                let new = renamed(&o.name)?;
                Some(Edit {
                    range: inner_range(&source.text, o.range, &o.name),
                    new_text: new,
                })
            })
            .collect();
        if edits.is_empty() {
            continue;
        }
        if source.bundled {
            return Err(format!(
                "renaming {noun} `{old}` would change the bundled policy `{}`; it cannot be renamed",
                policy_name(&cx.ws, *f)
            ));
        }
        edits.sort_by_key(|e| e.range);
        edits.dedup();
        edit.push((*f, edits));
    }
    Ok(edit)
}

/// The new name must be an id of its kind, and an attribute must not take a use case's field
/// names.
fn validate(kind: &TargetKind, old: &str, new_name: &str) -> Result<(), String> {
    let noun = kind.noun();
    let valid = match kind {
        TargetKind::Category => is_valid_category_id(new_name),
        _ => is_valid_id(new_name),
    };
    if !valid {
        let form = match kind {
            TargetKind::Category => {
                "lowercase segments of letters, digits and `-` (each starting with a letter or digit), joined by `.`, such as `high-risk.legal`"
            }
            _ => "lowercase letters, digits and `-`, starting with a letter or digit, such as `human-in-the-loop`",
        };
        return Err(format!(
            "`{new_name}` is not a valid {noun} id for renaming `{old}`: use {form}"
        ));
    }
    if *kind == TargetKind::Attribute && keys::is_use_case_field(new_name) {
        return Err(format!(
            "`{new_name}` cannot name an attribute: use cases already use `{new_name}` as a field; choose another name for `{old}`"
        ));
    }
    if *kind == TargetKind::Category && new_name.strip_prefix(old).is_some_and(|rest| rest.starts_with('.')) {
        return Err(format!(
            "cannot rename category `{old}` to `{new_name}`, inside its own subtree; choose a name outside `{old}.`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::target::tests::{bundled_2025, file_of, fixture, slice};

    fn show(cx: &Context, locations: &[Location]) -> Vec<(String, String)> {
        locations
            .iter()
            .map(|l| (cx.ws.file(l.file).path.clone(), slice(cx, l.file, l.range).to_owned()))
            .collect()
    }

    fn line_of(cx: &Context, l: &Location) -> String {
        let text = &cx.ws.file(l.file).text;
        let start = text[..l.range.start].rfind('\n').map_or(0, |i| i + 1);
        let end = text[l.range.end..].find('\n').map_or(text.len(), |i| l.range.end + i);
        text[start..end].trim().to_owned()
    }

    const BUNDLED: &str = "<bundled>/anthropic-usage/2025-09-15.policy.yaml";

    #[test]
    fn definition_of_a_manifest_category_is_in_the_bundled_policy() {
        let manifest =
            "manifest: m\nuse-cases:\n  - id: uc\n    summary: 中文 😀\n    categories: [high-risk.le$0gal]\n";
        let (cx, file, offset) = fixture(&[("m.usecases.yaml", manifest)]);
        let found = definition(&cx, file, offset);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].file, bundled_2025(&cx));
        assert!(cx.ws.file(found[0].file).bundled);
        assert_eq!(line_of(&cx, &found[0]), "high-risk.legal:");
        assert_eq!(show(&cx, &found), [(BUNDLED.to_owned(), "high-risk.legal".to_owned())]);
    }

    #[test]
    fn definition_of_attributes_values_and_safeguards_in_a_manifest() {
        let base = "manifest: m\npolicy: anthropic-usage@2025-09-15\nuse-cases:\n  - id: uc\n    categories: [cyber.defense]\n    consent: system-owner\n    safeguards: [ai-disclosure]\n";
        let def = |needle: &str| {
            let at = base.find(needle).unwrap() + 2;
            let text = format!("{}$0{}", &base[..at], &base[at..]);
            let (cx, file, offset) = fixture(&[("m.usecases.yaml", &text)]);
            let found = definition(&cx, file, offset);
            found.iter().map(|l| line_of(&cx, l)).collect::<Vec<_>>()
        };
        assert_eq!(def("consent"), ["consent:"]);
        assert_eq!(def("system-owner"), ["values: [system-owner, none]"]);
        assert_eq!(def("ai-disclosure"), ["ai-disclosure:"]);
        assert_eq!(def("anthropic-usage"), ["policy: anthropic-usage"]);
        assert_eq!(def("uc\n"), ["- id: uc"], "a declaration is its own definition");
    }

    const BASE: &str = "policy: acme\nversion: 2025-01-01\ntitle: Acme\nattributes:\n  tier:\n    values: [free, paid]\n    default: free\nsafeguards:\n  review:\n    summary: A person reviews it.\nsections:\n  plans:\n    title: Plans\n    text: Plans.\ncategories:\n  support:\n    summary: Support.\n    section: plans\n  support.chat:\n    summary: Chat.\n  support.mail:\n    summary: Mail.\nrules:\n  - id: chat-review\n    effect: require\n    categories: [support.chat]\n    when: { tier: paid }\n    safeguards: [review]\n";

    const LAYER: &str = "policy: acme-eu\nversion: 2025-02-01\nextends: acme@2025-01-01\ncategories:\n  support.voice:\n    summary: Voice.\nrules:\n  - id: no-support\n    effect: prohibit\n    categories: [support, support.chat]\n    when: { tier: free }\n";

    const M1: &str = "manifest: one\npolicy: acme\nuse-cases:\n  - id: a\n    categories: [support.chat, support]\n    tier: paid\n    safeguards: [review]\n";

    const M2: &str = "manifest: two\npolicy: acme-eu\nuse-cases:\n  - id: b\n    categories: [\"support\"]\n    safeguards: [review]\n    tier: paid\n";

    const OTHER: &str = "manifest: three\nuse-cases:\n  - id: c\n    categories: [high-risk]\n    safeguards: [human-in-the-loop, ai-disclosure]\n";

    fn workspace(cursor_in: &str, needle: &str, nth: usize) -> (Context, FileId, usize) {
        let files = [
            ("acme.policy.yaml", BASE),
            ("acme-eu.policy.yaml", LAYER),
            ("one.usecases.yaml", M1),
            ("two.usecases.yaml", M2),
            ("three.usecases.yaml", OTHER),
        ];
        let files: Vec<(&str, String)> = files
            .iter()
            .map(|&(path, text)| {
                if path != cursor_in {
                    return (path, text.to_owned());
                }
                let at = text.match_indices(needle).nth(nth).expect("needle in the text").0 + 1;
                (path, format!("{}$0{}", &text[..at], &text[at..]))
            })
            .collect();
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        fixture(&files)
    }

    fn no_diagnostics(cx: &Context) {
        for f in cx.ws.ids().filter(|&f| !cx.ws.file(f).bundled) {
            let diagnostics = cx.check_file(f);
            assert!(
                diagnostics
                    .iter()
                    .all(|d| d.severity != crate::diagnostic::Severity::Error),
                "{}: {diagnostics:#?}",
                cx.ws.file(f).path
            );
        }
    }

    #[test]
    fn definition_from_extends_is_the_base_policy_id() {
        let (cx, file, offset) = workspace("acme-eu.policy.yaml", "acme@", 0);
        no_diagnostics(&cx);
        let found = definition(&cx, file, offset);
        assert_eq!(show(&cx, &found), [("acme.policy.yaml".to_owned(), "acme".to_owned())]);
        assert_eq!(line_of(&cx, &found[0]), "policy: acme");
    }

    #[test]
    fn references_of_a_category_across_a_layer_and_two_manifests() {
        let (cx, file, offset) = workspace("one.usecases.yaml", "support", 1);
        let refs = references(&cx, file, offset, true);
        let shown: Vec<(String, String)> = refs
            .iter()
            .map(|l| (cx.ws.file(l.file).path.clone(), line_of(&cx, l)))
            .collect();
        let expected = [
            ("acme.policy.yaml", "support:"),
            ("acme-eu.policy.yaml", "categories: [support, support.chat]"),
            ("one.usecases.yaml", "categories: [support.chat, support]"),
            ("two.usecases.yaml", "categories: [\"support\"]"),
        ];
        let expected: Vec<(String, String)> = expected.iter().map(|(p, l)| ((*p).into(), (*l).into())).collect();
        assert_eq!(shown, expected);
        // Exact tokens: the quoted one with its quotes.
        let tokens: Vec<&str> = refs.iter().map(|l| slice(&cx, l.file, l.range)).collect();
        assert_eq!(tokens, ["support", "support", "support", "\"support\""]);
        // Without the declaration.
        let refs = references(&cx, file, offset, false);
        assert_eq!(refs.len(), 3);
        assert!(refs.iter().all(|l| l.file != file_of(&cx, "acme.policy.yaml")));
    }

    #[test]
    fn references_of_a_bundled_category_stay_in_its_version() {
        let (cx, file, offset) = workspace("three.usecases.yaml", "high-risk", 0);
        let refs = references(&cx, file, offset, true);
        let files: Vec<String> = refs.iter().map(|l| cx.ws.file(l.file).path.clone()).collect();
        // The 2025 declaration and its two rules, and the manifest; not the 2024 version's.
        assert_eq!(files, [BUNDLED, BUNDLED, BUNDLED, "three.usecases.yaml"]);
        assert_eq!(line_of(&cx, &refs[1]), "categories: [high-risk]");
        assert_eq!(
            line_of(&cx, &refs[2]),
            "categories: [general, mcp-server, cyber, politics, law-enforcement, high-risk]"
        );
    }

    #[test]
    fn references_of_a_policy_however_written() {
        let (cx, file, offset) = workspace("acme.policy.yaml", "acme", 0);
        let shown: Vec<(String, String)> = references(&cx, file, offset, true)
            .iter()
            .map(|l| (cx.ws.file(l.file).path.clone(), line_of(&cx, l)))
            .collect();
        let expected = [
            ("acme.policy.yaml", "policy: acme"),
            ("acme-eu.policy.yaml", "extends: acme@2025-01-01"),
            ("one.usecases.yaml", "policy: acme"),
        ];
        let expected: Vec<(String, String)> = expected.iter().map(|(p, l)| ((*p).into(), (*l).into())).collect();
        assert_eq!(shown, expected);
    }

    #[test]
    fn references_of_an_attribute_a_safeguard_and_a_rule() {
        let (cx, file, offset) = workspace("acme.policy.yaml", "tier", 0);
        let shown: Vec<String> = references(&cx, file, offset, true)
            .iter()
            .map(|l| line_of(&cx, l))
            .collect();
        assert_eq!(
            shown,
            [
                "tier:",
                "when: { tier: paid }",
                "when: { tier: free }",
                "tier: paid",
                "tier: paid"
            ]
        );
        let (cx, file, offset) = workspace("two.usecases.yaml", "review", 0);
        let shown = show(&cx, &references(&cx, file, offset, false));
        let paths: Vec<&str> = shown.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["acme.policy.yaml", "one.usecases.yaml", "two.usecases.yaml"]);
        let (cx, file, offset) = workspace("acme.policy.yaml", "chat-review", 0);
        assert_eq!(references(&cx, file, offset, true).len(), 1);
        assert_eq!(references(&cx, file, offset, false), []);
    }

    fn apply(cx: &Context, edit: &WorkspaceEdit) -> Vec<(String, String)> {
        edit.iter()
            .map(|(f, edits)| {
                let mut text = cx.ws.file(*f).text.clone();
                for e in edits.iter().rev() {
                    text.replace_range(e.range.start..e.range.end, &e.new_text);
                }
                (cx.ws.file(*f).path.clone(), text)
            })
            .collect()
    }

    #[test]
    fn rename_a_safeguard_across_policy_and_manifests() {
        let (cx, file, offset) = workspace("one.usecases.yaml", "review", 0);
        assert_eq!(
            prepare_rename(&cx, file, offset).map(|r| slice(&cx, file, r)),
            Some("review")
        );
        let edit = rename(&cx, file, offset, "human-review").unwrap();
        let changed = apply(&cx, &edit);
        let paths: Vec<&str> = changed.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["acme.policy.yaml", "one.usecases.yaml", "two.usecases.yaml"]);
        assert!(changed[0].1.contains("safeguards:\n  human-review:\n"));
        assert!(changed[0].1.contains("safeguards: [human-review]\n"));
        assert!(
            changed[0].1.contains("- id: chat-review\n"),
            "other ids containing it are untouched"
        );
        assert!(changed[1].1.contains("safeguards: [human-review]"));
        assert!(changed[2].1.contains("safeguards: [human-review]"));
    }

    #[test]
    fn rename_a_category_takes_its_subtree_along() {
        let (cx, file, offset) = workspace("acme.policy.yaml", "support:", 0);
        let edit = rename(&cx, file, offset, "help").unwrap();
        let changed = apply(&cx, &edit);
        let get = |p: &str| {
            changed
                .iter()
                .find(|(path, _)| path == p)
                .map(|(_, t)| t.as_str())
                .unwrap()
        };
        let base = get("acme.policy.yaml");
        assert!(base.contains("  help:\n") && base.contains("  help.chat:\n") && base.contains("  help.mail:\n"));
        assert!(base.contains("categories: [help.chat]"));
        assert!(!base.contains("support"));
        let layer = get("acme-eu.policy.yaml");
        assert!(layer.contains("  help.voice:\n") && layer.contains("categories: [help, help.chat]"));
        assert!(get("one.usecases.yaml").contains("categories: [help.chat, help]"));
        assert!(
            get("two.usecases.yaml").contains("categories: [\"help\"]"),
            "quotes are kept"
        );
        assert_eq!(changed.len(), 4);
        // Renaming the result in a fresh workspace checks clean.
        let mut ws = crate::workspace::Workspace::with_bundled();
        for (path, text) in &changed {
            ws.add(
                path.clone(),
                text.clone(),
                crate::workspace::FileKind::of_path(path).unwrap(),
                false,
            );
        }
        no_diagnostics(&Context::new(ws, cx.today));
    }

    #[test]
    fn rename_a_child_category_from_a_reference() {
        let (cx, file, offset) = workspace("acme-eu.policy.yaml", "support.chat", 0);
        let edit = rename(&cx, file, offset, "support.messaging").unwrap();
        let changed = apply(&cx, &edit);
        assert_eq!(changed.len(), 3);
        assert!(changed.iter().all(|(_, t)| !t.contains("support.chat")));
        assert!(changed[0].1.contains("  support:\n"), "the parent stays");
        let err = rename(&cx, file, offset, "nowhere.chat").unwrap_err();
        assert!(err.contains("parent `nowhere` is not declared"), "{err}");
    }

    #[test]
    fn rename_an_attribute_a_section_and_a_rule() {
        let (cx, file, offset) = workspace("one.usecases.yaml", "tier", 0);
        let changed = apply(&cx, &rename(&cx, file, offset, "plan").unwrap());
        assert_eq!(changed.len(), 4);
        assert!(changed[0].1.contains("  plan:\n    values") && changed[0].1.contains("when: { plan: paid }"));
        assert!(changed[1].1.contains("when: { plan: free }"));
        assert!(changed[2].1.contains("    plan: paid\n") && changed[3].1.contains("    plan: paid\n"));
        let err = rename(&cx, file, offset, "summary").unwrap_err();
        assert!(err.contains("use cases already use `summary`"), "{err}");

        let (cx, file, offset) = workspace("acme.policy.yaml", "plans", 1);
        let changed = apply(&cx, &rename(&cx, file, offset, "pricing").unwrap());
        assert_eq!(changed.len(), 1);
        assert!(changed[0].1.contains("  pricing:\n    title") && changed[0].1.contains("section: pricing"));

        let (cx, file, offset) = workspace("acme.policy.yaml", "chat-review", 0);
        let changed = apply(&cx, &rename(&cx, file, offset, "chat-needs-review").unwrap());
        assert!(changed[0].1.contains("- id: chat-needs-review\n"));
    }

    #[test]
    fn rename_rejects_invalid_ids() {
        let (cx, file, offset) = workspace("one.usecases.yaml", "review", 0);
        let err = rename(&cx, file, offset, "Human Review").unwrap_err();
        assert!(
            err.starts_with("`Human Review` is not a valid safeguard id for renaming `review`"),
            "{err}"
        );
        let err = rename(&cx, file, offset, "a.b").unwrap_err();
        assert!(err.contains("not a valid safeguard id"), "{err}");
        let (cx, file, offset) = workspace("acme.policy.yaml", "support:", 0);
        assert!(
            rename(&cx, file, offset, "a..b")
                .unwrap_err()
                .contains("not a valid category id")
        );
        let err = rename(&cx, file, offset, "support.inner").unwrap_err();
        assert!(err.contains("inside its own subtree"), "{err}");
    }

    #[test]
    fn rename_rejects_bundled_declarations() {
        let (cx, file, offset) = workspace("three.usecases.yaml", "ai-disclosure", 0);
        assert!(prepare_rename(&cx, file, offset).is_some(), "rename itself explains");
        let err = rename(&cx, file, offset, "disclosure").unwrap_err();
        assert_eq!(
            err,
            "safeguard `ai-disclosure` is declared in the bundled policy `anthropic-usage@2025-09-15`; it cannot be renamed (declare a safeguard of your own in a policy that extends it instead)"
        );
        let (cx, file, offset) = workspace("three.usecases.yaml", "high-risk", 0);
        assert!(
            rename(&cx, file, offset, "risky")
                .unwrap_err()
                .contains("bundled policy `anthropic-usage@2025-09-15`")
        );
        let bundled = bundled_2025(&cx);
        let at = cx.ws.file(bundled).text.find("human-in-the-loop").unwrap();
        assert_eq!(prepare_rename(&cx, bundled, at), None);
        assert!(rename(&cx, bundled, at, "x").is_err());
    }

    #[test]
    fn rename_rejects_a_name_already_declared() {
        let (cx, file, offset) = workspace("acme.policy.yaml", "support.mail", 0);
        let err = rename(&cx, file, offset, "support.chat").unwrap_err();
        assert!(
            err.contains("`support.chat` is already declared in `acme@2025-01-01`"),
            "{err}"
        );
        // A layer's declaration clashes too, seen from the layer.
        let err = rename(&cx, file, offset, "support.voice").unwrap_err();
        assert!(err.contains("already declared in `acme-eu@2025-02-01`"), "{err}");
        // Renaming to its own name changes nothing.
        let (cx, file, offset) = workspace("acme.policy.yaml", "review", 0);
        assert_eq!(rename(&cx, file, offset, "review"), Ok(vec![]));
        // A name inherited from the bundled policy is taken as well.
        let layer = "policy: mine\nversion: 2025-01-01\nextends: anthropic-usage@2025-09-15\nsafeguards:\n  rev$0iew:\n    summary: Reviewed.\n";
        let (cx, file, offset) = fixture(&[("mine.policy.yaml", layer)]);
        let err = rename(&cx, file, offset, "ai-disclosure").unwrap_err();
        assert_eq!(
            err,
            "cannot rename safeguard `review` to `ai-disclosure`: `ai-disclosure` is already declared in `anthropic-usage@2025-09-15` (seen from `mine.policy.yaml`); choose another name"
        );
    }

    #[test]
    fn rename_rejects_what_is_not_an_id_of_a_renamable_kind() {
        let (cx, file, offset) = workspace("one.usecases.yaml", "paid", 0);
        assert_eq!(prepare_rename(&cx, file, offset), None);
        assert!(
            rename(&cx, file, offset, "gold")
                .unwrap_err()
                .contains("value `paid` cannot be renamed here")
        );
        let (cx, file, offset) = workspace("one.usecases.yaml", "manifest", 0);
        assert!(
            rename(&cx, file, offset, "x")
                .unwrap_err()
                .starts_with("nothing to rename here")
        );
    }

    /// Every feature answers at every offset (inside a char, past the end) of a policy and a
    /// manifest, and at a few offsets of their prefixes (cut at every third or second byte),
    /// without panicking, and every range it gives lies in its file.
    #[test]
    fn every_feature_is_total_on_any_offset_and_prefix() {
        let policy = "policy: p\nversion: 2025-01-01\nextends: anthropic-usage\nattributes:\n  tier: {values: [\"自由\", paid], default: \"自由\"}\nsafeguards: {rv: {summary: 审查}}\ncategories:\n  high-risk.medical: {summary: 医疗}\nrules:\n  - {id: r, effect: require, categories: [high-risk.medical], when: {tier: paid}, safeguards: [rv]}\n";
        let manifest = "manifest: m\npolicy: p\nuse-cases:\n  - id: 用例\n    categories: [high-risk.medical, cyber]\n    tier: paid\n    safeguards: [rv, ai-disclosure]\n";
        for (cut_policy, cut_manifest) in [(policy.len(), manifest.len())]
            .into_iter()
            .chain(
                (0..policy.len())
                    .step_by(3)
                    .filter(|&i| policy.is_char_boundary(i))
                    .map(|i| (i, manifest.len())),
            )
            .chain(
                (0..manifest.len())
                    .step_by(2)
                    .filter(|&i| manifest.is_char_boundary(i))
                    .map(|i| (policy.len(), i)),
            )
        {
            let mut ws = crate::workspace::Workspace::with_bundled();
            let kind = crate::workspace::FileKind::of_path;
            let p = ws.add(
                "p.policy.yaml".into(),
                policy[..cut_policy].into(),
                kind("p.policy.yaml").unwrap(),
                false,
            );
            let m = ws.add(
                "m.usecases.yaml".into(),
                manifest[..cut_manifest].into(),
                kind("m.usecases.yaml").unwrap(),
                false,
            );
            let cx = Context::new(ws, crate::ide::target::tests::today());
            let full = cut_policy == policy.len() && cut_manifest == manifest.len();
            for file in [p, m] {
                let len = cx.ws.file(file).text.len();
                let inside =
                    |l: &Location| l.range.start <= l.range.end && l.range.end <= cx.ws.file(l.file).text.len();
                let _ = crate::ide::document_symbols(&cx, file);
                assert!(crate::ide::folding_ranges(&cx, file).iter().all(|f| f.range.end <= len));
                assert!(crate::ide::document_links(&cx, file).iter().all(|l| l.range.end <= len));
                // Every offset on the whole texts; on prefixes, only the ends, to stay quick.
                let offsets: Vec<usize> = if full {
                    (0..=len + 1).collect()
                } else {
                    vec![0, len / 2, len]
                };
                for offset in offsets {
                    if let Some(h) = crate::ide::hover(&cx, file, offset, "zh-CN") {
                        assert!(h.range.end <= len && !h.markdown.is_empty());
                    }
                    assert!(definition(&cx, file, offset).iter().all(inside));
                    assert!(references(&cx, file, offset, true).iter().all(inside));
                    let highlights = crate::ide::document_highlights(&cx, file, offset);
                    assert!(highlights.iter().all(|h| h.range.end <= len));
                    assert!(
                        crate::ide::selection_ranges(&cx, file, offset)
                            .iter()
                            .all(|r| r.end <= len)
                    );
                    if let Some(r) = prepare_rename(&cx, file, offset) {
                        assert!(r.end <= len);
                    }
                    if let Ok(edit) = rename(&cx, file, offset, "renamed") {
                        for (f, edits) in edit {
                            let flen = cx.ws.file(f).text.len();
                            assert!(edits.iter().all(|e| e.range.end <= flen));
                        }
                    }
                }
            }
        }
    }
}
