//! Replays the fuzz corpus (`fuzz/corpus/<target>/`) and the crash inputs kept since
//! (`fuzz/regressions/<target>/`) through the functions the `cargo fuzz` targets call, so that
//! a plain `cargo test` catches a regression without the nightly-only fuzzing tools.
//!
//! As under libFuzzer, a panic fails the input even when the server catches it: a panic hook
//! records every panic, on any thread.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 3] = [
    ("yaml", charter::fuzz::yaml),
    ("engine", charter::fuzz::engine),
    ("lsp", charter::fuzz::lsp),
];

static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn fuzz_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of a folder, sorted; none when it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

fn record_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.lock().unwrap_or_else(|p| p.into_inner()).push(info.to_string());
        default(info);
    }));
}

/// One test for all targets: the panic hook is the process's, so inputs run one at a time.
#[test]
fn corpus_and_regressions_replay_clean() {
    record_panics();
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (name, target) in TARGETS {
        let corpus = files(&fuzz_root().join("corpus").join(name));
        assert!(!corpus.is_empty(), "no corpus for `{name}`");
        for path in corpus.iter().chain(&files(&fuzz_root().join("regressions").join(name))) {
            let data = std::fs::read(path).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            let panics = std::mem::take(&mut *PANICS.lock().unwrap_or_else(|p| p.into_inner()));
            if outcome.is_err() || !panics.is_empty() {
                failures.push(format!("{name} {}: {}", path.display(), panics.join("; ")));
            }
            replayed += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {replayed} inputs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Writes the seeds the corpus grew from: the project's own YAML files, alone, as policy and
/// manifest pairs from one fixture folder, and as editor sessions. Run by hand
/// (`cargo test --test fuzz_corpus -- --ignored`) before fuzzing from scratch.
#[test]
#[ignore]
fn write_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.extend([root.join("examples"), root.join("policies/anthropic-usage")]);
    dirs.sort();
    let mut seeds: Vec<(&str, String, Vec<u8>)> = Vec::new();
    for dir in &dirs {
        let tag = dir.file_name().unwrap().to_string_lossy().into_owned();
        let today = std::fs::read_to_string(dir.join("today.txt")).ok();
        let yaml: Vec<(String, String)> = files(dir)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned())
            })
            .collect();
        let policies: Vec<&(String, String)> = yaml.iter().filter(|(n, _)| n.contains(".policy.")).collect();
        let manifests: Vec<&(String, String)> = yaml.iter().filter(|(n, _)| n.contains(".usecases.")).collect();
        for (name, text) in &yaml {
            seeds.push(("yaml", format!("{tag}-{name}"), std::fs::read(dir.join(name)).unwrap()));
            seeds.push(("engine", format!("{tag}-{name}"), text.clone().into_bytes()));
        }
        for (p, policy) in &policies {
            for (m, manifest) in &manifests {
                let mut pair = format!("{policy}\0{manifest}").into_bytes();
                if let Some(today) = &today {
                    pair.extend(format!("\0{}", today.trim()).into_bytes());
                }
                seeds.push(("engine", format!("{tag}-{p}-{m}"), pair));
            }
        }
        let mut session: Vec<(usize, &str)> = Vec::new();
        session.extend(policies.first().map(|(_, t)| (0, t.as_str())));
        session.extend(manifests.first().map(|(_, t)| (1, t.as_str())));
        seeds.push(("lsp", format!("{tag}-session"), charter::lsp::fuzz::seed(&session)));
        if let Some((_, manifest)) = manifests.first() {
            seeds.push(("lsp", format!("{tag}-raw"), charter::lsp::fuzz::raw_seed(manifest)));
        }
    }
    for (target, name, data) in seeds {
        let dir = fuzz_root().join("corpus").join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{name}")), data).unwrap();
    }
}

/// Found by the `yaml` target: saphyr 0.3 counts the non-ASCII text of a directive in bytes,
/// so an unknown alias after `%é` was reported at a char that is not its `*`, and the builder
/// sliced the text inside that char.
#[test]
fn unknown_anchor_after_a_non_ascii_directive() {
    for text in ["%\u{FFFD}\n---\n*$\u{FFFD}", "%é\n---\n*a b", "%éé\n---\n*a"] {
        let parsed = charter::syntax::parse(text, &charter::syntax::Limits::default());
        assert!(
            parsed
                .diagnostics
                .iter()
                .any(|d| d.message.starts_with("unknown anchor")),
            "{text:?}: {:?}",
            parsed.diagnostics
        );
    }
}
