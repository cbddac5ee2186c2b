//! The policy a command names with `--policy` (or a positional reference), resolved the way a
//! manifest's `policy:` is: `id@version`, a bare `id` (its newest version in effect), or
//! nothing (the bundled `anthropic-usage`, newest in effect).

use crate::check::{Context, DEFAULT_POLICY};
use crate::model::PolicyRef;
use crate::resolve::ResolvedPolicy;
use crate::workspace::Resolved;

/// The resolved policy `reference` names, or a message saying what to do instead.
pub fn named_policy<'c>(cx: &'c Context, reference: Option<&str>) -> Result<&'c ResolvedPolicy, String> {
    let parsed = match reference {
        Some(r) => Some(
            PolicyRef::parse(r)
                .ok_or_else(|| format!("`{r}` is not a policy reference; write `id` or `id@YYYY-MM-DD`"))?,
        ),
        None => None,
    };
    let shown = reference.unwrap_or(DEFAULT_POLICY);
    match cx.resolve_reference(parsed.as_ref()) {
        Resolved::Found(file) => cx.policy(file).ok_or_else(|| {
            format!(
                "policy `{shown}` cannot be used: run `charter check {}` to see why",
                cx.ws.file(file).path
            )
        }),
        Resolved::NotYetInEffect { earliest } => Err(format!(
            "no version of policy `{shown}` is in effect on {}; name one, e.g. `{shown}@{earliest}`, or pass `--today`",
            cx.today
        )),
        _ => Err(format!(
            "no known policy `{shown}`; known: {}. Add the folder that holds its file with `--policy-path DIR`",
            known_policies(cx).join(", ")
        )),
    }
}

/// Every `id@version` the workspace knows, sorted.
pub fn known_policies(cx: &Context) -> Vec<String> {
    let mut known: Vec<String> = cx.registry.references().map(|(id, d, _)| format!("{id}@{d}")).collect();
    known.sort();
    known
}
