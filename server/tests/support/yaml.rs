//! Files more than one test binary writes.

/// A policy whose `prohibit-a` is shadowed by an `allow` on each of `a`'s children: one
/// warning, `shadowed-rule`.
pub const SHADOWED_POLICY: &str = "\
policy: shadow-demo
version: 2025-01-01
categories:
  a:
    summary: A group.
  a.one:
    summary: First child.
  a.two:
    summary: Second child.
rules:
  - id: prohibit-a
    effect: prohibit
    categories: [a]
  - id: allow-one
    effect: allow
    categories: [a.one]
  - id: allow-two
    effect: allow
    categories: [a.two]
";
