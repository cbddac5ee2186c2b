//! What else a verdict rests on: the attribute values a use case did not state (their defaults
//! stood in) and the single values that would change the outcome. A newcomer who forgot
//! `audience: business`, or who does not know that `consent: system-owner` lifts a
//! prohibition, reads it in the message instead of in the policy.

use super::manifest::{ResolvedUseCase, verdicts};
use crate::analysis::{CatId, owed_by_all};
use crate::resolve::ResolvedPolicy;

/// One attribute at one value: `` `consent: system-owner` ``.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    pub attribute: u32,
    pub value: u32,
}

impl Setting {
    fn text(self, policy: &ResolvedPolicy) -> String {
        let a = &policy.analysis.model.attributes[self.attribute as usize];
        format!("`{}: {}`", a.name, a.values[self.value as usize])
    }
}

/// The settings, each changing one attribute of the use case, under which every leaf of
/// `category` is allowed.
pub fn lifting(policy: &ResolvedPolicy, uc: &ResolvedUseCase, category: CatId) -> Vec<Setting> {
    alternatives(policy, uc)
        .filter(|s| {
            let values = with(&uc.values, *s);
            policy.analysis.judge_category(category, &values).is_allowed()
        })
        .collect()
}

/// How to read a prohibition that some setting lifts: `` with `consent: system-owner` it
/// would be allowed (`consent` is not stated, so it is `none`) ``.
pub fn lifting_phrase(policy: &ResolvedPolicy, uc: &ResolvedUseCase, settings: &[Setting]) -> Option<String> {
    let first = settings.first()?;
    let options: Vec<String> = settings.iter().map(|s| s.text(policy)).collect();
    let mut phrase = format!("with {} it would be allowed", options.join(" or "));
    if settings.iter().all(|s| s.attribute == first.attribute) && !uc.stated[first.attribute as usize] {
        phrase.push_str(&format!(" ({})", defaulted(policy, uc, first.attribute)));
    }
    Some(phrase)
}

/// For safeguards a use case lacks (`missing`, by index), the unstated attributes whose
/// default makes it owe them: `` `audience` is not stated, so it is `consumer`; with
/// `audience: business` none of them would be owed ``.
pub fn owing_phrase(policy: &ResolvedPolicy, uc: &ResolvedUseCase, missing: &[u32]) -> Option<String> {
    let model = &policy.analysis.model;
    for s in alternatives(policy, uc).filter(|s| !uc.stated[s.attribute as usize]) {
        let values = with(&uc.values, s);
        let under = verdicts(policy, &ResolvedUseCase { values, ..uc.clone() });
        if !under.iter().all(|v| v.is_allowed()) {
            continue;
        }
        let owed: Vec<u32> = owed_by_all(&under).into_iter().map(|(s, _)| s).collect();
        let still: Vec<String> = missing
            .iter()
            .filter(|m| owed.contains(m))
            .map(|&m| format!("`{}`", model.safeguards[m as usize]))
            .collect();
        if still.len() == missing.len() {
            continue;
        }
        let outcome = match still.as_slice() {
            [] if missing.len() == 1 => String::from("it would not be owed"),
            [] => String::from("none of them would be owed"),
            _ => format!("only {} would be", still.join(", ")),
        };
        return Some(format!(
            "{}; with {} {outcome}",
            defaulted(policy, uc, s.attribute),
            s.text(policy)
        ));
    }
    None
}

/// `` `audience` is not stated, so it is `consumer` ``.
fn defaulted(policy: &ResolvedPolicy, uc: &ResolvedUseCase, attribute: u32) -> String {
    let a = &policy.analysis.model.attributes[attribute as usize];
    let value = &a.values[uc.values[attribute as usize] as usize];
    format!("`{}` is not stated, so it is `{value}`", a.name)
}

/// Every setting that changes one attribute of the use case to another of its values.
fn alternatives<'p>(policy: &'p ResolvedPolicy, uc: &'p ResolvedUseCase) -> impl Iterator<Item = Setting> + 'p {
    let attributes = &policy.analysis.model.attributes;
    attributes.iter().enumerate().flat_map(move |(a, attribute)| {
        (0..attribute.values.len() as u32)
            .filter(move |&v| v != uc.values[a])
            .map(move |value| Setting {
                attribute: a as u32,
                value,
            })
    })
}

fn with(values: &[u32], s: Setting) -> Vec<u32> {
    let mut values = values.to_vec();
    values[s.attribute as usize] = s.value;
    values
}
