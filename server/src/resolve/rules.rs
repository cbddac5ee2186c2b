//! A layer's rule declarations → analysis rules, resolving every reference against what the
//! layer can see. A rule with an unresolved reference stays out of the analysis.

use crate::analysis::{Categories, Rule, RuleOrigin};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Effect, PolicyDoc, RuleDecl};

use super::names::{Scope, unknown_reference, unknown_value};

pub fn lower_rules(
    doc: &PolicyDoc,
    layer: u32,
    scope: &Scope,
    categories: &Categories,
    mut report: Option<&mut Vec<Diagnostic>>,
) -> Vec<Rule> {
    let mut rules = Vec::new();
    for (index, decl) in doc.rules.iter().enumerate() {
        let mut diagnostics = Vec::new();
        let when = resolve_when(decl, layer, scope, &mut diagnostics);
        let safeguards = resolve_safeguards(decl, layer, scope, &mut diagnostics);
        let listed = resolve_categories(decl, layer, scope, categories, &mut diagnostics);
        let sound = diagnostics.is_empty();
        if let Some(report) = report.as_deref_mut() {
            report.extend(diagnostics);
        }
        if !sound {
            continue;
        }
        let (Some(when), Some(safeguards)) = (when, safeguards) else {
            continue;
        };
        // The last listing takes the conditions, the others copies (most rules list one).
        let last = listed.iter().rposition(Option::is_some);
        let mut conditions = Some((when, safeguards));
        for (listing, category) in listed.into_iter().enumerate() {
            let Some(category) = category else { continue };
            let (when, safeguards) = if Some(listing) == last {
                conditions.take().expect("taken once")
            } else {
                conditions.clone().expect("not taken yet")
            };
            rules.push(Rule {
                effect: decl.effect.value,
                category,
                when,
                safeguards,
                origin: RuleOrigin {
                    layer,
                    rule: index as u32,
                    listing: listing as u32,
                },
            });
        }
    }
    rules
}

fn context(decl: &RuleDecl) -> String {
    format!("rule `{}`", decl.id.value)
}

fn resolve_categories(
    decl: &RuleDecl,
    layer: u32,
    scope: &Scope,
    categories: &Categories,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Option<u32>> {
    decl.categories
        .iter()
        .map(|c| {
            if scope.categories.get(&c.value, layer).is_none() {
                let visible = scope.categories.visible(layer);
                diagnostics.push(unknown_reference(
                    Code::UnknownCategory,
                    "category",
                    c,
                    &context(decl),
                    visible,
                ));
                return None;
            }
            categories.find(&c.value)
        })
        .collect()
}

/// Per attribute of the scope: `None` for any value, else the sorted value indices. A list of
/// every value is no condition at all, so it becomes `None` too.
fn resolve_when(
    decl: &RuleDecl,
    layer: u32,
    scope: &Scope,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<Option<Vec<u32>>>> {
    let mut when: Vec<Option<Vec<u32>>> = vec![None; scope.attributes.len()];
    let mut sound = true;
    for clause in &decl.when {
        let Some((a, attribute)) = scope.attribute(&clause.attribute.value, layer) else {
            let visible = scope
                .attributes
                .iter()
                .filter(|a| a.decl.layer <= layer)
                .map(|a| a.name.as_str());
            diagnostics.push(unknown_reference(
                Code::UnknownAttribute,
                "attribute",
                &clause.attribute,
                &context(decl),
                visible,
            ));
            sound = false;
            continue;
        };
        let mut set = Vec::new();
        for value in &clause.values {
            match attribute.values.iter().position(|v| *v == value.value) {
                Some(v) => set.push(v as u32),
                None => {
                    diagnostics.push(unknown_value(&attribute.name, &attribute.values, value, &context(decl)));
                    sound = false;
                }
            }
        }
        set.sort_unstable();
        set.dedup();
        when[a as usize] = (set.len() < attribute.values.len()).then_some(set);
    }
    sound.then_some(when)
}

fn resolve_safeguards(
    decl: &RuleDecl,
    layer: u32,
    scope: &Scope,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<u32>> {
    if decl.effect.value != Effect::Require {
        return Some(Vec::new());
    }
    let mut indices = Vec::new();
    for s in &decl.safeguards {
        match scope.safeguards.get(&s.value, layer) {
            Some(_) => indices.extend(scope.safeguards.index_of(&s.value)),
            None => {
                let visible = scope.safeguards.visible(layer);
                diagnostics.push(unknown_reference(
                    Code::UnknownSafeguard,
                    "safeguard",
                    s,
                    &context(decl),
                    visible,
                ));
            }
        }
    }
    indices.sort_unstable();
    indices.dedup();
    Some(indices)
}
