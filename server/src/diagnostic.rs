//! Diagnostics as data: a code, a severity, a primary range, related places and quick fixes.
//! Front ends render them (terminal, JSON, SARIF, GitHub, LSP); the engine only builds them.
//! Every code Charter can report is defined here, once.

use crate::text::TextRange;

macro_rules! codes {
    ($($variant:ident => $name:literal, $severity:ident, $summary:literal;)*) => {
        /// A diagnostic code of SPEC §4.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            /// Every code, in the order of the specification's table.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as users write it (`unknown-key`), in output and in suppressions.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            /// The severity the specification gives the code.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),* }
            }

            /// One line on what the code means, for `--help`-like listings and SARIF rules.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary),* }
            }

            pub fn from_name(name: &str) -> Option<Code> {
                match name { $($name => Some(Code::$variant),)* _ => None }
            }

            /// The code's page of the user's guide (`docs/src/codes/CODE.md`, reached through
            /// the `server/codes` link so that the published crate carries it), in Markdown:
            /// what `charter explain-code` prints and the book publishes, from the one file.
            pub fn page(self) -> &'static str {
                match self {
                    $(Code::$variant => include_str!(concat!("../codes/", $name, ".md"))),*
                }
            }
        }
    };
}

codes! {
    YamlSyntax => "yaml-syntax", Error, "The file is not valid YAML, not UTF-8, or exceeds a size or nesting limit.";
    UnknownKey => "unknown-key", Error, "A key that does not belong at this place.";
    MissingKey => "missing-key", Error, "A required key is absent.";
    WrongType => "wrong-type", Error, "A map, list or scalar where another shape belongs.";
    InvalidValue => "invalid-value", Error, "A scalar outside its keywords or format.";
    InvalidId => "invalid-id", Error, "An id that is not lowercase kebab-case.";
    DuplicateId => "duplicate-id", Error, "An id declared twice.";
    UnknownCategory => "unknown-category", Error, "A reference to a category the policy does not declare.";
    UnknownSection => "unknown-section", Error, "A reference to a section the policy does not declare.";
    UnknownSafeguard => "unknown-safeguard", Error, "A reference to a safeguard the policy does not declare.";
    UnknownAttribute => "unknown-attribute", Error, "A reference to an attribute the policy does not declare.";
    UnknownValue => "unknown-value", Error, "A value outside the attribute's declared values.";
    UnknownPolicy => "unknown-policy", Error, "A policy reference that matches no known policy.";
    UndeclaredParent => "undeclared-parent", Error, "A category whose parent category is not declared.";
    ExtendsCycle => "extends-cycle", Error, "A policy that extends itself through its chain of bases.";
    RuleConflict => "rule-conflict", Error, "Rules of equal rank decide a point differently.";
    LayerViolation => "layer-violation", Error, "A layer allows what its base prohibits.";
    ShadowedRule => "shadowed-rule", Warning, "A rule that never decides because other rules override it with the other effect.";
    DeadRequirement => "dead-requirement", Warning, "A requirement that applies only where the verdict is prohibit.";
    RedundantRule => "redundant-rule", Hint, "A rule whose removal changes no verdict and no owed safeguard.";
    ProhibitedUse => "prohibited-use", Error, "A use case the policy prohibits.";
    MissingSafeguard => "missing-safeguard", Error, "A use case that does not declare a safeguard it owes.";
    AmbiguousDecision => "ambiguous-decision", Warning, "A use case whose verdict rests on a rule conflict.";
    UnexpectedVerdict => "unexpected-verdict", Error, "A use case whose verdict or owed safeguards differ from its `expect` or `expect-owes`.";
    SupersededPolicy => "superseded-policy", Hint, "A manifest pinned to a policy version that a newer one replaced.";
}

/// Where the user's guide is published: the `documentation` key of `server/Cargo.toml` (read
/// through `homepage`, which Cargo passes to the compiler and which holds the same address).
/// Links to a code's page (LSP `codeDescription`, SARIF `helpUri`) start here unless the user
/// names another base (`--docs-url`, `CHARTER_DOCS_URL`, the `docsUrl` setting).
pub const DEFAULT_DOCS_URL: &str = env!("CARGO_PKG_HOMEPAGE");

impl Code {
    /// The address of the code's page under `base`, the root of the published book (with or
    /// without its final `/`): `{base}/codes/CODE.html`.
    pub fn docs_url(self, base: &str) -> String {
        format!("{}/codes/{}.html", base.trim_end_matches('/'), self.as_str())
    }
}

/// Checks a base address for the user's guide given in a setting or on the command line:
/// absolute, `http`, `https` or `file`, without spaces, query or fragment (a code's page is
/// appended to it). Returns it with one final `/`.
pub fn docs_base(url: &str) -> Result<String, String> {
    let url = url.trim();
    let scheme_ok = ["https://", "http://", "file://"]
        .iter()
        .any(|scheme| url.len() > scheme.len() && url.starts_with(scheme));
    if !scheme_ok {
        return Err(format!(
            "`{url}` is not an address the documentation can be at; write an absolute http(s) or file URL, e.g. `{DEFAULT_DOCS_URL}`"
        ));
    }
    if let Some(bad) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#'))
    {
        return Err(format!(
            "`{url}` cannot be the documentation's address: it contains {bad:?}; give the folder the book is published in, e.g. `{DEFAULT_DOCS_URL}`"
        ));
    }
    Ok(format!("{}/", url.trim_end_matches('/')))
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// Which file a range belongs to. The engine names files by index into the workspace it was
/// given; front ends map the index back to a path or URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// Another place a diagnostic is about ("the first declaration is here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub range: TextRange,
    pub message: String,
}

/// One replacement of text in the diagnostic's own file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub new_text: String,
}

/// A quick fix: a titled set of edits that resolves the diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// Whether it may be applied without the author looking at it (`source.fixAll`). Only the
    /// correction of a misspelt name to the one name nearest to it is ([`with_correction`]):
    /// the author meant a name that exists, and no other is as likely. The other fixes want a
    /// person: one among equally near names is a guess, a new category's `TODO` summary must
    /// be written, an added safeguard claims it is in place, a renamed id leaves its
    /// references behind, and another policy version changes verdicts.
    ///
    /// [`with_correction`]: Diagnostic::with_correction
    pub safe: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub range: TextRange,
    pub message: String,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// A diagnostic with the code's own severity.
    pub fn new(code: Code, range: TextRange, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.severity(),
            range,
            message: message.into(),
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }

    /// Moves the offsets of this diagnostic that point into `file` at or after `from` by
    /// `delta` bytes, after text was inserted or removed there.
    pub fn shift(&mut self, file: FileId, from: usize, delta: isize) {
        self.range = self.range.shifted(from, delta);
        for related in self.related.iter_mut().filter(|r| r.file == file) {
            related.range = related.range.shifted(from, delta);
        }
        for edit in self.fixes.iter_mut().flat_map(|f| &mut f.edits) {
            edit.range = edit.range.shifted(from, delta);
        }
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_related(mut self, file: FileId, range: TextRange, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file,
            range,
            message: message.into(),
        });
        self
    }

    /// A fix that wants the author's review (see [`Fix::safe`]).
    pub fn with_fix(mut self, title: impl Into<String>, edits: Vec<Edit>) -> Self {
        self.fixes.push(Fix {
            title: title.into(),
            edits,
            safe: false,
        });
        self
    }

    /// The fix of a likely typo at `range`: the suggested name in its place, safe when no
    /// other name is as near.
    pub fn with_correction(mut self, range: TextRange, suggestion: Suggestion<'_>) -> Self {
        self.fixes.push(Fix {
            title: format!("Replace with `{}`", suggestion.name),
            edits: vec![Edit {
                range,
                new_text: suggestion.name.to_owned(),
            }],
            safe: suggestion.unique,
        });
        self
    }

    /// Whether editors should fade the range (LSP tag `Unnecessary`).
    pub fn is_unnecessary(&self) -> bool {
        self.code == Code::RedundantRule
    }
}

/// Marks unsafe the key corrections among `diagnostics` (one map's `unknown-key`s) that name the
/// same key: fix-all applying both would write that key twice. The quick fixes stay.
pub fn unsafe_when_shared(diagnostics: &mut [Diagnostic]) {
    let correction = |d: &Diagnostic| match d.fixes.as_slice() {
        [fix] if fix.safe => fix.edits.first().map(|e| e.new_text.clone()),
        _ => None,
    };
    let names: Vec<Option<String>> = diagnostics.iter().map(correction).collect();
    for (d, name) in diagnostics.iter_mut().zip(&names) {
        if name.is_some() && names.iter().filter(|n| *n == name).count() > 1 {
            d.fixes[0].safe = false;
        }
    }
}

/// The nearest candidate to `name`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    suggest(name, candidates).map(|s| s.name)
}

/// A name suggested for a likely typo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suggestion<'a> {
    pub name: &'a str,
    /// No other candidate is as near: the suggestion is not a pick among equals.
    pub unique: bool,
}

/// [`did_you_mean`], telling whether another candidate is as near (the first in order wins).
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<Suggestion<'a>> {
    let mut near: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|&(d, c)| d > 0 && d <= (name.chars().count().max(c.chars().count()) / 3).max(1))
        .collect();
    near.sort_unstable();
    near.dedup();
    let &(distance, best) = near.first()?;
    Some(Suggestion {
        name: best,
        unique: near.get(1).is_none_or(|&(d, _)| d > distance),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_docs_url_is_the_documentation_key() {
        let manifest = include_str!("../Cargo.toml");
        let key = |name: &str| {
            manifest
                .lines()
                .find_map(|l| {
                    l.strip_prefix(name)?
                        .trim()
                        .strip_prefix('=')?
                        .trim()
                        .strip_prefix('"')?
                        .strip_suffix('"')
                })
                .map(str::to_owned)
        };
        assert_eq!(key("documentation").as_deref(), Some(DEFAULT_DOCS_URL));
        assert_eq!(docs_base(DEFAULT_DOCS_URL).as_deref(), Ok(DEFAULT_DOCS_URL));
    }

    #[test]
    fn code_pages_live_under_the_base() {
        assert_eq!(
            Code::RuleConflict.docs_url("https://a.example/charter/"),
            "https://a.example/charter/codes/rule-conflict.html"
        );
        assert_eq!(
            Code::RuleConflict.docs_url("https://a.example/charter"),
            "https://a.example/charter/codes/rule-conflict.html"
        );
    }

    #[test]
    fn docs_bases_are_checked() {
        assert_eq!(docs_base("https://a.example/x").as_deref(), Ok("https://a.example/x/"));
        assert_eq!(docs_base("file:///srv/book/").as_deref(), Ok("file:///srv/book/"));
        for bad in [
            "a.example/x",
            "https://",
            "https://a.example/x?y",
            "https://a.example/a b",
            "ftp://a.example",
        ] {
            let e = docs_base(bad).unwrap_err();
            assert!(e.contains(bad.trim()) && e.contains(DEFAULT_DOCS_URL), "{e}");
        }
    }

    #[test]
    fn a_suggestion_is_unique_only_without_an_equally_near_name() {
        let one = suggest("finacial", ["financial", "legal"]).unwrap();
        assert_eq!((one.name, one.unique), ("financial", true));
        // `tier-a` and `tier-c` are both one edit from `tier-b`: a guess, not a correction.
        let tie = suggest("tier-b", ["tier-c", "tier-a"]).unwrap();
        assert_eq!((tie.name, tie.unique), ("tier-a", false));
        assert_eq!(suggest("zzz", ["financial"]), None);
    }

    #[test]
    fn every_code_has_a_page_titled_with_its_name() {
        for &code in Code::ALL {
            let first = code.page().lines().next().unwrap_or_default();
            assert_eq!(first, format!("# {code}"), "the first line of docs/src/codes/{code}.md");
        }
    }
}
