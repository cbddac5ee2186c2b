//! A policy file's diagnostics beyond its structure: the registry's notes, its chain and
//! references, and the findings of §3.2–§3.3 turned into diagnostics on its rules.

use std::collections::BTreeMap;

use super::Context;
use super::describe::Describe;
use crate::analysis::{Finding, Redundancy, RuleRef};
use crate::diagnostic::{Code, Diagnostic, FileId, Severity};
use crate::model::Effect;
use crate::resolve::policy_name;

pub fn check(cx: &Context, file: FileId, out: &mut Vec<Diagnostic>) {
    registry_notes(cx, file, out);
    let Some(resolution) = cx.resolution(file) else { return };
    out.extend(resolution.diagnostics.iter().cloned());
    let Ok(policy) = &resolution.policy else { return };
    let describe = Describe::new(&cx.ws, policy);
    let mut by_rule: BTreeMap<u32, Vec<(RuleRef, Finding)>> = BTreeMap::new();
    let top = policy.chain.len() as u32 - 1;
    let rules = &policy.analysis.model.layers[top as usize].rules;
    for finding in policy.analysis.findings() {
        let r = RuleRef {
            layer: top,
            index: finding.rule(),
        };
        by_rule
            .entry(rules[r.index as usize].origin.rule)
            .or_default()
            .push((r, finding.clone()));
    }
    for findings in by_rule.values() {
        let listings = listings_of(rules, findings[0].0.index as usize);
        out.extend(rule_diagnostics(&describe, findings, listings));
    }
}

/// How many analysis rules the source rule of `rules[i]` became (one per category it lists).
/// They are lowered next to each other, so only its neighbours are counted, not every rule of
/// a big policy on every keystroke.
fn listings_of(rules: &[crate::analysis::Rule], i: usize) -> usize {
    let source = rules[i].origin.rule;
    let before = rules[..i].iter().rev().take_while(|r| r.origin.rule == source).count();
    let after = rules[i..].iter().take_while(|r| r.origin.rule == source).count();
    before + after
}

/// Notes from the registry: a workspace file replacing a bundled policy, or two files
/// declaring the same `id@version`.
fn registry_notes(cx: &Context, file: FileId, out: &mut Vec<Diagnostic>) {
    let Some(id) = cx.ws.file(file).policy().and_then(|d| d.id.as_ref()) else {
        return;
    };
    let name = policy_name(&cx.ws, file);
    for &(replacing, bundled) in &cx.registry.replaced {
        // A copy of the bundled file (such as the repository's own `policies/`) replaces nothing.
        if replacing == file && cx.ws.file(file).text != cx.ws.file(bundled).text {
            out.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    id.range,
                    format!("policy `{name}` replaces the bundled policy of the same id and version"),
                )
                .with_severity(Severity::Info)
                .with_related(bundled, policy_id_range(cx, bundled), "the bundled policy"),
            );
        }
    }
    for &(second, first) in &cx.registry.duplicates {
        if second == file {
            out.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    id.range,
                    format!(
                        "policy `{name}` is already defined in `{}`; change this file's `version` or remove one",
                        cx.ws.file(first).path
                    ),
                )
                .with_related(first, policy_id_range(cx, first), format!("`{name}` is defined here")),
            );
        }
    }
}

fn policy_id_range(cx: &Context, file: FileId) -> crate::text::TextRange {
    cx.ws
        .file(file)
        .policy()
        .and_then(|d| d.id.as_ref())
        .map(|i| i.range)
        .unwrap_or_default()
}

/// The diagnostics of one source rule from the findings about its listings (a rule with
/// several categories is one analysis rule per category).
fn rule_diagnostics(describe: &Describe, findings: &[(RuleRef, Finding)], listings: usize) -> Vec<Diagnostic> {
    if let Some((r, f)) = findings.iter().find(|(_, f)| matches!(f, Finding::Conflict { .. })) {
        return vec![conflict(describe, *r, f)];
    }
    if let Some((r, f)) = findings
        .iter()
        .find(|(_, f)| matches!(f, Finding::LayerViolation { .. }))
    {
        return vec![violation(describe, *r, f)];
    }
    let whole = findings.len() == listings;
    let all = |pred: fn(&Finding) -> bool| whole && findings.iter().all(|(_, f)| pred(f));
    if all(|f| matches!(f, Finding::Shadowed { .. })) {
        return vec![shadowed(describe, findings)];
    }
    if all(|f| matches!(f, Finding::Dead { .. })) {
        return vec![dead(describe, findings[0].0)];
    }
    if all(|f| matches!(f, Finding::Redundant { .. } | Finding::Dead { .. })) {
        return vec![redundant(describe, findings)];
    }
    findings.iter().map(|(r, f)| listing(describe, *r, f)).collect()
}

fn id_diagnostic(describe: &Describe, rule: RuleRef, code: Code, message: String) -> Diagnostic {
    let (_, decl) = describe.rule_decl(rule);
    Diagnostic::new(code, decl.id.range, message)
}

fn conflict(describe: &Describe, rule: RuleRef, finding: &Finding) -> Diagnostic {
    let Finding::Conflict { others, witness, .. } = finding else {
        unreachable!("a conflict")
    };
    let others: Vec<RuleRef> = others
        .iter()
        .map(|&index| RuleRef {
            layer: rule.layer,
            index,
        })
        .collect();
    let (_, decl) = describe.rule_decl(rule);
    let message = format!(
        "rule `{}` ({}) conflicts with {} at {}: neither is more specific, so the point is treated as prohibited; give one a narrower `when` or a deeper category",
        decl.id.value,
        decl.effect.value.as_str(),
        describe.rule_names(&others),
        describe.point(witness.leaf, &witness.values),
    );
    let d = id_diagnostic(describe, rule, Code::RuleConflict, message);
    describe.relate_rules(d, &others, "decides the same point")
}

fn violation(describe: &Describe, rule: RuleRef, finding: &Finding) -> Diagnostic {
    let Finding::LayerViolation { witness, .. } = finding else {
        unreachable!("a violation")
    };
    let base = describe
        .policy
        .analysis
        .judge_layers(rule.layer as usize, witness.leaf, &witness.values);
    let (_, decl) = describe.rule_decl(rule);
    let message = format!(
        "rule `{}` allows {}, which base {} prohibits there; a layer can only restrict its base, so remove the rule or narrow it",
        decl.id.value,
        describe.point(witness.leaf, &witness.values),
        describe.decider(&base.decider),
    );
    let d = id_diagnostic(describe, rule, Code::LayerViolation, message);
    describe.relate_decider(d, &base.decider, "prohibits it in the base")
}

fn shadowed(describe: &Describe, findings: &[(RuleRef, Finding)]) -> Diagnostic {
    let by: Vec<RuleRef> = findings
        .iter()
        .flat_map(|(_, f)| match f {
            Finding::Shadowed { by, .. } => by.clone(),
            _ => Vec::new(),
        })
        .collect();
    let rule = findings[0].0;
    let (_, decl) = describe.rule_decl(rule);
    let other = if decl.effect.value == Effect::Allow {
        "prohibit"
    } else {
        "allow"
    };
    let message = format!(
        "rule `{}` never decides: wherever it applies, more specific rules decide first, and {} {other} there; remove it or make it more specific",
        decl.id.value,
        describe.rule_names(&by),
    );
    let d = id_diagnostic(describe, rule, Code::ShadowedRule, message);
    describe.relate_rules(d, &by, &format!("overrides it with `{other}`"))
}

fn dead(describe: &Describe, rule: RuleRef) -> Diagnostic {
    let (_, decl) = describe.rule_decl(rule);
    let message = format!(
        "rule `{}` requires safeguards only where the verdict is prohibit, so no use case ever owes them; remove it or change its categories or `when`",
        decl.id.value
    );
    id_diagnostic(describe, rule, Code::DeadRequirement, message)
}

fn redundant(describe: &Describe, findings: &[(RuleRef, Finding)]) -> Diagnostic {
    let rule = findings[0].0;
    let (_, decl) = describe.rule_decl(rule);
    let (reason, by) = match &findings[0].1 {
        Finding::Redundant { reason, by, .. } => (Some(*reason), by.clone()),
        _ => (None, Vec::new()),
    };
    let names = describe.rule_names(&by);
    let why = match reason {
        Some(Redundancy::Duplicate) => format!("it repeats rule {names}"),
        Some(Redundancy::NeverDecides) => {
            format!("more specific rules ({names}) decide the same way wherever it applies")
        }
        Some(Redundancy::SameWithout) if by.is_empty() => {
            String::from("without it the default gives the same verdict everywhere")
        }
        Some(Redundancy::SameWithout) => {
            format!(
                "without it, {} the same verdict everywhere",
                agree(describe.rules_phrase(&by), "gives", "give")
            )
        }
        Some(Redundancy::Covered) => {
            format!(
                "{} its safeguards wherever it applies",
                agree(describe.rules_phrase(&by), "already requires", "already require")
            )
        }
        None => String::from("it applies only where the verdict is prohibit"),
    };
    let message = format!("rule `{}` is redundant: {why}; remove it", decl.id.value);
    let mut d = id_diagnostic(describe, rule, Code::RedundantRule, message);
    if !by.is_empty() {
        d = describe.relate_rules(d, &by, "already has this effect");
    }
    d
}

/// A finding about one category of a rule listing several, reported on that category.
fn listing(describe: &Describe, rule: RuleRef, finding: &Finding) -> Diagnostic {
    let (_, decl) = describe.rule_decl(rule);
    let range = describe.rule_listing(rule);
    let origin = describe.policy.analysis.model.layers[rule.layer as usize].rules[rule.index as usize].origin;
    let category = &decl.categories[origin.listing as usize].value;
    let (code, why, by) = match finding {
        Finding::Shadowed { by, .. } => (
            Code::ShadowedRule,
            String::from("more specific rules decide the other way wherever it applies"),
            by.clone(),
        ),
        Finding::Dead { .. } => (
            Code::RedundantRule,
            String::from("it applies only where the verdict is prohibit"),
            Vec::new(),
        ),
        Finding::Redundant { by, .. } => {
            let same_rule = !by.is_empty() && by.iter().all(|b| describe.rule_decl(*b).1.id == decl.id);
            let why = if same_rule {
                String::from("another category of the same rule already covers it")
            } else if by.is_empty() {
                String::from("without it the verdict is the same everywhere")
            } else {
                format!(
                    "{} the same verdict there",
                    agree(describe.rules_phrase(by), "already gives", "already give")
                )
            };
            (Code::RedundantRule, why, by.clone())
        }
        Finding::Conflict { .. } | Finding::LayerViolation { .. } => unreachable!("reported on the rule"),
    };
    let message = format!(
        "category `{category}` in rule `{}` changes nothing: {why}; remove it from `categories`",
        decl.id.value
    );
    let d = Diagnostic::new(code, range, message);
    describe.relate_rules(d, &by, "decides there")
}

/// `phrase` followed by the verb agreeing with it ("rule `a` gives", "rules `a`, `b` give").
fn agree(phrase: String, singular: &str, plural: &str) -> String {
    let verb = if phrase.starts_with("rules ") { plural } else { singular };
    format!("{phrase} {verb}")
}
