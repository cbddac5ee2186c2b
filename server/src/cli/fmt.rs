//! `charter fmt`: policies and manifests rewritten in the canonical layout (`crate::format`),
//! in place, or with `--check` a diff of what would change and exit status 1.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::render::{Format, Source, render};
use super::{EXIT_PROBLEMS, EXIT_USAGE};
use crate::diagnostic::{DEFAULT_DOCS_URL, Diagnostic, FileId};
use crate::discover::{discover, read_file};
use crate::format::{Hunk, Refusal, format, line_diff, lines};
use crate::text::decode;
use crate::workspace::{FileKind, invalid_utf8};

#[derive(Args, Debug)]
#[command(
    after_help = "Files with a YAML syntax error are left as they are and their error is printed \
                        (exit status 1). Files using anchors, aliases, tags or document markers are left \
                        as they are, with a note saying why. See the user's guide, `Formatting`."
)]
pub struct FmtArgs {
    /// Files or folders to format (`-`: standard input to standard output).
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,
    /// Change nothing: print a diff of each file that would change and exit with status 1 if any.
    #[arg(long)]
    check: bool,
    /// The file name standard input stands for, which says its kind (default: a manifest if it
    /// has a `manifest` key, else a policy).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
}

/// What became of one file.
enum Outcome {
    Unchanged,
    /// Reformatted (or, with `--check`, would be).
    Changed,
    /// Left as it is: an error (a syntax error, a bug) or a note (YAML not rewritten).
    Refused {
        error: bool,
    },
}

pub fn run(args: FmtArgs) -> Result<u8, String> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        if args.paths.len() > 1 {
            return Err("`-` (standard input) cannot be combined with other paths".into());
        }
        return stdin(&args);
    }
    let found = discover(&args.paths);
    for path in &found.skipped {
        eprintln!(
            "charter: skipping `{}`: not a policy (*.policy.yaml) or manifest (*.usecases.yaml)",
            path.display()
        );
    }
    for line in &found.passed_over {
        eprintln!("charter: skipping {line}");
    }
    let mut errors = found.errors;
    let (mut changed, mut unchanged, mut problems) = (0, 0, 0);
    for (path, kind) in &found.files {
        match file(path, *kind, args.check) {
            Ok(Outcome::Changed) => changed += 1,
            Ok(Outcome::Unchanged) => unchanged += 1,
            Ok(Outcome::Refused { error: true }) => problems += 1,
            Ok(Outcome::Refused { error: false }) => {}
            Err(e) => errors.push(e),
        }
    }
    for error in &errors {
        eprintln!("charter: {error}");
    }
    // Unreadable and refused files alike were left as they were, each with its reason above.
    let left = found.files.len() - changed - unchanged;
    eprintln!("{}", summary(args.check, changed, changed + unchanged, left));
    Ok(if !errors.is_empty() {
        EXIT_USAGE
    } else if problems > 0 || (args.check && changed > 0) {
        EXIT_PROBLEMS
    } else {
        0
    })
}

/// The last line of `charter fmt`: of the `formatted` files it could format, how many `changed`
/// (or would, with `check`), and how many it `left` as they were.
fn summary(check: bool, changed: usize, formatted: usize, left: usize) -> String {
    let files = |n: usize| if n == 1 { "file" } else { "files" };
    let mut line = if check && changed > 0 {
        let them = if changed == 1 { "it" } else { "them" };
        format!(
            "{changed} of {formatted} {} would be reformatted; run `charter fmt` on {them} to format {them}",
            files(formatted)
        )
    } else if check {
        format!("{formatted} {} already formatted", files(formatted))
    } else {
        format!("Formatted {formatted} {}, {changed} changed", files(formatted))
    };
    if left > 0 {
        let are = if left == 1 { "it is" } else { "they are" };
        line.push_str(&format!("; {left} left as {are}, see above"));
    }
    line.push('.');
    line
}

/// Formats one file in place, or with `check` prints its diff.
fn file(path: &Path, kind: FileKind, check: bool) -> Result<Outcome, String> {
    let shown = path.display().to_string();
    let bytes = read_file(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    let (text, invalid) = decode(&bytes);
    if let Some(invalid) = invalid {
        report(&shown, &text, vec![invalid_utf8(invalid)]);
        return Ok(Outcome::Refused { error: true });
    }
    let new = match formatted(&shown, &text, kind) {
        Ok(new) if new == text => return Ok(Outcome::Unchanged),
        Ok(new) => new,
        Err(outcome) => return Ok(outcome),
    };
    // The byte-order mark goes back in front, also in the diff: its first line's context must
    // match the file's bytes for `git apply`.
    let bom = bom(&bytes);
    if check {
        let mut out = std::io::stdout().lock();
        unified_diff(&shown, &format!("{bom}{text}"), &format!("{bom}{new}"), &mut out)
            .map_err(|e| format!("cannot write output: {e}"))?;
    } else {
        std::fs::write(path, format!("{bom}{new}")).map_err(|e| format!("cannot write `{shown}`: {e}"))?;
    }
    Ok(Outcome::Changed)
}

/// The formatted text, or the file's outcome after reporting why it is left as it is.
fn formatted(shown: &str, text: &str, kind: FileKind) -> Result<String, Outcome> {
    format(text, kind).map_err(|refusal| match refusal {
        Refusal::Syntax(diagnostics) => {
            report(shown, text, diagnostics);
            Outcome::Refused { error: true }
        }
        Refusal::Unsupported(_) => {
            eprintln!("charter: left `{shown}` as it is: {}", refusal.reason());
            Outcome::Refused { error: false }
        }
        Refusal::Internal(_) => {
            eprintln!("charter: left `{shown}` as it is: {}", refusal.reason());
            Outcome::Refused { error: true }
        }
    })
}

/// A file's syntax errors as `charter check` prints them, on standard error.
fn report(shown: &str, text: &str, diagnostics: Vec<Diagnostic>) {
    let sources = |_: FileId| Source { path: shown, text };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let results = [(FileId(0), diagnostics)];
    let _ = render(
        Format::Human,
        &results,
        &sources,
        color,
        DEFAULT_DOCS_URL,
        &mut std::io::stderr().lock(),
    );
}

/// `charter fmt -`: standard input formatted to standard output (unchanged when refused).
fn stdin(args: &FmtArgs) -> Result<u8, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    let shown = args.stdin_filename.clone().unwrap_or_else(|| "<stdin>".into());
    let (text, invalid) = decode(&bytes);
    let kind = args
        .stdin_filename
        .as_deref()
        .and_then(FileKind::of_path)
        .unwrap_or_else(|| kind_of(&text));
    let (new, status) = match invalid {
        Some(invalid) => {
            report(&shown, &text, vec![invalid_utf8(invalid)]);
            (text.to_string(), EXIT_PROBLEMS)
        }
        None => match formatted(&shown, &text, kind) {
            Ok(new) => (new, 0),
            Err(Outcome::Refused { error: true }) => (text.to_string(), EXIT_PROBLEMS),
            Err(_) => (text.to_string(), 0),
        },
    };
    let mut out = std::io::stdout().lock();
    let bom = bom(&bytes);
    let written = if args.check {
        unified_diff(&shown, &format!("{bom}{text}"), &format!("{bom}{new}"), &mut out)
    } else {
        out.write_all(format!("{bom}{new}").as_bytes())
    };
    written.map_err(|e| format!("cannot write output: {e}"))?;
    Ok(if args.check && new != text {
        EXIT_PROBLEMS
    } else {
        status
    })
}

/// The byte-order mark `bytes` start with, if any: `decode` drops it, and the output keeps it.
fn bom(bytes: &[u8]) -> &'static str {
    match bytes.starts_with("\u{feff}".as_bytes()) {
        true => "\u{feff}",
        false => "",
    }
}

/// Without a file name: a manifest if the text has a top-level `manifest:` key.
fn kind_of(text: &str) -> FileKind {
    match text.lines().any(|l| l.starts_with("manifest:")) {
        true => FileKind::Manifest,
        false => FileKind::Policy,
    }
}

/// Lines of context around each change in the diff.
const CONTEXT: usize = 3;

/// `old` → `new` as a unified diff (`diff -u`, `git apply` read it). Public for the docs' check
/// that their YAML is formatted (`xtask`), which shows the same diff.
pub fn unified_diff(path: &str, old: &str, new: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let (a, b) = (lines(old), lines(new));
    let hunks = line_diff(&a, &b);
    if hunks.is_empty() {
        return Ok(());
    }
    writeln!(out, "--- {path}\n+++ {path} (formatted)")?;
    for group in groups(&hunks) {
        let first = &group[0];
        let last = &group[group.len() - 1];
        let start = first.old.start.saturating_sub(CONTEXT);
        let end = (last.old.end + CONTEXT).min(a.len());
        let new_start = first.new.start - (first.old.start - start);
        let new_end = last.new.end + (end - last.old.end);
        writeln!(
            out,
            "@@ -{} +{} @@",
            range(start, end - start),
            range(new_start, new_end - new_start)
        )?;
        let mut at = start;
        for h in group {
            for line in &a[at..h.old.start] {
                diff_line(out, ' ', line)?;
            }
            for line in &a[h.old.clone()] {
                diff_line(out, '-', line)?;
            }
            for line in &b[h.new.clone()] {
                diff_line(out, '+', line)?;
            }
            at = h.old.end;
        }
        for line in &a[at..end] {
            diff_line(out, ' ', line)?;
        }
    }
    Ok(())
}

/// Hunks close enough that their context would touch, printed under one `@@` header.
fn groups(hunks: &[Hunk]) -> Vec<&[Hunk]> {
    let mut groups = Vec::new();
    let mut from = 0;
    for i in 1..=hunks.len() {
        if i == hunks.len() || hunks[i].old.start > hunks[i - 1].old.end + 2 * CONTEXT {
            groups.push(&hunks[from..i]);
            from = i;
        }
    }
    groups
}

/// `start,len` with a 1-based start (`start` is the line before an empty range).
fn range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}

/// A line of the diff with its own line break: a `\r\n` file's diff keeps its `\r`s, as
/// `diff -u` and `git diff` write them, so that `git apply` and `patch` match its lines.
fn diff_line(out: &mut dyn Write, mark: char, line: &str) -> std::io::Result<()> {
    match line.ends_with('\n') {
        true => write!(out, "{mark}{line}"),
        false => writeln!(out, "{mark}{line}\n\\ No newline at end of file"),
    }
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn the_summary_counts_files_left_as_they_were_apart() {
        assert_eq!(
            summary(false, 1, 1, 2),
            "Formatted 1 file, 1 changed; 2 left as they are, see above."
        );
        assert_eq!(
            summary(true, 0, 1, 1),
            "1 file already formatted; 1 left as it is, see above."
        );
        assert_eq!(
            summary(true, 2, 3, 0),
            "2 of 3 files would be reformatted; run `charter fmt` on them to format them."
        );
    }
}
