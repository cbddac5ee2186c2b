//! Verdicts shown in place. Inlay hints: after each use case's `id`, what its policy says about
//! it. Code lenses: on a manifest's first key, its policy and how many use cases come to each
//! verdict; on a policy's, its base and how many manifests of the workspace it governs.
//!
//! Hint labels start with a mark for the use case as a whole: `✓` fine, `✗` an error
//! (prohibited, or a safeguard it owes is missing), `⚠` a warning (its verdict rests on a rule
//! conflict).

use super::{CodeLens, InlayHint};
use crate::analysis::{CatId, Decider, Outcome, RuleRef, Verdict};
use crate::check::{Context, Describe, governing_policy, resolve_use_case, verdicts};
use crate::diagnostic::FileId;
use crate::model::{ManifestDoc, PolicyDoc, UseCaseDecl};
use crate::resolve::policy_name;
use crate::workspace::Resolved;

/// A hint after each judged use case's `id` value, in a manifest; none in a policy.
pub fn inlay_hints(cx: &Context, file: FileId) -> Vec<InlayHint> {
    let Some(doc) = cx.ws.file(file).manifest() else {
        return Vec::new();
    };
    let Some(policy) = governing_policy(cx, doc, &mut Vec::new()) else {
        return Vec::new();
    };
    let describe = Describe::new(&cx.ws, policy);
    doc.use_cases
        .iter()
        .filter_map(|uc| {
            let judged = judge(&describe, uc)?;
            Some(InlayHint {
                offset: uc.id.range.end,
                label: judged.label,
                tooltip: Some(judged.tooltip),
            })
        })
        .collect()
}

/// One lens on the file's first key: for a manifest, its policy and its use cases counted by
/// verdict; for a policy, what it extends and how many workspace manifests use it.
pub fn code_lenses(cx: &Context, file: FileId) -> Vec<CodeLens> {
    let source = cx.ws.file(file);
    let (range, title) = if let Some(doc) = source.manifest() {
        (doc.first_key, manifest_lens(cx, doc))
    } else if let Some(doc) = source.policy() {
        (doc.first_key, policy_lens(cx, file, doc))
    } else {
        return Vec::new();
    };
    vec![CodeLens { range, title }]
}

/// What a use case comes to, as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bucket {
    Allowed,
    MissingSafeguards,
    Prohibited,
    Ambiguous,
}

struct Judged {
    bucket: Bucket,
    label: String,
    /// Markdown.
    tooltip: String,
}

/// Judges a use case; `None` when it cannot be (an unknown category, attribute or value, or
/// no category at all).
fn judge(describe: &Describe, uc: &UseCaseDecl) -> Option<Judged> {
    let policy = describe.policy;
    let resolved = resolve_use_case(policy, uc, None)?;
    if resolved.categories.is_empty() {
        return None;
    }
    let verdicts = verdicts(policy, &resolved);
    let model = &policy.analysis.model;

    let mut prohibiting: Vec<&Decider> = Vec::new();
    let mut conflicting: Vec<RuleRef> = Vec::new();
    let mut lines = Vec::new();
    for (&(category, _), verdict) in resolved.categories.iter().zip(&verdicts) {
        for (_, leaf) in &verdict.leaves {
            match leaf.outcome {
                Outcome::Prohibit if !prohibiting.contains(&&leaf.decider) => prohibiting.push(&leaf.decider),
                Outcome::Ambiguous => {
                    if let Decider::Rules(rules) = &leaf.decider {
                        conflicting.extend(rules);
                    }
                }
                _ => {}
            }
        }
        lines.extend(category_lines(describe, category, &verdict.leaves));
    }

    let owed = crate::analysis::owed_by_all(&verdicts);
    let declared = uc.declared_safeguards();
    let name = |s: u32| model.safeguards[s as usize].as_str();
    let owed_names: Vec<&str> = owed.iter().map(|(s, _)| name(*s)).collect();
    let missing: Vec<&str> = owed_names.iter().copied().filter(|s| !declared.contains(s)).collect();

    let policy_name = policy.name(describe.ws);
    let (bucket, label, head) = if !prohibiting.is_empty() {
        let mut ids: Vec<String> = Vec::new();
        for decider in &prohibiting {
            for id in decider_ids(describe, decider) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        (
            Bucket::Prohibited,
            format!("✗ prohibited ({})", ids.join(", ")),
            format!("**Prohibited** under `{policy_name}`"),
        )
    } else if !conflicting.is_empty() {
        conflicting.sort();
        conflicting.dedup();
        (
            Bucket::Ambiguous,
            "⚠ ambiguous".to_owned(),
            format!(
                "**Ambiguous** under `{policy_name}`: {} conflict, so it is treated as prohibited",
                describe.rules_phrase(&conflicting)
            ),
        )
    } else {
        let mut label = String::from(if missing.is_empty() {
            "✓ allowed"
        } else {
            "✗ allowed"
        });
        if !owed_names.is_empty() {
            label.push_str(&format!(" · owes {}", owed_names.join(", ")));
        }
        if !missing.is_empty() {
            label.push_str(&format!(" · missing {}", missing.join(", ")));
        }
        let bucket = if missing.is_empty() {
            Bucket::Allowed
        } else {
            Bucket::MissingSafeguards
        };
        (bucket, label, format!("**Allowed** under `{policy_name}`"))
    };

    let mut tooltip = head;
    tooltip.push_str("\n\n");
    tooltip.push_str(&lines.join("\n"));
    if !owed.is_empty() {
        tooltip.push_str("\n\nOwes:");
        for (s, rules) in &owed {
            let state = if declared.contains(&name(*s)) {
                ""
            } else {
                " — **missing**"
            };
            tooltip.push_str(&format!(
                "\n- `{}`, required by {}{state}",
                name(*s),
                describe.rules_phrase(rules)
            ));
        }
    }
    Some(Judged { bucket, label, tooltip })
}

/// The tooltip lines for one category of a use case: its verdict and what decided it, per group
/// of leaves decided alike when it has several.
fn category_lines(describe: &Describe, category: CatId, leaves: &[(CatId, Verdict)]) -> Vec<String> {
    let categories = &describe.policy.analysis.model.categories;
    let mut groups: Vec<(Outcome, &Decider, Vec<CatId>)> = Vec::new();
    for (leaf, verdict) in leaves {
        match groups
            .iter_mut()
            .find(|(o, d, _)| *o == verdict.outcome && **d == verdict.decider)
        {
            Some((_, _, at)) => at.push(*leaf),
            None => groups.push((verdict.outcome, &verdict.decider, vec![*leaf])),
        }
    }
    let name = categories.name(category);
    groups
        .into_iter()
        .map(|(outcome, decider, at)| {
            let outcome = match outcome {
                Outcome::Allow => "allowed",
                Outcome::Prohibit => "prohibited",
                Outcome::Ambiguous => "ambiguous",
            };
            let at = if categories.is_leaf(category) {
                String::new()
            } else {
                let names: Vec<String> = at.iter().map(|&l| format!("`{}`", categories.name(l))).collect();
                format!(" at {}", names.join(", "))
            };
            format!("- `{name}`: {outcome}{at} by {}", decider_phrase(describe, decider))
        })
        .collect()
}

/// What decided, for a tooltip: the rules with their summaries, or the default.
fn decider_phrase(describe: &Describe, decider: &Decider) -> String {
    match decider {
        Decider::Rules(rules) => {
            let mut phrase = describe.rules_phrase(rules);
            if let [rule] = rules.as_slice()
                && let Some(summary) = &describe.rule_decl(*rule).1.summary
            {
                phrase.push_str(&format!(" — {}", summary.value));
            }
            phrase
        }
        Decider::Default { layer } => {
            let file = describe.policy.layer_file(*layer);
            let name = policy_name(describe.ws, file);
            match describe.ws.file(file).policy().and_then(|d| d.default.as_ref()) {
                Some(_) => format!("the `default` of `{name}`"),
                None => format!("default: no rule of `{name}` decides"),
            }
        }
    }
}

/// The ids of the rules that decided, for a label; `default` when none did.
fn decider_ids(describe: &Describe, decider: &Decider) -> Vec<String> {
    match decider {
        Decider::Rules(rules) => rules
            .iter()
            .map(|&r| describe.rule_decl(r).1.id.value.to_string())
            .collect(),
        Decider::Default { .. } => vec!["default".to_owned()],
    }
}

fn manifest_lens(cx: &Context, doc: &ManifestDoc) -> String {
    let total = doc.use_cases.len();
    let Some(policy) = governing_policy(cx, doc, &mut Vec::new()) else {
        let what = match (&doc.policy, doc.policy_key) {
            (Some(reference), _) => match cx.resolve_reference(Some(&reference.value)) {
                Resolved::Found(file) => format!("{} ({}, cannot be used)", reference.value, location(cx, file)),
                _ => format!("{} (unknown policy)", reference.value),
            },
            (None, Some(_)) => "invalid policy reference".to_owned(),
            (None, None) => "no policy".to_owned(),
        };
        return format!("{what} · {}", count(total, "not judged"));
    };
    let describe = Describe::new(&cx.ws, policy);
    let mut counts = [0usize; 5];
    for uc in &doc.use_cases {
        let slot = match judge(&describe, uc).map(|j| j.bucket) {
            Some(Bucket::Allowed) => 0,
            Some(Bucket::MissingSafeguards) => 1,
            Some(Bucket::Prohibited) => 2,
            Some(Bucket::Ambiguous) => 3,
            None => 4,
        };
        counts[slot] += 1;
    }
    let mut where_ = location(cx, policy.file);
    if doc.policy.is_none() {
        where_.push_str(", default");
    }
    let mut parts = vec![format!("{} ({where_})", policy.name(&cx.ws))];
    if total == 0 {
        parts.push("no use cases".to_owned());
    }
    let names = ["allowed", "missing safeguards", "prohibited", "ambiguous", "not judged"];
    for (n, name) in counts.iter().zip(names) {
        if *n > 0 {
            parts.push(count(*n, name));
        }
    }
    parts.join(" · ")
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}")
}

/// `bundled`, or the file name of a workspace policy.
fn location(cx: &Context, file: FileId) -> String {
    let source = cx.ws.file(file);
    if source.bundled {
        return "bundled".to_owned();
    }
    source
        .path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(&source.path)
        .to_owned()
}

fn policy_lens(cx: &Context, file: FileId, doc: &PolicyDoc) -> String {
    let mut parts = Vec::new();
    if let Some(base) = &doc.extends {
        parts.push(match cx.registry.resolve(&base.value, cx.today) {
            Resolved::Found(b) => format!("extends {}", policy_name(&cx.ws, b)),
            _ => format!("extends {} (unknown policy)", base.value),
        });
    }
    // Manifests governed by this policy, directly or through a layer on it.
    let mut direct = 0;
    let mut through: Vec<(String, usize)> = Vec::new();
    for m in cx.ws.ids() {
        let Some(manifest) = cx.ws.file(m).manifest() else {
            continue;
        };
        let Some(policy) = governing_policy(cx, manifest, &mut Vec::new()) else {
            continue;
        };
        if policy.file == file {
            direct += 1;
        } else if policy.chain.contains(&file) {
            let layer = policy.name(&cx.ws);
            match through.iter_mut().find(|(l, _)| *l == layer) {
                Some((_, n)) => *n += 1,
                None => through.push((layer, 1)),
            }
        }
    }
    parts.push(usage(direct, &through));
    parts.join(" · ")
}

/// `used by 3 manifests: 1 directly, 2 through acme@2025-11-01`.
fn usage(direct: usize, through: &[(String, usize)]) -> String {
    let total = direct + through.iter().map(|(_, n)| n).sum::<usize>();
    let noun = if total == 1 { "manifest" } else { "manifests" };
    if total == 0 {
        return "used by no manifest".to_owned();
    }
    if through.is_empty() {
        return format!("used by {total} {noun}");
    }
    let mut ways: Vec<String> = Vec::new();
    if direct > 0 {
        ways.push(format!("{direct} directly"));
    }
    ways.extend(through.iter().map(|(layer, n)| format!("{n} through {layer}")));
    if direct == 0 && through.len() == 1 {
        return format!("used by {total} {noun} through {}", through[0].0);
    }
    format!("used by {total} {noun}: {}", ways.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Date, PolicyRef};
    use crate::text::TextRange;
    use crate::workspace::{FileKind, Workspace};

    const LAYER: &str = "\
policy: acme
version: 2025-11-01
extends: anthropic-usage@2025-09-15
categories:
  support:
    summary: Customer support.
rules:
  - id: support-ok
    effect: allow
    categories: [support]
    summary: Support is fine.
";

    const MANIFEST: &str = "\
manifest: bot
use-cases:
  - id: defense
    categories: [cyber.defense]
  - id: scanner
    categories: [cyber.vulnerability-discovery]
  - id: legal-advice
    categories: [high-risk.legal]
    safeguards: [human-in-the-loop]
  - id: legal-b2b
    categories: [high-risk]
    audience: business
  - id: typo
    categories: [high-risk.finacial]
";

    fn context(files: &[(&str, &str)]) -> (Context, Vec<FileId>) {
        let mut ws = Workspace::with_bundled();
        let ids = files
            .iter()
            .map(|(path, text)| ws.add((*path).into(), (*text).into(), FileKind::of_path(path).unwrap(), false))
            .collect();
        (Context::new(ws, Date::parse("2025-12-01").unwrap()), ids)
    }

    fn end_of(text: &str, needle: &str) -> usize {
        text.find(needle).unwrap() + needle.len()
    }

    #[test]
    fn hints_after_each_judged_use_case() {
        let (cx, ids) = context(&[("bot.usecases.yaml", MANIFEST)]);
        let hints = inlay_hints(&cx, ids[0]);
        let got: Vec<(usize, &str)> = hints.iter().map(|h| (h.offset, h.label.as_str())).collect();
        assert_eq!(
            got,
            [
                (end_of(MANIFEST, "id: defense"), "✓ allowed"),
                (end_of(MANIFEST, "id: scanner"), "✗ prohibited (no-malicious-cyber)"),
                (
                    end_of(MANIFEST, "id: legal-advice"),
                    "✗ allowed · owes human-in-the-loop, ai-disclosure · missing ai-disclosure"
                ),
                (end_of(MANIFEST, "id: legal-b2b"), "✓ allowed"),
            ],
            "the use case with an unknown category gets none"
        );
        let scanner = hints[1].tooltip.as_deref().unwrap();
        assert_eq!(
            scanner,
            "**Prohibited** under `anthropic-usage@2025-09-15`\n\n\
             - `cyber.vulnerability-discovery`: prohibited by rule `no-malicious-cyber` — \
             Compromising computers, networks or infrastructure is prohibited."
        );
        let legal = hints[2].tooltip.as_deref().unwrap();
        assert!(
            legal.ends_with(
                "Owes:\n- `human-in-the-loop`, required by rule `high-risk-consumer-safeguards`\n\
                 - `ai-disclosure`, required by rule `high-risk-consumer-safeguards` — **missing**"
            ),
            "{legal}"
        );
        let b2b = hints[3].tooltip.as_deref().unwrap();
        assert!(
            b2b.ends_with(
                "\n\n- `high-risk`: allowed at `high-risk.academic-testing`, `high-risk.employment`, \
                 `high-risk.financial`, `high-risk.healthcare`, `high-risk.housing`, `high-risk.insurance`, \
                 `high-risk.journalism`, `high-risk.legal` by the `default` of `anthropic-usage@2025-09-15`"
            ),
            "{b2b}"
        );
    }

    #[test]
    fn hints_name_rules_of_a_base_and_the_layer() {
        let manifest = "manifest: bot\npolicy: acme@2025-11-01\nuse-cases:\n  - id: faq\n    categories: [support]\n  - {id: hack, categories: [cyber.malware]}\n";
        let (cx, ids) = context(&[("acme.policy.yaml", LAYER), ("bot.usecases.yaml", manifest)]);
        let hints = inlay_hints(&cx, ids[1]);
        let got: Vec<(usize, &str)> = hints.iter().map(|h| (h.offset, h.label.as_str())).collect();
        assert_eq!(
            got,
            [
                (end_of(manifest, "id: faq"), "✓ allowed"),
                (end_of(manifest, "id: hack"), "✗ prohibited (no-malicious-cyber)"),
            ]
        );
        assert!(
            hints[1]
                .tooltip
                .as_deref()
                .unwrap()
                .contains("prohibited by rule `no-malicious-cyber` (from `anthropic-usage@2025-09-15`)")
        );
        assert!(inlay_hints(&cx, ids[0]).is_empty(), "none in a policy");
    }

    #[test]
    fn ambiguous_use_cases() {
        let policy = "policy: split\nversion: 2025-01-01\ncategories:\n  a:\n    summary: A.\n  b:\n    summary: B.\nrules:\n  - id: yes\n    effect: allow\n    categories: [a]\n  - id: no\n    effect: prohibit\n    categories: [a]\n";
        let manifest =
            "manifest: m\npolicy: split\nuse-cases:\n  - id: x\n    categories: [a]\n  - id: y\n    categories: [b]\n";
        let (cx, ids) = context(&[("split.policy.yaml", policy), ("m.usecases.yaml", manifest)]);
        let hints = inlay_hints(&cx, ids[1]);
        assert_eq!(hints.len(), 2);
        assert_eq!(hints[0].label, "⚠ ambiguous");
        assert_eq!(hints[1].label, "✓ allowed");
        assert_eq!(
            hints[1].tooltip.as_deref(),
            Some(
                "**Allowed** under `split@2025-01-01`\n\n- `b`: allowed by default: no rule of `split@2025-01-01` decides"
            )
        );
        assert!(
            hints[0]
                .tooltip
                .as_deref()
                .unwrap()
                .starts_with("**Ambiguous** under `split@2025-01-01`: rules `yes`, `no` conflict")
        );
        let lenses = code_lenses(&cx, ids[1]);
        assert_eq!(
            lenses[0].title,
            "split@2025-01-01 (split.policy.yaml) · 1 allowed · 1 ambiguous"
        );
    }

    #[test]
    fn manifest_lens_counts_use_cases_by_verdict() {
        let (cx, ids) = context(&[("bot.usecases.yaml", MANIFEST)]);
        let lenses = code_lenses(&cx, ids[0]);
        assert_eq!(lenses.len(), 1);
        assert_eq!(lenses[0].range, TextRange::new(0, "manifest".len()));
        assert_eq!(
            lenses[0].title,
            "anthropic-usage@2025-09-15 (bundled, default) · 2 allowed · 1 missing safeguards · 1 prohibited · 1 not judged"
        );

        let pinned = "manifest: old\npolicy: anthropic-usage@2024-06-06\nuse-cases:\n  - id: op-ed\n    categories: [politics.writing]\n";
        let unknown = "manifest: lost\npolicy: nowhere@2025-01-01\nuse-cases:\n  - id: a\n    categories: [x]\n";
        let (cx, ids) = context(&[("old.usecases.yaml", pinned), ("lost.usecases.yaml", unknown)]);
        assert_eq!(
            code_lenses(&cx, ids[0])[0].title,
            "anthropic-usage@2024-06-06 (bundled) · 1 prohibited"
        );
        assert_eq!(
            code_lenses(&cx, ids[1])[0].title,
            "nowhere@2025-01-01 (unknown policy) · 1 not judged"
        );
    }

    #[test]
    fn policy_lens_says_what_it_extends_and_who_uses_it() {
        let direct = "manifest: a\npolicy: acme@2025-11-01\nuse-cases: []\n";
        let bare = "manifest: b\npolicy: acme\nuse-cases: []\n";
        let base = "manifest: c\nuse-cases: []\n";
        let (cx, ids) = context(&[
            ("acme.policy.yaml", LAYER),
            ("a.usecases.yaml", direct),
            ("b.usecases.yaml", bare),
            ("c.usecases.yaml", base),
        ]);
        let lenses = code_lenses(&cx, ids[0]);
        assert_eq!(lenses[0].range, TextRange::new(0, "policy".len()));
        assert_eq!(
            lenses[0].title,
            "extends anthropic-usage@2025-09-15 · used by 2 manifests"
        );

        let bundled = cx
            .registry
            .resolve(&PolicyRef::parse("anthropic-usage").unwrap(), cx.today);
        let Resolved::Found(bundled) = bundled else { panic!() };
        assert_eq!(
            code_lenses(&cx, bundled)[0].title,
            "used by 3 manifests: 1 directly, 2 through acme@2025-11-01"
        );
        let old = cx
            .registry
            .resolve(&PolicyRef::parse("anthropic-usage@2024-06-06").unwrap(), cx.today);
        let Resolved::Found(old) = old else { panic!() };
        assert_eq!(code_lenses(&cx, old)[0].title, "used by no manifest");
        assert_eq!(
            code_lenses(&cx, ids[3])[0].title,
            "anthropic-usage@2025-09-15 (bundled, default) · no use cases"
        );
    }

    #[test]
    fn usage_phrases() {
        assert_eq!(usage(1, &[]), "used by 1 manifest");
        assert_eq!(
            usage(0, &[("l@2025-01-01".into(), 2)]),
            "used by 2 manifests through l@2025-01-01"
        );
        assert_eq!(
            usage(0, &[("l@2025-01-01".into(), 1), ("m@2025-01-01".into(), 1)]),
            "used by 2 manifests: 1 through l@2025-01-01, 1 through m@2025-01-01"
        );
    }
}
