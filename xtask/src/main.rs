//! `cargo xtask docs`: writes the generated parts of the user's guide (`docs/`).
//! `cargo xtask docs --check`: lists the stale ones and exits 1, writing nothing.
//! `cargo xtask fmt-docs`: puts the policies and manifests the docs show in the canonical
//! layout, then writes the generated parts.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = xtask::root();
    match args.as_slice() {
        ["docs"] => written(xtask::write(&root), "every generated part is up to date"),
        ["fmt-docs"] => written(
            xtask::format_docs(&root),
            "the docs' YAML is formatted and every generated part is up to date",
        ),
        ["docs", "--check"] => match xtask::stale(&root) {
            Ok(stale) if stale.is_empty() => {
                println!("docs: every generated part is up to date");
                ExitCode::SUCCESS
            }
            Ok(stale) => {
                for path in stale {
                    eprintln!("stale: {path}");
                }
                eprintln!("run `{}` and commit the result", xtask::COMMAND);
                ExitCode::FAILURE
            }
            Err(e) => fail(&e),
        },
        _ => {
            eprintln!(
                "usage: cargo xtask docs [--check] | fmt-docs\n\n  docs          write the generated parts of docs/ (the category table, the code index, the examples' output, the command-line help)\n  docs --check  list the generated files that are out of date, and exit 1 if any is\n  fmt-docs      put the policies and manifests the docs show in the layout of `charter fmt`, then write the generated parts"
            );
            ExitCode::from(2)
        }
    }
}

/// Prints the paths a task wrote, or `nothing` when it wrote none.
fn written(result: Result<Vec<String>, String>, nothing: &str) -> ExitCode {
    match result {
        Ok(paths) if paths.is_empty() => {
            println!("docs: {nothing}");
            ExitCode::SUCCESS
        }
        Ok(paths) => {
            for path in paths {
                println!("wrote {path}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("xtask: {message}");
    ExitCode::FAILURE
}
