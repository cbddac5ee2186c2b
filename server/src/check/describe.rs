//! Naming what the analysis speaks of by index: rules, points, verdicts, in the words and
//! places the user wrote.

use crate::analysis::{CatId, Decider, RuleRef};
use crate::diagnostic::{Diagnostic, FileId};
use crate::model::{RuleDecl, SectionDecl};
use crate::resolve::ResolvedPolicy;
use crate::text::TextRange;
use crate::workspace::Workspace;

/// A resolved policy seen from its documents.
pub struct Describe<'a> {
    pub ws: &'a Workspace,
    pub policy: &'a ResolvedPolicy,
}

impl<'a> Describe<'a> {
    pub fn new(ws: &'a Workspace, policy: &'a ResolvedPolicy) -> Self {
        Self { ws, policy }
    }

    /// The declaration of an analysis rule, and the file it is in.
    pub fn rule_decl(&self, rule: RuleRef) -> (FileId, &'a RuleDecl) {
        let origin = self.policy.analysis.model.layers[rule.layer as usize].rules[rule.index as usize].origin;
        let file = self.policy.layer_file(rule.layer);
        let doc = self.ws.file(file).policy().expect("a chain holds policies");
        (file, &doc.rules[origin.rule as usize])
    }

    /// The range of the category an analysis rule stands for, in its rule's `categories`.
    pub fn rule_listing(&self, rule: RuleRef) -> TextRange {
        let origin = self.policy.analysis.model.layers[rule.layer as usize].rules[rule.index as usize].origin;
        let (_, decl) = self.rule_decl(rule);
        decl.categories[origin.listing as usize].range
    }

    /// `` `id` `` of a rule, with its policy when it comes from a base.
    pub fn rule_name(&self, rule: RuleRef) -> String {
        let (file, decl) = self.rule_decl(rule);
        if file == self.policy.file {
            format!("`{}`", decl.id.value)
        } else {
            format!(
                "`{}` (from `{}`)",
                decl.id.value,
                crate::resolve::policy_name(self.ws, file)
            )
        }
    }

    /// Rule names joined for a message, each source rule once.
    pub fn rule_names(&self, rules: &[RuleRef]) -> String {
        let mut names: Vec<String> = Vec::new();
        for &r in rules {
            let name = self.rule_name(r);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names.join(", ")
    }

    /// Adds one related entry per source rule, pointing at its `id`.
    pub fn relate_rules(&self, mut d: Diagnostic, rules: &[RuleRef], what: &str) -> Diagnostic {
        let mut seen: Vec<(FileId, u32)> = Vec::new();
        for &r in rules {
            let (file, decl) = self.rule_decl(r);
            let origin = self.policy.analysis.model.layers[r.layer as usize].rules[r.index as usize].origin;
            if seen.contains(&(file, origin.rule)) {
                continue;
            }
            seen.push((file, origin.rule));
            d = d.with_related(file, decl.id.range, format!("rule `{}` {what}", decl.id.value));
        }
        d
    }

    /// A point as users read it: `` `politics.writing` with audience=consumer, agentic=false ``.
    pub fn point(&self, leaf: CatId, values: &[u32]) -> String {
        let model = &self.policy.analysis.model;
        let mut text = format!("`{}`", model.categories.name(leaf));
        if !values.is_empty() {
            let parts: Vec<String> = model
                .attributes
                .iter()
                .zip(values)
                .map(|(a, &v)| format!("{}={}", a.name, a.values[v as usize]))
                .collect();
            text.push_str(" with ");
            text.push_str(&parts.join(", "));
        }
        text
    }

    /// `rule `a`` or `rules `a`, `b``.
    pub fn rules_phrase(&self, rules: &[RuleRef]) -> String {
        let names = self.rule_names(rules);
        let noun = if names.contains(", ") { "rules" } else { "rule" };
        format!("{noun} {names}")
    }

    /// What decided a verdict, for a message: `rule `x``, or `the default of `p``.
    pub fn decider(&self, decider: &Decider) -> String {
        match decider {
            Decider::Rules(rules) => self.rules_phrase(rules),
            Decider::Default { layer } => {
                let file = self.policy.layer_file(*layer);
                format!("the `default` of `{}`", crate::resolve::policy_name(self.ws, file))
            }
        }
    }

    /// Related information for a decider: the rules' ids, or the `default:` value.
    pub fn relate_decider(&self, d: Diagnostic, decider: &Decider, what: &str) -> Diagnostic {
        match decider {
            Decider::Rules(rules) => self.relate_rules(d, rules, what),
            Decider::Default { layer } => {
                let file = self.policy.layer_file(*layer);
                let doc = self.ws.file(file).policy().expect("a chain holds policies");
                match &doc.default {
                    Some(default) => d.with_related(
                        file,
                        default.range,
                        format!("`default: {}` {what}", default.value.as_str()),
                    ),
                    None => d,
                }
            }
        }
    }

    /// The notice every verdict of a bundled policy carries: Charter's rendering of a
    /// published policy is unofficial, and the policy it links is authoritative. `None` when
    /// no layer of the chain is bundled.
    pub fn unofficial_notice(&self) -> Option<String> {
        let bundled = self.policy.chain.iter().find(|&&f| self.ws.file(f).bundled)?;
        Some(format!(
            "`{}` is Charter's unofficial rendering of a published policy; the official text its sections link is authoritative.",
            crate::resolve::policy_name(self.ws, *bundled)
        ))
    }

    /// The declaration of section `id` in the chain.
    pub fn section(&self, id: &str) -> Option<&'a SectionDecl> {
        let decl = self.policy.scope.sections.decls.get(id)?;
        self.ws.file(decl.file).policy()?.sections.get(decl.index as usize)
    }

    /// The section a category points to: its own `section`, else its nearest ancestor's.
    pub fn category_section(&self, category: &str) -> Option<&'a SectionDecl> {
        let mut name = Some(category);
        while let Some(n) = name {
            let decl = self.policy.scope.categories.decls.get(n)?;
            let doc = self.ws.file(decl.file).policy()?;
            if let Some(section) = &doc.categories[decl.index as usize].section {
                return self.section(&section.value);
            }
            name = n.rsplit_once('.').map(|(parent, _)| parent);
        }
        None
    }

    /// The section a rule points to: its own `section`, else its first category's.
    pub fn rule_section(&self, rule: RuleRef) -> Option<&'a SectionDecl> {
        let (_, decl) = self.rule_decl(rule);
        match &decl.section {
            Some(section) => self.section(&section.value),
            None => self.category_section(&decl.categories.first()?.value),
        }
    }
}

/// A section's text in `locale` (`zh-CN` falls back to `zh`), else in `en`, else any.
pub fn section_text<'s>(section: &'s SectionDecl, locale: &str) -> Option<&'s str> {
    section.text.get(locale)
}
