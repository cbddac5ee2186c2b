//! Following `extends` from a policy to its root base.

use crate::diagnostic::{Code, Diagnostic, FileId, did_you_mean};
use crate::model::Date;
use crate::workspace::{Registry, Resolved, Workspace};

use super::policy_name;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// `file`'s `extends` names no known policy.
    UnknownBase { file: FileId, resolved: Resolved },
    /// The chain returns to a policy it passed: `files` is the loop.
    Cycle { files: Vec<FileId> },
    /// `file` has no usable `policy` id and `version` (already reported by lowering).
    Incomplete { file: FileId },
}

/// The chain of `file`, root base first.
pub fn follow_chain(ws: &Workspace, registry: &Registry, file: FileId, today: Date) -> Result<Vec<FileId>, ChainError> {
    let (chain, errors) = follow_chain_partly(ws, registry, file, today);
    match errors.into_iter().next() {
        Some(error) => Err(error),
        None => Ok(chain),
    }
}

/// The chain of `file` as far as it can be followed, root base first (`file` last), with what
/// stopped or spoiled it. A policy without a usable id or version is still followed through
/// its `extends`; an `extends` that does not resolve, or a loop, ends the chain there. The
/// chain holds only policy files, so its names can be resolved even when it is broken.
pub fn follow_chain_partly(
    ws: &Workspace,
    registry: &Registry,
    file: FileId,
    today: Date,
) -> (Vec<FileId>, Vec<ChainError>) {
    let mut chain = Vec::new();
    let mut errors = Vec::new();
    let mut current = file;
    loop {
        let Some(doc) = ws.file(current).policy() else {
            errors.push(ChainError::Incomplete { file: current });
            break;
        };
        chain.push(current);
        if doc.id.is_none() || doc.version.is_none() {
            errors.push(ChainError::Incomplete { file: current });
        }
        let Some(extends) = &doc.extends else { break };
        let base = match registry.resolve(&extends.value, today) {
            Resolved::Found(base) => base,
            resolved => {
                errors.push(ChainError::UnknownBase {
                    file: current,
                    resolved,
                });
                break;
            }
        };
        if let Some(at) = chain.iter().position(|&f| f == base) {
            errors.push(ChainError::Cycle {
                files: chain[at..].to_vec(),
            });
            break;
        }
        current = base;
    }
    chain.reverse();
    (chain, errors)
}

impl ChainError {
    /// The diagnostic this error gives in `file`, the policy being checked.
    pub fn diagnostic(&self, ws: &Workspace, registry: &Registry, file: FileId) -> Option<Diagnostic> {
        let doc = ws.file(file).policy()?;
        let extends = doc.extends.as_ref()?;
        let own = policy_name(ws, file);
        match self {
            ChainError::Incomplete { file: broken } if *broken == file => None,
            ChainError::Incomplete { file: broken } => Some(Diagnostic::new(
                Code::UnknownPolicy,
                extends.range,
                format!(
                    "base `{}` of policy `{own}` cannot be used: `{}` lacks a valid `policy` id or `version`; fix that file",
                    extends.value,
                    ws.file(*broken).path
                ),
            )),
            ChainError::UnknownBase { file: broken, resolved } if *broken == file => Some(unknown_policy(
                registry,
                extends.range,
                &extends.value,
                resolved,
                &format!("policy `{own}` extends"),
            )),
            ChainError::UnknownBase { file: broken, .. } => Some(Diagnostic::new(
                Code::UnknownPolicy,
                extends.range,
                format!(
                    "base `{}` of policy `{own}` cannot be used: its own chain names an unknown policy in `{}`; fix that file",
                    extends.value,
                    ws.file(*broken).path
                ),
            )),
            ChainError::Cycle { files } if files.contains(&file) => {
                let names: Vec<String> = files.iter().map(|&f| format!("`{}`", policy_name(ws, f))).collect();
                let mut d = Diagnostic::new(
                    Code::ExtendsCycle,
                    extends.range,
                    format!(
                        "policy `{own}` extends itself through {}; remove one `extends` to break the loop",
                        names.join(" → ")
                    ),
                );
                for &other in files.iter().filter(|&&f| f != file) {
                    if let Some(e) = ws.file(other).policy().and_then(|d| d.extends.as_ref()) {
                        d = d.with_related(
                            other,
                            e.range,
                            format!("`{}` extends `{}`", policy_name(ws, other), e.value),
                        );
                    }
                }
                Some(d)
            }
            ChainError::Cycle { .. } => Some(Diagnostic::new(
                Code::UnknownPolicy,
                extends.range,
                format!(
                    "base `{}` of policy `{own}` cannot be used: its chain of `extends` loops; break the loop there",
                    extends.value
                ),
            )),
        }
    }
}

/// `unknown-policy` for a reference that did not resolve, naming what is known.
pub fn unknown_policy(
    registry: &Registry,
    range: crate::text::TextRange,
    reference: &crate::model::PolicyRef,
    resolved: &Resolved,
    context: &str,
) -> Diagnostic {
    let (message, suggestion) = match resolved {
        Resolved::UnknownVersion { known } => {
            let newest = known.last().map(|d| format!("{}@{d}", reference.id));
            let list: Vec<String> = known.iter().map(ToString::to_string).collect();
            (
                format!(
                    "{context} `{reference}`, but policy `{}` has no version {}; known versions: {}",
                    reference.id,
                    reference.version.map(|v| v.to_string()).unwrap_or_default(),
                    list.join(", ")
                ),
                newest,
            )
        }
        Resolved::NotYetInEffect { earliest } => (
            format!(
                "{context} `{reference}`, but no version of it is in effect yet (the earliest takes effect {earliest}); pin `{}@{earliest}` or set `today`",
                reference.id
            ),
            None,
        ),
        _ => {
            let known: Vec<String> = registry.ids().map(str::to_owned).collect();
            let near =
                did_you_mean(&reference.id, known.iter().map(String::as_str)).map(|id| match reference.version {
                    Some(v) => format!("{id}@{v}"),
                    None => id.to_owned(),
                });
            let hint = match &near {
                Some(n) => format!("; did you mean `{n}`?"),
                None => String::from("; add the policy file to the workspace or fix the name"),
            };
            (
                format!("{context} `{reference}`, which is not a known policy{hint}"),
                near,
            )
        }
    };
    let mut d = Diagnostic::new(Code::UnknownPolicy, range, message);
    if let Some(s) = suggestion {
        d = d.with_fix(
            format!("Replace with `{s}`"),
            vec![crate::diagnostic::Edit { range, new_text: s }],
        );
    }
    d
}
