//! `charter report`: the verdicts of a workspace as one page for the people who sign off a
//! deployment (HTML), or as a summary for a pull request (Markdown). Reads the files, builds
//! the report in the engine (`crate::report`), writes it. The report is a record, not a gate:
//! it exits 0 once written, whatever it says; `charter check` is the gate.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::load::load;
use super::policy::{known_policies, named_policy};
use super::{Common, EXIT_USAGE};
use crate::check::Context;
use crate::report::{Options, build, html, markdown};
use crate::resolve::ResolvedPolicy;

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Files or folders with manifests and policies (default: the current folder).
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,
    /// Where to write the report; `-` for standard output. Default: `charter-report.html`
    /// for HTML, standard output for Markdown.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// `html`: one self-contained page. `markdown`: the counts and the use cases that need
    /// attention, for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    format: ReportFormat,
    /// An earlier policy version, `id@version`: mark the use cases and matrix cells whose
    /// verdict or owed safeguards differ under the newest version of that policy in effect.
    #[arg(long, value_name = "POLICY_REF")]
    against: Option<String>,
    /// Language of the quoted policy text, e.g. `zh` (falls back to `en`).
    #[arg(long, default_value = "en")]
    locale: String,
    #[command(flatten)]
    common: Common,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Html,
    Markdown,
}

pub fn run(args: ReportArgs) -> Result<u8, String> {
    let loaded = load(&args.paths, &args.common.policy_paths);
    for error in &loaded.errors {
        eprintln!("charter: {error}");
    }
    if !loaded.errors.is_empty() {
        return Ok(EXIT_USAGE);
    }
    let cx = Context::new(loaded.ws, args.common.today());
    let against = match &args.against {
        Some(reference) => Some(versions(&cx, reference)?),
        None => None,
    };
    let options = Options {
        locale: &args.locale,
        against,
    };
    let report = build(&cx, &loaded.reported, &options);
    let text = match args.format {
        ReportFormat::Html => html::render(&report)?,
        ReportFormat::Markdown => markdown::render(&report),
    };
    let out = args.out.unwrap_or_else(|| match args.format {
        ReportFormat::Html => PathBuf::from("charter-report.html"),
        ReportFormat::Markdown => PathBuf::from("-"),
    });
    write(&out, &text)?;
    if out != Path::new("-") {
        let c = &report.counts;
        eprintln!(
            "Wrote {}: {} use cases ({} allowed, {} owing safeguards, {} prohibited, {} not judged).",
            out.display(),
            c.use_cases,
            c.allowed,
            c.owing,
            c.prohibited,
            c.not_judged
        );
    }
    Ok(0)
}

/// The version `--against` names and the newest version of the same policy in effect.
fn versions<'c>(cx: &'c Context, reference: &str) -> Result<(&'c ResolvedPolicy, &'c ResolvedPolicy), String> {
    let old = named_policy(cx, Some(reference))?;
    let id = cx
        .ws
        .file(old.file)
        .policy()
        .and_then(|d| d.id.as_ref())
        .map(|i| i.value.to_string())
        .unwrap_or_default();
    let new = named_policy(cx, Some(&id))?;
    if new.file == old.file {
        let known: Vec<String> = known_policies(cx)
            .into_iter()
            .filter(|k| k.starts_with(&format!("{id}@")) && k != reference)
            .collect();
        let earlier = match known.is_empty() {
            true => format!("the workspace has no other version of `{id}`"),
            false => format!("versions known: {}", known.join(", ")),
        };
        return Err(format!(
            "`{reference}` is the newest version of `{id}` in effect on {}; `--against` takes an earlier one ({earlier}), or pass `--today` to judge as of a day a newer one is in effect",
            cx.today
        ));
    }
    Ok((old, new))
}

fn write(out: &Path, text: &str) -> Result<(), String> {
    if out == Path::new("-") {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("cannot write the report to standard output: {e}"));
    }
    std::fs::write(out, text).map_err(|e| format!("cannot write the report to `{}`: {e}", out.display()))
}
