//! `charter diff`: the points whose verdict or owed safeguards differ between two policies,
//! and the use cases under the given paths that change with them.

use std::path::PathBuf;

use clap::Args;

use super::load::load;
use super::Common;
use crate::check::{summarize, Context};
use crate::model::PolicyRef;
use crate::resolve::ResolvedPolicy;
use crate::workspace::Resolved;

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The policy before, as `id@version` or `id`.
    old: String,
    /// The policy after, as `id@version` or `id`.
    new: String,
    /// Folders or files with manifests (and policies) to consider.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    common: Common,
}

/// Comparing more attribute combinations than this is refused rather than left to run long.
const MAX_POINTS: usize = 1 << 20;

/// What a point comes to: allowed or not, and the safeguards owed.
type Summary = (bool, Vec<String>);

pub fn run(args: DiffArgs) -> Result<u8, String> {
    let loaded = load(&args.paths, &args.common.policy_paths);
    let cx = Context::new(&loaded.ws, args.common.today());
    let old = resolve(&cx, &args.old)?;
    let new = resolve(&cx, &args.new)?;
    println!("Comparing `{}` → `{}`\n", old.name(&loaded.ws), new.name(&loaded.ws));
    let categories = category_changes(old, new)?;
    if categories.is_empty() {
        println!("No category changes verdict or owed safeguards.");
    } else {
        println!("Categories:");
        for line in &categories {
            println!("  {line}");
        }
    }
    let use_cases = use_case_changes(&cx, &loaded.reported, old, new);
    if !use_cases.is_empty() {
        println!("\nUse cases:");
        for line in &use_cases {
            println!("  {line}");
        }
    }
    println!("\n{} categories and {} use cases change.", categories.len(), use_cases.len());
    Ok(0)
}

fn resolve<'c>(cx: &'c Context, reference: &str) -> Result<&'c ResolvedPolicy, String> {
    let parsed = PolicyRef::parse(reference)
        .ok_or_else(|| format!("`{reference}` is not a policy reference; write `id` or `id@YYYY-MM-DD`"))?;
    match cx.resolve_reference(Some(&parsed)) {
        Resolved::Found(file) => cx
            .policy(file)
            .ok_or_else(|| format!("policy `{reference}` cannot be used: run `charter check` on its file to see why")),
        _ => Err(format!("no known policy `{reference}`")),
    }
}

/// Every attribute of either policy with the union of its values, by name.
fn attribute_union(old: &ResolvedPolicy, new: &ResolvedPolicy) -> Vec<(String, Vec<String>)> {
    let mut union: Vec<(String, Vec<String>)> = Vec::new();
    for a in old.analysis.model.attributes.iter().chain(&new.analysis.model.attributes) {
        match union.iter_mut().find(|(n, _)| *n == a.name) {
            Some((_, values)) => values.extend(a.values.iter().filter(|v| !values.contains(v)).cloned().collect::<Vec<_>>()),
            None => union.push((a.name.clone(), a.values.clone())),
        }
    }
    union
}

/// The summary of `category` under `policy` for an assignment by name; `None` where the
/// policy lacks the category or one of the values.
fn summary(policy: &ResolvedPolicy, category: &str, assignment: &[(&str, &str)]) -> Option<Summary> {
    let model = &policy.analysis.model;
    let c = model.categories.find(category)?;
    let mut values: Vec<u32> = model.attributes.iter().map(|a| a.default).collect();
    for (a, attribute) in model.attributes.iter().enumerate() {
        let (_, value) = assignment.iter().find(|(n, _)| *n == attribute.name)?;
        values[a] = attribute.values.iter().position(|v| v == value)? as u32;
    }
    let verdict = policy.analysis.judge_category(c, &values);
    let owed = verdict.owed().into_iter().map(|(s, _)| model.safeguards[s as usize].clone()).collect();
    Some((verdict.is_allowed(), owed))
}

fn describe(summary: &Summary) -> String {
    match summary {
        (false, _) => String::from("prohibit"),
        (true, owed) if owed.is_empty() => String::from("allow"),
        (true, owed) => format!("allow, owes {}", owed.join(", ")),
    }
}

fn category_changes(old: &ResolvedPolicy, new: &ResolvedPolicy) -> Result<Vec<String>, String> {
    let attributes = attribute_union(old, new);
    let points = attributes.iter().try_fold(1usize, |n, (_, v)| n.checked_mul(v.len()).filter(|&n| n <= MAX_POINTS));
    let points = points.ok_or_else(|| String::from("too many attribute combinations to compare"))?;
    let mut leaves: Vec<&str> = Vec::new();
    for policy in [old, new] {
        let cats = &policy.analysis.model.categories;
        for c in (0..cats.len() as u32).filter(|&c| cats.is_leaf(c)) {
            if !leaves.contains(&cats.name(c)) {
                leaves.push(cats.name(c));
            }
        }
    }
    leaves.sort();
    let mut lines = Vec::new();
    for leaf in leaves {
        let mut changed: Vec<(String, Summary, Summary)> = Vec::new();
        for p in 0..points {
            let assignment = assignment_at(&attributes, p);
            let (Some(a), Some(b)) = (summary(old, leaf, &assignment), summary(new, leaf, &assignment)) else { continue };
            if a != b {
                let text: Vec<String> = assignment.iter().map(|(n, v)| format!("{n}={v}")).collect();
                changed.push((text.join(", "), a, b));
            }
        }
        lines.extend(leaf_lines(leaf, &changed, points));
    }
    Ok(lines)
}

fn assignment_at(attributes: &[(String, Vec<String>)], mut p: usize) -> Vec<(&str, &str)> {
    attributes
        .iter()
        .map(|(name, values)| {
            let v = &values[p % values.len()];
            p /= values.len();
            (name.as_str(), v.as_str())
        })
        .collect()
}

/// One line per change of a leaf; a change the same at every combination is one line.
fn leaf_lines(leaf: &str, changed: &[(String, Summary, Summary)], points: usize) -> Vec<String> {
    let Some((_, a0, b0)) = changed.first() else { return Vec::new() };
    if changed.len() == points && changed.iter().all(|(_, a, b)| a == a0 && b == b0) {
        return vec![format!("{leaf}: {} → {}", describe(a0), describe(b0))];
    }
    const SHOWN: usize = 6;
    let mut lines: Vec<String> = changed
        .iter()
        .take(SHOWN)
        .map(|(at, a, b)| format!("{leaf} with {at}: {} → {}", describe(a), describe(b)))
        .collect();
    if changed.len() > SHOWN {
        lines.push(format!("{leaf}: … and {} more combinations", changed.len() - SHOWN));
    }
    lines
}

fn use_case_changes(cx: &Context, files: &[crate::diagnostic::FileId], old: &ResolvedPolicy, new: &ResolvedPolicy) -> Vec<String> {
    let mut lines = Vec::new();
    for &file in files {
        let Some(doc) = cx.ws.file(file).manifest() else { continue };
        for uc in &doc.use_cases {
            if let (Some(a), Some(b)) = (summarize(old, uc), summarize(new, uc))
                && a != b
            {
                lines.push(format!("{}: `{}`: {} → {}", cx.ws.file(file).path, uc.id.value, describe(&a), describe(&b)));
            }
        }
    }
    lines
}
