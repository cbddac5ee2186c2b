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
    SupersededPolicy => "superseded-policy", Hint, "A manifest pinned to a policy version that a newer one replaced.";
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

    pub fn with_fix(mut self, title: impl Into<String>, edits: Vec<Edit>) -> Self {
        self.fixes.push(Fix {
            title: title.into(),
            edits,
        });
        self
    }

    /// Whether editors should fade the range (LSP tag `Unnecessary`).
    pub fn is_unnecessary(&self) -> bool {
        self.code == Code::RedundantRule
    }
}

/// The nearest candidate to `name`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|&(d, c)| d > 0 && d <= (name.chars().count().max(c.chars().count()) / 3).max(1))
        .min_by_key(|&(d, c)| (d, c))
        .map(|(_, c)| c)
}
