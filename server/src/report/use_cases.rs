//! Each manifest's use cases as the report shows them: judged the way `charter check` judges
//! them (`check::resolve_use_case`, `check::verdicts`), described in its words (`Describe`).

use std::collections::HashMap;

use super::model::{
    AttributeValue, CellVerdict, Counts, LeafVerdict, ManifestReport, OwedSafeguard, SectionLink, UseCaseReport,
    UseCaseVerdict,
};
use super::section_anchor;
use crate::analysis::{CategoryVerdict, Decider, Outcome, owed_by_all};
use crate::check::{Context, Describe, expectation, governing_policy, meets_expectation, resolve_use_case, verdicts};
use crate::diagnostic::FileId;
use crate::model::{ManifestDoc, SectionDecl, UseCaseDecl};
use crate::resolve::ResolvedPolicy;

/// With `--against`: per manifest file and use-case index, how it changes.
pub type Changes = HashMap<(FileId, usize), String>;

/// The report of one manifest.
pub fn manifest_report(
    cx: &Context,
    file: FileId,
    doc: &ManifestDoc,
    locale: &str,
    changes: &Changes,
) -> ManifestReport {
    let mut problems = Vec::new();
    let policy = governing_policy(cx, doc, &mut problems);
    let problem = policy.is_none().then(|| match problems.first() {
        Some(d) => d.message.clone(),
        None => String::from("its `policy:` is malformed; run `charter check` on it and fix what it reports"),
    });
    let use_cases: Vec<UseCaseReport> = doc
        .use_cases
        .iter()
        .enumerate()
        .map(|(i, uc)| {
            let mut report = match policy {
                Some(policy) => judged(cx, policy, uc, locale),
                None => not_judged(uc, problem.clone().unwrap_or_default()),
            };
            report.change = changes.get(&(file, i)).cloned();
            report
        })
        .collect();
    let mut counts = Counts::default();
    for uc in &use_cases {
        count(&mut counts, uc.verdict);
    }
    ManifestReport {
        path: cx.ws.file(file).path.clone(),
        id: doc.id.as_ref().map(|i| i.value.to_string()),
        owner: doc.owner.as_ref().map(|o| o.value.to_string()),
        policy: policy.map(|p| p.name(&cx.ws)),
        problem,
        use_cases,
        counts,
    }
}

pub fn count(counts: &mut Counts, verdict: UseCaseVerdict) {
    counts.use_cases += 1;
    match verdict {
        UseCaseVerdict::Allowed => counts.allowed += 1,
        UseCaseVerdict::Owing => counts.owing += 1,
        UseCaseVerdict::Prohibited => counts.prohibited += 1,
        UseCaseVerdict::NotJudged => counts.not_judged += 1,
    }
}

fn not_judged(uc: &UseCaseDecl, problem: String) -> UseCaseReport {
    UseCaseReport {
        id: uc.id.value.to_string(),
        summary: uc.summary.as_ref().map(|s| s.value.to_string()),
        verdict: UseCaseVerdict::NotJudged,
        problem: Some(problem),
        categories: uc.categories.iter().map(|c| c.value.to_string()).collect(),
        attributes: uc
            .attributes
            .iter()
            .map(|(k, v)| AttributeValue {
                name: k.value.to_string(),
                value: v.value.to_string(),
                defaulted: false,
            })
            .collect(),
        leaves: Vec::new(),
        owed: Vec::new(),
        expectation: None,
        change: None,
        sections: Vec::new(),
    }
}

fn judged(cx: &Context, policy: &ResolvedPolicy, uc: &UseCaseDecl, locale: &str) -> UseCaseReport {
    let mut problems = Vec::new();
    let Some(resolved) = resolve_use_case(policy, uc, Some(&mut problems)) else {
        let messages: Vec<String> = problems.into_iter().map(|d| d.message).collect();
        return not_judged(uc, messages.join("; "));
    };
    let model = &policy.analysis.model;
    let describe = Describe::new(&cx.ws, policy);
    let verdicts = verdicts(policy, &resolved);
    let allowed = verdicts.iter().all(CategoryVerdict::is_allowed);
    // A use case with `expect-owes` is a test of the policy, not a deployment: like
    // `charter check`, the report holds none of its owed safeguards missing.
    let is_test = uc.expect_owes.is_some();
    let declared = uc.declared_safeguards();
    let owed: Vec<OwedSafeguard> = if allowed {
        owed_by_all(&verdicts)
            .into_iter()
            .map(|(s, rules)| {
                let name = model.safeguards[s as usize].clone();
                OwedSafeguard {
                    present: is_test || declared.contains(&name.as_str()),
                    name,
                    required_by: describe.rules_phrase(&rules),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let verdict = if !allowed {
        UseCaseVerdict::Prohibited
    } else if owed.iter().any(|o| !o.present) {
        UseCaseVerdict::Owing
    } else {
        UseCaseVerdict::Allowed
    };
    let mut leaves = Vec::new();
    let mut sections: Vec<&SectionDecl> = Vec::new();
    for (_, verdict) in resolved.categories.iter().zip(&verdicts) {
        for (leaf, v) in &verdict.leaves {
            let name = model.categories.name(*leaf);
            leaves.push(LeafVerdict {
                leaf: name.to_owned(),
                verdict: cell_verdict(v.outcome, !v.owed.is_empty()),
                decided_by: describe.decider(&v.decider),
            });
            // As `charter explain`: the leaf's own section first, else the deciding rule's.
            let section = describe.category_section(name).or_else(|| match &v.decider {
                Decider::Rules(rules) => rules.first().and_then(|&r| describe.rule_section(r)),
                Decider::Default { .. } => None,
            });
            sections.extend(section.filter(|s| !sections.iter().any(|x| x.id == s.id)));
        }
    }
    UseCaseReport {
        id: uc.id.value.to_string(),
        summary: uc.summary.as_ref().map(|s| s.value.to_string()),
        verdict,
        problem: None,
        categories: uc.categories.iter().map(|c| c.value.to_string()).collect(),
        attributes: model
            .attributes
            .iter()
            .zip(resolved.values.iter().zip(&resolved.stated))
            .map(|(a, (&v, &stated))| AttributeValue {
                name: a.name.clone(),
                value: a.values[v as usize].clone(),
                defaulted: !stated,
            })
            .collect(),
        leaves,
        expectation: expectation_text(uc, allowed, &owed, &model.safeguards),
        owed,
        change: None,
        sections: sections
            .into_iter()
            .map(|s| SectionLink {
                anchor: section_anchor(cx, policy, &s.id.value),
                title: s.title_in(locale).to_owned(),
            })
            .collect(),
    }
}

/// A cell's verdict from an outcome and whether the point owes anything.
pub fn cell_verdict(outcome: Outcome, owes: bool) -> CellVerdict {
    match outcome {
        Outcome::Allow if owes => CellVerdict::AllowOwing,
        Outcome::Allow => CellVerdict::Allow,
        Outcome::Prohibit => CellVerdict::Prohibit,
        Outcome::Ambiguous => CellVerdict::Ambiguous,
    }
}

/// `expects prohibited: holds`, `expects allowed owing a, b: does not hold …`, and whether
/// it holds (as `charter check` and `charter diff` decide it); `None` without an expectation.
/// One naming a safeguard the policy does not declare is undecided, which does not hold.
fn expectation_text(
    uc: &UseCaseDecl,
    allowed: bool,
    owed: &[OwedSafeguard],
    safeguards: &[String],
) -> Option<(String, bool)> {
    let (_, expected) = expectation(uc)?;
    let names: Vec<&str> = owed.iter().map(|o| o.name.as_str()).collect();
    let holds = meets_expectation(uc, allowed, &names, safeguards);
    let mut text = format!("expects {}", expected.as_str());
    let listed: Vec<&str> = uc
        .expect_owes
        .iter()
        .flat_map(|(_, l)| l.value.iter().map(|s| s.value.as_str()))
        .collect();
    if uc.expect_owes.is_some() {
        let quoted: Vec<String> = listed.iter().map(|s| format!("`{s}`")).collect();
        text.push_str(&match quoted.is_empty() {
            true => String::from(" owing nothing"),
            false => format!(" owing {}", quoted.join(", ")),
        });
    }
    text.push_str(&match holds {
        Some(true) => String::from(": holds"),
        Some(false) => String::from(": does not hold (`charter check` reports `unexpected-verdict`)"),
        None => {
            let unknown: Vec<String> = listed
                .iter()
                .filter(|l| !safeguards.iter().any(|s| s == *l))
                .map(|l| format!("`{l}`"))
                .collect();
            format!(
                ": undecided, {} is not a safeguard of the policy (`charter check` reports `unknown-safeguard`)",
                unknown.join(", ")
            )
        }
    });
    Some((text, holds == Some(true)))
}
