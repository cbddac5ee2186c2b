//! The policies of the repository's `policies/` folder, compiled into the binary. They are read
//! through `server/policies`, a link to `../policies`, so that the published crate has them too.

/// How bundled files are named: `<bundled>/anthropic-usage/2025-09-15.policy.yaml`.
pub const BUNDLED_PREFIX: &str = "<bundled>/";

const FILES: &[(&str, &str)] = &[
    (
        "anthropic-usage/2024-06-06.policy.yaml",
        include_str!("../../policies/anthropic-usage/2024-06-06.policy.yaml"),
    ),
    (
        "anthropic-usage/2025-09-15.policy.yaml",
        include_str!("../../policies/anthropic-usage/2025-09-15.policy.yaml"),
    ),
];

/// Each bundled policy as (name, text).
pub fn bundled_files() -> impl Iterator<Item = (String, &'static str)> {
    FILES
        .iter()
        .map(|(name, text)| (format!("{BUNDLED_PREFIX}{name}"), *text))
}
