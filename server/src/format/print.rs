//! The canonical layout, written from the tree: 2-space indentation, keys in order, lists of
//! scalars in flow style when they fit in [`WIDTH`], other lists in block style, maps in block
//! style unless written in flow style and fitting on their line, one blank line between
//! top-level blocks, comments and (at most single) blank lines where the author had them.

use super::WIDTH;
use super::comments::{Comments, GapLine};
use super::order::{Shape, ordered};
use super::scalar::{block_content, block_header, can_be_plain, plain_fits_flow, push_indent, reindent_folded};
use crate::check::SUPPRESSION_MARKER;
use crate::syntax::{Entry, NodeId, NodeKind, ScalarStyle, Tree};
use crate::workspace::FileKind;

/// The text in the layout; `Err` with the node whose trailing comment would have shared a line
/// with another one (a key's and its value's, written on two lines), which is refused.
pub(super) fn print(text: &str, tree: &Tree, comments: &Comments, kind: FileKind) -> Result<String, NodeId> {
    let mut p = Printer {
        text,
        tree,
        comments,
        out: String::with_capacity(text.len() + text.len() / 8),
        clash: None,
    };
    p.document(Shape::Root(kind));
    match p.clash {
        Some(node) => Err(node),
        None => Ok(align_comments(&p.out)),
    }
}

/// Where a trailing comment starts in the printed text, until [`align_comments`] replaces it
/// with spaces; a parsed YAML text holds no NUL.
const COMMENT_MARK: char = '\0';

/// Trailing comments on consecutive lines start in one column, two spaces after the widest
/// content among those lines (as taplo aligns them), so that an annotated block reads as a
/// table; a comment alone gets two spaces. Widths are display columns, for CJK text.
fn align_comments(out: &str) -> String {
    use unicode_width::UnicodeWidthStr;
    let lines: Vec<&str> = out.split_inclusive('\n').collect();
    let mut aligned = String::with_capacity(out.len() + out.len() / 16);
    let mut i = 0;
    while i < lines.len() {
        let run = lines[i..].iter().take_while(|l| l.contains(COMMENT_MARK)).count();
        if run == 0 {
            aligned.push_str(lines[i]);
            i += 1;
            continue;
        }
        let split: Vec<(&str, &str)> = lines[i..i + run]
            .iter()
            .map(|l| l.split_once(COMMENT_MARK).expect("a marked line"))
            .collect();
        let column = split.iter().map(|(code, _)| code.width()).max().unwrap_or(0) + 2;
        for (code, comment) in split {
            aligned.push_str(code);
            aligned.extend(std::iter::repeat_n(' ', column - code.width()));
            aligned.push_str(comment);
        }
        i += run;
    }
    aligned
}

struct Printer<'a> {
    text: &'a str,
    tree: &'a Tree,
    comments: &'a Comments,
    out: String,
    /// The first node whose trailing comment found another on its line.
    clash: Option<NodeId>,
}

impl Printer<'_> {
    fn document(&mut self, shape: Shape) {
        self.gap(&self.comments.header, 0, true);
        if !self.comments.header.is_empty() && self.tree.root().is_some() {
            self.out.push('\n');
        }
        if let Some(root) = self.tree.root() {
            match self.tree.kind(root) {
                NodeKind::Mapping(entries) if !entries.is_empty() => self.top_level(entries, shape),
                NodeKind::Sequence(items) if !items.is_empty() => self.block(root, 0, shape, false),
                _ => {
                    self.gap_of(root, 0, true);
                    self.item_value(root, 0, shape, None);
                }
            }
        }
        let footer = &self.comments.footer;
        if footer.first() == Some(&GapLine::Blank) && !self.out.is_empty() {
            self.out.push('\n');
        }
        self.gap(footer, 0, true);
    }

    /// The root map: a blank line around each entry that takes more than one line, unless its
    /// comments above already have one (a comment set apart from it stays where it was);
    /// between one-line entries, the author's blank line if there was one.
    fn top_level(&mut self, entries: &[Entry], shape: Shape) {
        let mut previous_multiline = false;
        for (i, e) in self.ordered(self.tree.root(), entries, shape).into_iter().enumerate() {
            let gap = self.comments.leading.get(&e.key).map_or(&[][..], Vec::as_slice);
            let gap_blank = gap.contains(&GapLine::Blank);
            let author_blank = gap.first() == Some(&GapLine::Blank);
            let saved = std::mem::take(&mut self.out);
            self.gap(gap, 0, true);
            let comment_len = self.out.len();
            self.entry(e, 0, shape);
            let multiline = self.out[comment_len..].trim_end().contains('\n');
            let entry = std::mem::replace(&mut self.out, saved);
            if i > 0 && (author_blank || ((multiline || previous_multiline) && !gap_blank)) {
                self.out.push('\n');
            }
            self.out.push_str(&entry);
            previous_multiline = multiline;
        }
    }

    /// The lines above a key or item; a blank line first is dropped for the first one of a block.
    fn gap(&mut self, lines: &[GapLine], indent: usize, first: bool) {
        for (i, line) in lines.iter().enumerate() {
            match line {
                GapLine::Blank if first && i == 0 => {}
                GapLine::Blank => self.out.push('\n'),
                GapLine::Comment(c) => {
                    push_indent(&mut self.out, indent);
                    self.out.push_str(c);
                    self.out.push('\n');
                }
            }
        }
    }

    fn gap_of(&mut self, slot: NodeId, indent: usize, first: bool) {
        if let Some(lines) = self.comments.leading.get(&slot) {
            self.gap(lines, indent, first);
        }
    }

    /// The entries of map `map` in the order to write them.
    fn ordered(&self, map: Option<NodeId>, entries: &[Entry], shape: Shape) -> Vec<Entry> {
        let keep_first = map.is_some_and(|m| self.comments.keeps_first(m, entries));
        ordered(self.tree, entries, shape, keep_first)
    }

    /// `  # comment` after a line's content, if `node` has one (aligned with its neighbours'
    /// at the end).
    fn trail(&mut self, node: NodeId) {
        if let Some(c) = self.comments.trailing.get(&node) {
            let line = &self.out[self.out.rfind('\n').map_or(0, |i| i + 1)..];
            if line.contains(COMMENT_MARK) {
                self.clash.get_or_insert(node);
            }
            self.out.push(COMMENT_MARK);
            self.out.push_str(c);
        }
    }

    /// A block collection at `indent`. With `inline_first`, the first key or item goes where the
    /// output is now (after a `- `), and its comments were written above that line.
    fn block(&mut self, node: NodeId, indent: usize, shape: Shape, inline_first: bool) {
        match self.tree.kind(node) {
            NodeKind::Mapping(entries) => {
                for (i, e) in self.ordered(Some(node), entries, shape).into_iter().enumerate() {
                    if !(inline_first && i == 0) {
                        self.gap_of(e.key, indent, i == 0);
                        push_indent(&mut self.out, indent);
                    }
                    self.entry(e, indent, shape);
                }
            }
            NodeKind::Sequence(items) => {
                for (i, &item) in items.iter().enumerate() {
                    if !(inline_first && i == 0) {
                        for slot in self.hoisted(item, shape.item()) {
                            self.gap_of(slot, indent, i == 0);
                        }
                        push_indent(&mut self.out, indent);
                    }
                    self.out.push_str("- ");
                    self.item_value(item, indent + 2, shape.item(), None);
                }
            }
            _ => self.item_value(node, indent, shape, None),
        }
    }

    /// The item and the first keys or items nested on its line (`- - id: a`): their comments go
    /// above the item's line.
    fn hoisted(&self, item: NodeId, shape: Shape) -> Vec<NodeId> {
        let mut slots = vec![item];
        let (mut node, mut shape) = (item, shape);
        while self.flow(node, shape, 0, false).is_none() {
            match self.tree.kind(node) {
                NodeKind::Mapping(entries) if !entries.is_empty() => {
                    slots.push(self.ordered(Some(node), entries, shape)[0].key);
                    break;
                }
                NodeKind::Sequence(items) if !items.is_empty() => {
                    (node, shape) = (items[0], shape.item());
                    slots.push(node);
                }
                _ => break,
            }
        }
        slots
    }

    /// `key: value` at `indent`, the output already indented.
    fn entry(&mut self, e: Entry, indent: usize, shape: Shape) {
        let key = self.scalar_inline(e.key, false, 0).unwrap_or_default();
        self.out.push_str(&key);
        self.out.push(':');
        let shape = shape.child(self.tree.scalar(e.key).map_or("", |s| s.text.as_str()));
        let used = indent + key.chars().count() + 2;
        match self.tree.kind(e.value) {
            NodeKind::Mapping(c) if !c.is_empty() => self.collection_after_key(e, indent, used, shape),
            NodeKind::Sequence(c) if !c.is_empty() => self.collection_after_key(e, indent, used, shape),
            _ => {
                if !self.is_empty_plain(e.value) {
                    self.out.push(' ');
                }
                self.item_value(e.value, indent + 2, shape, Some(e.key));
            }
        }
    }

    fn collection_after_key(&mut self, e: Entry, indent: usize, used: usize, shape: Shape) {
        let key_comment = self.comments.trailing.contains_key(&e.key);
        if let Some(flow) = self.flow(e.value, shape, used, key_comment) {
            self.out.push(' ');
            self.out.push_str(&flow);
            self.trail(e.key);
            self.trail(self.last_scalar(e.value));
            self.out.push('\n');
        } else {
            self.trail(e.key);
            self.out.push('\n');
            self.block(e.value, indent + 2, shape, false);
        }
    }

    /// A value where the output stands (after `key: ` or `- `), its continuation lines at
    /// `indent`; ends its last line. The comment after `key`, if any, ends the value's first
    /// line (it was after the key, with the value on a line below).
    fn item_value(&mut self, node: NodeId, indent: usize, shape: Shape, key: Option<NodeId>) {
        let key = key.unwrap_or(node);
        match self.tree.kind(node) {
            NodeKind::Scalar(s) if matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded) => {
                let range = self.tree.range(node);
                self.out.push_str(block_header(self.text, range));
                if key != node {
                    self.trail(key);
                }
                self.trail(node);
                for line in block_content(self.text, range, indent) {
                    self.out.push('\n');
                    self.out.push_str(&line);
                }
                self.out.push('\n');
            }
            NodeKind::Scalar(_) => {
                let text = self.scalar_inline(node, false, indent).unwrap_or_default();
                if text.is_empty() && self.out.ends_with(' ') {
                    self.out.pop();
                }
                let (first, rest) = text.split_once('\n').map_or((&text[..], None), |(f, r)| (f, Some(r)));
                self.out.push_str(first);
                if key != node {
                    self.trail(key);
                }
                if let Some(rest) = rest {
                    self.out.push('\n');
                    self.out.push_str(rest);
                }
                self.trail(node);
                self.out.push('\n');
            }
            NodeKind::Mapping(c) if c.is_empty() => self.empty(key, "{}"),
            NodeKind::Sequence(c) if c.is_empty() => self.empty(key, "[]"),
            NodeKind::Mapping(_) | NodeKind::Sequence(_) => {
                let used = self.out.len() - self.out.rfind('\n').map_or(0, |i| i + 1);
                if let Some(flow) = self.flow(node, shape, used, false) {
                    self.out.push_str(&flow);
                    self.trail(self.last_scalar(node));
                    self.out.push('\n');
                } else {
                    self.block(node, indent, shape, true);
                }
            }
            NodeKind::Invalid => self.out.push('\n'),
        }
    }

    fn empty(&mut self, key: NodeId, brackets: &str) {
        self.out.push_str(brackets);
        self.trail(key);
        self.out.push('\n');
    }

    fn is_empty_plain(&self, node: NodeId) -> bool {
        self.tree
            .scalar(node)
            .is_some_and(|s| s.style == ScalarStyle::Plain && s.text.is_empty())
    }

    /// The last scalar of a collection in text order, whose trailing comment ends its flow line.
    fn last_scalar(&self, mut node: NodeId) -> NodeId {
        loop {
            node = match self.tree.kind(node) {
                NodeKind::Mapping(entries) => match entries.last() {
                    Some(e) => e.value,
                    None => return node,
                },
                NodeKind::Sequence(items) => match items.last() {
                    Some(&i) => i,
                    None => return node,
                },
                _ => return node,
            };
        }
    }

    /// The collection on one line in flow style, if it may be: a list of scalars, or a list or
    /// map the author wrote in flow style, with no comment inside but after its last scalar (and
    /// then none after the key), fitting in [`WIDTH`] from column `used`.
    fn flow(&self, node: NodeId, shape: Shape, used: usize, key_comment: bool) -> Option<String> {
        // The shape first: most collections (lists of rules, maps of ids) fail it at once.
        let text = self.flow_text(node, shape, true)?;
        (used + text.chars().count() <= WIDTH && self.flow_comments_ok(node, key_comment)).then_some(text)
    }

    fn flow_comments_ok(&self, node: NodeId, key_comment: bool) -> bool {
        let last = self.last_scalar(node);
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            let children: Vec<(NodeId, NodeId)> = match self.tree.kind(n) {
                NodeKind::Mapping(entries) => entries
                    .iter()
                    .flat_map(|e| [(e.key, e.key), (e.key, e.value)])
                    .collect(),
                NodeKind::Sequence(items) => items.iter().map(|&i| (i, i)).collect(),
                _ => Vec::new(),
            };
            for (slot, child) in children {
                // Blank lines between items do not keep a list in block style; comments do.
                let commented = self.comments.leading.get(&slot);
                if commented.is_some_and(|gap| gap.iter().any(|l| matches!(l, GapLine::Comment(_)))) {
                    return false;
                }
                if self.comments.trailing.contains_key(&child) && (child != last || key_comment) {
                    return false;
                }
                // On the joined line it would cover the key and every item, not the last alone.
                if self
                    .comments
                    .trailing
                    .get(&child)
                    .is_some_and(|c| c.contains(SUPPRESSION_MARKER))
                {
                    return false;
                }
                stack.push(child);
            }
        }
        true
    }

    /// `[a, b]`, `{ k: v }`: `outer` for the collection itself, which must be a list of
    /// scalars or a map written in flow style; what it holds (`{ k: [a, b] }`) is then flow too.
    fn flow_text(&self, node: NodeId, shape: Shape, outer: bool) -> Option<String> {
        let written_flow = matches!(self.text.as_bytes().get(self.tree.range(node).start), Some(b'[' | b'{'));
        match self.tree.kind(node) {
            NodeKind::Scalar(s) if matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded) => None,
            NodeKind::Scalar(_) if self.is_empty_plain(node) => None,
            NodeKind::Scalar(_) => self.scalar_inline(node, true, 0),
            NodeKind::Sequence(items) => {
                let scalars = items.iter().all(|&i| matches!(self.tree.kind(i), NodeKind::Scalar(_)));
                // Lists of maps or lists are one item per line, however they were written.
                if outer && !scalars {
                    return None;
                }
                let parts: Option<Vec<String>> =
                    items.iter().map(|&i| self.flow_text(i, shape.item(), false)).collect();
                Some(format!("[{}]", parts?.join(", ")))
            }
            NodeKind::Mapping(entries) => {
                if !written_flow && (outer || !entries.is_empty()) {
                    return None;
                }
                if entries.is_empty() {
                    return Some("{}".into());
                }
                let parts: Option<Vec<String>> = self
                    .ordered(Some(node), entries, shape)
                    .into_iter()
                    .map(|e| {
                        let key = self.scalar_inline(e.key, true, 0)?;
                        let child = shape.child(self.tree.scalar(e.key).map_or("", |s| s.text.as_str()));
                        let value = self.flow_text(e.value, child, false)?;
                        Some(format!("{key}: {value}"))
                    })
                    .collect();
                Some(format!("{{ {} }}", parts?.join(", ")))
            }
            NodeKind::Invalid => None,
        }
    }

    /// A plain or quoted scalar as written, without its quotes where [`can_be_plain`] allows,
    /// continuation lines at `indent`. `None` if it cannot be written in flow context on one line.
    fn scalar_inline(&self, node: NodeId, flow: bool, indent: usize) -> Option<String> {
        let s = self.tree.scalar(node)?;
        let range = self.tree.range(node);
        let raw = &self.text[range.start..range.end];
        let multiline = raw.contains('\n');
        if multiline && flow {
            return None;
        }
        match s.style {
            ScalarStyle::Literal | ScalarStyle::Folded => None,
            // An empty value's range may cover what follows it (`{ a }`): nothing to write.
            ScalarStyle::Plain if s.text.is_empty() => Some(String::new()),
            ScalarStyle::Plain if multiline => Some(reindent_folded(raw, indent, true)),
            ScalarStyle::Plain if flow && !plain_fits_flow(raw) => None,
            ScalarStyle::Plain => Some(raw.to_owned()),
            _ if multiline => Some(reindent_folded(raw, indent, false)),
            _ if can_be_plain(&s.text, flow) => Some(s.text.to_string()),
            _ => Some(raw.to_owned()),
        }
    }
}
