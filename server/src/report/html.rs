//! The report as one self-contained HTML page: `templates/report.html`, compiled in by askama,
//! which escapes every value for HTML; inline CSS and a little inline script, no request.

use askama::Template;

use super::model::{ManifestReport, Matrix, Report};

/// A manifest's use cases are listed open up to this many; past it, collapsed.
const OPEN_USE_CASES: usize = 50;
/// A matrix's groups are open up to this many cells; past it, only the groups holding a change.
const OPEN_CELLS: usize = 3_000;

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    r: &'a Report,
}

impl Page<'_> {
    fn manifest_open(&self, m: &ManifestReport) -> bool {
        m.use_cases.len() <= OPEN_USE_CASES
    }

    fn groups_open(&self, m: &Matrix) -> bool {
        m.shown() <= OPEN_CELLS
    }

    fn plural(&self, n: &usize, one: &str, many: &str) -> String {
        super::markdown::plural(*n, one, many)
    }

    /// Message text split at its backticks: `(true, id)` for what a message quotes as code.
    fn spans<'t>(&self, text: &'t str) -> Vec<(bool, &'t str)> {
        text.split('`')
            .enumerate()
            .filter(|(_, t)| !t.is_empty())
            .map(|(i, t)| (i % 2 == 1, t))
            .collect()
    }
}

/// The page.
pub fn render(report: &Report) -> Result<String, String> {
    Page { r: report }
        .render()
        .map_err(|e| format!("cannot render the report: {e}"))
}
