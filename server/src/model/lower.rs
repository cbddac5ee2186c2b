//! What policy and manifest lowering share: reading the YAML tree by shape (maps with a fixed
//! key set, id-keyed declaration maps, lists of maps, "a scalar or a list of scalars", texts,
//! ids, keywords) and reporting what does not fit, in one voice.
//!
//! Every reader returns `None` (or leaves an item out) after reporting why, so the callers only
//! assemble sound items. A `NodeKind::Invalid` node is skipped silently: the parser has already
//! said what is wrong there. The schema is a fixed, shallow nesting of maps and lists, and each
//! reader looks at most one level below the node it is given, so no reader recurses.

use std::collections::HashMap;

use crate::compact::CompactStr;
use crate::diagnostic::{Code, Diagnostic, Edit, FileId, Suggestion, suggest, unsafe_when_shared};
use crate::model::keys::{Keys, names};
use crate::model::{Date, PolicyRef, Spanned, is_valid_category_id, is_valid_id};
use crate::syntax::{Entry, NodeId, NodeKind, Tree};
use crate::text::TextRange;

/// A map being read: how messages name it and where a `missing-key` about it goes.
pub(crate) struct Owner {
    /// "attribute `audience`", "rule #2", "the policy file".
    pub name: String,
    /// SPEC §4: the key under which the map stands; for a map in a list, its first key (or the
    /// map itself when empty); for the file, its first key.
    pub anchor: TextRange,
    /// The file itself: its keys are named bare ("`rules`", not "`rules` of the policy file").
    pub is_file: bool,
}

impl Owner {
    pub fn new(name: String, anchor: TextRange) -> Self {
        Owner {
            name,
            anchor,
            is_file: false,
        }
    }

    /// How messages name the value of one of this map's keys.
    pub fn field(&self, key: &str) -> String {
        if self.is_file {
            quote(key)
        } else {
            format!("{} of {}", quote(key), self.name)
        }
    }
}

/// Entries of a map read against a fixed key set: the first entry of each known key, and (when
/// asked) the other keys in source order.
pub(crate) struct Fields {
    known: Vec<(&'static str, Entry)>,
    pub extra: Vec<(Spanned<CompactStr>, NodeId)>,
}

impl Fields {
    pub fn get(&self, key: &str) -> Option<Entry> {
        self.known.iter().find(|(k, _)| *k == key).map(|&(_, e)| e)
    }

    /// The known keys the map has, in source order.
    pub fn known_keys(&self) -> Vec<&'static str> {
        self.known.iter().map(|&(k, _)| k).collect()
    }
}

/// What to do with keys outside a fixed key set.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extra {
    /// `unknown-key`, with the nearest valid key as a fix.
    Report,
    /// Hand them back in [`Fields::extra`] (use-case attributes, checked once the policy is known).
    Keep,
}

/// The items of a "scalar or list of scalars" value that are sound.
pub(crate) struct Scalars {
    pub items: Vec<Spanned<CompactStr>>,
    /// The whole value (the scalar, or the list).
    pub range: TextRange,
    /// Whether an item was left out after a diagnostic; callers then skip their own "empty list"
    /// report, and leave out items whose meaning depends on every entry.
    pub had_errors: bool,
}

/// The id syntax a declaration key must follow.
#[derive(Clone, Copy)]
pub(crate) enum IdKind {
    Plain,
    Category,
}

impl IdKind {
    fn is_valid(self, s: &str) -> bool {
        match self {
            IdKind::Plain => is_valid_id(s),
            IdKind::Category => is_valid_category_id(s),
        }
    }
}

static INVALID: NodeKind = NodeKind::Invalid;

pub(crate) struct Lowerer<'a> {
    pub tree: &'a Tree,
    pub file: FileId,
    pub diags: &'a mut Vec<Diagnostic>,
}

impl<'a> Lowerer<'a> {
    pub fn new(tree: &'a Tree, file: FileId, diags: &'a mut Vec<Diagnostic>) -> Self {
        Lowerer { tree, file, diags }
    }

    // ---- tree access that cannot panic, whatever the tree ----

    pub fn kind(&self, node: NodeId) -> &'a NodeKind {
        let tree: &'a Tree = self.tree;
        if (node.0 as usize) < tree.len() {
            tree.kind(node)
        } else {
            &INVALID
        }
    }

    pub fn range(&self, node: NodeId) -> TextRange {
        if (node.0 as usize) < self.tree.len() {
            self.tree.range(node)
        } else {
            TextRange::default()
        }
    }

    /// The node's text when it is a scalar, null included.
    pub fn scalar_text(&self, node: NodeId) -> Option<&'a str> {
        match self.kind(node) {
            NodeKind::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    /// The first entry whose key is the scalar `key`, before the map is read in full (to name
    /// the map in messages about its other keys).
    pub fn lookup(&self, entries: &[Entry], key: &str) -> Option<Entry> {
        entries.iter().copied().find(|e| self.scalar_text(e.key) == Some(key))
    }

    /// How messages name a map that carries its own id under `id_key`: "rule `x`" when the id
    /// is written (valid or not, it is what the user sees), else `fallback` ("rule #2").
    pub fn name_by_id(&self, entries: &[Entry], id_key: &str, kind: &str, fallback: String) -> String {
        let id = self.lookup(entries, id_key).and_then(|e| match self.kind(e.value) {
            NodeKind::Scalar(s) if !s.is_null() => Some(&s.text),
            _ => None,
        });
        id.map_or(fallback, |id| format!("{kind} {}", quote(id)))
    }

    /// SPEC §4's anchor for a map in a list: its first key, or the map itself when it is empty.
    pub fn first_key_or_self(&self, map: NodeId) -> TextRange {
        match self.kind(map) {
            NodeKind::Mapping(entries) if !entries.is_empty() => self.range(entries[0].key),
            _ => self.range(map),
        }
    }

    // ---- reporting ----

    pub fn report(&mut self, code: Code, range: TextRange, message: String) {
        self.diags.push(Diagnostic::new(code, range, message));
    }

    /// A diagnostic with a quick fix replacing `range` by `replacement`, for review.
    pub fn report_with_fix(&mut self, code: Code, range: TextRange, message: String, replacement: &str) {
        let edit = Edit {
            range,
            new_text: replacement.to_string(),
        };
        let diag = Diagnostic::new(code, range, message).with_fix(format!("Replace with `{replacement}`"), vec![edit]);
        self.diags.push(diag);
    }

    /// A diagnostic of a likely typo at `range`, corrected by the suggestion.
    fn report_correction(&mut self, code: Code, range: TextRange, message: String, suggestion: Suggestion<'_>) {
        self.diags
            .push(Diagnostic::new(code, range, message).with_correction(range, suggestion));
    }

    /// `wrong-type` at `node`: `what` must be `expected`. Silent on invalid nodes; a null value
    /// gets "has no value" so the message fits what the user sees (nothing).
    pub fn wrong_type(&mut self, node: NodeId, what: &str, expected: &str) {
        let message = match self.kind(node) {
            NodeKind::Invalid => return,
            NodeKind::Scalar(s) if s.is_null() => {
                format!("{what} has no value; write {expected} there")
            }
            _ => format!("{what} must be {expected}, found {}", self.shape(node)),
        };
        self.report(Code::WrongType, self.range(node), message);
    }

    fn shape(&self, node: NodeId) -> &'static str {
        match self.kind(node) {
            NodeKind::Mapping(_) => "a map",
            NodeKind::Sequence(_) => "a list",
            NodeKind::Scalar(s) if s.is_null() => "nothing",
            NodeKind::Scalar(_) => "a scalar",
            NodeKind::Invalid => "an invalid node",
        }
    }

    fn is_null(&self, node: NodeId) -> bool {
        matches!(self.kind(node), NodeKind::Scalar(s) if s.is_null())
    }

    pub fn missing_key(&mut self, owner: &Owner, key: &str, hint: &str) {
        let message = format!("{} lacks `{key}`; add `{key}:` {hint}", owner.name);
        self.report(Code::MissingKey, owner.anchor, message);
    }

    /// `unknown-key` at a key: the nearest valid key as a fix, else the list of valid keys. Keys
    /// `present` in the map are no candidates: the fix would make them appear twice.
    pub fn unknown_key(&mut self, key: &Spanned<CompactStr>, owner: &Owner, valid: &[&str], present: &[&str]) {
        let head = format!("unknown key {} in {}", quote(&key.value), owner.name);
        let absent = valid.iter().copied().filter(|k| !present.contains(k));
        match suggest(&key.value, absent) {
            Some(best) => self.report_correction(
                Code::UnknownKey,
                key.range,
                format!("{head}; did you mean `{}`?", best.name),
                best,
            ),
            None => {
                let mut message = format!("{head}; valid keys are {}", list(valid));
                if let Some(taken) = suggest(&key.value, present.iter().copied().filter(|k| valid.contains(k))) {
                    message.push_str(&format!(" (`{}` is already there: keep one of the two)", taken.name));
                }
                self.report(Code::UnknownKey, key.range, message);
            }
        }
    }

    /// `duplicate-id` on a later occurrence, unless it is the first: records first occurrences in
    /// `seen`. Returns whether `id` is new.
    pub fn first_occurrence(
        &mut self,
        seen: &mut HashMap<String, TextRange>,
        id: &Spanned<CompactStr>,
        message: impl FnOnce() -> String,
    ) -> bool {
        match seen.get(id.value.as_str()) {
            Some(&first) => {
                let related = format!("first occurrence of {}", quote(&id.value));
                let diag =
                    Diagnostic::new(Code::DuplicateId, id.range, message()).with_related(self.file, first, related);
                self.diags.push(diag);
                false
            }
            None => {
                seen.insert(id.value.to_string(), id.range);
                true
            }
        }
    }

    // ---- shapes ----

    /// The file's root map and the anchor for file-level `missing-key` (its first key, or an
    /// empty range at 0 for an empty file). A root of another shape is `wrong-type`.
    pub fn root(&mut self, what: &str, expected: &str) -> Option<(&'a [Entry], TextRange)> {
        let Some(root) = self.tree.root() else {
            return Some((&[], TextRange::empty(0)));
        };
        if self.is_null(root) {
            return Some((&[], TextRange::empty(0)));
        }
        let entries = self.map(root, what, expected)?;
        let anchor = entries.first().map_or(TextRange::empty(0), |e| self.range(e.key));
        Some((entries, anchor))
    }

    /// The entries of a map. Null counts as an empty map: a block still being written
    /// (`attributes:` with nothing under it yet) declares nothing, and keys the map requires
    /// are then reported as missing where the user will type them.
    pub fn map(&mut self, node: NodeId, what: &str, expected: &str) -> Option<&'a [Entry]> {
        match self.kind(node) {
            NodeKind::Mapping(entries) => Some(entries),
            NodeKind::Scalar(s) if s.is_null() => Some(&[]),
            _ => {
                self.wrong_type(node, what, expected);
                None
            }
        }
    }

    /// The items of a list; null counts as an empty list, like [`map`](Self::map).
    pub fn list(&mut self, node: NodeId, what: &str, expected: &str) -> Option<&'a [NodeId]> {
        match self.kind(node) {
            NodeKind::Sequence(items) => Some(items),
            NodeKind::Scalar(s) if s.is_null() => Some(&[]),
            _ => {
                self.wrong_type(node, what, expected);
                None
            }
        }
    }

    /// The maps of a list of maps, with their 1-based positions (for naming items that have no
    /// id); other items are `wrong-type`.
    pub fn list_of_maps(&mut self, node: NodeId, what: &str, item: &str) -> Vec<(usize, NodeId, &'a [Entry])> {
        let Some(items) = self.list(node, what, &format!("a list of {item}s")) else {
            return Vec::new();
        };
        let mut maps = Vec::with_capacity(items.len());
        for (i, &item_node) in items.iter().enumerate() {
            maps.extend(self.map_item(i + 1, item_node, what, item));
        }
        maps
    }

    /// Item `n` (1-based) of a list of maps, `wrong-type` when it is not a map.
    pub fn map_item(&mut self, n: usize, node: NodeId, what: &str, item: &str) -> Option<(usize, NodeId, &'a [Entry])> {
        match self.kind(node) {
            NodeKind::Mapping(entries) => Some((n, node, entries.as_slice())),
            _ => {
                self.wrong_type(node, &format!("item {n} of {what}"), &format!("a {item}"));
                None
            }
        }
    }

    /// A map key as text. Keys that are maps or lists, or null, are `wrong-type`.
    pub fn key(&mut self, entry: Entry, owner: &Owner) -> Option<Spanned<CompactStr>> {
        match self.kind(entry.key) {
            NodeKind::Scalar(s) if !s.is_null() => Some(Spanned::new(s.text.clone(), self.range(entry.key))),
            _ => {
                self.wrong_type(entry.key, &format!("a key in {}", owner.name), "a name");
                None
            }
        }
    }

    /// Scalar keys, each once: a repeated key is a `yaml-syntax` error (YAML forbids it) and only
    /// the first is kept.
    pub fn distinct_keys(&mut self, entries: &[Entry], owner: &Owner) -> Vec<(Spanned<CompactStr>, Entry)> {
        let mut seen: HashMap<String, TextRange> = HashMap::new();
        let mut keys = Vec::with_capacity(entries.len());
        for &entry in entries {
            let Some(key) = self.key(entry, owner) else {
                continue;
            };
            if seen.contains_key(key.value.as_str()) {
                let message = format!("key {} appears twice in {}; keep one", quote(&key.value), owner.name);
                self.report(Code::YamlSyntax, key.range, message);
                continue;
            }
            seen.insert(key.value.to_string(), key.range);
            keys.push((key, entry));
        }
        keys
    }

    /// A map with a fixed key set (a rule, an attribute, the file): the first entry per key.
    pub fn fields(&mut self, entries: &[Entry], keys: Keys, owner: &Owner, extra: Extra) -> Fields {
        let mut fields = Fields {
            known: Vec::new(),
            extra: Vec::new(),
        };
        let distinct = self.distinct_keys(entries, owner);
        let present: Vec<&str> = distinct.iter().map(|(key, _)| key.value.as_str()).collect();
        let first = self.diags.len();
        for (key, entry) in &distinct {
            if let Some(&(known, _)) = keys.iter().find(|(k, _)| *k == key.value) {
                fields.known.push((known, *entry));
            } else if extra == Extra::Keep {
                fields.extra.push((key.clone(), entry.value));
            } else {
                self.unknown_key(key, owner, &names(keys), &present);
            }
        }
        unsafe_when_shared(&mut self.diags[first..]);
        fields
    }

    /// An id-keyed map of declarations (`attributes:`, `categories:` …): keys that are valid ids
    /// and declared once (`invalid-id`, `duplicate-id` otherwise), with their values.
    pub fn declarations(
        &mut self,
        node: NodeId,
        what: &str,
        kind: &str,
        id_kind: IdKind,
    ) -> Vec<(Spanned<CompactStr>, NodeId)> {
        let expected = format!("a map from {kind} ids to {kind}s");
        let Some(entries) = self.map(node, what, &expected) else {
            return Vec::new();
        };
        let owner = Owner::new(what.to_string(), self.range(node));
        let mut seen = HashMap::new();
        let mut decls = Vec::with_capacity(entries.len());
        for &entry in entries {
            let Some(id) = self.key(entry, &owner) else {
                continue;
            };
            if !self.check_id(&id, kind, id_kind) {
                continue;
            }
            if self.first_occurrence(&mut seen, &id, || {
                format!(
                    "{kind} {} is declared twice; rename or remove this one",
                    quote(&id.value)
                )
            }) {
                decls.push((id, entry.value));
            }
        }
        decls
    }

    // ---- scalars ----

    /// A scalar's text (numbers and booleans included: their text is their value).
    pub fn text(&mut self, node: NodeId, what: &str) -> Option<Spanned<CompactStr>> {
        match self.kind(node) {
            NodeKind::Scalar(s) if !s.is_null() => Some(Spanned::new(s.text.clone(), self.range(node))),
            _ => {
                self.wrong_type(node, what, "text");
                None
            }
        }
    }

    /// The entry of a required key, or `missing-key` at the owner's anchor. `hint` completes
    /// "add `key:` …" with what to write.
    pub fn required(&mut self, fields: &Fields, key: &str, owner: &Owner, hint: &str) -> Option<Entry> {
        let entry = fields.get(key);
        if entry.is_none() {
            self.missing_key(owner, key, hint);
        }
        entry
    }

    /// A required key whose value is an id of `kind` (`policy:`, `manifest:`, a rule's `id:`).
    pub fn required_id(
        &mut self,
        fields: &Fields,
        key: &str,
        owner: &Owner,
        kind: &str,
    ) -> Option<Spanned<CompactStr>> {
        let hint = format!("with the {kind}'s id");
        let entry = self.required(fields, key, owner, &hint)?;
        self.id(entry.value, &owner.field(key), kind)
    }

    /// The owner of the file's root map: named by the file's own id (`policy:`, `manifest:`,
    /// the `kind` key) once written, else `fallback`.
    pub fn file_owner(&self, entries: &[Entry], first_key: TextRange, kind: &str, fallback: &str) -> Owner {
        Owner {
            name: self.name_by_id(entries, kind, kind, fallback.to_string()),
            anchor: first_key,
            is_file: true,
        }
    }

    /// The owner of the `n`-th (1-based) map of a list whose items carry an `id` (rules, use
    /// cases): named by that id, `missing-key` at the map's first key.
    pub fn item_owner(&self, n: usize, map: NodeId, entries: &[Entry], kind: &str) -> Owner {
        let name = self.name_by_id(entries, "id", kind, format!("{kind} #{n}"));
        Owner::new(name, self.first_key_or_self(map))
    }

    /// The `id` of a list item: required, valid, and not used by an earlier item (`seen`).
    pub fn item_id(
        &mut self,
        fields: &Fields,
        owner: &Owner,
        kind: &str,
        seen: &mut HashMap<String, TextRange>,
    ) -> Option<Spanned<CompactStr>> {
        let id = self.required_id(fields, "id", owner, kind)?;
        let message = || format!("{kind} id {} is used twice; rename this {kind}", quote(&id.value));
        self.first_occurrence(seen, &id, message).then_some(id)
    }

    /// An ISO date (`YYYY-MM-DD`); `invalid-value` otherwise.
    pub fn date(&mut self, node: NodeId, what: &str) -> Option<Spanned<Date>> {
        let text = self.text(node, what)?;
        match Date::parse(&text.value) {
            Some(date) => Some(Spanned::new(date, text.range)),
            None => {
                let message = format!("{what} is {}, not a date; write it as YYYY-MM-DD", quote(&text.value));
                self.report(Code::InvalidValue, text.range, message);
                None
            }
        }
    }

    /// A policy reference (`id` or `id@YYYY-MM-DD`); `invalid-value` otherwise.
    pub fn policy_ref(&mut self, node: NodeId, what: &str) -> Option<Spanned<PolicyRef>> {
        let text = self.text(node, what)?;
        match PolicyRef::parse(&text.value) {
            Some(policy) => Some(Spanned::new(policy, text.range)),
            None => {
                let message = format!(
                    "{what} is {}, not a policy reference; write `id@YYYY-MM-DD` (e.g. `anthropic-usage@2025-09-15`) or a bare `id`",
                    quote(&text.value)
                );
                self.report(Code::InvalidValue, text.range, message);
                None
            }
        }
    }

    /// An optional text field of `owner`.
    pub fn opt_text(&mut self, fields: &Fields, key: &str, owner: &Owner) -> Option<Spanned<CompactStr>> {
        let entry = fields.get(key)?;
        self.text(entry.value, &owner.field(key))
    }

    /// `invalid-id` unless `id` follows `id_kind`; the message and fix offer the kebab-case
    /// spelling when there is one.
    pub fn check_id(&mut self, id: &Spanned<CompactStr>, kind: &str, id_kind: IdKind) -> bool {
        if id_kind.is_valid(&id.value) {
            return true;
        }
        let form = match id_kind {
            IdKind::Plain => "lowercase letters, digits and `-`, starting with a letter or digit",
            IdKind::Category => "ids of lowercase letters, digits and `-` joined by `.`",
        };
        let head = format!("{kind} id {} is not valid; use {form}", quote(&id.value));
        match kebab_case(&id.value, id_kind).filter(|s| id_kind.is_valid(s)) {
            Some(suggestion) => self.report_with_fix(
                Code::InvalidId,
                id.range,
                format!("{head}, e.g. `{suggestion}`"),
                &suggestion,
            ),
            None => self.report(Code::InvalidId, id.range, head),
        }
        false
    }

    /// A text that must be an id of `kind`.
    pub fn id(&mut self, node: NodeId, what: &str, kind: &str) -> Option<Spanned<CompactStr>> {
        let id = self.text(node, what)?;
        self.check_id(&id, kind, IdKind::Plain).then_some(id)
    }

    /// A scalar among fixed keywords; `invalid-value` (with the nearest keyword as a fix)
    /// otherwise.
    pub fn keyword<T: Copy>(&mut self, node: NodeId, what: &str, keywords: &[(&str, T)]) -> Option<Spanned<T>> {
        let text = self.text(node, what)?;
        if let Some(&(_, value)) = keywords.iter().find(|(k, _)| *k == text.value) {
            return Some(Spanned::new(value, text.range));
        }
        let names: Vec<&str> = keywords.iter().map(|&(k, _)| k).collect();
        self.not_among(Code::InvalidValue, &text, what, &names, "");
        None
    }

    /// Reports `text` (the value of `what`) as outside `allowed`, offering the nearest one as a
    /// fix. `of` qualifies the list ("its values "), so one message form serves keywords and
    /// attribute values.
    pub fn not_among(&mut self, code: Code, text: &Spanned<CompactStr>, what: &str, allowed: &[&str], of: &str) {
        let head = format!("{what} is {}, not one of {of}{}", quote(&text.value), list(allowed));
        match suggest(&text.value, allowed.iter().copied()) {
            Some(best) => {
                let message = format!("{head}; did you mean `{}`?", best.name);
                self.report_correction(code, text.range, message, best);
            }
            None => self.report(code, text.range, format!("{head}; write one of them")),
        }
    }

    /// A list that decides where a rule or use case applies (`categories`, a `when` clause):
    /// `None` when any item is malformed, since the rest alone would mean something else, and
    /// when it is empty (`invalid-value`: it would match nothing).
    /// `if_empty` completes the message "{what} is empty, …" with the consequence and the fix.
    pub fn nonempty_list(
        &mut self,
        node: NodeId,
        what: &str,
        item: &str,
        if_empty: &str,
    ) -> Option<Vec<Spanned<CompactStr>>> {
        let scalars = self.scalars(node, what, item)?;
        if scalars.had_errors {
            return None;
        }
        if scalars.items.is_empty() {
            // A list without any text is one a syntax error cut off at its `[`: the parser
            // already said so, and the list is not really empty.
            if !scalars.range.is_empty() {
                let message = format!("{what} is empty, {if_empty}");
                self.report(Code::InvalidValue, scalars.range, message);
            }
            return None;
        }
        Some(scalars.items)
    }

    /// A scalar or a list of scalars (`categories: cyber` or `categories: [cyber, politics]`).
    /// `None` when the value has another shape (reported); items of another shape are reported
    /// and left out.
    pub fn scalars(&mut self, node: NodeId, what: &str, item: &str) -> Option<Scalars> {
        let range = self.range(node);
        let expected = format!("{item} or a list of them");
        let items: &[NodeId] = match self.kind(node) {
            NodeKind::Scalar(s) if !s.is_null() => {
                let items = vec![Spanned::new(s.text.clone(), range)];
                return Some(Scalars {
                    items,
                    range,
                    had_errors: false,
                });
            }
            NodeKind::Sequence(items) => items,
            _ => {
                self.wrong_type(node, what, &expected);
                return None;
            }
        };
        let mut scalars = Scalars {
            items: Vec::with_capacity(items.len()),
            range,
            had_errors: false,
        };
        for &item_node in items {
            match self.kind(item_node) {
                NodeKind::Scalar(s) if !s.is_null() => {
                    scalars.items.push(Spanned::new(s.text.clone(), self.range(item_node)))
                }
                _ => {
                    self.wrong_type(item_node, &format!("an item of {what}"), item);
                    scalars.had_errors = true;
                }
            }
        }
        Some(scalars)
    }
}

/// User text inside a message: backquoted, on one line, and short enough to read.
pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::from("`");
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default())
        } else {
            out.push(c)
        }
    }
    out.push('`');
    out
}

/// "`a`, `b` or `c`", each [`quote`]d.
pub(crate) fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| quote(n)).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The kebab-case spelling of a near-id (`Human_In_Loop` → `human-in-loop`), to offer as a fix.
fn kebab_case(s: &str, id_kind: IdKind) -> Option<String> {
    let segment = |seg: &str| -> String {
        let mut out = String::with_capacity(seg.len());
        for c in seg.trim().chars() {
            match c {
                'A'..='Z' | 'a'..='z' | '0'..='9' => out.push(c.to_ascii_lowercase()),
                '-' | '_' | ' ' | '.' if !out.is_empty() && !out.ends_with('-') => out.push('-'),
                _ => {}
            }
        }
        out.trim_end_matches('-').to_string()
    };
    let fixed = match id_kind {
        IdKind::Plain => segment(s),
        IdKind::Category => s.split('.').map(segment).collect::<Vec<_>>().join("."),
    };
    (fixed != s).then_some(fixed)
}

/// What the policy and manifest tests share: lowering source text through the real parser and
/// looking at diagnostics by the text their range covers.
#[cfg(test)]
pub(crate) mod testing {
    use crate::diagnostic::{Code, Diagnostic, FileId};
    use crate::syntax::{Limits, Tree, parse};

    pub const FILE: FileId = FileId(7);

    /// Parses `src`, insisting the YAML itself is fine, so the diagnostics are the lowering's.
    pub fn tree(src: &str) -> Tree {
        let out = parse(src, &Limits::default());
        assert!(
            out.diagnostics.is_empty(),
            "parser diagnostics for {src:?}: {:?}",
            out.diagnostics
        );
        out.tree
    }

    /// The source text a diagnostic's range covers.
    pub fn covered<'s>(src: &'s str, d: &Diagnostic) -> &'s str {
        &src[d.range.start..d.range.end]
    }

    /// The only diagnostic, asserting its code and the text its range covers.
    pub fn only<'d>(src: &str, diags: &'d [Diagnostic], code: Code, text: &str) -> &'d Diagnostic {
        assert_eq!(diags.len(), 1, "expected one {code} diagnostic, got {diags:#?}");
        let d = &diags[0];
        assert_eq!((d.code, covered(src, d)), (code, text), "{d:#?}");
        assert!(!d.message.contains('\n'), "message is not one line: {:?}", d.message);
        d
    }

    /// Every diagnostic as (code, covered text, message), for tests expecting several.
    pub fn summary<'s>(src: &'s str, diags: &[Diagnostic]) -> Vec<(Code, &'s str, String)> {
        diags
            .iter()
            .map(|d| (d.code, covered(src, d), d.message.clone()))
            .collect()
    }
}
