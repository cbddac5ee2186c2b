//! Where the memory of a parsed file goes (`cargo bench --bench memory`): a counting global
//! allocator measures, for a generated 100,000-line manifest and a 10,000-rule policy, the
//! bytes held by the text, the YAML tree and the lowered document, and the peak while
//! parsing. The language server keeps the tree of open documents only, so the figure that
//! grows with the workspace is text + document; `bench/harness.py`'s `workspace-8x100k`
//! scenario measures the whole server on 26 MB of manifests.
//!
//! Bytes are those asked of the allocator (the allocator's own rounding comes on top).

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use charter::diagnostic::FileId;
use charter::syntax::{Limits, parse};
use charter::workspace::{FileKind, SourceFile};

struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Blocks allocated and not freed: each costs the allocator a header and rounding on top.
static BLOCKS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to `System` unchanged; only counters are updated beside.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        BLOCKS.fetch_add(1, Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Relaxed);
        BLOCKS.fetch_sub(1, Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as growing in place: the large blocks that matter here are remapped, not
        // copied, so the old and the new one are never both held.
        match new_size.checked_sub(layout.size()) {
            Some(more) => grow(more),
            None => _ = HELD.fetch_sub(layout.size() - new_size, Relaxed),
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn grow(size: usize) {
    let now = HELD.fetch_add(size, Relaxed) + size;
    PEAK.fetch_max(now, Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What running a closure left allocated, and its peak above the start.
struct Held {
    bytes: usize,
    blocks: usize,
    peak: usize,
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Held) {
    let (bytes, blocks) = (HELD.load(Relaxed), BLOCKS.load(Relaxed));
    PEAK.store(bytes, Relaxed);
    let value = f();
    let held = Held {
        bytes: HELD.load(Relaxed).saturating_sub(bytes),
        blocks: BLOCKS.load(Relaxed).saturating_sub(blocks),
        peak: PEAK.load(Relaxed) - bytes,
    };
    (value, held)
}

/// The harness's `manifest-100k`: six lines per use case under the bundled policy.
fn manifest(lines: usize) -> String {
    const CATEGORIES: &[&str] = &[
        "cyber.defense",
        "politics.research",
        "high-risk.legal",
        "high-risk.financial",
    ];
    let mut text =
        String::from("manifest: bench\npolicy: anthropic-usage@2025-09-15\nowner: bench@example.com\nuse-cases:\n");
    for i in 0..(lines - 4) / 6 {
        let category = CATEGORIES[i % CATEGORIES.len()];
        let audience = ["consumer", "business"][i % 2];
        let agentic = ["true", "false"][i / 2 % 2];
        let safeguards = if category.starts_with("high-risk") {
            "    safeguards: [human-in-the-loop, ai-disclosure]"
        } else {
            "    # no safeguards owed"
        };
        writeln!(
            text,
            "  - id: use-case-{i}\n    summary: Generated use case number {i}, for the benchmark.\n    categories: [{category}]\n    audience: {audience}\n    agentic: {agentic}\n{safeguards}"
        )
        .unwrap();
    }
    text
}

/// A policy of 10,000 rules over 5,000 categories, like the harness's `policy-10k-rules`.
fn policy() -> String {
    let mut text = String::from("policy: bench-big\nversion: 2025-01-01\ndefault: allow\nattributes:\n");
    for (name, values) in [
        ("audience", "[consumer, business]"),
        ("tier", "[free, pro, enterprise]"),
    ] {
        writeln!(
            text,
            "  {name}:\n    summary: Attribute {name}.\n    values: {values}\n    default: free"
        )
        .unwrap();
    }
    text.push_str("safeguards:\n  review:\n    summary: Safeguard review.\ncategories:\n");
    let mut names: Vec<String> = Vec::new();
    for i in 0..5_000 {
        let name = if i < 8 {
            format!("g{i}")
        } else {
            format!("{}.c{i}", names[(i - 8) / 8])
        };
        writeln!(text, "  {name}:\n    summary: Category {name}.").unwrap();
        names.push(name);
    }
    text.push_str("rules:\n");
    for r in 0..10_000 {
        let name = &names[r % names.len()];
        writeln!(
            text,
            "  - id: rule-{r}\n    effect: require\n    categories: [{name}]\n    safeguards: [review]\n    when: {{ tier: free }}"
        )
        .unwrap();
    }
    text
}

fn mib(bytes: usize) -> String {
    format!("{:>6.1} MiB", bytes as f64 / (1 << 20) as f64)
}

fn report(name: &str, text: String, kind: FileKind) {
    let bytes = text.len();
    let lines = text.lines().count();
    let times = |held: usize| held as f64 / bytes as f64;
    let (out, tree) = measure(|| parse(&text, &Limits::default()));
    let nodes = out.tree.len();
    drop(out);
    // A file as the language server keeps one that is not open: text, document and
    // diagnostics, its tree dropped once lowered.
    let (file, closed) = measure(|| SourceFile::parse(FileId(0), String::from("x"), text, kind, false).without_tree());
    let doc = closed.bytes - bytes;
    let (_, again) = measure(|| file.tree().len());
    let open = closed.bytes + again.bytes;
    drop(file);
    println!("{name}: {lines} lines, {} of text", mib(bytes));
    println!(
        "  YAML tree         {} {:>4.1}× the text, {nodes} nodes in {} blocks; peak while parsing {}",
        mib(tree.bytes),
        times(tree.bytes),
        tree.blocks,
        mib(tree.peak)
    );
    println!(
        "  lowered document  {} {:>4.1}× the text, with its diagnostics, in {} blocks",
        mib(doc),
        times(doc),
        closed.blocks - 1
    );
    println!(
        "  file, not open    {} {:>4.1}× the text (text + document); peak while parsing {}",
        mib(closed.bytes),
        times(closed.bytes),
        mib(closed.peak)
    );
    println!(
        "  file, open        {} {:>4.1}× the text (with its tree)",
        mib(open),
        times(open)
    );
}

fn main() {
    report("manifest", manifest(100_000), FileKind::Manifest);
    report("policy", policy(), FileKind::Policy);
}
