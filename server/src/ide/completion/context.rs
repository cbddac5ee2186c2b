//! Where the cursor stands, read from the text alone. Completion runs on half-typed text that
//! often does not parse, so nothing here needs the YAML tree: a small line scanner notes, per
//! line, its block entries (`- ` markers and `key:`s with their columns), follows flow
//! collections (`[...]`, `{...}`), quotes, comments and block scalars, and the key path above the
//! cursor is found the way YAML defines it, by walking up to less-indented lines.

use crate::diagnostic::Code;
use crate::syntax::{NodeId, NodeKind, Tree};
use crate::text::{TextRange, line_start_of};
use crate::workspace::SourceFile;

/// One step of a path from the document root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    /// An item of a list.
    Item,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// In (or where there will be) a node of the document.
    Node(Place),
    /// In a comment that starts at `start` (its `#`).
    Comment { start: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The keys and list items from the root down to the node at the cursor. When `at_key` is
    /// false, the last step is the key whose value the cursor is in.
    pub path: Vec<Seg>,
    /// Where a node starts on its own: a key of the map at `path`, or an item when `path` ends
    /// in [`Seg::Item`] (which of the two is for the caller to know). False after `key: `.
    pub at_key: bool,
    /// Where the text of the node at the cursor starts (after an opening quote): what lies
    /// between it and the cursor is what a completion replaces.
    pub node_start: usize,
    /// The other keys of the map the cursor is in, with their scalar values.
    pub keys: Vec<(String, Option<String>)>,
    /// The other scalar items of the list the cursor is in.
    pub items: Vec<String>,
}

impl Place {
    /// The path as names: keys by their text, list items as `-`.
    pub fn path_names(&self) -> Vec<&str> {
        self.path
            .iter()
            .map(|s| match s {
                Seg::Key(k) => k.as_str(),
                Seg::Item => "-",
            })
            .collect()
    }
}

/// Where the cursor at byte `offset` stands; `None` inside prose (block scalars, quoted text
/// begun on an earlier line), after a closed flow collection, or at an offset that is not a
/// char boundary of `text`.
///
/// This reads the whole text (the reference that [`cursor_near`] must equal).
#[cfg(test)]
pub fn cursor(text: &str, offset: usize) -> Option<Cursor> {
    cursor_with(text, offset, None, false)
}

/// [`cursor`], reading only the lines that can matter: completion runs on every keystroke, and
/// a manifest may hold 100,000 lines. `source` is the parse of `text`.
///
/// Above the cursor, the lines of whole items of a top-level list that the parse shows
/// complete are skipped ([`skippable`]); below it, the scan stops once no line further down can
/// matter ([`Below`]). The result is exactly [`cursor`]'s (a property test holds them equal).
pub fn cursor_near(source: &SourceFile, offset: usize) -> Option<Cursor> {
    let text = source.text.as_str();
    if !text.is_char_boundary(offset) {
        return None; // as `cursor_with` answers (also past the end)
    }
    let line_start = line_start_of(text, offset);
    let skip = skippable(text, source.tree(), first_error(source), line_start);
    cursor_with(text, offset, skip, true)
}

/// Where the first `yaml-syntax` error starts: the parse is only known right before it.
fn first_error(source: &SourceFile) -> Option<usize> {
    source
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::YamlSyntax)
        .map(|d| d.range.start)
        .min()
}

/// Lines above the cursor's that the scan may pass over: from the one at `from` to the one at
/// `to`, exclusive, the whole items of a block list whose `- ` stand at column `col`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Skip {
    from: usize,
    to: usize,
    col: usize,
}

/// The whole items of the top-level block list around the line at `line_start` that lie above
/// the item whose `- ` line is the last above it, when the scan can pass over them.
///
/// Why that is exact: the items are parsed without error (the first `yaml-syntax` error comes
/// after them, and the item after them was parsed, so they are complete), and each is a block
/// map whose first key starts the item. So their lines hold no open quote, flow collection or
/// block scalar past their end (a block scalar ends at the next `- `, at column `col`), no
/// scalar item of the list (what [`list_items`] collects), and no entry left of `col` nor key
/// at `col` (the text of an item stands right of its `- `, but for the next lines of a flow
/// collection, see [`single_line_flows`]; with no anchor, no alias brings nodes from elsewhere). Walking up from the cursor, the
/// `- ` line of the item kept (above the cursor's line: the walks for the list's items and
/// keys start on the line above the cursor's) is passed first: from there the
/// path is left of `col`, the keys sought are right of it (and stop at that `- `) or left of
/// it (and the items hold none), and the items sought are at `col` or stop there. So the lines
/// skipped change neither the scanner's state (checked where the skip starts, see
/// [`Scanner::scan_above`]) nor what is read from the lines above.
fn skippable(text: &str, tree: &Tree, first_error: Option<usize>, line_start: usize) -> Option<Skip> {
    let items = tree.items(top_list(tree, line_start)?)?;
    let dash_line = |i: NodeId| line_start_of(text, tree.range(i).start);
    let kept = items.partition_point(|&i| dash_line(i) < line_start).checked_sub(1)?;
    let to = dash_line(items[kept]);
    let col = dash_col(text, to, tree.range(items[kept]).start)?;
    if first_error.is_some_and(|e| e < to) {
        return None;
    }
    if tree.anchored {
        return None; // an alias makes a node of text elsewhere
    }
    let mut stack = Vec::new();
    let mut clean = |i: NodeId| {
        let range = tree.range(i);
        tree.entries(i).and_then(|entries| entries.first()).is_some_and(|e| {
            let key = tree.range(e.key);
            tree.scalar(e.key).is_some() && key.start == range.start && key.end > key.start
        }) && single_line_flows(text, tree, i, &mut stack)
    };
    let run = items[..kept].iter().rev().take_while(|&&i| clean(i)).count();
    // The skip starts at an item whose `- ` stands on its first line, at `col`.
    let from = items[kept - run..kept]
        .iter()
        .map(|&i| (dash_line(i), tree.range(i).start))
        .find(|&(line, start)| dash_col(text, line, start) == Some(col))?
        .0;
    (from < to).then_some(Skip { from, to, col })
}

/// Whether every flow collection in the block node `node` stands on one line. The parser takes
/// a flow collection's next lines at any indentation, where the scanner ends it at a line as
/// far left as its key and reads the rest as block entries: such lines could end a walk up.
/// (A collection that starts with a tag or an anchor counts as such a collection.)
fn single_line_flows(text: &str, tree: &Tree, node: NodeId, stack: &mut Vec<NodeId>) -> bool {
    stack.clear();
    stack.push(node);
    while let Some(n) = stack.pop() {
        let range = tree.range(n);
        match tree.kind(n) {
            NodeKind::Scalar(_) => continue,
            NodeKind::Invalid => return false,
            NodeKind::Sequence(_) | NodeKind::Mapping(_) => {}
        }
        match text.as_bytes().get(range.start) {
            Some(b'[' | b'{') if !text[range.start..range.end].contains(['\n', '\r']) => continue,
            Some(b'[' | b'{' | b'!' | b'&' | b'*') | None => return false,
            Some(_) => {}
        }
        match tree.kind(n) {
            NodeKind::Sequence(items) => stack.extend(items),
            NodeKind::Mapping(entries) => stack.extend(entries.iter().flat_map(|e| [e.key, e.value])),
            NodeKind::Scalar(_) | NodeKind::Invalid => {}
        }
    }
    true
}

/// The block list of the root (itself, or the last value of its map that is a list and starts
/// at or above `at`).
fn top_list(tree: &Tree, at: usize) -> Option<NodeId> {
    let root = tree.root()?;
    if tree.items(root).is_some() {
        return Some(root);
    }
    tree.entries(root)?
        .iter()
        .rev()
        .map(|e| e.value)
        .find(|&v| tree.items(v).is_some() && tree.range(v).start <= at)
}

/// The column of the `- ` when the line from `line` to `start` reads `<spaces>-<blanks>`.
fn dash_col(text: &str, line: usize, start: usize) -> Option<usize> {
    let prefix = &text[line..start];
    let col = prefix.len() - prefix.trim_start_matches(' ').len();
    let rest = prefix[col..].strip_prefix('-')?;
    (!rest.is_empty() && rest.bytes().all(|b| b == b' ' || b == b'\t')).then_some(col)
}

/// Where [`cursor`] reads the text from: the whole of it, or (`skip`, `lazy`) the lines near the
/// cursor only.
fn cursor_with(text: &str, offset: usize, skip: Option<Skip>, lazy: bool) -> Option<Cursor> {
    if offset > text.len() || !text.is_char_boundary(offset) {
        return None;
    }
    // A value right after its colon (`key:|`) would fuse with it; wait for the blank.
    let after_colon = text[..offset].ends_with(':');
    // A byte order mark is no indentation; nothing goes before it.
    let first = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    if offset < first {
        return None;
    }
    // The lines above the cursor's are scanned once, then the cursor's line up to the cursor
    // (where the cursor stands) and to the end of the text (its neighbours below).
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(first, |i| i + 1);
    let mut head = Scanner::new(text);
    head.scan_above(first, line_start, skip.filter(|s| first <= s.from));
    let above = std::mem::take(&mut head.lines);
    head.base = above.len();
    head.flows.clear(); // closed above the cursor's line: none holds the cursor
    let mut before = head.clone();
    before.text = &text[..offset];
    before.scan(line_start, None);
    if let Some(start) = before.comment {
        return Some(Cursor::Comment { start });
    }
    let line = &before.lines[0];
    if let Some(quote) = &before.quote
        && quote.start < line.start
    {
        return None; // quoted text continued from an earlier line
    }
    let mut full = head;
    if !before.frames.is_empty() {
        let inner = before.frames.last().map(|f| f.open);
        full.scan_below(line_start, lazy.then_some(Below::FlowClosed(inner)));
        let place = in_flow(&above, &before, &full, offset);
        return (place.at_key || !after_colon).then_some(Cursor::Node(place));
    }
    let entries: &[Entry] = match line.kind {
        LineKind::Structural => &line.entries,
        LineKind::Blank => &[],
        LineKind::Content | LineKind::Comment => return None,
    };
    let cursor_col = offset - line.start;
    let prefix = &text[..offset];
    let (anchor, slot_col, at_key, node_start) = match entries.last() {
        None => (entries, cursor_col, true, offset),
        Some(Entry { kind: Kind::Dash, .. }) if prefix.ends_with('-') => return None,
        Some(Entry { kind: Kind::Dash, .. }) => (entries, cursor_col, true, offset),
        Some(
            e @ Entry {
                kind: Kind::Scalar(_), ..
            },
        ) => (&entries[..entries.len() - 1], e.col, true, e.at),
        Some(Entry {
            kind: Kind::Key { value_at, .. },
            ..
        }) => {
            if after_colon || line.flow_closed {
                return None;
            }
            (entries, cursor_col, false, *value_at)
        }
    };
    let node_start = skip_quote(text, node_start, offset);
    // Below the cursor's line, the keys at `slot_col` are read, and the items of a list opened
    // on it by a `- `: no line past one with an entry left of both matters.
    let opens_at = match anchor.last() {
        Some(Entry {
            kind: Kind::Dash, col, ..
        }) => *col,
        _ => slot_col,
    };
    let needed = if at_key {
        Below::Left(opens_at.min(slot_col))
    } else {
        Below::Nothing
    };
    full.scan_below(line_start, lazy.then_some(needed));
    let below = &full.lines[1..];
    let path = ancestors(&above, anchor, slot_col);
    let mut place = Place {
        path,
        at_key,
        node_start,
        keys: Vec::new(),
        items: Vec::new(),
    };
    if at_key {
        let opens_here = matches!(anchor.last(), Some(Entry { kind: Kind::Dash, .. }));
        place.keys = map_keys(&above, below, slot_col, opens_here);
        if let Some(Entry {
            kind: Kind::Dash, col, ..
        }) = anchor.last()
        {
            place.items = list_items(&above, below, *col);
        }
    }
    Some(Cursor::Node(place))
}

/// The place of a cursor inside a flow collection.
fn in_flow(above: &[Line], before: &Scanner, full: &Scanner, offset: usize) -> Place {
    let frames = &before.frames;
    let (above, anchor) = match above.get(before.flow_line) {
        Some(anchor) => (&above[..before.flow_line], anchor),
        None => (above, &before.lines[0]),
    };
    let open_col = frames[0].open - anchor.start;
    let mut path = ancestors(above, &anchor.entries, open_col);
    for frame in frames {
        match (&frame.key, frame.map) {
            (Some(key), true) => path.push(Seg::Key(key.clone())),
            (None, true) => {}
            (_, false) => path.push(Seg::Item),
        }
    }
    let inner = frames.last().expect("in a flow collection");
    let at_key = !inner.map || inner.key.is_none();
    let node_start = match (&before.quote, &inner.token) {
        (Some(quote), _) => quote.start,
        (None, Some(token)) => skip_quote(before.text, token.range.start, offset),
        (None, None) => offset,
    };
    let mut place = Place {
        path,
        at_key,
        node_start,
        keys: Vec::new(),
        items: Vec::new(),
    };
    if at_key && let Some(whole) = full.flows.iter().find(|f| f.open == inner.open) {
        let others = whole.done.iter().filter(|d| !d.range.touches(offset));
        if whole.map {
            place.keys = others.map(|d| (d.text.clone(), d.value.clone())).collect();
        } else {
            place.items = others.map(|d| d.text.clone()).collect();
        }
    }
    place
}

fn skip_quote(text: &str, start: usize, limit: usize) -> usize {
    match text.as_bytes().get(start) {
        Some(b'"' | b'\'') if start < limit => start + 1,
        _ => start,
    }
}

/// The path from the root to the node that the entries `anchor` (on the cursor's line, left
/// of the cursor) and the lines above enclose, for a node at column `col`.
fn ancestors(above: &[Line], anchor: &[Entry], col: usize) -> Vec<Seg> {
    let mut path = Vec::new();
    let mut limit = col;
    // A list item whose list may sit at its key's own indentation (`key:\n- item`).
    let mut in_item = false;
    let mut visit = |e: &Entry| {
        let owner = in_item && e.col == limit && matches!(e.kind, Kind::Key { .. });
        if e.col >= limit && !owner {
            return;
        }
        match &e.kind {
            Kind::Dash => path.push(Seg::Item),
            Kind::Key { name, .. } => path.push(Seg::Key(name.clone())),
            Kind::Scalar(_) => return,
        }
        limit = e.col;
        in_item = matches!(e.kind, Kind::Dash);
    };
    anchor.iter().rev().for_each(&mut visit);
    for line in above.iter().rev().filter(|l| l.kind == LineKind::Structural) {
        line.entries.iter().rev().for_each(&mut visit);
    }
    path.reverse();
    path
}

/// The keys of the block map whose keys stand at column `col`, above and below the cursor's
/// line; `opens_here` when the map starts on the cursor's line (after a `- `).
fn map_keys(above: &[Line], below: &[Line], col: usize, opens_here: bool) -> Vec<(String, Option<String>)> {
    let mut keys = Vec::new();
    let mut take = |e: &Entry| {
        if let Kind::Key { name, value, .. } = &e.kind
            && e.col == col
        {
            keys.push((name.clone(), value.clone()));
        }
    };
    if !opens_here {
        'up: for line in above.iter().rev().filter(|l| l.kind == LineKind::Structural) {
            for e in line.entries.iter().rev() {
                if e.col < col {
                    break 'up;
                }
                take(e);
            }
        }
    }
    'down: for line in below.iter().filter(|l| l.kind == LineKind::Structural) {
        for e in &line.entries {
            if e.col < col {
                break 'down;
            }
            take(e);
        }
    }
    keys
}

/// The scalar items of the block list whose `- ` markers stand at column `col`.
fn list_items(above: &[Line], below: &[Line], col: usize) -> Vec<String> {
    let mut items = Vec::new();
    // Whether an entry ends the list: a shallower entry, or the key that owns a list written
    // at its own indentation.
    let ends = |e: &Entry| e.col < col || (e.col == col && matches!(e.kind, Kind::Key { .. }));
    let mut take = |entries: &[Entry], i: usize| {
        if entries[i].col == col
            && matches!(entries[i].kind, Kind::Dash)
            && let Some(Entry {
                kind: Kind::Scalar(s), ..
            }) = entries.get(i + 1)
        {
            items.push(s.clone());
        }
    };
    'up: for line in above.iter().rev().filter(|l| l.kind == LineKind::Structural) {
        for i in (0..line.entries.len()).rev() {
            if ends(&line.entries[i]) {
                break 'up;
            }
            take(&line.entries, i);
        }
    }
    'down: for line in below.iter().filter(|l| l.kind == LineKind::Structural) {
        for i in 0..line.entries.len() {
            if ends(&line.entries[i]) {
                break 'down;
            }
            take(&line.entries, i);
        }
    }
    items
}

/// What the lines below the cursor's are read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Below {
    Nothing,
    /// Block entries, down to the first line with an entry left of this column.
    Left(usize),
    /// The entries of the flow collection opened at this offset, until it closes.
    FlowClosed(Option<usize>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum LineKind {
    /// Spaces only.
    #[default]
    Blank,
    /// A comment only.
    Comment,
    /// Starts at block level: its entries give the structure.
    Structural,
    /// Inside a block scalar, a quoted scalar or a flow collection begun above.
    Content,
}

#[derive(Debug, Clone)]
enum Kind {
    Dash,
    Key {
        name: String,
        /// The value, when a scalar on the key's line.
        value: Option<String>,
        /// Where the value starts (after the spaces that follow the colon).
        value_at: usize,
    },
    Scalar(String),
}

/// A block entry at the start of a line: `- `, `key:` or a scalar.
#[derive(Debug, Clone)]
struct Entry {
    /// Bytes from the line start (only spaces and `- ` precede an entry, so bytes are columns).
    col: usize,
    at: usize,
    kind: Kind,
}

#[derive(Debug, Clone, Default)]
struct Line {
    start: usize,
    kind: LineKind,
    entries: Vec<Entry>,
    /// A flow collection opened on this line at block level closed on it.
    flow_closed: bool,
}

/// A scalar token of a flow collection.
#[derive(Debug, Clone)]
struct Token {
    text: String,
    range: TextRange,
}

/// An entry of a flow map (key, value) or an item of a flow list (text, no value).
#[derive(Debug, Clone)]
struct Done {
    text: String,
    value: Option<String>,
    range: TextRange,
}

/// An open flow collection.
#[derive(Debug, Clone, Default)]
struct Frame {
    /// The offset of its bracket.
    open: usize,
    map: bool,
    /// In a map, the current entry's key once its `:` is passed.
    key: Option<String>,
    key_range: TextRange,
    token: Option<Token>,
    /// The current item holds a collection (so it is no scalar).
    nested: bool,
    done: Vec<Done>,
}

/// A quoted scalar still open at the end of a line.
#[derive(Debug, Clone, Copy)]
struct Quote {
    ch: u8,
    /// Just after the opening quote.
    start: usize,
    in_flow: bool,
}

#[derive(Clone)]
struct Scanner<'t> {
    text: &'t str,
    lines: Vec<Line>,
    frames: Vec<Frame>,
    /// Flow collections closed (or left unclosed), with their entries.
    flows: Vec<Frame>,
    /// The index in the text of the first line in `lines`.
    base: usize,
    /// The line where the outermost open flow collection began, and the column of the entry
    /// that owns it (the line's indentation when none).
    flow_line: usize,
    flow_indent: usize,
    /// Lines indented deeper than this belong to a block scalar.
    block_scalar: Option<usize>,
    quote: Option<Quote>,
    /// Where the comment the text ends in starts.
    comment: Option<usize>,
}

impl<'t> Scanner<'t> {
    fn new(text: &'t str) -> Self {
        Scanner {
            text,
            lines: Vec::new(),
            frames: Vec::new(),
            flows: Vec::new(),
            base: 0,
            flow_line: 0,
            flow_indent: 0,
            block_scalar: None,
            quote: None,
            comment: None,
        }
    }

    /// Scans the lines from the one at `start` to the end of the text, or (`stop`) to the one
    /// that starts there, exclusive.
    fn scan(&mut self, mut start: usize, stop: Option<usize>) {
        let text = self.text;
        while stop.is_none_or(|stop| start < stop) {
            let end = line_end(text.as_bytes(), start);
            self.line(start, end);
            if end == text.len() {
                break;
            }
            start = if text[end..].starts_with("\r\n") {
                end + 2
            } else {
                end + 1
            };
        }
    }

    /// Scans the lines from the one at `start` to the one at `stop`, exclusive, passing over
    /// those of `skip` when the state where it starts is one they cannot change: no quote or
    /// flow collection open, and no block scalar that the `- ` line ending the skip does not
    /// end (see [`skippable`] for why the skipped lines leave that state as they found it).
    fn scan_above(&mut self, start: usize, stop: usize, skip: Option<Skip>) {
        let Some(skip) = skip.filter(|s| s.to <= stop) else {
            return self.scan(start, Some(stop));
        };
        self.scan(start, Some(skip.from));
        let settled =
            self.frames.is_empty() && self.quote.is_none() && self.block_scalar.is_none_or(|parent| parent >= skip.col);
        let resume = if settled { skip.to } else { skip.from };
        self.scan(resume, Some(stop));
    }

    /// Scans the lines from the cursor's (at `start`) down: to the end of the text, or until
    /// no further line can matter to `needed`. Then [`finish`](Self::finish)es.
    fn scan_below(&mut self, mut start: usize, needed: Option<Below>) {
        let text = self.text;
        let first = self.lines.len();
        loop {
            let end = line_end(text.as_bytes(), start);
            self.line(start, end);
            if end == text.len() || needed.is_some_and(|n| self.enough(n, first)) {
                break;
            }
            start = if text[end..].starts_with("\r\n") {
                end + 2
            } else {
                end + 1
            };
        }
        self.finish();
    }

    /// Whether the lines scanned hold all that `needed` asks (the cursor's line is the one at
    /// index `first`).
    fn enough(&self, needed: Below, first: usize) -> bool {
        match needed {
            Below::Nothing => true,
            // The walks down (`map_keys`, `list_items`) stop at an entry left of `col`, and a
            // line's first entry is its leftmost.
            Below::Left(col) => {
                self.lines.len() > first + 1
                    && self.lines.last().is_some_and(|l| {
                        l.kind == LineKind::Structural && l.entries.first().is_some_and(|e| e.col < col)
                    })
            }
            Below::FlowClosed(open) => !self.frames.iter().any(|f| Some(f.open) == open),
        }
    }

    /// At the end of the text: unclosed collections keep what they hold, for the cursor's
    /// neighbours (the open frames stay too: at the end of a prefix they are where the cursor
    /// is).
    fn finish(&mut self) {
        self.flows.extend(self.frames.iter().cloned().map(|mut f| {
            end_item(&mut f);
            f
        }));
    }

    fn last(&mut self) -> &mut Line {
        self.lines.last_mut().expect("a line is open")
    }

    fn line(&mut self, start: usize, end: usize) {
        self.lines.push(Line {
            start,
            ..Line::default()
        });
        self.comment = None;
        let text = &self.text[start..end];
        let indent = text.len() - text.trim_start_matches(' ').len();
        let content = text[indent..].trim_end();
        let mut pos = start + indent;
        if let Some(quote) = self.quote {
            self.last().kind = LineKind::Content;
            let Some(after) = close_quote(self.text, quote.ch, start, end) else {
                return;
            };
            self.quote = None;
            if !quote.in_flow {
                return; // the rest of a block scalar's line holds nothing to complete
            }
            self.token(quote.start - 1, after);
            pos = after;
        } else if let Some(parent) = self.block_scalar {
            if content.is_empty() {
                return;
            }
            if indent > parent {
                self.last().kind = LineKind::Content;
                return;
            }
            self.block_scalar = None;
        }
        if !self.frames.is_empty() {
            let continues = indent > self.flow_indent
                || content.is_empty()
                || content.starts_with(['#', ']', '}'])
                || (self.flow_indent == 0 && !looks_like_block(content));
            if continues {
                self.last().kind = LineKind::Content;
                self.flow(pos, end);
                return;
            }
            // A flow collection never closed: what follows at its indentation is block again.
            for mut frame in std::mem::take(&mut self.frames) {
                end_item(&mut frame);
                self.flows.push(frame);
            }
        }
        if content.is_empty() {
            return;
        }
        if content.starts_with('#') {
            self.last().kind = LineKind::Comment;
            self.comment = Some(pos);
            return;
        }
        if indent == 0 && (content == "---" || content == "...") {
            self.last().kind = LineKind::Comment;
            return;
        }
        self.last().kind = LineKind::Structural;
        loop {
            let rest = &self.text[pos..end];
            if rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t") {
                self.entry(start, pos, Kind::Dash);
                pos = skip_blanks(self.text, pos + 1, end);
            } else {
                break;
            }
        }
        self.node(start, pos, end, true);
    }

    fn entry(&mut self, line_start: usize, at: usize, kind: Kind) {
        let col = at - line_start;
        self.last().entries.push(Entry { col, at, kind });
    }

    /// A node at block level starting at `pos`: a key (when `key_allowed`) and its value, or a
    /// value.
    fn node(&mut self, line_start: usize, pos: usize, end: usize, key_allowed: bool) {
        let rest = &self.text[pos..end];
        let Some(&first) = rest.as_bytes().first() else { return };
        match first {
            b'#' => self.comment = Some(pos),
            b'[' | b'{' => {
                self.flow_line = self.base + self.lines.len() - 1;
                // Its continuation lines stand deeper than the key or `- ` that owns it.
                let line = &self.text[line_start..end];
                let indent = line.len() - line.trim_start_matches(' ').len();
                self.flow_indent = self.last().entries.last().map_or(indent, |e| e.col);
                self.frames.push(Frame {
                    open: pos,
                    map: first == b'{',
                    ..Frame::default()
                });
                self.flow(pos + 1, end);
                if self.frames.is_empty() {
                    self.last().flow_closed = true;
                }
            }
            b'|' | b'>' => {
                let parent = self.last().entries.last().map_or(pos - line_start, |e| e.col);
                self.block_scalar = Some(parent);
                if let Some(hash) = rest.find(" #") {
                    self.comment = Some(pos + hash + 1);
                }
            }
            b'&' | b'!' => {
                let token = rest.find([' ', '\t']).unwrap_or(rest.len());
                let next = skip_blanks(self.text, pos + token, end);
                if next < end {
                    self.node(line_start, next, end, key_allowed);
                }
            }
            b'"' | b'\'' => {
                let Some(after) = close_quote(self.text, first, pos + 1, end) else {
                    self.quote = Some(Quote {
                        ch: first,
                        start: pos + 1,
                        in_flow: false,
                    });
                    self.scalar(line_start, pos, rest.to_owned(), key_allowed);
                    return;
                };
                let inner = self.text[pos + 1..after - 1].to_owned();
                let next = skip_blanks(self.text, after, end);
                let colon = self.text[next..end].starts_with(':')
                    && matches!(
                        self.text.as_bytes().get(next + 1),
                        None | Some(b' ' | b'\t' | b'\n' | b'\r')
                    )
                    && next < end;
                if key_allowed && colon {
                    self.key(line_start, pos, inner, next + 1, end);
                } else {
                    self.scalar(line_start, pos, inner, key_allowed);
                    self.trailing_comment(after, end);
                }
            }
            _ => {
                let stop = comment_start(rest).unwrap_or(rest.len());
                let body = &rest[..stop];
                match key_colon(body).filter(|_| key_allowed) {
                    Some(colon) => {
                        let name = body[..colon].trim_end().to_owned();
                        self.key(line_start, pos, name, pos + colon + 1, end);
                    }
                    None => {
                        self.scalar(line_start, pos, body.trim_end().to_owned(), key_allowed);
                        if stop < rest.len() {
                            self.comment = Some(pos + stop + 1);
                        }
                    }
                }
            }
        }
    }

    fn key(&mut self, line_start: usize, at: usize, name: String, after_colon: usize, end: usize) {
        let value_at = skip_blanks(self.text, after_colon, end);
        self.entry(
            line_start,
            at,
            Kind::Key {
                name,
                value: None,
                value_at,
            },
        );
        self.node(line_start, value_at, end, false);
    }

    /// A scalar: an entry of its own where a key could stand, else the value of the key before.
    fn scalar(&mut self, line_start: usize, at: usize, text: String, key_allowed: bool) {
        if key_allowed {
            self.entry(line_start, at, Kind::Scalar(text));
        } else if let Some(Entry {
            kind: Kind::Key { value, .. },
            ..
        }) = self.last().entries.last_mut()
        {
            *value = Some(text);
        }
    }

    fn trailing_comment(&mut self, pos: usize, end: usize) {
        let rest = &self.text[pos..end];
        if let Some(hash) = rest.find('#') {
            self.comment = Some(pos + hash);
        }
    }

    /// Flow context from `pos` to the line's end.
    fn flow(&mut self, mut pos: usize, end: usize) {
        let bytes = self.text.as_bytes();
        while pos < end {
            if self.frames.is_empty() {
                // After the outermost collection closed: a comment at most.
                self.trailing_comment(pos, end);
                return;
            }
            match bytes[pos] {
                b' ' | b'\t' => pos += 1,
                b'#' if pos == 0 || matches!(bytes[pos - 1], b' ' | b'\t') => {
                    self.comment = Some(pos);
                    return;
                }
                b'[' | b'{' => {
                    if let Some(parent) = self.frames.last_mut() {
                        parent.nested = true;
                    }
                    self.frames.push(Frame {
                        open: pos,
                        map: bytes[pos] == b'{',
                        ..Frame::default()
                    });
                    pos += 1;
                }
                b']' | b'}' => {
                    if let Some(mut frame) = self.frames.pop() {
                        end_item(&mut frame);
                        self.flows.push(frame);
                    }
                    pos += 1;
                }
                b',' => {
                    if let Some(frame) = self.frames.last_mut() {
                        end_item(frame);
                    }
                    pos += 1;
                }
                b':' if flow_colon(bytes, pos + 1) => {
                    if let Some(frame) = self.frames.last_mut() {
                        let token = frame.token.take();
                        if frame.map {
                            frame.key_range = token.as_ref().map_or(TextRange::empty(pos), |t| t.range);
                            frame.key = Some(token.map(|t| t.text).unwrap_or_default());
                        } else {
                            frame.nested = true; // a single-pair map as a list item
                        }
                    }
                    pos += 1;
                }
                q @ (b'"' | b'\'') => match close_quote(self.text, q, pos + 1, end) {
                    Some(after) => {
                        self.token(pos, after);
                        pos = after;
                    }
                    None => {
                        self.quote = Some(Quote {
                            ch: q,
                            start: pos + 1,
                            in_flow: true,
                        });
                        return;
                    }
                },
                _ => {
                    let stop = plain_end(bytes, pos, end);
                    let trimmed = self.text[pos..stop].trim_end().len();
                    self.token(pos, pos + trimmed);
                    pos = stop.max(pos + 1);
                }
            }
        }
    }

    /// Adds the scalar text at `start..end` (quotes included) to the current item.
    fn token(&mut self, start: usize, end: usize) {
        let raw = &self.text[start..end];
        let text = match raw.as_bytes().first() {
            Some(&q @ (b'"' | b'\'')) => raw[1..].strip_suffix(q as char).unwrap_or(&raw[1..]),
            _ => raw,
        };
        let Some(frame) = self.frames.last_mut() else { return };
        match &mut frame.token {
            Some(token) => {
                token.text.push(' ');
                token.text.push_str(text);
                token.range.end = end;
            }
            None => {
                frame.token = Some(Token {
                    text: text.to_owned(),
                    range: TextRange::new(start, end),
                })
            }
        }
    }
}

/// Closes the current item of a flow collection.
fn end_item(frame: &mut Frame) {
    let token = frame.token.take();
    let key = frame.key.take();
    if frame.map {
        match (key, token) {
            (Some(key), token) => frame.done.push(Done {
                text: key,
                value: token.filter(|_| !frame.nested).map(|t| t.text),
                range: frame.key_range,
            }),
            (None, Some(token)) => frame.done.push(Done {
                text: token.text,
                value: None,
                range: token.range,
            }),
            (None, None) => {}
        }
    } else if let Some(token) = token
        && !frame.nested
    {
        frame.done.push(Done {
            text: token.text,
            value: None,
            range: token.range,
        });
    }
    frame.nested = false;
}

/// Where the line that starts at `start` ends (a byte loop: this runs on every keystroke's
/// completion, over the whole file).
fn line_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
        i += 1;
    }
    i
}

fn skip_blanks(text: &str, mut pos: usize, end: usize) -> usize {
    while pos < end && matches!(text.as_bytes()[pos], b' ' | b'\t') {
        pos += 1;
    }
    pos
}

/// Just past the quote that closes a quoted scalar begun before `from`, if on this line.
fn close_quote(text: &str, quote: u8, from: usize, end: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < end {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') && i + 1 < end => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Whether a `:` followed by `next` ends a key inside a flow collection.
fn flow_colon(bytes: &[u8], next: usize) -> bool {
    matches!(
        bytes.get(next),
        None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}')
    )
}

/// The end of a plain scalar in a flow collection starting at `pos`.
fn plain_end(bytes: &[u8], pos: usize, end: usize) -> usize {
    let mut i = pos;
    while i < end {
        match bytes[i] {
            b',' | b'[' | b']' | b'{' | b'}' => return i,
            b':' if flow_colon(bytes, i + 1) || i + 1 == end => return i,
            b'#' if i > pos && matches!(bytes[i - 1], b' ' | b'\t') => return i,
            _ => i += 1,
        }
    }
    end
}

/// The colon that ends a plain key in `body` (a block line's text after its `- `s).
fn key_colon(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    (1..bytes.len()).find(|&i| bytes[i] == b':' && matches!(bytes.get(i + 1), None | Some(b' ' | b'\t')))
}

/// Where a ` #` comment starts in a plain scalar's line (the index of the blank before it).
fn comment_start(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    (1..bytes.len())
        .find(|&i| bytes[i] == b'#' && matches!(bytes[i - 1], b' ' | b'\t'))
        .map(|i| i - 1)
}

/// Whether a line's content reads as a block entry (`- ` or `key:`), not a flow continuation.
fn looks_like_block(content: &str) -> bool {
    content == "-"
        || content.starts_with("- ")
        || key_colon(content).is_some_and(|i| !content[..i].contains([',', '[', '{', ']', '}']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Rng, random_manifest, random_manifest_edit};
    use crate::workspace::{FileKind, Workspace};

    /// The cursor's place in `fixture` (cursor at `$0`), as `(path, at_key, node text)`.
    fn place(fixture: &str) -> (String, bool, String, Vec<String>, Vec<String>) {
        let offset = fixture.find("$0").expect("a $0 marker");
        let text = fixture.replace("$0", "");
        let Some(Cursor::Node(p)) = cursor(&text, offset) else {
            panic!("no node at the cursor of {fixture:?}");
        };
        let path = p.path_names();
        let keys = p.keys.iter().map(|(k, _)| k.clone()).collect();
        (
            path.join("/"),
            p.at_key,
            text[p.node_start..offset].to_owned(),
            keys,
            p.items,
        )
    }

    /// Items of the shapes a scanner might read differently from the parser: multi-line
    /// quoted, plain and flow scalars (some continued left of their key), block scalars with
    /// indicators, scalar items, `-` alone on its line, explicit keys, tags and comments.
    fn item(rng: &mut Rng, indent: &str, n: usize) -> String {
        let body = match rng.below(14) {
            0 => String::from("- just a scalar item\n"),
            1 => format!("- id: u{n}\n  summary: \"two\n    lines: [x\"\n  audience: consumer\n"),
            2 => format!("- id: u{n}\n  summary: plain\n    continued # and a comment\n"),
            3 => format!("- id: u{n}\n  categories: [a,\n    b, {{c: d}},\n  ]\n"),
            4 => format!("- id: u{n}\n  categories: [a,\nb]\n  audience: x\n"),
            5 => format!("- id: u{n}\n  summary: |-\n    - id: fake\n      key: [\n\n  audience: business\n"),
            6 => format!("- summary: >2\n     indented 'quote\n  id: u{n}\n"),
            7 => format!("-\n  id: u{n}\n  safeguards: []\n"),
            8 => format!("- ? id\n  : u{n}\n"),
            9 => format!("- !tag\n  id: u{n}\n"),
            10 => format!("- 'id': u{n} # c\n  \"audience\": 'it''s'\n"),
            11 => format!("- - nested\n  - list {n}\n"),
            12 => format!("- id: u{n}\n  when: {{ audience: consumer,\n          agentic: true }}\n"),
            _ => format!("- id: u{n}\n  categories:\n  - cyber\n  - 'x'\n"),
        };
        body.lines().map(|l| format!("{indent}{l}\n")).collect()
    }

    /// A manifest (or a policy's list of rules) of random items, some edited by random pieces
    /// so that it may no longer parse.
    fn random_text(rng: &mut Rng) -> String {
        let mut text = match rng.below(3) {
            0 => random_manifest(rng),
            _ => {
                let key = rng.pick(&["use-cases", "rules"]);
                let indent = *rng.pick(&["", "  ", "    "]);
                let mut out = format!("# header\nmanifest: m\n{key}:\n");
                for n in 0..2 + rng.below(10) {
                    out.push_str(&item(rng, indent, n));
                }
                if rng.chance(30) {
                    out.push_str("owner: o\nextra:\n  - a\n");
                }
                if rng.chance(15) {
                    out = out.replace('\n', "\r\n");
                }
                out
            }
        };
        for _ in 0..rng.below(3) {
            let (start, end, inserted) = random_manifest_edit(rng, &text);
            text.replace_range(start..end, &inserted);
        }
        text
    }

    /// The fast path reads a window of the text; it must see exactly what the whole scan sees,
    /// at every offset, whether or not the text parses.
    #[test]
    fn the_window_equals_the_whole_scan() {
        let mut rng = Rng(0xC0_4E_57);
        let (mut skipped, mut offsets) = (0, 0);
        for round in 0..400 {
            let text = random_text(&mut rng);
            let mut ws = Workspace::default();
            let kind = if round % 2 == 0 {
                FileKind::Manifest
            } else {
                FileKind::Policy
            };
            let file = ws.add("f.yaml".into(), text.clone(), kind, false);
            let source = ws.file(file);
            for offset in 0..=text.len() {
                offsets += 1;
                if let Some(before) = text.get(..offset) {
                    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
                    skipped += usize::from(skippable(&text, source.tree(), first_error(source), line_start).is_some());
                }
                assert_eq!(
                    cursor_near(source, offset),
                    cursor(&text, offset),
                    "at {offset} of {text:?}"
                );
            }
        }
        // Meaningless unless the skip is often taken.
        assert!(skipped * 4 >= offsets, "{skipped} of {offsets} offsets skipped lines");
    }

    #[test]
    fn key_paths_from_indentation() {
        let text = "policy: p\nrules:\n  - id: a\n    effect: allow\n    cat$0\n    when: {}\n  - id: b\n";
        let (path, at_key, node, keys, _) = place(text);
        assert_eq!((path.as_str(), at_key, node.as_str()), ("rules/-", true, "cat"));
        assert_eq!(keys, ["effect", "id", "when"]);

        let (path, at_key, node, _, _) = place("rules:\n- id: a\n  effect: proh$0\n");
        assert_eq!(
            (path.as_str(), at_key, node.as_str()),
            ("rules/-/effect", false, "proh")
        );

        let (path, at_key, node, keys, _) = place("use-cases:\n  - $0\n    summary: s\n  - id: b\n");
        assert_eq!((path.as_str(), at_key, node.as_str()), ("use-cases/-", true, ""));
        assert_eq!(keys, ["summary"]);

        let (path, at_key, _, keys, _) = place("manifest: m\n\n# note\npol$0\nuse-cases: []\n");
        assert_eq!((path.as_str(), at_key), ("", true));
        assert_eq!(keys, ["manifest", "use-cases"]);
    }

    #[test]
    fn block_and_flow_lists() {
        let text = "rules:\n  - categories:\n      - cyber\n      - hi$0\n      - politics\n    id: x\n";
        let (path, at_key, node, _, items) = place(text);
        assert_eq!(
            (path.as_str(), at_key, node.as_str()),
            ("rules/-/categories/-", true, "hi")
        );
        assert_eq!(items, ["cyber", "politics"]);

        // A list at its key's own indentation.
        let (path, _, _, _, items) = place("safeguards:\n- a\n- $0\n");
        assert_eq!(path, "safeguards/-");
        assert_eq!(items, ["a"]);

        let text = "x:\n  categories: [cyber, \"high-risk.l$0\", politics]\n";
        let (path, at_key, node, _, items) = place(text);
        assert_eq!(
            (path.as_str(), at_key, node.as_str()),
            ("x/categories/-", true, "high-risk.l")
        );
        assert_eq!(items, ["cyber", "politics"]);

        let text = "- when: {\n    audience: [consumer,\n      bu$0\n";
        let (path, at_key, node, _, items) = place(text);
        assert_eq!(
            (path.as_str(), at_key, node.as_str()),
            ("-/when/audience/-", true, "bu")
        );
        assert_eq!(items, ["consumer"]);

        let (path, at_key, _, keys, _) = place("- when: { agentic: true, $0 }\n");
        assert_eq!((path.as_str(), at_key), ("-/when", true));
        assert_eq!(keys, ["agentic"]);

        let (path, at_key, node, _, _) = place("- { id: x, summary: \"法律, ok\", when: {audience: co$0} }");
        assert_eq!((path.as_str(), at_key, node.as_str()), ("-/when/audience", false, "co"));
    }

    #[test]
    fn prose_comments_and_closed_collections() {
        let text = "sections:\n  a:\n    text: |\n      title: x$0\n";
        assert_eq!(cursor(&text.replace("$0", ""), text.find("$0").unwrap()), None);
        let text = "a: [x]$0\n";
        assert_eq!(cursor(&text.replace("$0", ""), text.find("$0").unwrap()), None);
        let text = "a: b # charter-ignore: sh$0\n";
        assert_eq!(
            cursor(&text.replace("$0", ""), text.find("$0").unwrap()),
            Some(Cursor::Comment { start: 5 })
        );
        // After a block scalar ends, keys are keys again.
        let (path, at_key, _, keys, _) = place("sections:\n  a:\n    text: |\n      prose\n\n    ti$0\n");
        assert_eq!((path.as_str(), at_key), ("sections/a", true));
        assert_eq!(keys, ["text"]);
        // An unclosed bracket earlier does not swallow the rest of the file.
        let (path, _, _, _, _) = place("use-cases:\n  - categories: [a, b\n    audi$0\n");
        assert_eq!(path, "use-cases/-");
        // CRLF and CR line ends.
        let (path, at_key, node, _, _) = place("rules:\r\n  - id: a\r\n    effect: al$0\r\n");
        assert_eq!((path.as_str(), at_key, node.as_str()), ("rules/-/effect", false, "al"));
        let (path, at_key, node, _, _) = place("rules:\r  - id: a\r    eff$0");
        assert_eq!((path.as_str(), at_key, node.as_str()), ("rules/-", true, "eff"));
        // A byte order mark before the first key.
        let (path, _, _, keys, _) = place("\u{feff}policy: p\nver$0\n");
        assert_eq!(path, "");
        assert_eq!(keys, ["policy"]);
    }
}
