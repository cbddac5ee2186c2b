//! Re-parsing a manifest or a policy after an edit without parsing all of it again.
//!
//! A manifest is mostly its `use-cases` list, a big policy mostly its `rules`, and an edit
//! almost always falls inside one or a few of their items. Those items' lines are parsed on
//! their own and spliced into the tree, the document and the diagnostics; everything after
//! them only moves. On a 100,000-line manifest this turns a ~300 ms parse into well under a
//! millisecond of parsing plus a linear shift.
//!
//! The splice is only taken when the items' text cannot mean anything else in context:
//! - the file parsed without a YAML error and defines no anchor (an alias could reach into the
//!   edited text from anywhere);
//! - the edited lines are block-sequence items at one indentation: each line is blank, a
//!   comment, indented deeper than the items' `-`, or starts a new item at that `-`, so no
//!   document marker, directive or key of an outer map can hide in them;
//! - they parse on their own without error into as many items as they replace (item positions
//!   name items without an id, so a change in count would rename later ones);
//! - no id written in the old or new items occurs elsewhere in the list (`duplicate-id` is the
//!   one finding that spans items);
//! - the first item is not among them (the sequence's own range starts with it);
//! - in a policy, `rules` is the file's last key, so that only rules come after the edit.
//!
//! Otherwise the caller parses the whole text, which also compacts the tree once replaced
//! nodes make up half of it.

use std::collections::HashMap;
use std::ops::Range;

use super::SourceFile;
use crate::compact::CompactStr;
use crate::diagnostic::FileId;
use crate::model::{ManifestDoc, RuleDecl, Spanned, UseCaseDecl, WhenClause, lower_rule_items, lower_use_case_items};
use crate::syntax::NodeKind;
use crate::syntax::{Limits, NodeId, Tree, parse};
use crate::text::{Splice, TextRange, line_start_of};

/// Replaced nodes below this many never trigger a full parse to compact the tree.
const MIN_COMPACTION: usize = 8192;

/// How to apply an edit by re-parsing only the use cases it touched: items `items` of the
/// sequence `seq`, whose lines spanned `region` of the old text, and the parse of their new
/// lines. Planned on the shared file, so that a file is copied (when a snapshot still holds
/// it) only once the splice is certain.
pub(super) struct Plan {
    root: NodeId,
    seq: NodeId,
    items: Range<usize>,
    region: TextRange,
    part: Tree,
    delta: isize,
    /// The ids the replaced items wrote, and those their new text writes.
    old_ids: Vec<String>,
    new_ids: Vec<String>,
}

/// How many items of a manifest's `use-cases` write each id. An edited item's id must occur
/// nowhere else (`duplicate-id` is the one finding that spans items); counting once and
/// updating per edit answers that without reading every other item on every keystroke.
#[derive(Debug, Clone, Default)]
pub(super) struct ItemIds(HashMap<String, u32>);

impl ItemIds {
    fn count(tree: &Tree, items: &[NodeId]) -> Self {
        let mut ids = ItemIds::default();
        ids.add(items.iter().filter_map(|&n| raw_id(tree, n)));
        ids
    }

    fn add<'a>(&mut self, ids: impl Iterator<Item = &'a str>) {
        for id in ids {
            *self.0.entry(id.to_owned()).or_default() += 1;
        }
    }

    fn remove(&mut self, ids: &[String]) {
        for id in ids {
            if let Some(n) = self.0.get_mut(id) {
                *n -= 1;
                if *n == 0 {
                    self.0.remove(id);
                }
            }
        }
    }

    /// Whether items other than `region`'s write `id`.
    fn elsewhere(&self, id: &str, region: &[String]) -> bool {
        let here = region.iter().filter(|r| *r == id).count();
        self.0.get(id).is_some_and(|&n| n as usize > here)
    }
}

/// The plan for `splice` (old text of `file` → `text`), or `None` when a splice is not safe
/// and the caller must parse the whole text.
pub(super) fn plan(file: &SourceFile, text: &str, splice: Splice) -> Option<Plan> {
    let tree = file.tree();
    // Once replaced nodes make up half the arena (and are not just a few), a full parse
    // compacts it.
    let compact = tree.garbage > tree.len().max(MIN_COMPACTION) / 2;
    let too_big = text.len() > super::MAX_FILE_BYTES;
    if tree.anchored || !file.is_well_formed() || compact || too_big {
        return None;
    }
    let root = tree.root()?;
    let seq = match &file.doc {
        super::Document::Manifest(_) => tree.get(root, "use-cases")?.value,
        super::Document::Policy(_) => {
            let seq = tree.get(root, "rules")?.value;
            // Only rules may follow the edit: the policy's other declarations are not moved.
            let NodeKind::Mapping(entries) = &tree.node(root).kind else {
                return None;
            };
            (entries.last().map(|e| e.value) == Some(seq)).then_some(seq)?
        }
    };
    let items = tree.items(seq)?;
    let old = file.text.as_str();
    let item_line = |i: usize| line_start_of(old, tree.range(items[i]).start);
    let first = items.partition_point(|&n| line_start_of(old, tree.range(n).start) <= splice.start);
    // Not the first item: where the sequence starts depends on how its first item is written.
    let i = first.checked_sub(1).filter(|&i| i > 0)?;
    let j = items
        .partition_point(|&n| line_start_of(old, tree.range(n).start) < splice.old_end)
        .saturating_sub(1)
        .max(i);
    let start = item_line(i);
    let dash = dash_column(&old[start..tree.range(items[i]).start])?;
    let end = match items.get(j + 1) {
        Some(_) => item_line(j + 1),
        None => {
            let end = line_end(old, tree.range(items[j]).end);
            (next_content_indent(&old[end..]) <= Some(dash)).then_some(end)?
        }
    };
    if splice.old_end > end {
        return None;
    }
    let new_end = end.checked_add_signed(splice.delta())?;
    let lines = text.get(start..new_end)?;
    if !(new_end == text.len() || ends_with_break(lines)) || !items_only(lines, dash) {
        return None;
    }
    let limits = Limits::default();
    let parsed = parse(
        lines,
        &Limits {
            max_depth: limits.max_depth - 1, // the root map is not part of `lines`
            ..limits
        },
    );
    let new_items = parsed.tree.items(parsed.tree.root()?)?;
    if !parsed.diagnostics.is_empty() || parsed.tree.anchored || new_items.len() != j + 1 - i {
        return None;
    }
    let old_ids = written_ids(tree, &items[i..=j]);
    let new_ids = written_ids(&parsed.tree, new_items);
    let counts = file.item_ids.get_or_init(|| ItemIds::count(tree, items));
    if has_repeat(&new_ids) || old_ids.iter().chain(&new_ids).any(|id| counts.elsewhere(id, &old_ids)) {
        return None;
    }
    Some(Plan {
        root,
        seq,
        items: i..j + 1,
        region: TextRange::new(start, end),
        delta: splice.delta(),
        old_ids,
        new_ids,
        part: parsed.tree,
    })
}

/// Applies a plan made on this file's text, moving `text` in.
pub(super) fn apply(file: &mut SourceFile, id: FileId, text: String, plan: Plan) {
    let Plan {
        root,
        seq,
        items,
        region,
        part,
        delta,
        old_ids,
        new_ids,
    } = plan;
    if let Some(counts) = file.item_ids.get_mut() {
        counts.remove(&old_ids);
        counts.add(new_ids.iter().map(String::as_str));
    }
    let replaced = |r: TextRange| region.start <= r.start && r.start < region.end;
    file.diagnostics.retain(|d| !replaced(d.range));
    for d in &mut file.diagnostics {
        d.shift(id, region.end, delta);
    }
    let count = items.len();
    let first = items.start;
    // A plan was made from the tree, so it is there.
    let tree = file.tree.get_mut().expect("planned from the tree");
    tree.replace_items(&[root, seq], items, part, region.start, region.end, delta);
    let new_items: Vec<(usize, NodeId)> = tree.items(seq).unwrap_or_default()[first..first + count]
        .iter()
        .enumerate()
        .map(|(k, &node)| (first + k + 1, node))
        .collect();
    match &mut file.doc {
        super::Document::Manifest(doc) => {
            let decls = lower_use_case_items(tree, id, &new_items, &mut file.diagnostics);
            let from = doc.use_cases.partition_point(|u| u.range.start < region.start);
            let to = doc.use_cases.partition_point(|u| u.range.start < region.end);
            shift_doc(doc, region.end, delta);
            doc.use_cases.splice(from..to, decls);
        }
        super::Document::Policy(doc) => {
            let decls = lower_rule_items(tree, id, &new_items, &mut file.diagnostics);
            let from = doc.rules.partition_point(|r| r.range.start < region.start);
            let to = doc.rules.partition_point(|r| r.range.start < region.end);
            // `rules` is the last key: nothing but the rules after the edit moves.
            for rule in &mut doc.rules[to..] {
                shift_rule(rule, region.end, delta);
            }
            doc.rules.splice(from..to, decls);
        }
    }
    file.text = text;
}

fn shift_rule(rule: &mut RuleDecl, from: usize, delta: isize) {
    let shift = |r: &mut TextRange| *r = r.shifted(from, delta);
    let spanned = |s: &mut Spanned<CompactStr>| shift(&mut s.range);
    spanned(&mut rule.id);
    shift(&mut rule.effect.range);
    rule.categories.iter_mut().for_each(spanned);
    rule.safeguards.iter_mut().for_each(spanned);
    for WhenClause { attribute, values } in &mut rule.when {
        spanned(attribute);
        values.iter_mut().for_each(spanned);
    }
    rule.section.iter_mut().for_each(spanned);
    rule.summary.iter_mut().for_each(spanned);
    shift(&mut rule.range);
}

/// Moves a manifest's offsets at or after `from` by `delta`.
fn shift_doc(doc: &mut ManifestDoc, from: usize, delta: isize) {
    let shift = |r: &mut TextRange| *r = r.shifted(from, delta);
    let spanned = |s: &mut Spanned<CompactStr>| shift(&mut s.range);
    doc.id.iter_mut().for_each(spanned);
    doc.owner.iter_mut().for_each(spanned);
    doc.policy.iter_mut().for_each(|p| shift(&mut p.range));
    doc.policy_key.iter_mut().for_each(shift);
    doc.use_cases_key.iter_mut().for_each(shift);
    shift(&mut doc.first_key);
    let after = doc.use_cases.partition_point(|u| u.range.start < from);
    for uc in &mut doc.use_cases[after..] {
        shift_use_case(uc, from, delta);
    }
}

fn shift_use_case(uc: &mut UseCaseDecl, from: usize, delta: isize) {
    let shift = |r: &mut TextRange| *r = r.shifted(from, delta);
    let spanned = |s: &mut Spanned<CompactStr>| shift(&mut s.range);
    spanned(&mut uc.id);
    uc.summary.iter_mut().for_each(spanned);
    uc.categories.iter_mut().for_each(spanned);
    if let Some(safeguards) = &mut uc.safeguards {
        shift(&mut safeguards.range);
        safeguards.value.iter_mut().for_each(spanned);
    }
    for (key, value) in &mut uc.attributes {
        spanned(key);
        spanned(value);
    }
    shift(&mut uc.range);
}

/// The `id` of an item as written, if it is a scalar.
fn raw_id(tree: &Tree, item: NodeId) -> Option<&str> {
    let entry = tree.get(item, "id")?;
    tree.scalar(entry.value).map(|s| s.text.as_str())
}

/// The ids `items` write, where written as scalars.
fn written_ids(tree: &Tree, items: &[NodeId]) -> Vec<String> {
    items
        .iter()
        .filter_map(|&n| raw_id(tree, n))
        .map(str::to_owned)
        .collect()
}

/// Whether an id occurs twice in `ids`.
fn has_repeat(ids: &[String]) -> bool {
    ids.iter().enumerate().any(|(k, id)| ids[..k].contains(id))
}

/// The offset just past the line break ending the line that holds `offset` (or the text's end).
fn line_end(text: &str, offset: usize) -> usize {
    let Some(at) = text[offset..].find(['\n', '\r']).map(|i| i + offset) else {
        return text.len();
    };
    if text[at..].starts_with("\r\n") { at + 2 } else { at + 1 }
}

fn ends_with_break(text: &str) -> bool {
    text.ends_with(['\n', '\r'])
}

/// The `-` column of an item's first line, given the text before the item's node on that line:
/// spaces, `-`, and at least one space.
fn dash_column(prefix: &str) -> Option<usize> {
    let indent = prefix.len() - prefix.trim_start_matches(' ').len();
    let rest = prefix[indent..].strip_prefix('-')?;
    (!rest.is_empty() && rest.bytes().all(|b| b == b' ')).then_some(indent)
}

/// Whether every line of `lines` belongs to block-sequence items whose `-` is at column `dash`,
/// the first line starting one.
fn items_only(lines: &str, dash: usize) -> bool {
    let mut first = true;
    for line in lines.split_inclusive(['\n', '\r']) {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches(' ').len();
        let rest = &body[indent..];
        let starts_item = indent == dash && (rest == "-" || rest.starts_with("- "));
        let fits = starts_item || (!first && (rest.is_empty() || rest.starts_with('#') || indent > dash));
        if !fits {
            return false;
        }
        first = false;
    }
    !first
}

/// The indentation of the first line of `text` that is neither blank nor a comment.
fn next_content_indent(text: &str) -> Option<usize> {
    text.split(['\n', '\r']).find_map(|line| {
        let rest = line.trim_start_matches(' ');
        (!rest.is_empty() && !rest.starts_with('#')).then_some(line.len() - rest.len())
    })
}

#[cfg(test)]
mod tests {
    use super::super::{FileKind, Workspace};
    use crate::diagnostic::FileId;
    use crate::syntax::{NodeKind, Tree};
    use crate::testing::{Rng, random_manifest as manifest, random_manifest_edit as random_edit};
    use crate::text::Splice;

    /// The tree as reachable from the root, ids left out: what the engine can observe.
    fn shape(tree: &Tree) -> Vec<String> {
        tree.reachable()
            .into_iter()
            .map(|id| {
                let node = tree.node(id);
                let kind = match &node.kind {
                    NodeKind::Scalar(s) => format!("scalar {:?}", s),
                    NodeKind::Sequence(items) => format!("seq {}", items.len()),
                    NodeKind::Mapping(entries) => format!("map {}", entries.len()),
                    NodeKind::Invalid => String::from("invalid"),
                };
                format!("{kind} {:?}", node.range)
            })
            .collect()
    }

    /// Applies one edit by splicing; whether the result has a YAML error or an anchor.
    fn apply_edit(
        ws: &mut Workspace,
        file: FileId,
        text: &mut String,
        edit: (usize, usize, &str),
        spliced: &mut usize,
    ) -> bool {
        let (start, end, inserted) = edit;
        text.replace_range(start..end, inserted);
        let garbage = ws.file(file).tree().garbage;
        ws.splice_text(file, text.clone(), Splice::edit(start, end - start, inserted.len()));
        *spliced += usize::from(ws.file(file).tree().garbage > garbage);
        !ws.file(file).is_well_formed() || ws.file(file).tree().anchored
    }

    /// Edits 200 files made by `make`, 20 random edits each, by splicing and by parsing the
    /// whole new text: text, tree, document and diagnostics must be the same. Returns how many
    /// edits were spliced, and how many there were.
    fn splices_equal_fresh_parses(
        rng: &mut Rng,
        path: &str,
        kind: FileKind,
        mut make: impl FnMut(&mut Rng) -> String,
    ) -> (usize, usize) {
        let (mut spliced_count, mut edits) = (0, 0);
        for _ in 0..200 {
            let text = make(rng);
            let mut ws = Workspace::default();
            let file = ws.add(path.into(), text.clone(), kind, false);
            let mut text = text;
            for _ in 0..20 {
                let (start, end, inserted) = random_edit(rng, &text);
                let removed = text[start..end].to_string();
                let broken = apply_edit(&mut ws, file, &mut text, (start, end, &inserted), &mut spliced_count);
                // Mostly undo edits that break the YAML, as a user would, so that later edits
                // start from well-formed text (only that can be spliced).
                if broken && rng.chance(99) {
                    let undo = (start, start + inserted.len(), removed.as_str());
                    apply_edit(&mut ws, file, &mut text, undo, &mut spliced_count);
                    edits += 1;
                }
                edits += 1;
                let mut fresh = Workspace::default();
                let f = fresh.add(path.into(), text.clone(), kind, false);
                assert_eq!(f, FileId(0));
                let (got, want) = (ws.file(file), fresh.file(f));
                let context = format!("after an edit at {start}..{end} with {inserted:?}, text:\n{text}");
                assert_eq!(got.text, want.text);
                assert_eq!(shape(got.tree()), shape(want.tree()), "{context}");
                assert_eq!(got.manifest(), want.manifest(), "{context}");
                assert_eq!(got.policy(), want.policy(), "{context}");
                let sorted = |f: &super::SourceFile| {
                    let mut d = f.diagnostics.clone();
                    d.sort_by(|a, b| (a.range, &a.message).cmp(&(b.range, &b.message)));
                    d
                };
                assert_eq!(sorted(got), sorted(want), "{context}");
            }
        }
        (spliced_count, edits)
    }

    /// Thousands of random edits of manifests, spliced and parsed whole.
    #[test]
    fn a_spliced_manifest_equals_a_fresh_parse() {
        let mut rng = Rng(0x2E9A25E);
        let (spliced_count, edits) =
            splices_equal_fresh_parses(&mut rng, "m.usecases.yaml", FileKind::Manifest, manifest);
        // The test means nothing unless many edits took the partial path. Edits that break the
        // YAML, their undoing, and edits to the first use case or outside the list cannot.
        assert!(spliced_count >= 500, "{spliced_count} of {edits} edits spliced");
    }

    /// A policy whose `rules` come last, with `n` rules of every shape lowering knows.
    fn policy(rng: &mut Rng, n: usize) -> String {
        let mut text = String::from(
            "policy: p\nversion: 2025-01-01\nattributes:\n  audience: { summary: A., values: [consumer, business], default: consumer }\nsafeguards:\n  hitl: { summary: S. }\ncategories:\n  c: { summary: C. }\n  c.d: { summary: D. }\nrules:\n",
        );
        for i in 0..n {
            let id = if rng.chance(5) {
                String::from("r0")
            } else {
                format!("r{i}")
            };
            text.push_str(&format!("  - id: {id}\n"));
            match rng.below(4) {
                0 => text.push_str("    effect: require\n    categories: [c.d]\n    safeguards: [hitl]\n"),
                1 => text.push_str("    effect: allow\n    categories: [c, c.d]\n    when: { audience: [business] }\n"),
                2 => text
                    .push_str("    effect: prohibit   # a comment\n    categories: [c]\n    summary: \"Quoted, é.\"\n"),
                _ => text.push_str("    effect: prohibix\n    categories: []\n"),
            }
        }
        text
    }

    /// The same for policies: random edits spliced into the `rules` of a policy, against a
    /// fresh parse of the same text.
    #[test]
    fn a_spliced_policy_equals_a_fresh_parse() {
        let mut rng = Rng(0x90_11C7);
        let (spliced_count, edits) = splices_equal_fresh_parses(&mut rng, "p.policy.yaml", FileKind::Policy, |rng| {
            let n = 4 + rng.below(12);
            policy(rng, n)
        });
        assert!(spliced_count >= 500, "{spliced_count} of {edits} edits spliced");
    }

    /// An edit changes the file in place (copying a big manifest cost more than the rest of
    /// the edit), except while a snapshot still holds it: the snapshot keeps its text.
    #[test]
    fn a_splice_copies_the_file_only_while_a_snapshot_holds_it() {
        let text = "use-cases:\n  - id: a\n    category: code\n  - id: b\n    category: code\n";
        let mut ws = Workspace::default();
        let file = ws.add("m.usecases.yaml".into(), text.into(), FileKind::Manifest, false);
        let at = text.find("id: b").expect("present") + "id: ".len();
        let edit = |ws: &mut Workspace, new: &str| {
            let mut changed = ws.file(file).text.clone();
            changed.replace_range(at..at + 1, new);
            ws.splice_text(file, changed, Splice::edit(at, 1, new.len()));
        };

        let before = std::sync::Arc::as_ptr(ws.shared(file));
        edit(&mut ws, "c");
        assert_eq!(
            std::sync::Arc::as_ptr(ws.shared(file)),
            before,
            "copied although unshared"
        );
        assert!(ws.file(file).tree().garbage > 0, "the edit took the partial path");

        let snapshot = ws.clone();
        edit(&mut ws, "d");
        assert!(ws.file(file).text.contains("id: d"));
        assert!(snapshot.file(file).text.contains("id: c"), "the snapshot saw the edit");
    }
}
