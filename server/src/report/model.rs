//! What a report says, by name and in words: built once by [`super::build`], rendered as HTML
//! or Markdown. Nothing here points back into the workspace.

/// The whole report.
#[derive(Debug, Clone)]
pub struct Report {
    /// The day the verdicts are judged as of (`YYYY-MM-DD`).
    pub judged_on: String,
    /// The language section texts are shown in first.
    pub locale: String,
    pub counts: Counts,
    pub manifests: Vec<ManifestReport>,
    pub policies: Vec<PolicyReport>,
    /// With `--against`: what was compared, and how much changes.
    pub against: Option<Against>,
}

/// The summary counts. `owing`: allowed, but missing some safeguard owed; a use case that
/// declares every owed safeguard counts as `allowed`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub files: usize,
    pub use_cases: usize,
    pub allowed: usize,
    pub owing: usize,
    pub prohibited: usize,
    pub not_judged: usize,
}

impl Counts {
    /// Use cases someone has to act on.
    pub fn attention(&self) -> usize {
        self.owing + self.prohibited + self.not_judged
    }
}

#[derive(Debug, Clone)]
pub struct Against {
    /// `id@version` of the version compared with.
    pub old: String,
    /// `id@version` of the version the report judges by.
    pub new: String,
    pub use_cases: usize,
    pub cells: usize,
}

impl Against {
    /// Use cases and matrix cells that change.
    pub fn changes(&self) -> usize {
        self.use_cases + self.cells
    }
}

#[derive(Debug, Clone)]
pub struct ManifestReport {
    /// The path as given on the command line, joined with the file below it.
    pub path: String,
    /// The `manifest:` id.
    pub id: Option<String>,
    pub owner: Option<String>,
    /// `id@version` of the policy its use cases are judged by, when it could be had.
    pub policy: Option<String>,
    /// Why none of its use cases could be judged.
    pub problem: Option<String>,
    pub use_cases: Vec<UseCaseReport>,
    pub counts: Counts,
}

/// A use case's verdict as the summary counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UseCaseVerdict {
    Allowed,
    Owing,
    Prohibited,
    NotJudged,
}

impl UseCaseVerdict {
    /// The `data-verdict` value.
    pub fn as_str(self) -> &'static str {
        match self {
            UseCaseVerdict::Allowed => "allowed",
            UseCaseVerdict::Owing => "owing",
            UseCaseVerdict::Prohibited => "prohibited",
            UseCaseVerdict::NotJudged => "not-judged",
        }
    }

    /// What a reader sees beside the colour.
    pub fn symbol(self) -> &'static str {
        match self {
            UseCaseVerdict::Allowed => "✓",
            UseCaseVerdict::Owing => "⚠",
            UseCaseVerdict::Prohibited => "✕",
            UseCaseVerdict::NotJudged => "?",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            UseCaseVerdict::Allowed => "allowed",
            UseCaseVerdict::Owing => "allowed, owes missing safeguards",
            UseCaseVerdict::Prohibited => "prohibited",
            UseCaseVerdict::NotJudged => "not judged",
        }
    }
}

#[derive(Debug, Clone)]
pub struct UseCaseReport {
    pub id: String,
    pub summary: Option<String>,
    pub verdict: UseCaseVerdict,
    /// Why it was not judged (the diagnostics `charter check` gives it).
    pub problem: Option<String>,
    /// The categories as written.
    pub categories: Vec<String>,
    /// Every attribute of the policy with the use case's value; or, when it was not judged,
    /// the attributes as written.
    pub attributes: Vec<AttributeValue>,
    /// Each leaf of each category with its verdict and what decided it.
    pub leaves: Vec<LeafVerdict>,
    pub owed: Vec<OwedSafeguard>,
    /// `expect` / `expect-owes` in words, and whether the verdict meets it.
    pub expectation: Option<(String, bool)>,
    /// With `--against`: `prohibit → allow` and the like.
    pub change: Option<String>,
    /// The policy sections its verdicts rest on, as links into the policy's part.
    pub sections: Vec<SectionLink>,
}

impl UseCaseReport {
    /// Whether someone has to act on it, as `charter check` would have them: a test that does
    /// not hold, not allowed as it stands (unless it is a test that expects a prohibition and
    /// gets it), or changed by the new version.
    pub fn needs_attention(&self) -> bool {
        let expected_prohibition = self.verdict == UseCaseVerdict::Prohibited && self.expectation.is_some();
        self.failed_expectation().is_some()
            || (self.verdict != UseCaseVerdict::Allowed && !expected_prohibition)
            || self.change.is_some()
    }

    /// The expectation in words, when it does not hold.
    pub fn failed_expectation(&self) -> Option<&str> {
        self.expectation
            .as_ref()
            .filter(|(_, held)| !held)
            .map(|(text, _)| text.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct AttributeValue {
    pub name: String,
    pub value: String,
    /// Not stated by the use case: the attribute's default stands in.
    pub defaulted: bool,
}

#[derive(Debug, Clone)]
pub struct LeafVerdict {
    pub leaf: String,
    pub verdict: CellVerdict,
    /// `rule `x``, or `the `default` of `p@v``, as the diagnostics word it.
    pub decided_by: String,
}

#[derive(Debug, Clone)]
pub struct OwedSafeguard {
    pub name: String,
    /// Declared in the use case's `safeguards` (or the use case is a test with `expect-owes`,
    /// which owes nothing for real).
    pub present: bool,
    /// `rule `x``, the rules that ask for it.
    pub required_by: String,
}

#[derive(Debug, Clone)]
pub struct SectionLink {
    pub anchor: String,
    pub title: String,
}

/// A cell's verdict, as the matrix colours and marks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellVerdict {
    Allow,
    AllowOwing,
    Prohibit,
    Ambiguous,
}

impl CellVerdict {
    /// The `data-verdict` value.
    pub fn as_str(self) -> &'static str {
        match self {
            CellVerdict::Allow => "allow",
            CellVerdict::AllowOwing => "allow-owing",
            CellVerdict::Prohibit => "prohibit",
            CellVerdict::Ambiguous => "ambiguous",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            CellVerdict::Allow => "✓",
            CellVerdict::AllowOwing => "✓!",
            CellVerdict::Prohibit => "✕",
            CellVerdict::Ambiguous => "?",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            CellVerdict::Allow => "allow",
            CellVerdict::AllowOwing => "allow, owing safeguards",
            CellVerdict::Prohibit => "prohibit",
            CellVerdict::Ambiguous => "ambiguous (a rule conflict; counts as prohibited)",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PolicyReport {
    /// `id@version`.
    pub name: String,
    pub title: Option<String>,
    pub path: String,
    /// `id@version` of the policy it extends.
    pub extends: Option<String>,
    /// Charter's rendering of a published policy is unofficial: said so where it applies.
    pub notice: Option<String>,
    pub matrix: Result<Matrix, String>,
    pub findings: Vec<Finding>,
    /// The sections the policy's own file declares.
    pub sections: Vec<Section>,
}

/// A diagnostic of the policy's file.
#[derive(Debug, Clone)]
pub struct Finding {
    pub severity: &'static str,
    pub code: &'static str,
    /// 1-based.
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub anchor: String,
    pub id: String,
    pub url: Option<String>,
    /// The heading and text in the report's locale (or the nearest the section has) first,
    /// then in each other language the section is written in.
    pub texts: Vec<SectionText>,
}

#[derive(Debug, Clone)]
pub struct SectionText {
    pub lang: String,
    pub title: String,
    pub text: String,
}

/// Leaf categories down, attribute combinations across, one table per top-level category.
#[derive(Debug, Clone)]
pub struct Matrix {
    /// Rows grouped by top-level category, in tree order.
    pub groups: Vec<RowGroup>,
    /// The distinct cells; rows hold indices into it.
    pub cells: Vec<Cell>,
}

impl Matrix {
    pub fn cell(&self, id: &usize) -> &Cell {
        &self.cells[*id]
    }

    /// The cells shown, in all groups.
    pub fn shown(&self) -> usize {
        self.groups.iter().map(|g| g.rows.len() * g.columns.len()).sum()
    }

    /// The cells that change with `--against`, as shown (one per row and column).
    pub fn changed(&self) -> usize {
        self.groups
            .iter()
            .flat_map(|g| &g.rows)
            .flat_map(|r| &r.cells)
            .filter(|&&c| self.cells[c].change.is_some())
            .count()
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    /// Per attribute: its name and the values the column stands for (`None`: any value).
    pub when: Vec<(String, Option<Vec<String>>)>,
}

impl Column {
    /// The `data-when` value: `audience=business;agentic=*`, values of one column joined by `|`.
    pub fn data_when(&self) -> String {
        self.when
            .iter()
            .map(|(name, values)| match values {
                None => format!("{name}={}", "*"),
                Some(values) => format!("{name}={}", values.join("|")),
            })
            .collect::<Vec<_>>()
            .join(";")
    }

    /// The attributes the column fixes, for its visible header: `audience: business`.
    pub fn fixed(&self) -> Vec<String> {
        self.when
            .iter()
            .filter_map(|(name, values)| Some(format!("{name}: {}", values.as_ref()?.join(" or "))))
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct RowGroup {
    /// The top-level category.
    pub name: String,
    /// The attribute combinations that tell its rows' cells apart.
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// How many of its cells change with `--against`.
    pub changed: usize,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub leaf: String,
    /// Indices into [`Matrix::cells`], one per column.
    pub cells: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub verdict: CellVerdict,
    /// The deciding rules' ids, space-separated; empty where a `default` decides.
    pub rule: String,
    /// What a reader gets on hover and focus: the verdict, what decided it, what is owed.
    pub title: String,
    /// With `--against`: how the cell changes.
    pub change: Option<String>,
}
