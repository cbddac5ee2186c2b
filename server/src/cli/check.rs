//! `charter check`: every file's diagnostics, rendered, and the exit status.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;

use super::load::load;
use super::render::{Format, Source, render};
use super::{Common, DocsArgs, EXIT_PROBLEMS, EXIT_USAGE};
use crate::check::Context;
use crate::diagnostic::{Diagnostic, FileId, Severity};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or folders to check.
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with status 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    docs: DocsArgs,
}

pub fn run(args: CheckArgs) -> Result<u8, String> {
    let docs = args.docs.base()?;
    let loaded = load(&args.paths, &args.common.policy_paths);
    for error in &loaded.errors {
        eprintln!("charter: {error}");
    }
    let cx = Context::new(loaded.ws, args.common.today());
    let results: Vec<(FileId, Vec<Diagnostic>)> = loaded
        .reported
        .iter()
        .copied()
        .zip(cx.check_files(&loaded.reported))
        .collect();
    let sources = |f: FileId| Source::of(&cx.ws, f);
    let color =
        args.format == Format::Human && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::stdout().lock();
    render(args.format, &results, &sources, color, &docs, &mut out).map_err(|e| format!("cannot write output: {e}"))?;
    out.flush().map_err(|e| format!("cannot write output: {e}"))?;
    let all = results.iter().flat_map(|(_, d)| d);
    if args.format == Format::Human {
        let n = loaded.reported.len();
        eprintln!("Checked {n} {}.", if n == 1 { "file" } else { "files" });
        if let Some(first) = all.clone().next() {
            eprintln!(
                "For more about a code, run `charter explain-code CODE`, e.g. `charter explain-code {}`.",
                first.code
            );
        }
    }
    let failing =
        |d: &&Diagnostic| d.severity == Severity::Error || (args.deny_warnings && d.severity == Severity::Warning);
    Ok(if !loaded.errors.is_empty() {
        EXIT_USAGE
    } else if all.clone().any(|d| failing(&d)) {
        EXIT_PROBLEMS
    } else {
        0
    })
}
