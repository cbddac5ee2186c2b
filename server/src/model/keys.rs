//! The keys each map of the two file formats allows (SPEC §1), each with a line on what it
//! holds: lowering checks maps against them, completion offers them with their documentation.

/// Key names with their documentation.
pub type Keys = &'static [(&'static str, &'static str)];

/// The names of `keys`.
pub fn names(keys: Keys) -> Vec<&'static str> {
    keys.iter().map(|(name, _)| *name).collect()
}

/// Whether `key` is one of a use case's own fields rather than an attribute.
pub fn is_use_case_field(key: &str) -> bool {
    USE_CASE.iter().any(|(name, _)| *name == key)
}

pub const POLICY: Keys = &[
    ("policy", "The policy's id, in lowercase kebab-case."),
    (
        "version",
        "The version: an ISO date (`YYYY-MM-DD`), also the day it takes effect.",
    ),
    ("title", "The policy's title (optional)."),
    (
        "extends",
        "The base policy, `id@version`. This policy inherits its declarations and rules and cannot allow what the base prohibits.",
    ),
    (
        "default",
        "`allow` or `prohibit`: the verdict where no rule decides (default: `allow`).",
    ),
    (
        "attributes",
        "Finite-domain facts a use case declares, each with its `values` and `default`.",
    ),
    ("safeguards", "Measures that `require` rules ask of a use case."),
    (
        "sections",
        "The policy's prose, quoted by hover: `title`, `url`, `text`.",
    ),
    (
        "categories",
        "The tree of use categories; a dot separates parent from child (`high-risk.legal`).",
    ),
    (
        "rules",
        "The rules: `id`, `effect` and `categories`; optionally `safeguards`, `when`, `section` and `summary`.",
    ),
];

pub const ATTRIBUTE: Keys = &[
    ("summary", "What the attribute says about a use case."),
    ("values", "The values it can take, as a list."),
    ("default", "The value used when a use case does not say (required)."),
    ("section", "The section hover quotes for this attribute (optional)."),
];

pub const SAFEGUARD: Keys = &[
    ("summary", "What the safeguard asks of a deployment."),
    ("section", "The section hover quotes for this safeguard (optional)."),
];

pub const SECTION: Keys = &[
    (
        "title",
        "The section's heading: a string, or a map of locale to string like `text`.",
    ),
    ("url", "Where the official text is (optional)."),
    (
        "text",
        "The section's text: a string, or a map of locale to string (`en`, `zh`, ...).",
    ),
];

pub const CATEGORY: Keys = &[
    ("summary", "What falls under the category."),
    (
        "section",
        "The section behind the category (optional; a child without one inherits its parent's).",
    ),
];

pub const RULE: Keys = &[
    ("id", "The rule's id, in lowercase kebab-case."),
    ("effect", "`prohibit`, `allow` or `require`."),
    (
        "categories",
        "The categories the rule applies to; a category names itself and its whole subtree.",
    ),
    (
        "safeguards",
        "The safeguards a `require` rule asks for (required for `require`, forbidden otherwise).",
    ),
    (
        "when",
        "Where the rule applies: a value or a list of values per attribute (optional).",
    ),
    (
        "section",
        "The section behind the rule (optional; default: the first category's section).",
    ),
    ("summary", "What the rule says, in one line (optional)."),
];

pub const MANIFEST: Keys = &[
    ("manifest", "The manifest's id, in lowercase kebab-case."),
    (
        "policy",
        "The governing policy, `id@version`; a bare id means its newest version in effect. Default: the bundled `anthropic-usage`.",
    ),
    ("owner", "Who answers for the deployment (optional, free text)."),
    ("use-cases", "What the deployment does: a list of use cases."),
];

/// A use case's own fields; its other keys are attributes of its policy.
pub const USE_CASE: Keys = &[
    ("id", "The use case's id, in lowercase kebab-case."),
    ("summary", "What the use case does."),
    ("categories", "The categories the use case falls under."),
    ("safeguards", "The safeguards the deployment has in place."),
    (
        "expect",
        "The verdict the use case should get, `allowed` or `prohibited` (optional): a test of the policy. When it holds, nothing is reported about the verdict; when not, `unexpected-verdict`.",
    ),
    (
        "expect-owes",
        "The safeguards the use case should owe, when it is allowed (optional): owing other ones is `unexpected-verdict`; these are not reported as `missing-safeguard`.",
    ),
];

/// The values of a use case's `expect`.
pub const EXPECTATIONS: Keys = &[
    ("allowed", "The policy should allow the use case."),
    ("prohibited", "The policy should prohibit the use case."),
];

/// The values of a rule's `effect`.
pub const EFFECTS: Keys = &[
    ("prohibit", "Where the rule applies, the use is prohibited."),
    ("allow", "Where the rule applies, the use is allowed."),
    (
        "require",
        "Where the use is allowed, it owes the rule's `safeguards`; the rule decides no verdict.",
    ),
];

/// The values of a policy's `default`.
pub const DEFAULTS: Keys = &[
    ("allow", "Where no rule decides, the use is allowed."),
    ("prohibit", "Where no rule decides, the use is prohibited."),
];
