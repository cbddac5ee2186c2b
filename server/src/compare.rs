//! Two versions of a policy side by side, by name: what a point (a category and a value per
//! attribute) or a use case comes to under each, and how that changes. `charter diff` prints
//! these changes; `charter report --against` marks them. The two policies need not share
//! categories, attributes or values: where one lacks a name, there is nothing to compare.

use crate::check::{Context, DEFAULT_POLICY, summarize};
use crate::diagnostic::FileId;
use crate::resolve::ResolvedPolicy;

/// What a point or a use case comes to: allowed or not, and the safeguards owed (by name).
pub type Summary = (bool, Vec<String>);

/// Every attribute of either policy with the union of its values, by name.
pub fn attribute_union(old: &ResolvedPolicy, new: &ResolvedPolicy) -> Vec<(String, Vec<String>)> {
    let mut union: Vec<(String, Vec<String>)> = Vec::new();
    for a in old
        .analysis
        .model
        .attributes
        .iter()
        .chain(&new.analysis.model.attributes)
    {
        match union.iter_mut().find(|(n, _)| *n == a.name) {
            Some((_, values)) => values.extend(
                a.values
                    .iter()
                    .filter(|v| !values.contains(v))
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
            None => union.push((a.name.clone(), a.values.clone())),
        }
    }
    union
}

/// The summary of `category` under `policy` for an assignment by name; `None` where the
/// policy lacks the category or one of the values. Attributes the assignment leaves out
/// take their defaults.
pub fn point_summary(policy: &ResolvedPolicy, category: &str, assignment: &[(&str, &str)]) -> Option<Summary> {
    let model = &policy.analysis.model;
    let c = model.categories.find(category)?;
    let mut values: Vec<u32> = model.attributes.iter().map(|a| a.default).collect();
    for (a, attribute) in model.attributes.iter().enumerate() {
        if let Some((_, value)) = assignment.iter().find(|(n, _)| *n == attribute.name) {
            values[a] = attribute.values.iter().position(|v| v == value)? as u32;
        }
    }
    let verdict = policy.analysis.judge_category(c, &values);
    let owed = verdict
        .owed()
        .into_iter()
        .map(|(s, _)| model.safeguards[s as usize].clone())
        .collect();
    Some((verdict.is_allowed(), owed))
}

/// A summary in words: `prohibit`, `allow`, `allow, owes a, b`.
pub fn describe(summary: &Summary) -> String {
    match summary {
        (false, _) => String::from("prohibit"),
        (true, owed) if owed.is_empty() => String::from("allow"),
        (true, owed) => format!("allow, owes {}", owed.join(", ")),
    }
}

/// How a point changes: its verdict, or, where it stays allowed, the safeguards it owes.
/// Safeguards that both versions ask for are not a change, so a leaf that becomes allowed
/// reads `prohibit → allow` whatever it then owes under other rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Change {
    Verdict { allowed: bool },
    Owes { added: Vec<String>, removed: Vec<String> },
}

impl Change {
    pub fn between(old: &Summary, new: &Summary) -> Option<Change> {
        if old.0 != new.0 {
            return Some(Change::Verdict { allowed: new.0 });
        }
        let added: Vec<String> = new.1.iter().filter(|s| !old.1.contains(s)).cloned().collect();
        let removed: Vec<String> = old.1.iter().filter(|s| !new.1.contains(s)).cloned().collect();
        (!added.is_empty() || !removed.is_empty()).then_some(Change::Owes { added, removed })
    }

    pub fn describe(&self) -> String {
        match self {
            Change::Verdict { allowed: true } => String::from("prohibit → allow"),
            Change::Verdict { allowed: false } => String::from("allow → prohibit"),
            Change::Owes { added, removed } => {
                let mut parts = Vec::new();
                if !added.is_empty() {
                    parts.push(format!("now owes {}", added.join(", ")));
                }
                if !removed.is_empty() {
                    parts.push(format!("no longer owes {}", removed.join(", ")));
                }
                format!("allow, {}", parts.join("; "))
            }
        }
    }
}

/// The `p`-th assignment of the product of `attributes`' values, the first attribute
/// varying fastest.
pub fn assignment_at(attributes: &[(String, Vec<String>)], mut p: usize) -> Vec<(&str, &str)> {
    attributes
        .iter()
        .map(|(name, values)| {
            let v = &values[p % values.len()];
            p /= values.len();
            (name.as_str(), v.as_str())
        })
        .collect()
}

/// A use case whose summary differs between the two policies.
#[derive(Debug, Clone)]
pub struct UseCaseChange {
    pub file: FileId,
    /// Its index in the manifest's `use_cases`.
    pub index: usize,
    pub old: Summary,
    pub new: Summary,
}

/// Whether a manifest is judged by some version of `policy`'s id (only those change with it).
pub fn judged_by_id(cx: &Context, file: FileId, policy: &ResolvedPolicy) -> bool {
    let Some(doc) = cx.ws.file(file).manifest() else {
        return false;
    };
    let governing = doc.policy.as_ref().map_or(DEFAULT_POLICY, |p| p.value.id.as_str());
    let id = cx.ws.file(policy.file).policy().and_then(|d| d.id.as_ref());
    id.is_some_and(|i| i.value.as_str() == governing)
}

/// The use cases of the manifests among `files` judged by either policy's id whose summary
/// differs between them, in file and use-case order.
pub fn use_case_changes(
    cx: &Context,
    files: &[FileId],
    old: &ResolvedPolicy,
    new: &ResolvedPolicy,
) -> Vec<UseCaseChange> {
    let mut changes = Vec::new();
    for &file in files {
        if !judged_by_id(cx, file, old) && !judged_by_id(cx, file, new) {
            continue;
        }
        let Some(doc) = cx.ws.file(file).manifest() else {
            continue;
        };
        for (index, uc) in doc.use_cases.iter().enumerate() {
            if let (Some(a), Some(b)) = (summarize(old, uc), summarize(new, uc))
                && a != b
            {
                changes.push(UseCaseChange {
                    file,
                    index,
                    old: a,
                    new: b,
                });
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(allowed: bool, owed: &[&str]) -> Summary {
        (allowed, owed.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn a_change_of_verdict_hides_the_change_of_owed_safeguards() {
        let change = Change::between(&summary(false, &[]), &summary(true, &["audit-log"]));
        assert_eq!(change, Some(Change::Verdict { allowed: true }));
        assert_eq!(change.unwrap().describe(), "prohibit → allow");
    }

    #[test]
    fn owed_safeguards_both_versions_ask_for_are_no_change() {
        let old = summary(true, &["audit-log", "review"]);
        let new = summary(true, &["review", "disclosure"]);
        let change = Change::between(&old, &new).expect("the owed safeguards differ");
        assert_eq!(
            change.describe(),
            "allow, now owes disclosure; no longer owes audit-log"
        );
        assert_eq!(Change::between(&new, &new), None);
    }
}
