//! `saphyr-parser` events → [`Tree`], iteratively and within [`Limits`].
//!
//! Nothing here recurses: the builder keeps open collections on an explicit stack, and saphyr's
//! `Parser::next_event` is a state machine with a heap stack (its recursive `load` is not used).
//! Nesting depth therefore costs heap, never call stack. saphyr itself caps flow nesting
//! (`[[[…`, `{{{…`) at 255 levels (its flow level is a `u8`) with a "recursion limit exceeded"
//! error, which also bounds its per-token scan over open flow levels; block nesting (`- - - …`)
//! is unbounded in saphyr but linear. No pre-scan is needed: both are tested at 100,000 levels
//! on a 256 KiB stack.
//!
//! saphyr reports positions as char indices; [`CharToByte`] turns them into byte offsets, and
//! the range helpers below trim saphyr's spans to the text an editor should underline.
//!
//! Speed, measured in release on a shared 2-core x86-64 box: a 1 MB manifest-like file (~11,000
//! use cases, 70,000 nodes) parses in ~25 ms, ASCII or not; saphyr's scanner alone takes ~21 ms
//! of that, so this builder adds ~3-5 ms (~50 ns per node). 50 MB of non-ASCII YAML: ~4 s, linear.

use std::ops::ControlFlow;

use saphyr_parser::{Event, Parser, ScalarStyle as SaphyrStyle, ScanError, Span};

use std::borrow::Cow;

use super::tree::{Entry, Node, NodeId, NodeKind, Scalar, ScalarStyle, Tree};
use crate::compact::CompactStr;
use crate::diagnostic::{Code, Diagnostic};
use crate::text::TextRange;

/// Bounds that keep hostile input cheap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Collections nested deeper than this become [`NodeKind::Invalid`].
    pub max_depth: usize,
    /// Total nodes reachable through aliases, counted with repetition (an alias to a list of 3
    /// scalars costs 4), before further aliases become [`NodeKind::Invalid`].
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 128,
            max_alias_nodes: 10_000,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ParseOutput {
    pub tree: Tree,
    /// `yaml-syntax` diagnostics, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses the one YAML document of `text` into a tree. Never fails: what cannot be parsed becomes
/// a `yaml-syntax` diagnostic, and the tree holds whatever was built up to that point.
pub fn parse(text: &str, limits: &Limits) -> ParseOutput {
    let mut builder = Builder::new(text, limits);
    builder.run();
    builder.finish()
}

/// Stride of [`CharToByte`]'s table: one `usize` per 64 chars (1/8 byte per char of a non-ASCII
/// file) and at most 63 chars to walk per lookup.
const STRIDE: usize = 64;

/// Converts saphyr's char indices to byte offsets. Identity for ASCII text; otherwise a table of
/// the byte offset of every [`STRIDE`]th char, so each lookup is O(1) whatever the order of the
/// lookups (saphyr's spans are not quite monotone: block ends point at the next token, etc.).
struct CharToByte<'t> {
    text: &'t str,
    /// `None` for ASCII text.
    checkpoints: Option<Vec<usize>>,
    /// The last lookup (char index, byte offset): most lookups are a few chars after it.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'t> CharToByte<'t> {
    fn new(text: &'t str) -> Self {
        let checkpoints = (!text.is_ascii()).then(|| {
            let mut table = Vec::with_capacity(text.len() / STRIDE + 1);
            let mut chars = 0usize;
            for (i, &b) in text.as_bytes().iter().enumerate() {
                // Every byte that is not a UTF-8 continuation byte starts a char.
                if (b as i8) >= -0x40 {
                    if chars.is_multiple_of(STRIDE) {
                        table.push(i);
                    }
                    chars += 1;
                }
            }
            table
        });
        Self {
            text,
            checkpoints,
            last: Default::default(),
        }
    }

    /// Byte offset of the char at index `char_index`; the text's length past the end.
    fn byte(&self, char_index: usize) -> usize {
        let Some(table) = &self.checkpoints else {
            return char_index.min(self.text.len());
        };
        let Some(&checkpoint) = table.get(char_index / STRIDE) else {
            return self.text.len();
        };
        let (mut base_char, mut base) = (char_index - char_index % STRIDE, checkpoint);
        let (last_char, last_byte) = self.last.get();
        if (base_char..=char_index).contains(&last_char) {
            (base_char, base) = (last_char, last_byte);
        }
        let byte = self.text[base..]
            .char_indices()
            .nth(char_index - base_char)
            .map_or(self.text.len(), |(i, _)| base + i);
        self.last.set((char_index, byte));
        byte
    }
}

/// What an anchor id (saphyr numbers every `&name` occurrence) stands for.
#[derive(Debug, Clone, Copy)]
enum Anchor {
    /// On a collection that is still open: an alias to it would make a cycle.
    Open,
    Done {
        node: NodeId,
        size: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CollectionKind {
    Sequence,
    Mapping,
}

/// A collection being built.
struct Frame {
    kind: CollectionKind,
    /// Written with `[`/`{`: then its closing bracket ends its range.
    bracketed: bool,
    start: usize,
    /// End of the last child's range (the alias token for an alias), so that block collections
    /// stop at their content rather than at saphyr's end marker (the next token, past trailing
    /// blank lines and comments).
    end: usize,
    anchor: usize,
    /// Where its children start in [`Builder::children`]; a mapping's alternate key, value.
    first_child: usize,
    /// 1 + the expanded sizes of the children so far (aliases count their target's size).
    size: u64,
}

/// A subtree nested past `max_depth`, whose events are consumed without being stored.
struct Skip {
    /// Collections open inside the skipped subtree, itself included.
    depth: usize,
    start: usize,
    end: usize,
    /// Anchors defined inside it (itself included); aliases to them resolve to its `Invalid` node.
    anchors: Vec<usize>,
}

struct Builder<'t> {
    text: &'t str,
    offsets: CharToByte<'t>,
    limits: &'t Limits,
    nodes: Vec<Node>,
    root: Option<NodeId>,
    diagnostics: Vec<Diagnostic>,
    stack: Vec<Frame>,
    /// Children of all open collections, innermost last: one buffer instead of a growing `Vec`
    /// per collection.
    children: Vec<NodeId>,
    skip: Option<Skip>,
    /// Indexed by saphyr's anchor id (dense, from 1).
    anchors: Vec<Option<Anchor>>,
    alias_nodes: u64,
    /// Whether a document has begun: a second one is reported and ignored.
    document_seen: bool,
    /// Where parsing stopped on an error.
    error_at: Option<usize>,
    /// Byte offset where the previous event ended: block scalar headers are searched from here.
    last_end: usize,
    /// Whether a node carried a tag (`!t`), which the tree does not keep.
    tagged: bool,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, limits: &'t Limits) -> Self {
        Self {
            text,
            offsets: CharToByte::new(text),
            limits,
            nodes: Vec::new(),
            root: None,
            diagnostics: Vec::new(),
            stack: Vec::new(),
            children: Vec::new(),
            skip: None,
            anchors: Vec::new(),
            alias_nodes: 0,
            document_seen: false,
            error_at: None,
            last_end: 0,
            tagged: false,
        }
    }

    fn run(&mut self) {
        let mut parser = Parser::new_from_str(self.text);
        while let Some(result) = parser.next_event() {
            let flow = match result {
                Ok((event, span)) => self.event(event, span),
                Err(error) => self.scan_error(&error),
            };
            if flow.is_break() {
                break;
            }
        }
        let at = self.error_at.unwrap_or(self.last_end);
        self.close_all(at);
    }

    fn finish(mut self) -> ParseOutput {
        // The arena doubled as it grew; the tree is kept as long as its file.
        self.nodes.shrink_to_fit();
        ParseOutput {
            tree: Tree {
                nodes: self.nodes,
                root: self.root,
                anchored: !self.anchors.is_empty(),
                tagged: self.tagged,
                garbage: 0,
            },
            diagnostics: self.diagnostics,
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> ControlFlow<()> {
        let flow = match event {
            Event::DocumentStart(_) => self.document_start(span),
            Event::StreamEnd => ControlFlow::Break(()),
            Event::Scalar(value, style, anchor, tag) => {
                // saphyr's scanner reserves over a hundred bytes for every plain scalar: a
                // short one is copied inline, and a long one's buffer loses the spare capacity.
                let text = match value {
                    Cow::Borrowed(text) => CompactStr::new(text),
                    Cow::Owned(text) => CompactStr::from(text),
                };
                self.scalar(text, style, anchor, tag.is_some(), span);
                ControlFlow::Continue(())
            }
            Event::Alias(anchor) => {
                self.alias(anchor, span);
                ControlFlow::Continue(())
            }
            Event::SequenceStart(anchor, tag) => {
                self.start(CollectionKind::Sequence, anchor, tag.is_some(), span);
                ControlFlow::Continue(())
            }
            Event::MappingStart(anchor, tag) => {
                self.start(CollectionKind::Mapping, anchor, tag.is_some(), span);
                ControlFlow::Continue(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.end(span);
                ControlFlow::Continue(())
            }
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => ControlFlow::Continue(()),
        };
        self.last_end = self.last_end.max(self.byte(span.end.index()));
        flow
    }

    fn document_start(&mut self, span: Span) -> ControlFlow<()> {
        if !self.document_seen {
            self.document_seen = true;
            return ControlFlow::Continue(());
        }
        // The rest of the stream is ignored, including its syntax errors.
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index());
        let range = if end > start {
            TextRange::new(start, end)
        } else {
            self.point(start)
        };
        self.error(
            range,
            "only one YAML document per file; move this document to a file of its own",
        );
        ControlFlow::Break(())
    }

    // ----- nodes -------------------------------------------------------------------------------

    fn scalar(&mut self, text: CompactStr, style: SaphyrStyle, anchor: usize, tagged: bool, span: Span) {
        self.tagged |= tagged;
        let has_properties = anchor > 0 || tagged;
        let range = self.scalar_range(&text, style, has_properties, span);
        if let Some(skip) = &mut self.skip {
            skip.end = skip.end.max(range.end);
            skip.anchors.extend((anchor > 0).then_some(anchor));
            return;
        }
        let style = convert_style(style);
        // An empty document is an empty plain scalar at the root; report it as no root at all.
        if self.stack.is_empty() && !has_properties && style == ScalarStyle::Plain && text.is_empty() {
            return;
        }
        let id = self.push_node(NodeKind::Scalar(Scalar { text, style }), range);
        self.define_anchor(anchor, Anchor::Done { node: id, size: 1 });
        self.attach(id, 1, range.end);
    }

    fn alias(&mut self, anchor: usize, span: Span) {
        let range = self.span_range(span);
        if let Some(skip) = &mut self.skip {
            skip.end = skip.end.max(range.end);
            return;
        }
        let target = self.anchors.get(anchor).copied().flatten();
        match target {
            Some(Anchor::Done { node, size }) => self.resolved_alias(node, size, range),
            // saphyr reports unknown anchors itself; this is only a fallback.
            None => self.invalid(range),
            Some(Anchor::Open) => {
                let message = format!(
                    "alias `{}` is inside the node its anchor names, which would make it infinite; remove the alias",
                    &self.text[range.start..range.end]
                );
                self.error(range, message);
                self.invalid(range);
            }
        }
    }

    fn resolved_alias(&mut self, node: NodeId, size: u64, range: TextRange) {
        let budget = self.limits.max_alias_nodes as u64;
        let was_within = self.alias_nodes <= budget;
        self.alias_nodes = self.alias_nodes.saturating_add(size);
        if self.alias_nodes <= budget {
            self.attach(node, size, range.end);
            return;
        }
        // Only the alias that crosses the budget is reported: after it every alias fails, and a
        // billion-laughs file would otherwise report each of them.
        if was_within {
            let message = format!(
                "alias `{}` goes past the budget of {budget} nodes reachable through aliases; inline or shrink the anchored nodes",
                &self.text[range.start..range.end]
            );
            self.error(range, message);
        }
        self.invalid(range);
    }

    fn start(&mut self, kind: CollectionKind, anchor: usize, tagged: bool, span: Span) {
        self.tagged |= tagged;
        let start = self.collection_start(kind, span, anchor > 0 || tagged);
        if let Some(skip) = &mut self.skip {
            skip.depth += 1;
            skip.anchors.extend((anchor > 0).then_some(anchor));
            return;
        }
        if self.stack.len() >= self.limits.max_depth {
            let message = format!(
                "nesting deeper than {} levels; flatten the structure",
                self.limits.max_depth
            );
            let range = self.point(start);
            self.error(range, message);
            let anchors = (anchor > 0).then_some(anchor).into_iter().collect();
            self.skip = Some(Skip {
                depth: 1,
                start,
                end: range.end,
                anchors,
            });
            return;
        }
        self.define_anchor(anchor, Anchor::Open);
        let bracketed = matches!(self.text.as_bytes().get(start), Some(b'[' | b'{'));
        self.stack.push(Frame {
            kind,
            bracketed,
            start,
            end: start,
            anchor,
            first_child: self.children.len(),
            size: 1,
        });
    }

    fn end(&mut self, span: Span) {
        let bracket_end = self.closing_bracket_end(span);
        if let Some(skip) = &mut self.skip {
            skip.end = skip.end.max(bracket_end.unwrap_or(0));
            skip.depth -= 1;
            if skip.depth == 0 {
                self.end_skip();
            }
            return;
        }
        let Some(frame) = self.stack.pop() else { return };
        let end = match bracket_end {
            Some(end) if frame.bracketed => end,
            // saphyr sometimes gives the end of an empty flow collection nested in another
            // (`{c: []}`) an empty span: find its closing bracket in the text instead.
            None if frame.bracketed => self.closer_after(frame.start, frame.end).unwrap_or(frame.end),
            _ => frame.end,
        };
        self.close(frame, end);
    }

    /// Where a `]` or `}` end event ends. saphyr gives block collections (and a flow pair like
    /// `[a: b]`) an empty end span at the next token instead, which is past trailing comments.
    fn closing_bracket_end(&self, span: Span) -> Option<usize> {
        let range = self.span_range(span);
        let closes = !range.is_empty() && matches!(self.text.as_bytes()[range.end - 1], b']' | b'}');
        closes.then_some(range.end)
    }

    /// The end of the `]` or `}` closing the flow collection opened at `start`, when only
    /// whitespace separates it from `from` (the end of the collection's last child).
    fn closer_after(&self, start: usize, from: usize) -> Option<usize> {
        let closer = match self.text.as_bytes().get(start)? {
            b'[' => b']',
            _ => b'}',
        };
        let from = from.max(start + 1);
        let rest = self.text.get(from..)?;
        let skipped = rest.len() - rest.trim_start().len();
        (rest.as_bytes().get(skipped) == Some(&closer)).then_some(from + skipped + 1)
    }

    fn end_skip(&mut self) {
        let Some(skip) = self.skip.take() else { return };
        let range = TextRange::new(skip.start, skip.end.max(skip.start));
        let id = self.push_node(NodeKind::Invalid, range);
        // Anchors inside the dropped subtree stand for it: their aliases resolve to its node.
        for anchor in skip.anchors {
            self.define_anchor(anchor, Anchor::Done { node: id, size: 1 });
        }
        self.attach(id, 1, range.end);
    }

    /// Turns a finished frame into a node and hands it to its parent.
    fn close(&mut self, frame: Frame, end: usize) {
        let kind = match frame.kind {
            // `split_off` allocates exactly the children's length.
            CollectionKind::Sequence => NodeKind::Sequence(self.children.split_off(frame.first_child)),
            CollectionKind::Mapping => {
                let pairs = self.children[frame.first_child..].chunks_exact(2);
                let entries = pairs
                    .map(|pair| Entry {
                        key: pair[0],
                        value: pair[1],
                    })
                    .collect();
                self.children.truncate(frame.first_child);
                NodeKind::Mapping(entries)
            }
        };
        let range = TextRange::new(frame.start, end.max(frame.start));
        let id = self.push_node(kind, range);
        self.define_anchor(
            frame.anchor,
            Anchor::Done {
                node: id,
                size: frame.size,
            },
        );
        self.attach(id, frame.size, range.end);
    }

    /// Closes whatever is still open after a parse error at `at`, so that the partial tree is
    /// usable. A key whose value never came gets an `Invalid` value at the error.
    fn close_all(&mut self, at: usize) {
        if self.skip.is_some() {
            self.end_skip();
        }
        while let Some(mut frame) = self.stack.pop() {
            if self.awaits_value(&frame) {
                let at = at.max(frame.end);
                let value = self.push_node(NodeKind::Invalid, TextRange::empty(at));
                self.children.push(value);
                frame.end = at;
            }
            let end = frame.end;
            self.close(frame, end);
        }
    }

    fn invalid(&mut self, range: TextRange) {
        let id = self.push_node(NodeKind::Invalid, range);
        self.attach(id, 1, range.end);
    }

    fn push_node(&mut self, kind: NodeKind, range: TextRange) -> NodeId {
        // More than u32::MAX nodes would need a text of several GiB; saturate rather than wrap.
        let id = NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX));
        self.nodes.push(Node { kind, range });
        id
    }

    /// Adds a finished node (`size` nodes once expanded, source text ending at `end`) to the open
    /// collection, or makes it the root.
    fn attach(&mut self, id: NodeId, size: u64, end: usize) {
        let Some(frame) = self.stack.last_mut() else {
            self.root.get_or_insert(id);
            return;
        };
        frame.size = frame.size.saturating_add(size);
        frame.end = frame.end.max(end);
        self.children.push(id);
    }

    /// Whether `frame` is a mapping whose last key still waits for its value.
    fn awaits_value(&self, frame: &Frame) -> bool {
        frame.kind == CollectionKind::Mapping && (self.children.len() - frame.first_child) % 2 == 1
    }

    fn define_anchor(&mut self, anchor: usize, what: Anchor) {
        if anchor == 0 {
            return;
        }
        if self.anchors.len() <= anchor {
            self.anchors.resize(anchor + 1, None);
        }
        self.anchors[anchor] = Some(what);
    }

    // ----- errors ------------------------------------------------------------------------------

    fn scan_error(&mut self, error: &ScanError) -> ControlFlow<()> {
        let at = self.byte(error.marker().index());
        if error.info() == "while parsing node, found unknown anchor" {
            // saphyr consumed the alias token and popped its state before failing, so parsing can
            // go on as if the alias had been a node.
            self.unknown_anchor(at);
            return ControlFlow::Continue(());
        }
        let range = self.point(at);
        self.error(range, readable(error.info()));
        self.error_at = Some(at);
        ControlFlow::Break(())
    }

    fn unknown_anchor(&mut self, at: usize) {
        // `at` is normally the `*`, but saphyr 0.3 counts a directive's non-ASCII text in bytes,
        // so past a line like `%é` its indices run ahead: `at` may be any char (fuzz/README.md).
        let star = self.text[at..].chars().next().map_or(0, char::len_utf8);
        let name_len = self.text[at + star..]
            .chars()
            .take_while(|&c| is_anchor_char(c))
            .map(char::len_utf8)
            .sum::<usize>();
        let range = TextRange::new(at, at + star + name_len);
        let name = &self.text[at + star..range.end];
        let message = format!("unknown anchor `*{name}`; define `&{name}` on a node before this alias");
        self.last_end = self.last_end.max(range.end);
        if let Some(skip) = &mut self.skip {
            skip.end = skip.end.max(range.end);
            return;
        }
        self.error(range, message);
        self.invalid(range);
    }

    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(Code::YamlSyntax, range, message));
    }

    // ----- ranges ------------------------------------------------------------------------------

    fn byte(&self, char_index: usize) -> usize {
        self.offsets.byte(char_index)
    }

    fn span_range(&self, span: Span) -> TextRange {
        let start = self.byte(span.start.index());
        TextRange::new(start, self.byte(span.end.index()).max(start))
    }

    /// The char at `at` (a one-char range to underline), or an empty range at a line break or the
    /// end of the text.
    fn point(&self, at: usize) -> TextRange {
        match self.text[at..].chars().next() {
            Some(c) if c != '\n' && c != '\r' => TextRange::new(at, at + c.len_utf8()),
            _ => TextRange::empty(at),
        }
    }

    /// Where a collection starts: its `[`/`{`, or its first key or `-` for a block collection.
    /// saphyr's span starts at the anchor or tag if there is one and ends after the opening
    /// bracket (flow) or at the first entry (block, empty span).
    fn collection_start(&self, kind: CollectionKind, span: Span, has_properties: bool) -> usize {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index());
        let start = match has_properties {
            false => start,
            true if end > start && matches!(self.text.as_bytes()[end - 1], b'[' | b'{') => end - 1,
            true => end,
        };
        let bracketed = matches!(self.text.as_bytes().get(start), Some(b'[' | b'{'));
        if kind == CollectionKind::Sequence && !bracketed {
            self.back_to_dash(start)
        } else {
            start
        }
    }

    /// A sequence not indented under its key (`key:\n- a`) starts, per saphyr, after its first
    /// `- `; step back onto the `-`. Only a `-` after the previous event is this sequence's own:
    /// in `- - a` the inner sequence starts at the second `-` and the first is the outer's.
    fn back_to_dash(&self, start: usize) -> usize {
        let before = self.text[..start].trim_end_matches([' ', '\t']);
        let dash = before.len().saturating_sub(1);
        let own_dash = before.ends_with('-') && dash > self.last_end;
        if own_dash { dash } else { start }
    }

    fn scalar_range(&self, value: &str, style: SaphyrStyle, has_properties: bool, span: Span) -> TextRange {
        let span_start = self.byte(span.start.index());
        let span_end = self.byte(span.end.index()).max(span_start);
        let start = if has_properties {
            self.skip_properties(span_start, span_end)
        } else {
            span_start
        };
        match style {
            SaphyrStyle::Plain if value.is_empty() && span_start == span_end => self.empty_value(span_start),
            SaphyrStyle::Plain => TextRange::new(start, span_end),
            SaphyrStyle::SingleQuoted | SaphyrStyle::DoubleQuoted => {
                // saphyr's end can run past the closing quote of a multi-line quoted scalar.
                TextRange::new(start, self.quoted_end(start).unwrap_or(span_end))
            }
            SaphyrStyle::Literal | SaphyrStyle::Folded => self.block_scalar_range(start, span_end, has_properties),
        }
    }

    /// An empty (null) value: saphyr puts it at the `:` of `key:`; just after it reads better.
    fn empty_value(&self, at: usize) -> TextRange {
        let in_value_position = self.stack.last().is_some_and(|f| self.awaits_value(f));
        let bytes = self.text.as_bytes();
        // Only a `:` indicator: in `::` the second colon starts a scalar.
        let colon =
            bytes.get(at) == Some(&b':') && matches!(bytes.get(at + 1), None | Some(b' ' | b'\t' | b'\r' | b'\n'));
        if in_value_position && colon {
            TextRange::empty(at + 1)
        } else {
            TextRange::empty(at)
        }
    }

    /// Skips anchors (`&a`), tags (`!t`), whitespace and comments from `at`, up to `limit`.
    fn skip_properties(&self, mut at: usize, limit: usize) -> usize {
        let bytes = self.text.as_bytes();
        while at < limit {
            match bytes[at] {
                b'&' | b'!' => at += token_len(&self.text[at..limit]),
                b' ' | b'\t' | b'\r' | b'\n' => at += 1,
                b'#' => at += self.text[at..limit].find(['\n', '\r']).unwrap_or(limit - at),
                _ => break,
            }
        }
        at.min(limit)
    }

    /// End of the quoted scalar whose opening quote is at `start`, just after its closing quote.
    fn quoted_end(&self, start: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let quote = *bytes.get(start)?;
        let mut i = start + 1;
        match quote {
            b'\'' => loop {
                i += bytes.get(i..)?.iter().position(|&b| b == b'\'')?;
                if bytes.get(i + 1) == Some(&b'\'') {
                    i += 2; // `''` is an escaped quote
                } else {
                    return Some(i + 1);
                }
            },
            b'"' => loop {
                i += bytes.get(i..)?.iter().position(|&b| b == b'"' || b == b'\\')?;
                if bytes[i] == b'\\' {
                    // Skipping one byte is enough: an escaped char that is not ASCII cannot be
                    // mistaken for `"` or `\`.
                    i += 2;
                } else {
                    return Some(i + 1);
                }
            },
            _ => None,
        }
    }

    /// A literal or folded scalar: from its `|`/`>` header to the end of its last content line.
    /// saphyr's span starts at the content (or at the anchor/tag) and ends at the next token, past
    /// trailing blank lines.
    fn block_scalar_range(&self, start: usize, span_end: usize, has_properties: bool) -> TextRange {
        let search_from = if has_properties {
            start
        } else {
            self.last_end.min(start)
        };
        let header = self.find_block_header(search_from, span_end);
        let start = header.unwrap_or(start);
        let header_end = match header {
            Some(h) => {
                h + 1
                    + self.text[h + 1..]
                        .bytes()
                        .take_while(|b| matches!(b, b'1'..=b'9' | b'+' | b'-'))
                        .count()
            }
            None => start,
        };
        let content_end = self.text[..span_end].trim_end_matches([' ', '\t', '\r', '\n']).len();
        TextRange::new(start, content_end.max(header_end))
    }

    /// The `|` or `>` of a block scalar header: the first token after the previous event that is
    /// not an indicator (`:`, `-`, `?`, `---`), a property, whitespace or a comment.
    fn find_block_header(&self, mut at: usize, limit: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let limit = limit.min(bytes.len());
        while at < limit {
            let followed_by_space = matches!(bytes.get(at + 1), None | Some(b' ' | b'\t' | b'\r' | b'\n'));
            match bytes[at] {
                b'|' | b'>' => return Some(at),
                b' ' | b'\t' | b'\r' | b'\n' => at += 1,
                b'#' => at += self.text[at..limit].find(['\n', '\r']).unwrap_or(limit - at),
                b':' | b'-' | b'?' if followed_by_space => at += 1,
                b'-' if self.text[at..].starts_with("---") => at += 3,
                b'&' | b'!' => at += token_len(&self.text[at..limit]),
                _ => return None,
            }
        }
        None
    }
}

/// Length of an anchor or tag token at the start of `s`: up to whitespace or a flow indicator,
/// or through the `>` of a verbatim tag (`!<tag:yaml.org,2002:str>`).
fn token_len(s: &str) -> usize {
    if s.starts_with("!<")
        && let Some(close) = s.find('>')
    {
        return close + 1;
    }
    s.find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
        .unwrap_or(s.len())
        .max(1)
}

/// Chars an anchor name may contain (YAML 1.2 `ns-anchor-char`, loosely).
fn is_anchor_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}')
}

fn convert_style(style: SaphyrStyle) -> ScalarStyle {
    match style {
        SaphyrStyle::Plain => ScalarStyle::Plain,
        SaphyrStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        SaphyrStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        SaphyrStyle::Literal => ScalarStyle::Literal,
        SaphyrStyle::Folded => ScalarStyle::Folded,
    }
}

/// saphyr's error text, rephrased as "what is wrong; what to do".
fn readable(info: &str) -> String {
    const MESSAGES: &[(&str, &str)] = &[
        (
            "mapping values are not allowed in this context",
            "unexpected `:` here; quote the value if it contains `: `, or fix the indentation",
        ),
        (
            "while parsing a block mapping, did not find expected key",
            "expected a `key:` at this indentation; fix the indentation of this line or the one above",
        ),
        (
            "while parsing a block collection, did not find expected '-' indicator",
            "expected a `- ` list item at this indentation; fix the indentation of this line or the one above",
        ),
        (
            "while parsing a flow sequence, expected ',' or ']'",
            "expected `,` or `]` in this `[...]` list; add the missing comma or bracket",
        ),
        (
            "while parsing a flow mapping, did not find expected ',' or '}'",
            "expected `,` or `}` in this `{...}` map; add the missing comma or brace",
        ),
        (
            "simple key expect ':'",
            "a key needs a `:` after it; add the `:` or fix the indentation",
        ),
        (
            "simple key expected",
            "a key needs a `:` after it; add the `:` or fix the indentation",
        ),
        (
            "invalid indentation",
            "wrong indentation; align this line with the other entries of its block",
        ),
        (
            "invalid indentation in flow construct",
            "wrong indentation inside `[...]` or `{...}`; indent continuation lines more than their key",
        ),
        (
            "invalid indentation in quoted scalar",
            "wrong indentation in a quoted string; indent its continuation lines more than its key",
        ),
        (
            "invalid indentation for anchor",
            "wrong indentation for this anchor; put it on the line of its value",
        ),
        (
            "wrongly indented line in block scalar",
            "wrong indentation in this `|` or `>` text; indent all its lines at least as much as the first",
        ),
        (
            "tabs disallowed within this context (block indentation)",
            "tab used for indentation; indent with spaces",
        ),
        (
            "tab cannot be used as indentation",
            "tab used for indentation; indent with spaces",
        ),
        ("tabs disallowed in this context", "tab not allowed here; use spaces"),
        (
            "while scanning a plain scalar, found a tab",
            "tab not allowed here; use spaces or quote the value",
        ),
        (
            "a block scalar content cannot start with a tab",
            "tab used for indentation in `|` or `>` text; indent with spaces",
        ),
        (
            "while scanning a quoted scalar, found unexpected end of stream",
            "quoted string is never closed; add the closing quote",
        ),
        (
            "while scanning a quoted scalar, found unexpected document indicator",
            "quoted string runs into a `---` or `...` line; add the closing quote",
        ),
        (
            "while parsing a quoted scalar, found unknown escape character",
            "unknown escape in a double-quoted string; write `\\\\` for a backslash, or use single quotes",
        ),
        (
            "while parsing a quoted scalar, found invalid Unicode character escape code",
            "invalid Unicode escape in a double-quoted string; fix the hex digits",
        ),
        (
            "while parsing a quoted scalar, did not find expected hexadecimal number",
            "invalid `\\x`, `\\u` or `\\U` escape in a double-quoted string; fix the hex digits",
        ),
        (
            "invalid trailing content after double-quoted scalar",
            "text after the closing quote; move it inside the quotes or remove it",
        ),
        (
            "found unprintable character",
            "control character (such as NUL) in the file; remove it",
        ),
        (
            "recursion limit exceeded",
            "brackets nested deeper than 255 levels; flatten the structure",
        ),
        (
            "while parsing a node, did not find expected node content",
            "expected a value here; write a value or quote the text",
        ),
        (
            "while scanning an anchor or alias, did not find expected alphabetic or numeric character",
            "`&` or `*` without an anchor name; name the anchor, or quote the value",
        ),
        (
            "did not find expected <document start>",
            "unexpected text after the end of the document; fix its indentation or remove it",
        ),
        (
            "invalid content after document end marker",
            "text after `...` on the same line; remove it",
        ),
        (
            "comment intercepting the multiline text",
            "a comment interrupts a multi-line value; remove the comment or quote the value",
        ),
        (
            "block sequence entries are not allowed in this context",
            "a `- ` list item is not allowed here; start the list on a new line, indented under its key",
        ),
        (
            "mapping keys are not allowed in this context",
            "a `? ` key is not allowed here; quote the value if it starts with `?`",
        ),
        (
            "':' must be followed by a valid YAML whitespace",
            "`:` must be followed by a space; add one",
        ),
        (
            "'-' must be followed by a valid YAML whitespace",
            "`-` must be followed by a space; add one",
        ),
        (
            "illegal placement of ':' indicator",
            "`:` not allowed here; quote the value",
        ),
        (
            "':' may not precede any of `[{` in flow mapping",
            "`:` not allowed here; quote the value",
        ),
        (
            "plain scalar cannot start with '-' followed by ,[]{}",
            "a value cannot start with `-` followed by a bracket or comma; quote the value",
        ),
        (
            "misplaced bracket",
            "closing bracket without an opening one; remove it or quote the value",
        ),
        (
            "a byte order mark must not appear inside a document",
            "byte order mark (U+FEFF) inside the document; remove it",
        ),
        ("unexpected eof", "unexpected end of file; complete the last value"),
        (
            "unexpected end of plain scalar",
            "unexpected end of value; complete it or quote it",
        ),
        (
            "did not find expected next token",
            "unexpected end of file; complete the last value",
        ),
        (
            "missing explicit document end marker before directive",
            "a `%` directive after the document; remove it or quote the value",
        ),
        ("the handle wasn't declared", "unknown tag handle; remove the tag"),
    ];
    if let Some((_, message)) = MESSAGES.iter().find(|(raw, _)| *raw == info) {
        return (*message).to_string();
    }
    if let Some(c) = info
        .strip_prefix("unexpected character: `")
        .and_then(|s| s.strip_suffix('\''))
    {
        let c = if c == "`" {
            "a backtick".to_string()
        } else {
            format!("`{c}`")
        };
        return format!("a value cannot start with {c}; quote the value");
    }
    let what = if info.contains("block scalar") {
        "invalid `|` or `>` header; use `|`, `>`, an optional `-` or `+` and an indentation digit 1-9"
    } else if info.contains("tag") || info.contains("TAG") {
        "invalid tag; remove it, Charter ignores tags"
    } else if info.contains("directive") {
        "invalid `%` directive; remove it"
    } else {
        return format!("invalid YAML: {info}; fix the syntax here");
    };
    what.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Tree {
        let out = parse(text, &Limits::default());
        assert_eq!(out.diagnostics, [], "unexpected diagnostics for {text:?}");
        out.tree
    }

    fn slice<'a>(text: &'a str, tree: &Tree, id: NodeId) -> &'a str {
        let range = tree.range(id);
        &text[range.start..range.end]
    }

    /// The node at a path of mapping keys and sequence indexes (`"3"`), from the root.
    fn at(tree: &Tree, path: &[&str]) -> NodeId {
        let mut id = tree.root().expect("a root");
        for step in path {
            id = match tree.kind(id) {
                NodeKind::Mapping(_) => tree.get(id, step).unwrap_or_else(|| panic!("no key {step}")).value,
                NodeKind::Sequence(items) => items[step.parse::<usize>().unwrap()],
                other => panic!("cannot step into {other:?} with {step}"),
            };
        }
        id
    }

    fn key(tree: &Tree, path: &[&str]) -> NodeId {
        let (last, parent) = path.split_last().unwrap();
        tree.get(at(tree, parent), last).unwrap().key
    }

    fn text_of(tree: &Tree, id: NodeId) -> &str {
        &tree.scalar(id).expect("a scalar").text
    }

    /// Every range lies inside the text on char boundaries: the property editors rely on.
    fn assert_ranges_valid(text: &str, out: &ParseOutput) {
        let ranges = out
            .tree
            .nodes
            .iter()
            .map(|n| n.range)
            .chain(out.diagnostics.iter().map(|d| d.range));
        for range in ranges {
            assert!(
                range.start <= range.end && range.end <= text.len(),
                "{range:?} in {text:?}"
            );
            assert!(
                text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
                "{range:?} in {text:?}"
            );
        }
    }

    fn children(node: &Node) -> Vec<NodeId> {
        match &node.kind {
            NodeKind::Sequence(items) => items.clone(),
            NodeKind::Mapping(entries) => entries.iter().flat_map(|e| [e.key, e.value]).collect(),
            _ => Vec::new(),
        }
    }

    /// Children lie inside their parent, in source order. Nodes with several parents (anchored
    /// nodes, reached through aliases too) are skipped: an alias can point anywhere before it.
    fn assert_nested(text: &str, tree: &Tree) {
        let mut parents = vec![0; tree.len()];
        for child in tree.nodes.iter().flat_map(children) {
            parents[child.0 as usize] += 1;
        }
        for node in &tree.nodes {
            let mut previous_start = node.range.start;
            for child in children(node) {
                let range = tree.range(child);
                if parents[child.0 as usize] > 1 {
                    continue;
                }
                assert!(
                    node.range.start <= range.start && range.end <= node.range.end,
                    "{range:?} outside {:?} in {text:?}",
                    node.range
                );
                assert!(range.start >= previous_start, "{range:?} out of order in {text:?}");
                previous_start = range.start;
            }
        }
    }

    fn single_error(text: &str) -> (Tree, Diagnostic) {
        let out = parse(text, &Limits::default());
        assert_ranges_valid(text, &out);
        assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
        let diagnostic = out.diagnostics.into_iter().next().unwrap();
        assert_eq!(diagnostic.code, Code::YamlSyntax);
        assert!(!diagnostic.message.contains('\n'));
        (out.tree, diagnostic)
    }

    #[test]
    fn block_mapping_ranges() {
        let text = "a: b\nc: \"q x\"  # note\nd:\n  - x\n  - 'y'\n\n# trailing\n\ne: plain\n  continued\n";
        let tree = parse_ok(text);
        let root = tree.root().unwrap();
        assert_eq!(slice(text, &tree, root), text.trim_end());
        assert_eq!(slice(text, &tree, key(&tree, &["a"])), "a");
        assert_eq!(slice(text, &tree, at(&tree, &["a"])), "b");
        assert_eq!(slice(text, &tree, at(&tree, &["c"])), "\"q x\"");
        assert_eq!(text_of(&tree, at(&tree, &["c"])), "q x");
        assert_eq!(slice(text, &tree, at(&tree, &["d"])), "- x\n  - 'y'");
        assert_eq!(slice(text, &tree, at(&tree, &["d", "1"])), "'y'");
        assert_eq!(slice(text, &tree, at(&tree, &["e"])), "plain\n  continued");
        assert_eq!(text_of(&tree, at(&tree, &["e"])), "plain continued");
    }

    #[test]
    fn root_ends_at_last_value_not_at_trailing_comments() {
        let text = "a:\n  - x\n  - y\n\n# end\n\n";
        let tree = parse_ok(text);
        assert_eq!(slice(text, &tree, tree.root().unwrap()), "a:\n  - x\n  - y");
        assert_eq!(slice(text, &tree, at(&tree, &["a"])), "- x\n  - y");
    }

    #[test]
    fn empty_flow_collections_nested_in_flow_keep_their_brackets() {
        for (text, node) in [
            ("{ a: b, c: [] }", "[]"),
            ("k: [ [] ]", "[]"),
            ("k: { c: {} }", "{}"),
            ("k: {c: [ ]}", "[ ]"),
        ] {
            let out = parse(text, &Limits::default());
            let found = out.tree.nodes.iter().any(|n| &text[n.range.start..n.range.end] == node);
            assert!(found, "`{node}` keeps its range in `{text}`");
        }
    }

    #[test]
    fn flow_ranges() {
        let text = "k: [1, {f: g, h: [ ]}, 'x' ]\nm: {a: b}\nn: [p: q, r]\n";
        let tree = parse_ok(text);
        assert_eq!(slice(text, &tree, at(&tree, &["k"])), "[1, {f: g, h: [ ]}, 'x' ]");
        assert_eq!(slice(text, &tree, at(&tree, &["k", "1"])), "{f: g, h: [ ]}");
        assert_eq!(slice(text, &tree, at(&tree, &["k", "1", "h"])), "[ ]");
        assert_eq!(slice(text, &tree, key(&tree, &["k", "1", "f"])), "f");
        assert_eq!(slice(text, &tree, at(&tree, &["m"])), "{a: b}");
        // A single pair inside a flow sequence is a mapping without braces.
        assert_eq!(slice(text, &tree, at(&tree, &["n", "0"])), "p: q");
        assert_eq!(slice(text, &tree, at(&tree, &["n", "1"])), "r");
    }

    #[test]
    fn block_scalar_ranges() {
        let text = "lit: |\n  one\n  two\n\n\nfold: >-  # comment | with bar\n  a\n  b\nkeep: |+2\n   x\n\n# after\nempty: |\nlast: end\n";
        let tree = parse_ok(text);
        assert_eq!(slice(text, &tree, at(&tree, &["lit"])), "|\n  one\n  two");
        assert_eq!(text_of(&tree, at(&tree, &["lit"])), "one\ntwo\n");
        assert_eq!(
            slice(text, &tree, at(&tree, &["fold"])),
            ">-  # comment | with bar\n  a\n  b"
        );
        assert_eq!(text_of(&tree, at(&tree, &["fold"])), "a b");
        assert_eq!(tree.scalar(at(&tree, &["fold"])).unwrap().style, ScalarStyle::Folded);
        assert_eq!(slice(text, &tree, at(&tree, &["keep"])), "|+2\n   x");
        assert_eq!(slice(text, &tree, at(&tree, &["empty"])), "|");
        assert_eq!(text_of(&tree, at(&tree, &["empty"])), "");
        let text = "- |\n  item\n- >\n\n  folded\n";
        let tree = parse_ok(text);
        assert_eq!(slice(text, &tree, at(&tree, &["0"])), "|\n  item");
        assert_eq!(slice(text, &tree, at(&tree, &["1"])), ">\n\n  folded");
    }

    #[test]
    fn quoted_multiline_range_ends_at_closing_quote() {
        let text = "a: \"one\n  two \\\" three\"  # c\nb: 'it''s\n  x'\n";
        let tree = parse_ok(text);
        assert_eq!(slice(text, &tree, at(&tree, &["a"])), "\"one\n  two \\\" three\"");
        assert_eq!(text_of(&tree, at(&tree, &["a"])), "one two \" three");
        assert_eq!(slice(text, &tree, at(&tree, &["b"])), "'it''s\n  x'");
        assert_eq!(text_of(&tree, at(&tree, &["b"])), "it's x");
    }

    #[test]
    fn empty_values() {
        let text = "a:\nb: \nc: [x, ]\nd:\n  -\n";
        let tree = parse_ok(text);
        let a = at(&tree, &["a"]);
        assert!(tree.scalar(a).unwrap().is_null());
        assert_eq!(tree.range(a), TextRange::empty(2), "just after `a:`");
        assert_eq!(tree.range(at(&tree, &["b"])), TextRange::empty(5));
        assert_eq!(tree.items(at(&tree, &["c"])).unwrap().len(), 1);
        assert!(tree.scalar(at(&tree, &["d", "0"])).unwrap().is_null());
    }

    #[test]
    fn anchors_tags_are_outside_node_ranges() {
        let text = "a: &x !t val\nb: !!str &y\n  - 1\nc: &z {k: v}\nd: &w |\n  block\ne: &q \"quoted\"\n";
        let tree = parse_ok(text);
        assert_eq!(slice(text, &tree, at(&tree, &["a"])), "val");
        assert_eq!(slice(text, &tree, at(&tree, &["b"])), "- 1");
        assert_eq!(slice(text, &tree, at(&tree, &["c"])), "{k: v}");
        assert_eq!(slice(text, &tree, at(&tree, &["d"])), "|\n  block");
        assert_eq!(slice(text, &tree, at(&tree, &["e"])), "\"quoted\"");
        // Tags are ignored; the value stays.
        let text = "n: !!int 42\ns: !custom yes\nv: !<tag:yaml.org,2002:str> [a]\n";
        let tree = parse_ok(text);
        assert_eq!(slice(text, &tree, at(&tree, &["v"])), "[a]");
        assert_eq!(text_of(&tree, at(&tree, &["n"])), "42");
        assert_eq!(text_of(&tree, at(&tree, &["s"])), "yes");
    }

    #[test]
    fn non_ascii_before_nodes() {
        let text = "summary: 中文😀 x\nk: [é, *nope, z]\n😀: \"ü\"\n";
        let (tree, diagnostic) = single_error(text);
        assert_eq!(slice(text, &tree, at(&tree, &["summary"])), "中文😀 x");
        assert_eq!(&text[diagnostic.range.start..diagnostic.range.end], "*nope");
        assert_eq!(slice(text, &tree, at(&tree, &["k", "2"])), "z");
        assert_eq!(slice(text, &tree, key(&tree, &["😀"])), "😀");
        assert_eq!(slice(text, &tree, at(&tree, &["😀"])), "\"ü\"");
        // Long non-ASCII runs cross the converter's checkpoints.
        let long = format!("a: {}\nb: [{}]\nc: *bad\n", "ж".repeat(1000), "😀, ".repeat(300));
        let (tree, diagnostic) = single_error(&long);
        assert_eq!(slice(&long, &tree, at(&tree, &["a"])), "ж".repeat(1000));
        assert_eq!(slice(&long, &tree, at(&tree, &["b", "299"])), "😀");
        assert_eq!(&long[diagnostic.range.start..diagnostic.range.end], "*bad");
    }

    #[test]
    fn crlf_and_cr_line_endings() {
        for eol in ["\r\n", "\r"] {
            let text = "a: b\nc:\n  - \"x\n    y\"\n  - |\n    t\n\nd: [1,\n  2]\n".replace('\n', eol);
            let tree = parse_ok(&text);
            assert_eq!(slice(&text, &tree, at(&tree, &["a"])), "b");
            assert_eq!(slice(&text, &tree, at(&tree, &["c", "0"])), format!("\"x{eol}    y\""));
            assert_eq!(text_of(&tree, at(&tree, &["c", "0"])), "x y");
            assert_eq!(slice(&text, &tree, at(&tree, &["c", "1"])), format!("|{eol}    t"));
            assert_eq!(text_of(&tree, at(&tree, &["c", "1"])), "t\n");
            assert_eq!(slice(&text, &tree, at(&tree, &["d"])), format!("[1,{eol}  2]"));
        }
    }

    #[test]
    fn byte_order_mark_is_skipped_and_offsets_stay_in_the_original_text() {
        let text = "\u{feff}a: b\nc: *x\n";
        let (tree, diagnostic) = single_error(text);
        assert_eq!(slice(text, &tree, key(&tree, &["a"])), "a");
        assert_eq!(tree.range(key(&tree, &["a"])).start, 3);
        assert_eq!(&text[diagnostic.range.start..diagnostic.range.end], "*x");
    }

    #[test]
    fn duplicate_keys_kept_in_order() {
        let text = "a: 1\nb: 2\na: 3\n";
        let tree = parse_ok(text);
        let entries = tree.entries(tree.root().unwrap()).unwrap();
        let keys: Vec<_> = entries.iter().map(|e| text_of(&tree, e.key)).collect();
        let values: Vec<_> = entries.iter().map(|e| text_of(&tree, e.value)).collect();
        assert_eq!((keys, values), (vec!["a", "b", "a"], vec!["1", "2", "3"]));
    }

    #[test]
    fn scalar_values_and_styles() {
        let tree = parse_ok("p: plain\ns: 'single'\nd: \"tab\\there \\u00e9\"\nno: no\n");
        assert_eq!(tree.scalar(at(&tree, &["p"])).unwrap().style, ScalarStyle::Plain);
        assert_eq!(tree.scalar(at(&tree, &["s"])).unwrap().style, ScalarStyle::SingleQuoted);
        let d = tree.scalar(at(&tree, &["d"])).unwrap();
        assert_eq!((d.text.as_str(), d.style), ("tab\there é", ScalarStyle::DoubleQuoted));
        assert_eq!(text_of(&tree, at(&tree, &["no"])), "no");
    }

    #[test]
    fn alias_resolves_to_the_anchored_node() {
        let text = "base: &b {x: 1}\nuse: *b\nlist: [*b, *b]\nname: &n hello\nagain: *n\n";
        let tree = parse_ok(text);
        let base = at(&tree, &["base"]);
        assert_eq!(at(&tree, &["use"]), base);
        assert_eq!(at(&tree, &["list", "0"]), base);
        assert_eq!(at(&tree, &["list", "1"]), base);
        assert_eq!(at(&tree, &["again"]), at(&tree, &["name"]));
        // The `list` collection ends at its own bracket, not at the anchored node.
        assert_eq!(slice(text, &tree, at(&tree, &["list"])), "[*b, *b]");
        // A redefined anchor: an alias names the latest definition.
        let tree = parse_ok("a: &x 1\nb: &x 2\nc: *x\n");
        assert_eq!(at(&tree, &["c"]), at(&tree, &["b"]));
    }

    #[test]
    fn unknown_alias_is_reported_and_parsing_goes_on() {
        let text = "a: *missing\nb: [*gone, 2]\nc: d\n";
        let out = parse(text, &Limits::default());
        assert_ranges_valid(text, &out);
        let tree = &out.tree;
        let messages: Vec<_> = out
            .diagnostics
            .iter()
            .map(|d| &text[d.range.start..d.range.end])
            .collect();
        assert_eq!(messages, ["*missing", "*gone"]);
        assert!(
            out.diagnostics[0].message.contains("`&missing`"),
            "{}",
            out.diagnostics[0].message
        );
        assert_eq!(tree.kind(at(tree, &["a"])), &NodeKind::Invalid);
        assert_eq!(tree.kind(at(tree, &["b", "0"])), &NodeKind::Invalid);
        assert_eq!(text_of(tree, at(tree, &["b", "1"])), "2");
        assert_eq!(text_of(tree, at(tree, &["c"])), "d");
    }

    #[test]
    fn alias_inside_its_own_anchor_is_refused() {
        let text = "a: &x [1, *x]\n";
        let (tree, diagnostic) = single_error(text);
        assert_eq!(&text[diagnostic.range.start..diagnostic.range.end], "*x");
        assert_eq!(tree.kind(at(&tree, &["a", "1"])), &NodeKind::Invalid);
    }

    fn billion_laughs(levels: usize, width: usize) -> String {
        let mut text = format!("l0: &l0 [{}]\n", vec!["\"lol\""; width].join(", "));
        for level in 1..levels {
            let aliases = vec![format!("*l{}", level - 1); width].join(", ");
            text.push_str(&format!("l{level}: &l{level} [{aliases}]\n"));
        }
        text
    }

    #[test]
    fn billion_laughs_stops_at_the_alias_budget() {
        let text = billion_laughs(9, 9);
        let started = std::time::Instant::now();
        let (tree, diagnostic) = single_error(&text);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert!(tree.len() < 200, "no expansion: {} nodes", tree.len());
        assert!(diagnostic.message.contains("10000"), "{}", diagnostic.message);
        assert!(
            diagnostic.message.contains("inline or shrink"),
            "{}",
            diagnostic.message
        );
        // Budget: l1 costs 9*10, l2 9*91, l3 9*820 (8289 in all); the first `*l3` in l4 crosses.
        let l4 = at(&tree, &["l4"]);
        let first = tree.items(l4).unwrap()[0];
        assert_eq!(tree.kind(first), &NodeKind::Invalid);
        assert_eq!(diagnostic.range, tree.range(first));
        assert_eq!(&text[diagnostic.range.start..diagnostic.range.end], "*l3");
        assert_eq!(
            at(&tree, &["l3", "8"]),
            at(&tree, &["l2"]),
            "within budget, aliases resolve"
        );
        assert_eq!(tree.kind(at(&tree, &["l8", "0"])), &NodeKind::Invalid);
    }

    #[test]
    fn alias_budget_is_configurable() {
        let text = "a: &a [1, 2]\nb: *a\nc: *a\n";
        let limits = Limits {
            max_alias_nodes: 3,
            ..Limits::default()
        };
        let out = parse(text, &limits);
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!(
            &text[out.diagnostics[0].range.start..out.diagnostics[0].range.end],
            "*a"
        );
        assert_eq!(out.diagnostics[0].range.start, text.rfind('*').unwrap());
        assert_eq!(at(&out.tree, &["b"]), at(&out.tree, &["a"]));
    }

    fn nested_flow(depth: usize) -> String {
        format!("a: {}x{}\nb: c\n", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn nesting_up_to_the_limit_is_fine() {
        let limits = Limits {
            max_depth: 4,
            ..Limits::default()
        };
        // The root mapping is level 1, so three brackets make four levels.
        let out = parse(&nested_flow(3), &limits);
        assert_eq!(out.diagnostics, []);
        let out = parse(&nested_flow(4), &limits);
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!(
            out.diagnostics[0].message,
            "nesting deeper than 4 levels; flatten the structure"
        );
    }

    #[test]
    fn nesting_past_the_limit_becomes_invalid_and_parsing_goes_on() {
        let text = nested_flow(200);
        let (tree, diagnostic) = single_error(&text);
        // Level 1 is the root mapping, so the 128th `[` is level 129.
        assert_eq!(diagnostic.range, TextRange::new(3 + 127, 3 + 128));
        assert!(diagnostic.message.contains("128"));
        let mut id = at(&tree, &["a"]);
        for _ in 0..127 {
            id = tree.items(id).unwrap()[0];
        }
        assert_eq!(tree.kind(id), &NodeKind::Invalid);
        assert_eq!(
            slice(&text, &tree, id),
            format!("{}x{}", "[".repeat(73), "]".repeat(73))
        );
        assert_eq!(text_of(&tree, at(&tree, &["b"])), "c");
        assert!(tree.len() < 200);
    }

    #[test]
    fn anchors_inside_a_dropped_subtree_resolve_to_invalid() {
        let limits = Limits {
            max_depth: 2,
            ..Limits::default()
        };
        let text = "a: [[&x 1]]\nb: *x\n";
        let out = parse(text, &limits);
        assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
        let dropped = at(&out.tree, &["a", "0"]);
        assert_eq!(out.tree.kind(dropped), &NodeKind::Invalid);
        assert_eq!(at(&out.tree, &["b"]), dropped);
    }

    /// Runs `f` on a thread with a 256 KiB stack: deep input must not recurse.
    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn deep_flow_nesting_on_a_small_stack() {
        on_small_stack(|| {
            let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
            let (_, diagnostic) = single_error(&text);
            // saphyr refuses more than 255 flow levels before building anything.
            assert!(diagnostic.message.contains("255"), "{}", diagnostic.message);
            let text = "{a: ".repeat(100_000);
            let (_, diagnostic) = single_error(&text);
            assert!(diagnostic.message.contains("255"), "{}", diagnostic.message);
            // Within saphyr's cap, past ours.
            let text = nested_flow(250);
            let (_, diagnostic) = single_error(&text);
            assert!(diagnostic.message.contains("128"), "{}", diagnostic.message);
        });
    }

    #[test]
    fn deep_block_nesting_on_a_small_stack() {
        on_small_stack(|| {
            let text = "- ".repeat(100_000) + "x\n";
            let (tree, diagnostic) = single_error(&text);
            assert!(diagnostic.message.contains("128"));
            assert_eq!(diagnostic.range, TextRange::new(2 * 128, 2 * 128 + 1));
            assert!(tree.len() <= 130);
            let mut id = tree.root().unwrap();
            for _ in 0..128 {
                id = tree.items(id).unwrap()[0];
            }
            assert_eq!(tree.kind(id), &NodeKind::Invalid);
            assert_eq!(tree.range(id), TextRange::new(2 * 128, text.len() - 1));
        });
    }

    #[test]
    fn syntax_error_keeps_the_partial_tree() {
        let text = "a: 1\nb:\n  c: [x, y\nd: 2\n";
        let (tree, diagnostic) = single_error(text);
        assert_eq!(text_of(&tree, at(&tree, &["a"])), "1");
        assert_eq!(text_of(&tree, at(&tree, &["b", "c", "0"])), "x");
        assert!(diagnostic.range.start > text.find("y").unwrap());
        let text = "name: ok\nvalue: \"never closed\n";
        let (tree, diagnostic) = single_error(text);
        assert_eq!(text_of(&tree, at(&tree, &["name"])), "ok");
        assert_eq!(
            tree.kind(at(&tree, &["value"])),
            &NodeKind::Invalid,
            "the key stays, with an invalid value"
        );
        assert_eq!(diagnostic.range, TextRange::new(16, 17), "at the opening quote");
        assert_eq!(
            diagnostic.message,
            "quoted string is never closed; add the closing quote"
        );
    }

    #[test]
    fn bad_indentation_points_at_the_line() {
        let text = "a:\n  b: c\n d: e\n";
        let (tree, diagnostic) = single_error(text);
        assert_eq!(&text[diagnostic.range.start..diagnostic.range.end], "d");
        assert_eq!(text_of(&tree, at(&tree, &["a", "b"])), "c");
        let text = "a: 中文 b: c\n";
        let (_, diagnostic) = single_error(text);
        assert_eq!(&text[diagnostic.range.start..diagnostic.range.end], ":");
        assert_eq!(diagnostic.range.start, text.rfind(':').unwrap());
    }

    #[test]
    fn second_document_is_reported_and_ignored() {
        let text = "a: 1\n---\nb: [unclosed\n";
        let (tree, diagnostic) = single_error(text);
        assert_eq!(&text[diagnostic.range.start..diagnostic.range.end], "---");
        assert!(diagnostic.message.starts_with("only one YAML document per file"));
        assert_eq!(tree.entries(tree.root().unwrap()).unwrap().len(), 1);
        let text = "--- \na: 1\n...\n--- \nb: 2\n";
        let (tree, _) = single_error(text);
        assert_eq!(text_of(&tree, at(&tree, &["a"])), "1");
        let text = "a: 1\n...\n# just a comment\n";
        assert!(parse(text, &Limits::default()).diagnostics.is_empty());
    }

    #[test]
    fn empty_documents_have_no_root() {
        for text in ["", "\n\n", "# only a comment\n", "---\n", "--- # c\n...\n", "\u{feff}"] {
            let out = parse(text, &Limits::default());
            assert_eq!(out.diagnostics, [], "{text:?}");
            assert_eq!(out.tree.root(), None, "{text:?}");
        }
        for text in ["~", "null", "''"] {
            let tree = parse_ok(text);
            assert!(tree.root().is_some(), "{text:?}");
        }
    }

    #[test]
    fn control_characters_do_not_panic() {
        let texts = [
            "a: b\0c\nd: e\n",
            "\0",
            "a: \u{1}\u{2}\u{7f}\nb: c\n",
            "a: \"\0\"\n",
            "- \u{1b}[31m\n",
            "\u{feff}\u{feff}a: b",
            "a: b\u{feff}\n",
            "a:\tb\n\tc: d\n",
            "\u{85}a: b\u{2028}c\n",
            "? \u{0}",
        ];
        for text in texts {
            let out = parse(text, &Limits::default());
            assert_ranges_valid(text, &out);
        }
        let text = "a: b\0c\nd: e\n";
        let (tree, diagnostic) = single_error(text);
        assert_eq!(diagnostic.range, TextRange::new(4, 5));
        assert_eq!(text_of(&tree, at(&tree, &["a"])), "b");
    }

    const MIXED: &str = concat!(
        "# Policy 政策 😀\r\npolicy: acme-assistant\r\nversion: 2025-11-01\n",
        "title: \"Acme — 助手\\n\"\n",
        "default: &def allow\n",
        "attributes:\n",
        "  audience:\n",
        "    summary: 'Who reads the output. ''quoted'''\n",
        "    values: [consumer, business, {x: y}]\n",
        "    default: *def\n",
        "sections:\n",
        "  high-risk:\n",
        "    text: |\n",
        "      多行文本\n",
        "      second line 😀\n",
        "\n",
        "    other: >-\n",
        "      folded\n",
        "      text\n",
        "rules:\n",
        "  - id: r1\n",
        "    effect: !!str require\n",
        "    categories: [high-risk, \"a\\tb\"]\n",
        "    when: { audience: consumer }\n",
        "  - ? complex key\n",
        "    : value\n",
        "  -\n",
        "  - [nested, [deep, {k: v}]]\n",
        "flat:\n",
        "- one\n",
        "- two\n",
        "# trailing comment ✓\n",
    );

    #[test]
    fn every_prefix_parses_without_panic() {
        let text = MIXED.repeat(4);
        assert!(text.len() > 2000);
        let limits = Limits::default();
        for (end, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let prefix = &text[..end];
            let out = parse(prefix, &limits);
            assert_ranges_valid(prefix, &out);
            assert_nested(prefix, &out.tree);
        }
    }

    #[test]
    fn random_corruptions_do_not_panic() {
        const SPECIAL: &[&str] = &[
            ":", "-", "[", "]", "{", "}", "\"", "'", "|", ">", "&a", "*a", "!", "#", "\n", " ", "\t", "?", ",", "\r",
            "\\", "é", "😀", "\0",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        let limits = Limits {
            max_depth: 6,
            max_alias_nodes: 50,
        };
        for _ in 0..3000 {
            let mut text = MIXED.to_string();
            for _ in 0..1 + next(4) {
                let mut at = next(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let removed: usize = text[at..].chars().take(next(3)).map(char::len_utf8).sum();
                text.replace_range(at..at + removed, SPECIAL[next(SPECIAL.len())]);
            }
            let out = parse(&text, &limits);
            assert_ranges_valid(&text, &out);
            assert_nested(&text, &out.tree);
        }
    }

    #[test]
    fn mixed_document_parses_cleanly() {
        let out = parse(MIXED, &Limits::default());
        assert_eq!(out.diagnostics, []);
        let tree = &out.tree;
        assert_nested(MIXED, tree);
        assert_eq!(at(tree, &["attributes", "audience", "default"]), at(tree, &["default"]));
        assert_eq!(
            slice(MIXED, tree, at(tree, &["sections", "high-risk", "text"])),
            "|\n      多行文本\n      second line 😀"
        );
        assert_eq!(text_of(tree, at(tree, &["rules", "0", "effect"])), "require");
        assert_eq!(
            slice(MIXED, tree, at(tree, &["rules", "0", "when"])),
            "{ audience: consumer }"
        );
        assert_eq!(
            slice(MIXED, tree, at(tree, &["rules", "1"])),
            "? complex key\n    : value"
        );
        assert_eq!(slice(MIXED, tree, at(tree, &["flat"])), "- one\n- two");
    }

    #[test]
    fn sequences_not_indented_under_their_key() {
        let text = "key:\n- - x\n  - y\n- z\nk2: &a\n- q\nk3: !t\n-\n- [1]\n";
        let tree = parse_ok(text);
        assert_eq!(slice(text, &tree, at(&tree, &["key"])), "- - x\n  - y\n- z");
        assert_eq!(slice(text, &tree, at(&tree, &["key", "0"])), "- x\n  - y");
        assert_eq!(slice(text, &tree, at(&tree, &["k2"])), "- q");
        assert_eq!(slice(text, &tree, at(&tree, &["k3"])), "-\n- [1]");
        assert_eq!(slice(text, &tree, at(&tree, &["k3", "1"])), "[1]");
        let text = "- - - x\n  - y\n";
        let tree = parse_ok(text);
        assert_eq!(slice(text, &tree, at(&tree, &["0"])), "- - x\n  - y");
        assert_eq!(slice(text, &tree, at(&tree, &["0", "0"])), "- x");
    }

    #[test]
    fn char_to_byte_matches_char_indices() {
        let text = format!("{}é{}😀\r\n{}", "a".repeat(70), "中".repeat(130), "x".repeat(10));
        let offsets = CharToByte::new(&text);
        let expected: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len(), text.len()])
            .collect();
        // In order, in reverse, and jumping: the memo must not change answers.
        for (ci, &b) in expected.iter().enumerate() {
            assert_eq!(offsets.byte(ci), b);
        }
        for (ci, &b) in expected.iter().enumerate().rev() {
            assert_eq!(offsets.byte(ci), b);
        }
        for ci in (0..expected.len())
            .step_by(37)
            .chain((0..expected.len()).step_by(5).rev())
        {
            assert_eq!(offsets.byte(ci), expected[ci]);
        }
        assert_eq!(CharToByte::new("abc").byte(10), 3);
    }

    #[test]
    fn messages_are_one_line_with_an_action() {
        for text in [
            "a: [1, 2",
            "a: 'x",
            "a:\n\tb: c",
            "a: @x",
            "a: b\n c: d\n- e",
            "{a: b",
            "a: \"\\q\"",
            "a: |0\n  x",
        ] {
            let out = parse(text, &Limits::default());
            assert!(!out.diagnostics.is_empty(), "{text:?}");
            for d in &out.diagnostics {
                assert!(
                    !d.message.contains('\n') && d.message.contains("; "),
                    "{text:?}: {}",
                    d.message
                );
            }
        }
    }
}
