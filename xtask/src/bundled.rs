//! The bundled policy's reference page: its attributes, safeguards and every category with the
//! verdict each bundled version gives it, computed by Charter's own analysis from `policies/`.
//!
//! A verdict usually depends on attribute values, so each cell describes the whole space of
//! values: `allow`, `prohibit`, `allow when …, else prohibit`, and the safeguards owed and
//! when. The conditions are found by covering the points where something holds with
//! conjunctions of attribute values (a greedy cover; the bundled rules need one term each).

use std::collections::BTreeSet;

use charter::analysis::Model;
use charter::check::{Context, Describe};
use charter::diagnostic::FileId;
use charter::model::{Date, PolicyDoc, SectionDecl};
use charter::resolve::ResolvedPolicy;
use charter::workspace::Workspace;

/// The bundled policy the page describes.
pub const POLICY: &str = "anthropic-usage";

struct Version<'a> {
    date: Date,
    policy: &'a ResolvedPolicy,
    doc: &'a PolicyDoc,
    describe: Describe<'a>,
    points: Vec<Vec<u32>>,
}

impl<'a> Version<'a> {
    fn model(&self) -> &'a Model {
        &self.policy.analysis.model
    }
}

/// The whole page, in Markdown.
pub fn page() -> String {
    let ws = Workspace::with_bundled();
    // Any day after both versions took effect; the page describes each version on its own.
    let cx = Context::new(ws, Date::parse("2100-01-01").expect("a date"));
    let mut files: Vec<(Date, FileId)> = cx
        .registry
        .references()
        .filter(|(id, _, _)| id == POLICY)
        .map(|(_, date, file)| (date, file))
        .collect();
    files.sort();
    let versions: Vec<Version> = files
        .iter()
        .map(|&(date, file)| {
            let policy = cx.policy(file).expect("the bundled policies resolve");
            let doc = cx.ws.file(file).policy().expect("a bundled policy file");
            Version {
                date,
                policy,
                doc,
                describe: Describe::new(&cx.ws, policy),
                points: points(&policy.analysis.model),
            }
        })
        .collect();
    render(&versions)
}

fn render(versions: &[Version]) -> String {
    let newest = versions.last().expect("a bundled version");
    let common = common_clauses(versions);
    let dates: Vec<String> = versions.iter().map(|v| format!("`{}`", v.date)).collect();
    let mut out = String::new();
    out.push_str("<!-- This page is generated from policies/ by `cargo xtask docs`; do not edit it. -->\n\n");
    out.push_str("# Bundled categories and verdicts\n\n");
    out.push_str(&format!(
        "Every attribute, safeguard and category of the bundled `{POLICY}` policy, in the versions \
         {}, with the verdict each version gives. This page is generated from the policy files in \
         `policies/`, by Charter's own analysis, so it always says what Charter does. The \
         rendering is unofficial: the official text each section links is authoritative. \
         [The bundled policy](bundled-policy.md) explains how the rendering was made.\n\n",
        dates.join(" and ")
    ));
    out.push_str(
        "A verdict cell covers every combination of attribute values. *allow when …, else prohibit* \
         names the values that allow; *owes* lists the safeguards an allowed use case must declare, \
         and when. Run `charter explain CATEGORY --set ATTR=VALUE` for a single point, with the \
         rules that decide it.\n\n",
    );
    attributes(&mut out, versions);
    safeguards(&mut out, versions);
    if !common.is_empty() {
        out.push_str(
            "## Safeguards owed everywhere

Wherever a category below is allowed, in every version, it owes:

",
        );
        for clause in &common {
            out.push_str(&format!(
                "- {}
",
                clause.phrase()
            ));
        }
        out.push_str(
            "
The tables list only what a category owes beyond that.

",
        );
    }
    categories(&mut out, versions, newest, &common);
    out
}

fn attributes(out: &mut String, versions: &[Version]) {
    let newest = versions.last().expect("a version");
    out.push_str("## Attributes\n\n");
    out.push_str("A use case states them flat, e.g. `audience: business`; the default holds where it is silent.\n\n");
    out.push_str("| attribute | values | default | what it says |\n| --- | --- | --- | --- |\n");
    for a in &newest.doc.attributes {
        let values: Vec<String> = a.values.iter().map(|v| format!("`{}`", v.value)).collect();
        let default = a.default.as_ref().map_or(String::new(), |d| format!("`{}`", d.value));
        let summary = a.summary.as_ref().map_or("", |s| s.value.as_str());
        let mut note = String::new();
        for older in &versions[..versions.len() - 1] {
            if !older.doc.attributes.iter().any(|o| o.id.value == a.id.value) {
                note = format!(" (not in `{}`)", older.date);
            }
        }
        out.push_str(&format!(
            "| `{}`{note} | {} | {default} | {} |\n",
            a.id.value,
            values.join(", "),
            cell(summary)
        ));
    }
    out.push('\n');
}

fn safeguards(out: &mut String, versions: &[Version]) {
    out.push_str("## Safeguards\n\n");
    out.push_str(
        "A use case lists the safeguards it has in place under `safeguards:`; an allowed use case \
         that lacks one it owes is a [`missing-safeguard`](codes/missing-safeguard.md).\n\n",
    );
    out.push_str("| safeguard | what it asks for |\n| --- | --- |\n");
    let mut ids: Vec<&str> = Vec::new();
    for v in versions.iter().rev() {
        for s in &v.doc.safeguards {
            if !ids.contains(&s.id.value.as_str()) {
                ids.push(&s.id.value);
            }
        }
    }
    for id in ids {
        let decl = versions
            .iter()
            .rev()
            .find_map(|v| v.doc.safeguards.iter().find(|s| s.id.value == id))
            .expect("declared somewhere");
        let missing: Vec<String> = versions
            .iter()
            .filter(|v| !v.doc.safeguards.iter().any(|s| s.id.value == id))
            .map(|v| format!("`{}`", v.date))
            .collect();
        let note = if missing.is_empty() {
            String::new()
        } else {
            format!(" (not in {})", missing.join(", "))
        };
        let summary = decl.summary.as_ref().map_or("", |s| s.value.as_str());
        out.push_str(&format!("| `{id}`{note} | {} |\n", cell(summary)));
    }
    out.push('\n');
}

fn categories(out: &mut String, versions: &[Version], newest: &Version, common: &[Clause]) {
    out.push_str("## Categories\n\n");
    out.push_str(
        "A group's row holds when every category below it has the same verdict; a use case that \
         names a group is judged at each category below it. The section is the part of the \
         policy behind the category, linked to the official text; a blank one is the group's.\n\n",
    );
    let mut names: Vec<&str> = Vec::new();
    for v in versions.iter().rev() {
        for c in &v.doc.categories {
            if !names.contains(&c.id.value.as_str()) {
                names.push(&c.id.value);
            }
        }
    }
    let mut groups: Vec<&str> = Vec::new();
    for name in &names {
        let top = name.split('.').next().unwrap_or(name);
        if !groups.contains(&top) {
            groups.push(top);
        }
    }
    let header: Vec<String> = versions.iter().map(|v| format!("`{}`", v.date)).collect();
    let rule: Vec<&str> = versions.iter().map(|_| "---").collect();
    for group in groups {
        let summary = summary_of(versions, group);
        out.push_str(&format!("### `{group}`\n\n{}\n\n", summary));
        out.push_str(&format!(
            "| category | what it covers | {} | section |\n| --- | --- | {} | --- |\n",
            header.join(" | "),
            rule.join(" | ")
        ));
        let group_section = section_cell(versions, newest, group);
        for name in names
            .iter()
            .filter(|n| **n == group || n.starts_with(&format!("{group}.")))
        {
            let verdicts: Vec<String> = versions.iter().map(|v| verdict_cell(v, name, common)).collect();
            let has_children = names.iter().any(|n| n.starts_with(&format!("{name}.")));
            let shown_summary = if has_children {
                String::from("*all below*")
            } else if *name == group {
                String::from("*as above*")
            } else {
                cell(&summary_of(versions, name))
            };
            let section = section_cell(versions, newest, name);
            let section = if *name != group && section == group_section {
                String::new()
            } else {
                section
            };
            out.push_str(&format!(
                "| `{name}` | {shown_summary} | {} | {section} |\n",
                verdicts.join(" | "),
            ));
        }
        out.push('\n');
    }
}

/// The newest summary of a category.
fn summary_of(versions: &[Version], name: &str) -> String {
    versions
        .iter()
        .rev()
        .find_map(|v| v.doc.categories.iter().find(|c| c.id.value == name))
        .and_then(|c| c.summary.as_ref())
        .map_or(String::new(), |s| s.value.to_string())
}

fn section_cell(versions: &[Version], newest: &Version, name: &str) -> String {
    let link = |s: &SectionDecl| match &s.url {
        Some(url) => format!("[{}]({})", s.title_in("en"), url.value),
        None => s.title_in("en").to_owned(),
    };
    let Some(current) = newest.describe.category_section(name) else {
        return String::new();
    };
    let mut cell = link(current);
    for older in &versions[..versions.len() - 1] {
        if let Some(section) = older.describe.category_section(name)
            && section.title_in("en") != current.title_in("en")
        {
            cell.push_str(&format!("<br>`{}`: {}", older.date, link(section)));
        }
    }
    cell
}

/// Every full assignment of attribute values (as value indices).
fn points(model: &Model) -> Vec<Vec<u32>> {
    let mut points = vec![Vec::new()];
    for a in &model.attributes {
        points = points
            .into_iter()
            .flat_map(|p| {
                (0..a.values.len() as u32).map(move |v| {
                    let mut q = p.clone();
                    q.push(v);
                    q
                })
            })
            .collect();
    }
    points
}

/// What a leaf gets at every point: allowed or not, and the owed safeguards' ids.
fn leaf_table(v: &Version, leaf: u32) -> Vec<(bool, BTreeSet<String>)> {
    let model = v.model();
    v.points
        .iter()
        .map(|p| {
            let verdict = v.policy.analysis.judge(leaf, p);
            let owed = verdict
                .owed
                .iter()
                .map(|(s, _)| model.safeguards[*s as usize].clone())
                .collect();
            (verdict.outcome.is_allowed(), owed)
        })
        .collect()
}

fn verdict_cell(v: &Version, name: &str, common: &[Clause]) -> String {
    let model = v.model();
    let Some(category) = model.categories.find(name) else {
        return String::from("not declared");
    };
    let leaves = model.categories.leaves_under(category);
    let cells: BTreeSet<String> = leaves.iter().map(|&l| describe_leaf(v, l, common).0).collect();
    if cells.len() == 1 {
        cells.into_iter().next().expect("one cell")
    } else {
        String::from("differs by category, see below")
    }
}

/// A leaf's verdict cell, and the clauses of what it owes, leaving out what `common` says.
fn describe_leaf(v: &Version, leaf: u32, common: &[Clause]) -> (String, Vec<Clause>) {
    let table = leaf_table(v, leaf);
    let all: Vec<usize> = (0..table.len()).collect();
    let allowed: Vec<usize> = all.iter().copied().filter(|&i| table[i].0).collect();
    let prohibited: Vec<usize> = all.iter().copied().filter(|&i| !table[i].0).collect();
    let mut text = if prohibited.is_empty() {
        String::from("allow")
    } else if allowed.is_empty() {
        String::from("prohibit")
    } else {
        let when_allowed = cover(v, &allowed, &all);
        let when_prohibited = cover(v, &prohibited, &all);
        if terms(&when_prohibited) < terms(&when_allowed) {
            format!("prohibit when {}, else allow", phrase(v, &when_prohibited))
        } else {
            format!("allow when {}, else prohibit", phrase(v, &when_allowed))
        }
    };
    let safeguards: BTreeSet<&String> = allowed.iter().flat_map(|&i| &table[i].1).collect();
    let mut ordered: Vec<&String> = safeguards.into_iter().collect();
    let order = |s: &String| v.model().safeguards.iter().position(|x| x == s).unwrap_or(usize::MAX);
    ordered.sort_by_key(|s| order(s));
    let mut clauses: Vec<Clause> = Vec::new();
    for s in ordered {
        let implied = |i: usize| common.iter().any(|c| c.safeguard == *s && c.holds_at(v, &v.points[i]));
        let care: Vec<usize> = allowed.iter().copied().filter(|&i| !implied(i)).collect();
        let target: Vec<usize> = care.iter().copied().filter(|&i| table[i].1.contains(s)).collect();
        if target.is_empty() {
            continue;
        }
        for cube in cover(v, &target, &care) {
            clauses.push(Clause::of_cube(v, s, &cube));
        }
    }
    // Safeguards grouped by the condition under which they are owed, unconditional ones first.
    let mut owed: Vec<(String, Vec<String>)> = Vec::new();
    let mut sorted: Vec<&Clause> = clauses.iter().collect();
    sorted.sort_by_key(|c| !c.when.is_empty());
    for clause in sorted {
        let condition = clause.condition();
        match owed.iter_mut().find(|(c, _)| *c == condition) {
            Some((_, list)) => list.push(format!("`{}`", clause.safeguard)),
            None => owed.push((condition, vec![format!("`{}`", clause.safeguard)])),
        }
    }
    for (condition, list) in owed {
        text.push_str(&format!("; owes {}{condition}", list.join(", ")));
    }
    (text, clauses)
}

/// "Owes `safeguard` when …": a condition as attribute names and values, so that it reads the
/// same in every version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Clause {
    pub safeguard: String,
    /// Per attribute, its values; empty: always.
    pub when: Vec<(String, Vec<String>)>,
}

impl Clause {
    fn of_cube(v: &Version, safeguard: &str, cube: &Cube) -> Clause {
        let model = v.model();
        let when = cube
            .iter()
            .enumerate()
            .filter_map(|(a, set)| {
                let attribute = &model.attributes[a];
                let values = set
                    .as_ref()?
                    .iter()
                    .map(|&x| attribute.values[x as usize].clone())
                    .collect();
                Some((attribute.name.clone(), values))
            })
            .collect();
        Clause {
            safeguard: safeguard.to_owned(),
            when,
        }
    }

    /// Whether the condition holds at a point of `v` (false if `v` lacks an attribute).
    fn holds_at(&self, v: &Version, point: &[u32]) -> bool {
        let model = v.model();
        self.when.iter().all(|(name, values)| {
            model
                .attributes
                .iter()
                .position(|a| a.name == *name)
                .is_some_and(|a| values.contains(&model.attributes[a].values[point[a] as usize]))
        })
    }

    fn condition(&self) -> String {
        if self.when.is_empty() {
            return String::new();
        }
        let parts: Vec<String> = self
            .when
            .iter()
            .map(|(name, values)| match values.as_slice() {
                [one] => format!("`{name}: {one}`"),
                many => format!("`{name}` is `{}`", many.join("` or `")),
            })
            .collect();
        format!(" when {}", parts.join(" and "))
    }

    fn phrase(&self) -> String {
        format!("`{}`{}", self.safeguard, self.condition())
    }
}

/// The clauses that hold at every allowed point of every leaf in every version: said once on
/// the page instead of in every cell.
fn common_clauses(versions: &[Version]) -> Vec<Clause> {
    let mut candidates: BTreeSet<Clause> = BTreeSet::new();
    let mut tables = Vec::new();
    for v in versions {
        for leaf in 0..v.model().categories.len() as u32 {
            if !v.model().categories.is_leaf(leaf) {
                continue;
            }
            candidates.extend(describe_leaf(v, leaf, &[]).1);
            tables.push((v, leaf_table(v, leaf)));
        }
    }
    candidates
        .into_iter()
        .filter(|clause| !clause.when.is_empty())
        .filter(|clause| {
            tables.iter().all(|(v, table)| {
                table
                    .iter()
                    .zip(&v.points)
                    .all(|((allowed, owed), p)| !allowed || !clause.holds_at(v, p) || owed.contains(&clause.safeguard))
            })
        })
        .collect()
}

/// A conjunction: per attribute, the allowed value indices (`None`: any value).
type Cube = Vec<Option<BTreeSet<u32>>>;

fn contains(cube: &Cube, point: &[u32]) -> bool {
    cube.iter()
        .zip(point)
        .all(|(c, v)| c.as_ref().is_none_or(|set| set.contains(v)))
}

/// Conjunctions covering exactly the points `target` among the points `care` (indices into
/// the version's points); points outside `care` may fall either way.
fn cover(v: &Version, target: &[usize], care: &[usize]) -> Vec<Cube> {
    let model = v.model();
    let forbidden: Vec<&Vec<u32>> = care
        .iter()
        .filter(|i| !target.contains(i))
        .map(|&i| &v.points[i])
        .collect();
    let fits = |cube: &Cube| forbidden.iter().all(|p| !contains(cube, p));
    let mut cubes: Vec<Cube> = Vec::new();
    for &i in target {
        let point = &v.points[i];
        if cubes.iter().any(|c| contains(c, point)) {
            continue;
        }
        let mut cube: Cube = point.iter().map(|&x| Some(BTreeSet::from([x]))).collect();
        // Widen one attribute at a time: first to any value, else to the values other target
        // points share.
        for a in 0..model.attributes.len() {
            let saved = cube[a].clone();
            cube[a] = None;
            if fits(&cube) {
                continue;
            }
            cube[a] = saved;
            for x in 0..model.attributes[a].values.len() as u32 {
                let mut wider = cube.clone();
                if let Some(set) = &mut wider[a] {
                    set.insert(x);
                }
                if fits(&wider) {
                    cube = wider;
                }
            }
        }
        cubes.push(cube);
    }
    cubes
}

fn terms(cubes: &[Cube]) -> usize {
    cubes.iter().map(|c| c.iter().flatten().count().max(1)).sum()
}

fn phrase(v: &Version, cubes: &[Cube]) -> String {
    let model = v.model();
    let conjunction = |cube: &Cube| {
        let parts: Vec<String> = cube
            .iter()
            .enumerate()
            .filter_map(|(a, set)| {
                let attribute = &model.attributes[a];
                let values: Vec<&str> = set
                    .as_ref()?
                    .iter()
                    .map(|&x| attribute.values[x as usize].as_str())
                    .collect();
                Some(match values.as_slice() {
                    [one] => format!("`{}: {one}`", attribute.name),
                    many => format!("`{}` is `{}`", attribute.name, many.join("` or `")),
                })
            })
            .collect();
        if parts.is_empty() {
            String::from("always")
        } else {
            parts.join(" and ")
        }
    };
    let parts: Vec<String> = cubes.iter().map(conjunction).collect();
    if parts.len() == 1 {
        parts.into_iter().next().expect("one part")
    } else {
        parts.iter().map(|p| format!("({p})")).collect::<Vec<_>>().join(" or ")
    }
}

/// Text fit for a table cell: no line breaks, no column separators.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}
