//! The `charter` command line: argument parsing and the exit status. Each subcommand has its
//! own module; all of them load files through `load` and judge through `check::Context`, the
//! same path the language server takes.

mod check;
mod completions;
mod diff;
mod explain;
pub mod explain_code;
pub mod fmt;
mod load;
mod man;
mod policy;
pub mod render;
mod report;
mod schema;
mod wrap;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::diagnostic::{DEFAULT_DOCS_URL, docs_base};
use crate::model::Date;

#[derive(Parser, Debug)]
#[command(
    name = "charter",
    version,
    about = "Check usage-policy files and use-case manifests",
    long_about = "Charter checks usage-policy files (*.policy.yaml) and use-case manifests (*.usecases.yaml): \
                  rules that contradict each other, use cases a policy prohibits, safeguards a use case owes, \
                  and the policy text behind every verdict."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check policy and manifest files under the given paths (default: the current folder).
    Check(check::CheckArgs),
    /// Show the verdict for a category: deciding rules, owed safeguards and the policy's text.
    Explain(explain::ExplainArgs),
    /// Show what changes between two policy versions, and which use cases it affects.
    Diff(diff::DiffArgs),
    /// Rewrite policy and manifest files in the canonical layout (`--check`: only show the diff).
    Fmt(fmt::FmtArgs),
    /// Write the verdicts of every use case and policy as one HTML page for review (or
    /// Markdown for a pull request); `--against OLD` marks what a new policy version changes.
    Report(report::ReportArgs),
    /// Print a JSON Schema of a manifest under a policy (or of the policy format), for YAML editors.
    Schema(schema::SchemaArgs),
    /// Run the language server on standard input and output (for editors).
    Lsp,
    /// Explain a diagnostic code: what it means, an example, how to fix it (without a code:
    /// list every code).
    ExplainCode(explain_code::ExplainCodeArgs),
    /// Print a completion script for bash, zsh, fish, elvish or PowerShell.
    Completions(completions::CompletionsArgs),
    /// Print the manual page charter(1), in roff (`charter man | man -l -`).
    Man,
}

/// What `charter [SUBCOMMAND] --help` prints (the user's guide quotes it); `None` for an
/// unknown subcommand.
pub fn long_help(subcommand: Option<&str>) -> Option<String> {
    let mut argv = vec!["charter"];
    argv.extend(subcommand);
    argv.push("--help");
    match Cli::command().try_get_matches_from(argv) {
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => Some(e.render().to_string()),
        _ => None,
    }
}

/// The names of the subcommands, in the order `--help` lists them.
pub fn subcommands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect()
}

/// Options every subcommand that reads policies shares.
#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Extra folder to load policies from (repeatable).
    #[arg(long = "policy-path", value_name = "DIR")]
    policy_paths: Vec<PathBuf>,
    /// The day to judge as of (ISO date), instead of today; decides which versions are in effect.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    today: Option<Date>,
}

impl Common {
    fn today(&self) -> Date {
        self.today.unwrap_or_else(crate::clock::today)
    }
}

/// Where links to a diagnostic code's page point (SARIF `helpUri`, `explain-code`).
#[derive(Args, Debug, Clone)]
pub struct DocsArgs {
    /// The address the user's guide is published at, for links to each code's page (a mirror,
    /// or a `file://` copy built with `mdbook build docs`).
    #[arg(long = "docs-url", value_name = "URL", env = "CHARTER_DOCS_URL", hide_env_values = true,
          default_value = DEFAULT_DOCS_URL, value_parser = docs_base)]
    docs_url: String,
}

impl DocsArgs {
    /// The base, checked and ending in `/`.
    pub fn base(&self) -> Result<String, String> {
        docs_base(&self.docs_url)
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date; write it as YYYY-MM-DD"))
}

/// Exit status: 0 no errors, 1 errors (or warnings with `--deny-warnings`), 2 bad usage or
/// unreadable input.
pub const EXIT_PROBLEMS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Report(args) => report::run(args),
        Command::Schema(args) => schema::run(args),
        Command::ExplainCode(args) => explain_code::run(args),
        Command::Lsp => return crate::lsp::run(),
        Command::Completions(args) => completions::run(args),
        Command::Man => man::run(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("charter: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
