//! The bodies of the `cargo fuzz` targets under `fuzz/`, here rather than there so that a normal
//! test (`tests/fuzz_corpus.rs`) replays the kept corpus through exactly the same code.
//!
//! Each function takes any bytes and panics only on a bug: a panic anywhere below it, a
//! diagnostic whose range is not a range of its file's text, or (for `lsp`) a request left
//! without a response or answered with the internal error that a caught panic becomes.

use crate::cli::render::{Format, Source, render};
use crate::diagnostic::{Diagnostic, FileId};
use crate::model::{Date, lower_manifest, lower_policy};
use crate::syntax::{Limits, parse};
use crate::text::{TextRange, decode};
use crate::workspace::{FileKind, Workspace};

/// The day judged as of when the input does not name one: fixed, so that a run replays.
pub(crate) fn default_today() -> Date {
    Date::new(2026, 1, 1).expect("a real day")
}

/// The front end a file goes through before the engine: bytes → text → tree → both models.
pub fn yaml(data: &[u8]) {
    let (text, invalid) = decode(data);
    if let Some(invalid) = invalid {
        assert_range(&text, invalid.range(), "the invalid UTF-8");
    }
    let parsed = parse(&text, &Limits::default());
    for id in 0..parsed.tree.len() {
        let range = parsed.tree.range(crate::syntax::NodeId(id as u32));
        assert_range(&text, range, "a node");
    }
    let mut diagnostics = parsed.diagnostics;
    lower_policy(&parsed.tree, FileId(0), &mut diagnostics);
    lower_manifest(&parsed.tree, FileId(0), &mut diagnostics);
    for d in &diagnostics {
        assert_diagnostic(&[&text], FileId(0), d);
    }
    format_twice(&text);
}

/// The formatter never fails its own check of its output (that would be a bug it caught), and
/// formatting its output again changes nothing.
fn format_twice(text: &str) {
    use crate::format::{Refusal, format};
    match format(text, FileKind::Policy) {
        Err(Refusal::Internal(why)) => panic!("the formatter refused its own output: {why}"),
        Err(_) => {}
        Ok(out) => match format(&out, FileKind::Policy) {
            Ok(again) => assert_eq!(again, out, "formatting twice changed the text"),
            Err(r) => panic!("the formatter refused its own output: {}", r.reason()),
        },
    }
}

/// The whole check of a policy and a manifest, as `charter check` does it, then one output
/// format. Input: `policy NUL manifest [NUL today]`; without a NUL, the same text is both.
pub fn engine(data: &[u8]) {
    let mut parts = data.splitn(3, |&b| b == 0);
    let policy = parts.next().unwrap_or_default();
    let manifest = parts.next().unwrap_or(policy);
    let today = parts
        .next()
        .and_then(|t| Date::parse(std::str::from_utf8(t).ok()?))
        .unwrap_or_else(default_today);
    let mut ws = Workspace::with_bundled();
    // As `cli::load` adds files, one at a time rather than on every core: a thread per file
    // and input was a fifth of the time, and the files' ids and parses are the same.
    let ids = [
        ("fuzz/input.policy.yaml", policy, FileKind::Policy),
        ("fuzz/input.usecases.yaml", manifest, FileKind::Manifest),
    ]
    .map(|(path, bytes, kind)| {
        let (text, invalid) = decode(bytes);
        let id = ws.add(path.to_owned(), text.into_owned(), kind, false);
        if let Some(invalid) = invalid {
            ws.report_invalid_utf8(id, invalid);
        }
        id
    });
    let cx = crate::check::Context::new(ws, today);
    let results: Vec<(FileId, Vec<Diagnostic>)> = ids.iter().map(|&f| (f, cx.check_file(f))).collect();
    let texts: Vec<&str> = (0..cx.ws.len())
        .map(|i| cx.ws.file(FileId(i as u32)).text.as_str())
        .collect();
    for (file, diagnostics) in &results {
        for d in diagnostics {
            assert_diagnostic(&texts, *file, d);
        }
    }
    let sources = |f: FileId| Source::of(&cx.ws, f);
    // One output format per input, by its length: all four took a third of the time.
    let format = [Format::Human, Format::Json, Format::Sarif, Format::Github][data.len() % 4];
    let mut out = Vec::new();
    render(
        format,
        &results,
        &sources,
        format == Format::Human,
        crate::diagnostic::DEFAULT_DOCS_URL,
        &mut out,
    )
    .expect("writing to memory");
}

/// The language server's message handling: see [`crate::lsp::fuzz`].
pub fn lsp(data: &[u8]) {
    crate::lsp::fuzz::run(data);
}

/// Every range a diagnostic names must be a range of its file's text: front ends slice the
/// text with it and count lines up to it.
fn assert_diagnostic(texts: &[&str], file: FileId, d: &Diagnostic) {
    let what = format!("{} diagnostic `{}`", d.code.as_str(), d.message);
    assert_range(texts[file.0 as usize], d.range, &what);
    for related in &d.related {
        assert_range(texts[related.file.0 as usize], related.range, &what);
    }
    for edit in d.fixes.iter().flat_map(|f| &f.edits) {
        assert_range(texts[file.0 as usize], edit.range, &what);
    }
}

fn assert_range(text: &str, range: TextRange, what: &str) {
    assert!(
        range.start <= range.end && text.get(range.start..range.end).is_some(),
        "{what}: range {}..{} is not a range of the {}-byte text",
        range.start,
        range.end,
        text.len()
    );
}

/// Reads fuzz input as a sequence of choices. Past the end every read gives zero or empty, so
/// that any input is a valid sequence and a shorter one is a prefix of it.
pub(crate) struct Choices<'a> {
    data: &'a [u8],
}

impl<'a> Choices<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub(crate) fn byte(&mut self) -> u8 {
        let (&first, rest) = self.data.split_first().unwrap_or((&0, &[]));
        self.data = rest;
        first
    }

    /// Mostly small (a line or column near the text), sometimes far past it or at the limit.
    pub(crate) fn number(&mut self) -> u32 {
        match self.byte() {
            255 => u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()]),
            n @ 240..=254 => (u32::from(n) - 239) * 1000,
            n => u32::from(n),
        }
    }

    /// A length-prefixed (two bytes, little-endian) run of bytes, cut at the end of the input.
    pub(crate) fn bytes(&mut self) -> &'a [u8] {
        let len = usize::from(u16::from_le_bytes([self.byte(), self.byte()])).min(self.data.len());
        let (taken, rest) = self.data.split_at(len);
        self.data = rest;
        taken
    }

    pub(crate) fn text(&mut self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }
}
