//! The report in Markdown, sized for a pull-request comment or a GitHub job summary: the
//! counts, the changes against an old version, and the use cases that need someone's
//! attention (prohibited, owing a safeguard, not judged, changed), at most [`MAX_LISTED`].

use super::model::{CellVerdict, Report, UseCaseReport, UseCaseVerdict};

/// Use cases listed at most; the rest are counted. 50 rows of at most [`MAX_CELL`] characters
/// keep the text well under GitHub's 65,536 characters for a comment.
pub const MAX_LISTED: usize = 50;
/// Characters of free text (a reason, a rule phrase) in one table cell.
const MAX_CELL: usize = 300;

pub fn render(report: &Report) -> String {
    let c = &report.counts;
    let mut out = format!(
        "## Charter report\n\nJudged as of {}: {}, {}.\n\n",
        report.judged_on,
        plural(c.files, "file", "files"),
        plural(c.use_cases, "use case", "use cases"),
    );
    out.push_str("| ✓ allowed | ⚠ allowed, owing | ✕ prohibited | ? not judged |\n| ---: | ---: | ---: | ---: |\n");
    out.push_str(&format!(
        "| {} | {} | {} | {} |\n\n",
        c.allowed, c.owing, c.prohibited, c.not_judged
    ));
    if let Some(a) = &report.against {
        out.push_str(&format!(
            "**Δ {} changes** from `{}` to `{}`: {} and {} of its verdict matrix change verdict or owed safeguards.\n\n",
            a.changes(),
            a.old,
            a.new,
            plural(a.use_cases, "use case", "use cases"),
            plural(a.cells, "cell", "cells"),
        ));
    }
    let attention: Vec<(&str, &UseCaseReport)> = report
        .manifests
        .iter()
        .flat_map(|m| m.use_cases.iter().map(move |u| (m.path.as_str(), u)))
        .filter(|(_, u)| u.needs_attention())
        .collect();
    if attention.is_empty() {
        out.push_str(
            "No use case needs attention: each is allowed with the safeguards it owes, or a test that holds.\n",
        );
        return out;
    }
    out.push_str(&format!("### Use cases that need attention ({})\n\n", attention.len()));
    out.push_str("| use case | manifest | verdict | why |\n| --- | --- | --- | --- |\n");
    for (path, u) in attention.iter().take(MAX_LISTED) {
        let mut verdict = format!("{} {}", u.verdict.symbol(), u.verdict.words());
        if let Some(change) = &u.change {
            verdict.push_str(&format!(" (Δ {})", cell(change)));
        }
        out.push_str(&format!(
            "| `{}` | `{}` | {verdict} | {} |\n",
            code(&u.id),
            code(path),
            cell(&why(u))
        ));
    }
    if attention.len() > MAX_LISTED {
        out.push_str(&format!(
            "\n… and {} more: `charter report` writes them all to an HTML page, and `charter check` reports each.\n",
            attention.len() - MAX_LISTED
        ));
    }
    out
}

/// Why a use case needs attention, in a line: its verdict's reason, then a test that fails.
fn why(u: &UseCaseReport) -> String {
    match u.failed_expectation() {
        Some(test) if u.verdict == UseCaseVerdict::Allowed => test.to_owned(),
        Some(test) => format!("{}; {test}", verdict_reason(u)),
        None => verdict_reason(u),
    }
}

fn verdict_reason(u: &UseCaseReport) -> String {
    match u.verdict {
        UseCaseVerdict::NotJudged => u.problem.clone().unwrap_or_default(),
        UseCaseVerdict::Prohibited => {
            let by: Vec<String> = u
                .leaves
                .iter()
                .filter(|l| matches!(l.verdict, CellVerdict::Prohibit | CellVerdict::Ambiguous))
                .map(|l| format!("`{}` by {}", l.leaf, l.decided_by))
                .collect();
            by.join("; ")
        }
        UseCaseVerdict::Owing => {
            let missing: Vec<String> = u
                .owed
                .iter()
                .filter(|o| !o.present)
                .map(|o| format!("missing `{}` ({})", o.name, o.required_by))
                .collect();
            missing.join("; ")
        }
        UseCaseVerdict::Allowed => String::from("allowed"),
    }
}

/// Free text for a table cell: Markdown and HTML neutralised except the backticks of the
/// ids a message quotes, on one line, cut at [`MAX_CELL`] characters.
fn cell(text: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for (i, ch) in text.chars().enumerate() {
        if i == MAX_CELL {
            if in_code {
                out.push('`');
            }
            out.push('…');
            break;
        }
        match ch {
            '`' => {
                in_code = !in_code;
                out.push('`');
            }
            _ if in_code => out.push_str(&code_char(ch)),
            '\\' | '*' | '_' | '[' | ']' | '#' | '~' | '!' | '|' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// Text inside a code span in a table: a pipe would end the cell and a backtick the span.
fn code(text: &str) -> String {
    text.chars().map(code_char).collect()
}

fn code_char(ch: char) -> String {
    match ch {
        '|' => String::from("\\|"),
        '`' => String::from("'"),
        '\n' | '\r' => String::from(" "),
        _ => ch.to_string(),
    }
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
