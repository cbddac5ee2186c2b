//! `charter diff`: the points whose verdict or owed safeguards differ between two policies,
//! and the use cases under the given paths that change with them.

use std::path::PathBuf;

use clap::Args;

use super::Common;
use super::load::load;
use super::policy::named_policy;
use crate::check::{Context, expectation, meets_expectation};
use crate::compare::{Change, Summary, assignment_at, attribute_union, describe, point_summary, use_case_changes};
use crate::model::UseCaseDecl;
use crate::resolve::ResolvedPolicy;

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

pub fn run(args: DiffArgs) -> Result<u8, String> {
    let loaded = load(&args.paths, &args.common.policy_paths);
    let cx = Context::new(loaded.ws, args.common.today());
    let old = named_policy(&cx, Some(&args.old))?;
    let new = named_policy(&cx, Some(&args.new))?;
    println!("Comparing `{}` → `{}`\n", old.name(&cx.ws), new.name(&cx.ws));
    let categories = category_changes(old, new)?;
    if categories.is_empty() {
        println!("No category changes verdict or owed safeguards.");
    } else {
        println!("Categories:");
        for line in categories.iter().flat_map(|(_, lines)| lines) {
            println!("  {line}");
        }
    }
    let (use_cases, broken) = use_case_lines(&cx, &loaded.reported, old, new);
    if !use_cases.is_empty() {
        println!("\nUse cases:");
        for line in &use_cases {
            println!("  {line}");
        }
    }
    if !broken.is_empty() {
        println!("\nExpectations the new version breaks:");
        for line in &broken {
            println!("  {line}");
        }
    }
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    println!(
        "\n{} and {} change.",
        plural(categories.len(), "category", "categories"),
        plural(use_cases.len(), "use case", "use cases")
    );
    if !broken.is_empty() {
        println!(
            "{} the new version breaks.",
            plural(broken.len(), "expectation", "expectations")
        );
    }
    Ok(0)
}

/// Per leaf that changes, the lines describing how.
fn category_changes(old: &ResolvedPolicy, new: &ResolvedPolicy) -> Result<Vec<(String, Vec<String>)>, String> {
    let attributes = attribute_union(old, new);
    let points = attributes
        .iter()
        .try_fold(1usize, |n, (_, v)| n.checked_mul(v.len()).filter(|&n| n <= MAX_POINTS));
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
    let mut changes = Vec::new();
    for leaf in leaves {
        // Per point, the change there (if any), indexed like `assignment_at`.
        let per_point: Vec<Option<Change>> = (0..points)
            .map(|p| {
                let assignment = assignment_at(&attributes, p);
                let (a, b) = (
                    point_summary(old, leaf, &assignment)?,
                    point_summary(new, leaf, &assignment)?,
                );
                Change::between(&a, &b)
            })
            .collect();
        let lines = leaf_lines(leaf, &attributes, &per_point);
        if !lines.is_empty() {
            changes.push((leaf.to_owned(), lines));
        }
    }
    Ok(changes)
}

/// One line per distinct change of a leaf, naming only the attributes the change depends on:
/// an attribute is left out when changing its value never changes what changes.
fn leaf_lines(leaf: &str, attributes: &[(String, Vec<String>)], per_point: &[Option<Change>]) -> Vec<String> {
    let mut strides = Vec::with_capacity(attributes.len());
    let mut stride = 1;
    for (_, values) in attributes {
        strides.push(stride);
        stride *= values.len();
    }
    let relevant: Vec<bool> = attributes
        .iter()
        .zip(&strides)
        .map(|((_, values), &stride)| {
            (0..per_point.len()).any(|p| {
                let own = p / stride % values.len();
                (0..values.len()).any(|v| per_point[p - own * stride + v * stride] != per_point[p])
            })
        })
        .collect();
    let mut lines: Vec<String> = Vec::new();
    for (p, change) in per_point.iter().enumerate() {
        let Some(change) = change else { continue };
        let at: Vec<String> = assignment_at(attributes, p)
            .iter()
            .zip(&relevant)
            .filter(|(_, r)| **r)
            .map(|((n, v), _)| format!("{n}={v}"))
            .collect();
        let with = if at.is_empty() {
            String::new()
        } else {
            format!(" with {}", at.join(", "))
        };
        let line = format!("{leaf}{with}: {}", change.describe());
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    const SHOWN: usize = 8;
    if lines.len() > SHOWN {
        let more = lines.len() - SHOWN;
        lines.truncate(SHOWN);
        lines.push(format!("{leaf}: … and {more} more combinations"));
    }
    lines
}

/// Whether a use case's verdict under `policy` meets its `expect` and `expect-owes`; `None`
/// without them or while they name a safeguard `policy` does not declare.
fn meets(summary: &Summary, uc: &UseCaseDecl, policy: &ResolvedPolicy) -> Option<bool> {
    let (allowed, owed) = summary;
    let owed: Vec<&str> = owed.iter().map(String::as_str).collect();
    meets_expectation(uc, *allowed, &owed, &policy.analysis.model.safeguards)
}

/// The use cases that change, and those of them whose expectation the old version met and
/// the new one does not.
fn use_case_lines(
    cx: &Context,
    files: &[crate::diagnostic::FileId],
    old: &ResolvedPolicy,
    new: &ResolvedPolicy,
) -> (Vec<String>, Vec<String>) {
    let mut lines = Vec::new();
    let mut broken = Vec::new();
    for change in use_case_changes(cx, files, old, new) {
        let path = &cx.ws.file(change.file).path;
        let uc = &cx
            .ws
            .file(change.file)
            .manifest()
            .expect("changes are in manifests")
            .use_cases[change.index];
        let (a, b) = (&change.old, &change.new);
        lines.push(format!("{path}: `{}`: {} → {}", uc.id.value, describe(a), describe(b)));
        if meets(a, uc, old) == Some(true) && meets(b, uc, new) == Some(false) {
            let owes = match &uc.expect_owes {
                Some((_, list)) if b.0 => {
                    let names: Vec<&str> = list.value.iter().map(|s| s.value.as_str()).collect();
                    format!(
                        " owing {}",
                        if names.is_empty() {
                            "nothing".into()
                        } else {
                            names.join(", ")
                        }
                    )
                }
                _ => String::new(),
            };
            let expected = expectation(uc).map_or("", |(_, e)| e.as_str());
            broken.push(format!(
                "{path}: `{}` expects {expected}{owes}, gets {}",
                uc.id.value,
                describe(b)
            ));
        }
    }
    (lines, broken)
}
