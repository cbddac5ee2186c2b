//! Policy documents → a [`ResolvedPolicy`]: the `extends` chain followed, every name a layer
//! declares put in scope, every reference checked, and the analysis [`Model`] built.
//!
//! Each layer sees what it and its bases declare; a base never sees its layers. The reference
//! diagnostics returned are those of the top file only: every file is resolved as the top of
//! its own chain when it is checked.

mod chain;
mod names;
mod rules;

pub use chain::{ChainError, follow_chain, follow_chain_partly, unknown_policy};
pub use names::{Decl, Scope, unknown_reference, unknown_value};

use crate::analysis::{Analysis, Categories, Layer, Model};
use crate::diagnostic::{Diagnostic, FileId};
use crate::model::Date;
use crate::workspace::{Registry, Workspace};

/// A policy with its chain, ready to judge.
#[derive(Debug)]
pub struct ResolvedPolicy {
    /// The policy's own file.
    pub file: FileId,
    /// Its chain, root base first; the last entry is `file`.
    pub chain: Vec<FileId>,
    pub scope: Scope,
    pub analysis: Analysis,
}

impl ResolvedPolicy {
    /// The file of a layer.
    pub fn layer_file(&self, layer: u32) -> FileId {
        self.chain[layer as usize]
    }

    /// `id@version` of the policy.
    pub fn name(&self, ws: &Workspace) -> String {
        policy_name(ws, self.file)
    }
}

/// `id@version` of a policy file, as far as it declares them.
pub fn policy_name(ws: &Workspace, file: FileId) -> String {
    let Some(doc) = ws.file(file).policy() else {
        return String::from("?");
    };
    let id = doc.id.as_ref().map_or("?", |i| i.value.as_str());
    match &doc.version {
        Some(v) => format!("{id}@{}", v.value),
        None => id.to_owned(),
    }
}

/// Resolves the policy in `file` as the top of its chain. The diagnostics are the top file's
/// chain and reference problems; `Err` when the chain itself cannot be followed (its names
/// are then resolved as far as it goes, for their diagnostics). `earlier` is
/// the analysis of an earlier version of the same policy, which the new one's findings start
/// from (an editor re-resolves a policy on every keystroke).
pub fn resolve_policy(
    ws: &Workspace,
    registry: &Registry,
    file: FileId,
    today: Date,
    earlier: Option<&Analysis>,
) -> (Result<ResolvedPolicy, ChainError>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let (chain, errors) = chain::follow_chain_partly(ws, registry, file, today);
    if let Some(error) = errors.first().cloned() {
        for error in &errors {
            diagnostics.extend(error.diagnostic(ws, registry, file));
        }
        // The policy cannot be judged by, but its names are still resolved as far as its
        // chain goes, so that its author sees every unknown name in the same run.
        if chain.last() == Some(&file) {
            let scope = Scope::build(ws, &chain, &mut diagnostics);
            let categories = Categories::from_ids(scope.category_names());
            let doc = ws.file(file).policy().expect("a chain holds policies");
            rules::lower_rules(doc, chain.len() as u32 - 1, &scope, &categories, Some(&mut diagnostics));
        }
        return (Err(error), diagnostics);
    }
    let scope = Scope::build(ws, &chain, &mut diagnostics);
    let categories = Categories::from_ids(scope.category_names());
    let mut model = Model {
        categories,
        attributes: scope.model_attributes(),
        safeguards: scope.safeguard_names(),
        layers: Vec::new(),
    };
    for (layer, &layer_file) in chain.iter().enumerate() {
        let doc = ws.file(layer_file).policy().expect("a chain holds policies");
        let report = (layer_file == file).then_some(&mut diagnostics);
        let rules = rules::lower_rules(doc, layer as u32, &scope, &model.categories, report);
        model.layers.push(Layer {
            rules,
            default: doc.default.as_ref().map(|d| d.value),
        });
    }
    let analysis = match earlier {
        Some(earlier) => Analysis::after(model, earlier),
        None => Analysis::new(model),
    };
    (
        Ok(ResolvedPolicy {
            file,
            chain,
            scope,
            analysis,
        }),
        diagnostics,
    )
}
