//! YAML tree → typed documents. A [`PolicyDoc`] or [`ManifestDoc`] holds what a file says, with
//! the range of every key and value, and references still as text: resolving them needs the
//! other files and happens in `resolve`. Lowering reports the structural diagnostics
//! (`unknown-key`, `missing-key`, `wrong-type`, `invalid-value`, `invalid-id`, `duplicate-id`
//! within the file) and leaves out whatever is malformed, so later stages see only sound items.

mod ids;
pub mod keys;
mod lower;
mod lower_manifest;
mod lower_policy;

pub use ids::{Date, PolicyRef, is_valid_category_id, is_valid_id};
pub use lower_manifest::lower_manifest;
pub(crate) use lower_manifest::lower_use_case_items;
pub use lower_policy::lower_policy;
pub(crate) use lower_policy::lower_rule_items;

use crate::compact::CompactStr;
use crate::text::TextRange;

/// A value and the range of the YAML node it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub range: TextRange,
}

impl<T> Spanned<T> {
    pub fn new(value: T, range: TextRange) -> Self {
        Self { value, range }
    }
}

/// What a rule does where it applies; `default:` uses only `Allow` and `Prohibit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Prohibit,
    Allow,
    Require,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Prohibit => "prohibit",
            Effect::Allow => "allow",
            Effect::Require => "require",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyDoc {
    /// The `policy:` value.
    pub id: Option<Spanned<CompactStr>>,
    pub version: Option<Spanned<Date>>,
    pub title: Option<Spanned<CompactStr>>,
    pub extends: Option<Spanned<PolicyRef>>,
    pub default: Option<Spanned<Effect>>,
    pub attributes: Vec<AttributeDecl>,
    pub safeguards: Vec<SafeguardDecl>,
    pub sections: Vec<SectionDecl>,
    pub categories: Vec<CategoryDecl>,
    pub rules: Vec<RuleDecl>,
    /// The range of the file's first key (where file-level `missing-key` goes).
    pub first_key: TextRange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeDecl {
    /// The attribute's key under `attributes:`.
    pub id: Spanned<CompactStr>,
    pub summary: Option<Spanned<CompactStr>>,
    /// Values as text (`true` and `"true"` are the same value).
    pub values: Vec<Spanned<CompactStr>>,
    pub default: Option<Spanned<CompactStr>>,
    pub section: Option<Spanned<CompactStr>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeguardDecl {
    pub id: Spanned<CompactStr>,
    pub summary: Option<Spanned<CompactStr>>,
    pub section: Option<Spanned<CompactStr>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionDecl {
    pub id: Spanned<CompactStr>,
    /// The heading; empty when the section has none.
    pub title: Localized,
    pub url: Option<Spanned<CompactStr>>,
    pub text: Localized,
}

impl SectionDecl {
    /// The heading in `locale` (see [`Localized::get`]), else the section's id.
    pub fn title_in(&self, locale: &str) -> &str {
        self.title.get(locale).unwrap_or(&self.id.value)
    }
}

/// Prose in one or more locales, in the order written: a plain string is stored under `en`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Localized(pub Vec<(String, Spanned<CompactStr>)>);

impl Localized {
    /// The text in `locale` (`zh-CN` falls back to `zh`, case ignored), else in `en`, else in
    /// the first locale written.
    pub fn get(&self, locale: &str) -> Option<&str> {
        self.entry(locale).map(|(_, t)| t.value.as_str())
    }

    /// The locale [`get`](Self::get) takes the text from, with the text.
    pub fn entry(&self, locale: &str) -> Option<&(String, Spanned<CompactStr>)> {
        let language = locale.split(['-', '_']).next().unwrap_or(locale);
        let find = |l: &str| self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(l));
        find(locale)
            .or_else(|| find(language))
            .or_else(|| find("en"))
            .or_else(|| self.0.first())
    }
}

impl std::ops::Deref for Localized {
    type Target = [(String, Spanned<CompactStr>)];

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryDecl {
    /// The dotted category id, as the key under `categories:`.
    pub id: Spanned<CompactStr>,
    pub summary: Option<Spanned<CompactStr>>,
    pub section: Option<Spanned<CompactStr>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhenClause {
    pub attribute: Spanned<CompactStr>,
    pub values: Vec<Spanned<CompactStr>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDecl {
    pub id: Spanned<CompactStr>,
    pub effect: Spanned<Effect>,
    pub categories: Vec<Spanned<CompactStr>>,
    pub safeguards: Vec<Spanned<CompactStr>>,
    pub when: Vec<WhenClause>,
    pub section: Option<Spanned<CompactStr>>,
    pub summary: Option<Spanned<CompactStr>>,
    /// The whole rule map, for code actions that edit it.
    pub range: TextRange,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestDoc {
    /// The `manifest:` value.
    pub id: Option<Spanned<CompactStr>>,
    /// The `policy:` value; `None` means the bundled `anthropic-usage`, newest in effect,
    /// unless `policy_key` is set (a malformed value, already reported).
    pub policy: Option<Spanned<PolicyRef>>,
    /// The `policy` key, when present.
    pub policy_key: Option<TextRange>,
    pub owner: Option<Spanned<CompactStr>>,
    pub use_cases: Vec<UseCaseDecl>,
    /// The `use-cases` key, when present (where a list's insertion point goes).
    pub use_cases_key: Option<TextRange>,
    pub first_key: TextRange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseCaseDecl {
    pub id: Spanned<CompactStr>,
    pub summary: Option<Spanned<CompactStr>>,
    pub categories: Vec<Spanned<CompactStr>>,
    /// `None` when the key is absent (distinct from an empty list, for code actions).
    pub safeguards: Option<Spanned<Vec<Spanned<CompactStr>>>>,
    /// Every other key with a scalar value: attributes of the policy, or `unknown-key` once the
    /// policy is known. Keys are checked for id syntax only.
    pub attributes: Vec<(Spanned<CompactStr>, Spanned<CompactStr>)>,
    /// `expect:`, the verdict the author expects, with the range of its key.
    pub expect: Option<(TextRange, Spanned<Expected>)>,
    /// `expect-owes:`, the safeguards the author expects it to owe, with the range of its key.
    pub expect_owes: Option<(TextRange, Spanned<Vec<Spanned<CompactStr>>>)>,
    /// The use-case fields its map has (`id`, `summary` …), well-formed or not: a typo's
    /// did-you-mean never names one of them, or the fix would write it twice.
    pub fields: Vec<&'static str>,
    /// The whole use-case map.
    pub range: TextRange,
}

/// The value of a use case's `expect:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Allowed,
    Prohibited,
}

impl Expected {
    pub fn as_str(self) -> &'static str {
        match self {
            Expected::Allowed => "allowed",
            Expected::Prohibited => "prohibited",
        }
    }
}

impl UseCaseDecl {
    /// The safeguards the use case declares, as written.
    pub fn declared_safeguards(&self) -> Vec<&str> {
        self.safeguards
            .iter()
            .flat_map(|s| &s.value)
            .map(|s| s.value.as_str())
            .collect()
    }
}
