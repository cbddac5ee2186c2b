//! `cargo xtask docs`: writes the generated parts of the user's guide (`docs/`).
//! `cargo xtask docs --check`: lists the stale ones and exits 1, writing nothing.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = xtask::root();
    match args.as_slice() {
        ["docs"] => match xtask::write(&root) {
            Ok(written) if written.is_empty() => {
                println!("docs: every generated part is up to date");
                ExitCode::SUCCESS
            }
            Ok(written) => {
                for path in written {
                    println!("wrote {path}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
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
                "usage: cargo xtask docs [--check]\n\n  docs          write the generated parts of docs/ (the category table, the code index, the examples' output, the command-line help)\n  docs --check  list the generated files that are out of date, and exit 1 if any is"
            );
            ExitCode::from(2)
        }
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("xtask: {message}");
    ExitCode::FAILURE
}
