//! Hover: what the id under the cursor is, in markdown. A heading (kind and id), its summary,
//! where it is declared, what it holds (a rule's effect and conditions, an attribute's values,
//! a category's verdict for the use case it is written in) and the policy's own words: the
//! section behind it, quoted in the client's locale when the section has it.

use super::HoverResult;
use super::target::{Declared, Resolver, Target, TargetKind, target_at};
use crate::analysis::{Decider, Outcome, Verdict};
use crate::check::{Context, Describe, resolve_use_case, section_text, summarize};
use crate::diagnostic::FileId;
use crate::model::{PolicyRef, SectionDecl, UseCaseDecl};
use crate::resolve::{ResolvedPolicy, policy_name};
use crate::workspace::Resolved;

/// The hover for the id at byte `offset` of `file`; `locale` is the client's (`zh-CN`).
pub fn hover(cx: &Context, file: FileId, offset: usize, locale: &str) -> Option<HoverResult> {
    let target = target_at(cx, file, offset)?;
    let h = Hover {
        cx,
        file,
        resolver: Resolver::new(cx, file),
        locale,
        target: &target,
    };
    let blocks = match &target.kind {
        TargetKind::Category => h.category(),
        TargetKind::Rule => h.rule(),
        TargetKind::Attribute => h.attribute(),
        TargetKind::Value { attribute } => h.value(attribute),
        TargetKind::Safeguard => h.safeguard(),
        TargetKind::Section => h.section(),
        TargetKind::UseCase => h.use_case(),
        TargetKind::Policy => h.policy(),
    };
    Some(HoverResult {
        range: target.range,
        markdown: blocks.join("\n\n"),
    })
}

struct Hover<'a> {
    cx: &'a Context,
    file: FileId,
    resolver: Resolver<'a>,
    locale: &'a str,
    target: &'a Target,
}

impl<'a> Hover<'a> {
    fn heading(&self) -> String {
        format!("**{}** `{}`", self.target.kind.noun(), self.target.name)
    }

    fn describe(&self) -> Option<Describe<'a>> {
        self.resolver.policy.map(|p| Describe::new(&self.cx.ws, p))
    }

    /// The declaration of the target, or the blocks saying it has none.
    fn declared(&self) -> Result<Declared, Vec<String>> {
        self.resolver
            .lookup(&self.target.kind, &self.target.name)
            .ok_or_else(|| vec![self.heading(), self.undeclared()])
    }

    fn undeclared(&self) -> String {
        let noun = self.target.kind.noun();
        match self.resolver.policy {
            Some(p) => format!(
                "_No {noun} `{}` is declared in `{}`._",
                self.target.name,
                p.name(&self.cx.ws)
            ),
            None => format!("_No {noun} `{}` is declared here._", self.target.name),
        }
    }

    /// "Declared in `p@v`." naming the bundled policy as such.
    fn declared_in(&self, file: FileId) -> String {
        let name = policy_name(&self.cx.ws, file);
        if self.cx.ws.file(file).bundled {
            format!("Declared in the bundled policy `{name}`.")
        } else {
            format!("Declared in `{name}`.")
        }
    }

    fn doc(&self, file: FileId) -> &'a crate::model::PolicyDoc {
        self.cx.ws.file(file).policy().expect("declarations are in policies")
    }

    /// The quoted section: its title (a link to its `url`) and its text in the locale.
    fn quote(&self, section: Option<&SectionDecl>) -> Option<String> {
        let section = section?;
        let title = section.title_in(self.locale);
        let title = match &section.url {
            Some(url) => format!("**§ [{title}]({})**", url.value),
            None => format!("**§ {title}**"),
        };
        let mut out = format!("---\n\n{title}");
        if let Some(text) = section_text(section, self.locale) {
            out.push_str("\n\n");
            let lines: Vec<String> = text
                .trim_end()
                .lines()
                .map(|l| {
                    if l.trim().is_empty() {
                        ">".to_owned()
                    } else {
                        format!("> {l}")
                    }
                })
                .collect();
            out.push_str(&lines.join("\n"));
        }
        Some(out)
    }

    fn section_named(&self, name: Option<&str>) -> Option<&'a SectionDecl> {
        self.describe()?.section(name?)
    }

    fn category(&self) -> Vec<String> {
        let name = &self.target.name;
        let decl = match self.declared() {
            Ok(d) => d,
            Err(blocks) => return blocks,
        };
        let category = &self.doc(decl.file).categories[decl.index as usize];
        let mut blocks = vec![self.heading()];
        blocks.extend(category.summary.as_ref().map(|s| s.value.to_string()));
        let mut place = self.declared_in(decl.file);
        let children: Vec<String> = self
            .resolver
            .names(&TargetKind::Category)
            .into_iter()
            .filter(|c| c.rsplit_once('.').is_some_and(|(parent, _)| parent == name))
            .map(|c| format!("`{c}`"))
            .collect();
        if !children.is_empty() {
            place.push_str(&format!(" Covers {}.", children.join(", ")));
        }
        blocks.push(place);
        if let (Some(describe), Some(uc)) = (self.describe(), self.use_case_listing()) {
            blocks.push(verdict(&describe, uc, name));
            blocks.extend(describe.unofficial_notice().map(|n| format!("_{n}_")));
        }
        blocks.extend(self.quote(self.describe().and_then(|d| d.category_section(name))));
        blocks
    }

    /// The use case whose `categories` the target is in.
    fn use_case_listing(&self) -> Option<&'a UseCaseDecl> {
        let doc = self.cx.ws.file(self.file).manifest()?;
        doc.use_cases
            .iter()
            .find(|uc| uc.categories.iter().any(|c| c.range == self.target.range))
    }

    fn rule(&self) -> Vec<String> {
        let decl = match self.declared() {
            Ok(d) => d,
            Err(blocks) => return blocks,
        };
        let rule = &self.doc(decl.file).rules[decl.index as usize];
        let mut blocks = vec![self.heading()];
        blocks.extend(rule.summary.as_ref().map(|s| s.value.to_string()));
        blocks.push(self.declared_in(decl.file));
        let mut facts = vec![
            format!("- effect: `{}`", rule.effect.value.as_str()),
            format!(
                "- categories: {}",
                code_list(rule.categories.iter().map(|c| c.value.as_str()))
            ),
        ];
        if !rule.when.is_empty() {
            let when: Vec<String> = rule
                .when
                .iter()
                .map(|clause| match clause.values.as_slice() {
                    [one] => format!("`{}` = `{}`", clause.attribute.value, one.value),
                    values => format!(
                        "`{}` ∈ {}",
                        clause.attribute.value,
                        code_list(values.iter().map(|v| v.value.as_str()))
                    ),
                })
                .collect();
            facts.push(format!("- when: {}", when.join("; ")));
        }
        if !rule.safeguards.is_empty() {
            facts.push(format!(
                "- safeguards: {}",
                code_list(rule.safeguards.iter().map(|s| s.value.as_str()))
            ));
        }
        blocks.push(facts.join("\n"));
        let section = match &rule.section {
            Some(s) => self.section_named(Some(&s.value)),
            None => rule
                .categories
                .first()
                .and_then(|c| self.describe()?.category_section(&c.value)),
        };
        blocks.extend(self.quote(section));
        blocks
    }

    fn attribute(&self) -> Vec<String> {
        let decl = match self.declared() {
            Ok(d) => d,
            Err(blocks) => return blocks,
        };
        let attribute = &self.doc(decl.file).attributes[decl.index as usize];
        let mut blocks = vec![self.heading()];
        blocks.extend(attribute.summary.as_ref().map(|s| s.value.to_string()));
        blocks.push(self.declared_in(decl.file));
        let mut facts = vec![self.values_line(decl)];
        let chosen = self.cx.ws.file(self.file).manifest().and_then(|doc| {
            doc.use_cases.iter().find_map(|uc| {
                let (_, value) = uc.attributes.iter().find(|(k, _)| k.range == self.target.range)?;
                Some((uc, value))
            })
        });
        if let Some((uc, value)) = chosen {
            facts.push(format!("- in use case `{}`: `{}`", uc.id.value, value.value));
        }
        blocks.push(facts.join("\n"));
        blocks.extend(self.quote(self.section_named(attribute.section.as_ref().map(|s| s.value.as_str()))));
        blocks
    }

    /// `- values: `a` (default), `b``.
    fn values_line(&self, decl: Declared) -> String {
        let attribute = &self.doc(decl.file).attributes[decl.index as usize];
        let default = attribute.default.as_ref().map(|d| d.value.as_str());
        let values: Vec<String> = attribute
            .values
            .iter()
            .map(|v| {
                if Some(v.value.as_str()) == default {
                    format!("`{}` (default)", v.value)
                } else {
                    format!("`{}`", v.value)
                }
            })
            .collect();
        format!("- values: {}", values.join(", "))
    }

    fn value(&self, attribute: &str) -> Vec<String> {
        let heading = format!("**value** `{}` of attribute `{attribute}`", self.target.name);
        let Some(decl) = self.resolver.lookup(&TargetKind::Attribute, attribute) else {
            return vec![heading, format!("_No attribute `{attribute}` is declared here._")];
        };
        let declaration = &self.doc(decl.file).attributes[decl.index as usize];
        let mut blocks = vec![heading];
        blocks.extend(declaration.summary.as_ref().map(|s| s.value.to_string()));
        if !declaration.values.iter().any(|v| v.value == self.target.name) {
            blocks.push(format!("_`{}` is not a value of `{attribute}`._", self.target.name));
        }
        blocks.push(self.declared_in(decl.file));
        blocks.push(self.values_line(decl));
        blocks.extend(self.quote(self.section_named(declaration.section.as_ref().map(|s| s.value.as_str()))));
        blocks
    }

    fn safeguard(&self) -> Vec<String> {
        let decl = match self.declared() {
            Ok(d) => d,
            Err(blocks) => return blocks,
        };
        let safeguard = &self.doc(decl.file).safeguards[decl.index as usize];
        let mut blocks = vec![self.heading()];
        blocks.extend(safeguard.summary.as_ref().map(|s| s.value.to_string()));
        blocks.push(self.declared_in(decl.file));
        blocks.extend(self.quote(self.section_named(safeguard.section.as_ref().map(|s| s.value.as_str()))));
        blocks
    }

    fn section(&self) -> Vec<String> {
        let decl = match self.declared() {
            Ok(d) => d,
            Err(blocks) => return blocks,
        };
        let section = &self.doc(decl.file).sections[decl.index as usize];
        let mut blocks = vec![self.heading(), self.declared_in(decl.file)];
        blocks.extend(self.quote(Some(section)));
        blocks
    }

    fn use_case(&self) -> Vec<String> {
        let mut blocks = vec![self.heading()];
        let Some(uc) = self
            .cx
            .ws
            .file(self.file)
            .manifest()
            .and_then(|doc| doc.use_cases.iter().find(|uc| uc.id.range == self.target.range))
        else {
            return blocks;
        };
        blocks.extend(uc.summary.as_ref().map(|s| s.value.to_string()));
        let categories = code_list(uc.categories.iter().map(|c| c.value.as_str()));
        blocks.push(format!("- categories: {categories}"));
        if let Some(policy) = self.resolver.policy {
            blocks.push(summary_line(self.cx, policy, uc));
            let notice = Describe::new(&self.cx.ws, policy).unofficial_notice();
            blocks.extend(notice.map(|n| format!("_{n}_")));
        }
        blocks
    }

    fn policy(&self) -> Vec<String> {
        let target = self.target;
        let file = if target.declaration {
            Some(self.file)
        } else {
            let reference = PolicyRef::parse(&target.name);
            match reference.map(|r| self.cx.registry.resolve(&r, self.cx.today)) {
                Some(Resolved::Found(file)) => Some(file),
                _ => None,
            }
        };
        let Some(file) = file else {
            return vec![self.heading(), format!("_`{}` is not a known policy._", target.name)];
        };
        let name = policy_name(&self.cx.ws, file);
        let doc = self.doc(file);
        let mut blocks = vec![format!("**policy** `{name}`")];
        if !target.declaration && !target.name.contains('@') {
            blocks.push(format!(
                "`{}` is its newest version in effect on {}.",
                target.name, self.cx.today
            ));
        }
        blocks.extend(doc.title.as_ref().map(|t| t.value.to_string()));
        let mut facts = Vec::new();
        if let Some(version) = &doc.version {
            let when = if version.value <= self.cx.today {
                "in effect since"
            } else {
                "takes effect on"
            };
            facts.push(format!("- version `{}`, {when} {}", version.value, version.value));
        }
        if let Some(extends) = &doc.extends {
            facts.push(format!("- extends `{}`", extends.value));
        }
        if let Some(default) = &doc.default {
            facts.push(format!("- default: `{}`", default.value.as_str()));
        }
        if self.cx.ws.file(file).bundled {
            facts.push(String::from("- bundled with Charter"));
        } else if file != self.file {
            facts.push(format!("- file `{}`", self.cx.ws.file(file).path));
        }
        if !facts.is_empty() {
            blocks.push(facts.join("\n"));
        }
        blocks
    }
}

/// `` `a`, `b` ``.
fn code_list<'s>(items: impl Iterator<Item = &'s str>) -> String {
    items.map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

/// The verdict on `category` for use case `uc`, with what it owes.
fn verdict(describe: &Describe, uc: &UseCaseDecl, category: &str) -> String {
    let policy = describe.policy;
    let model = &policy.analysis.model;
    let title = format!("**Verdict for use case `{}`**", uc.id.value);
    let Some(resolved) = resolve_use_case(policy, uc, None) else {
        return format!("{title}: not judged, since the use case names an unknown category, attribute or value.");
    };
    let Some(c) = model.categories.find(category) else {
        return format!("{title}: not judged.");
    };
    let verdict = policy.analysis.judge_category(c, &resolved.values);
    let point: Vec<String> = model
        .attributes
        .iter()
        .zip(&resolved.values)
        .map(|(a, &v)| format!("{}={}", a.name, a.values[v as usize]))
        .collect();
    let at = if point.is_empty() {
        String::new()
    } else {
        format!(" ({})", point.join(", "))
    };
    let mut out = format!("{title}{at} under `{}`: ", policy.name(describe.ws));
    if let [(_, leaf)] = verdict.leaves.as_slice() {
        out.push_str(&outcome(describe, leaf));
    } else {
        let prohibited: Vec<String> = verdict
            .prohibited()
            .map(|(l, _)| format!("`{}`", model.categories.name(*l)))
            .collect();
        if prohibited.is_empty() {
            out.push_str("**allowed**");
        } else {
            out.push_str(&format!("**prohibited** at {}", prohibited.join(", ")));
        }
        for (l, v) in &verdict.leaves {
            out.push_str(&format!(
                "\n- `{}`: {}",
                model.categories.name(*l),
                outcome(describe, v)
            ));
        }
    }
    let owed = verdict.owed();
    if !owed.is_empty() {
        let declared = uc.declared_safeguards();
        let names: Vec<String> = owed
            .iter()
            .map(|(s, _)| {
                let name = &model.safeguards[*s as usize];
                let state = if declared.contains(&name.as_str()) {
                    "declared"
                } else {
                    "missing"
                };
                format!("`{name}` ({state})")
            })
            .collect();
        let mut rules: Vec<_> = owed.iter().flat_map(|(_, r)| r.iter().copied()).collect();
        rules.sort();
        rules.dedup();
        out.push_str(&format!(
            "\n\nOwes {}, required by {}.",
            names.join(", "),
            describe.rules_phrase(&rules)
        ));
    }
    out
}

/// One leaf's verdict: `**allowed** by rule `x``.
fn outcome(describe: &Describe, verdict: &Verdict) -> String {
    match (&verdict.outcome, &verdict.decider) {
        (Outcome::Allow, decider) => format!("**allowed** by {}", describe.decider(decider)),
        (Outcome::Prohibit, decider) => format!("**prohibited** by {}", describe.decider(decider)),
        (Outcome::Ambiguous, Decider::Rules(rules)) => format!(
            "**prohibited**: {} conflict (a `rule-conflict`), so the restrictive effect wins",
            describe.rule_names(rules)
        ),
        (Outcome::Ambiguous, decider) => format!("**prohibited** (ambiguous) by {}", describe.decider(decider)),
    }
}

/// A use case's verdict over all its categories.
fn summary_line(cx: &Context, policy: &ResolvedPolicy, uc: &UseCaseDecl) -> String {
    let under = format!("under `{}`", policy.name(&cx.ws));
    match summarize(policy, uc) {
        None => format!("Not judged {under}: it names an unknown category, attribute or value."),
        Some((allowed, owed)) => {
            let word = if allowed { "**allowed**" } else { "**prohibited**" };
            if owed.is_empty() {
                format!("{word} {under}.")
            } else {
                format!("{word} {under}; owes {}.", code_list(owed.iter().map(String::as_str)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::target::tests::{bundled_2025, fixture, slice};

    /// The hover at `$0` in a manifest (governed by the bundled policy unless it says otherwise).
    fn hover_in(files: &[(&str, &str)], locale: &str) -> (String, String) {
        let (cx, file, offset) = fixture(files);
        let h = hover(&cx, file, offset, locale).expect("a hover");
        (slice(&cx, file, h.range).to_owned(), h.markdown)
    }

    fn manifest(use_case: &str) -> String {
        format!("manifest: m\nuse-cases:\n  - id: uc\n    summary: 为小企业主总结合同 😀\n{use_case}")
    }

    fn contains_all(markdown: &str, parts: &[&str]) {
        for part in parts {
            assert!(markdown.contains(part), "missing {part:?} in:\n{markdown}");
        }
    }

    #[test]
    fn category_in_a_use_case_shows_its_verdict_and_the_quoted_section() {
        let text = manifest("    categories: [high-risk.le$0gal]\n    safeguards: [ai-disclosure]\n");
        let (token, md) = hover_in(&[("m.usecases.yaml", &text)], "en");
        assert_eq!(token, "high-risk.legal");
        contains_all(
            &md,
            &[
                "**category** `high-risk.legal`\n\nLegal interpretation, legal guidance or decisions with legal consequences.",
                "Declared in the bundled policy `anthropic-usage@2025-09-15`.",
                "**Verdict for use case `uc`** (audience=consumer, agentic=false, consent=none, chatbot=false, minors=false) under `anthropic-usage@2025-09-15`: **allowed** by the `default` of `anthropic-usage@2025-09-15`",
                "Owes `human-in-the-loop` (missing), `ai-disclosure` (declared), required by rule `high-risk-consumer-safeguards`.",
                "_`anthropic-usage@2025-09-15` is Charter's unofficial rendering of a published policy; the official text its sections link is authoritative._",
                "---\n\n**§ [High-Risk Use Case Requirements](https://www.anthropic.com/legal/aup)**\n\n> Uses in domains vital to public welfare",
            ],
        );
        assert_eq!(
            md.matches("unofficial rendering").count(),
            1,
            "the notice is shown once"
        );
        assert!(!md.contains("法律"));
        // The same in Chinese, for a client in `zh-CN`; the verdict text stays.
        let (_, md) = hover_in(&[("m.usecases.yaml", &text)], "zh-CN");
        contains_all(
            &md,
            &[
                "**§ [高风险使用案例要求]",
                "> 在事关公共福利和社会公平的领域中使用",
                "**allowed**",
            ],
        );
        assert!(!md.contains("Uses in domains vital to public welfare"));
        // An unknown locale falls back to English.
        let (_, md) = hover_in(&[("m.usecases.yaml", &text)], "fr");
        contains_all(
            &md,
            &["**§ [High-Risk Use Case Requirements]", "> Uses in domains vital"],
        );
    }

    #[test]
    fn the_verdict_depends_on_the_use_case() {
        let text = manifest("    categories: [high-risk.legal$0]\n    audience: business\n");
        let (_, md) = hover_in(&[("m.usecases.yaml", &text)], "en");
        contains_all(
            &md,
            &[
                "(audience=business, agentic=false, consent=none, chatbot=false, minors=false)",
                "**allowed**",
            ],
        );
        assert!(!md.contains("Owes"));
        let text = manifest("    categories: [cyber.vulnerability-discovery$0]\n");
        let (_, md) = hover_in(&[("m.usecases.yaml", &text)], "en");
        contains_all(
            &md,
            &[
                "**prohibited** by rule `no-malicious-cyber`",
                "**§ [Do Not Compromise Computer or Network Systems]",
            ],
        );
        let text = manifest("    categories: [cyber.vulnerability-discovery$0]\n    consent: system-owner\n");
        let (_, md) = hover_in(&[("m.usecases.yaml", &text)], "en");
        contains_all(&md, &["**allowed** by rule `consented-vulnerability-discovery`"]);
    }

    #[test]
    fn a_group_category_is_judged_at_each_leaf() {
        let text = manifest("    categories: [cy$0ber]\n");
        let (_, md) = hover_in(&[("m.usecases.yaml", &text)], "en");
        contains_all(
            &md,
            &[
                "Covers `cyber.malware`, `cyber.network-attack`",
                ": **prohibited** at `cyber.denial-of-service`, `cyber.infrastructure-compromise`, `cyber.interception`, \
                 `cyber.malware`, `cyber.mass-compromise`, `cyber.network-attack`, `cyber.persistence`, \
                 `cyber.security-bypass`, `cyber.vulnerability-discovery`\n",
                "\n- `cyber.defense`: **allowed** by rule `defensive-security`\n",
                "\n- `cyber.malware`: **prohibited** by rule `no-malicious-cyber`\n",
            ],
        );
    }

    #[test]
    fn a_use_case_with_unknown_references_is_not_judged() {
        let text = manifest("    categories: [high-risk.legal$0]\n    audience: everyone\n");
        let (_, md) = hover_in(&[("m.usecases.yaml", &text)], "en");
        contains_all(&md, &["not judged", "Legal interpretation"]);
        let text = manifest("    categories: [high-risk.leg$0]\n");
        let (_, md) = hover_in(&[("m.usecases.yaml", &text)], "en");
        assert_eq!(
            md,
            "**category** `high-risk.leg`\n\n_No category `high-risk.leg` is declared in `anthropic-usage@2025-09-15`._"
        );
    }

    #[test]
    fn rule_id_shows_effect_categories_when_and_safeguards() {
        let (cx, _, _) = fixture(&[("m.usecases.yaml", "manifest: m$0\n")]);
        let bundled = bundled_2025(&cx);
        let offset = cx.ws.file(bundled).text.find("id: high-risk-consumer").unwrap() + 8;
        let h = hover(&cx, bundled, offset, "en").unwrap();
        assert_eq!(slice(&cx, bundled, h.range), "high-risk-consumer-safeguards");
        contains_all(
            &h.markdown,
            &[
                "**rule** `high-risk-consumer-safeguards`\n\nConsumer-facing high-risk uses need human review and AI disclosure.",
                "- effect: `require`\n- categories: `high-risk`\n- when: `audience` = `consumer`\n- safeguards: `human-in-the-loop`, `ai-disclosure`",
                "**§ [High-Risk Use Case Requirements]",
            ],
        );
    }

    const POLICY: &str = "policy: acme\nversion: 2025-01-01\ntitle: Acme 助手\nextends: anthropic-usage@2025-09-15\nattributes:\n  tier:\n    summary: The customer's plan.\n    values: [free, paid]\n    default: free\n    section: plans\nsections:\n  plans:\n    title: Plans\n    text:\n      en: Paid plans get more.\n      zh: 付费计划。\ncategories:\n  support:\n    summary: Customer support.\n    section: plans\nrules:\n  - id: paid-support\n    effect: allow\n    categories: [support, cyber.defense]\n    when: { tier: [paid], audience: consumer }\n    section: plans\n";

    #[test]
    fn rule_in_a_layer_with_a_list_of_values_and_its_own_section() {
        let text = POLICY.replace("id: paid-support", "id: paid-$0support");
        let (token, md) = hover_in(&[("acme.policy.yaml", &text)], "zh");
        assert_eq!(token, "paid-support");
        contains_all(
            &md,
            &[
                "Declared in `acme@2025-01-01`.",
                "- effect: `allow`\n- categories: `support`, `cyber.defense`\n- when: `tier` = `paid`; `audience` = `consumer`",
                "**§ Plans**\n\n> 付费计划。",
            ],
        );
        assert!(!md.contains("safeguards"));
    }

    #[test]
    fn attribute_key_in_a_use_case_shows_values_default_and_choice() {
        let manifest = "manifest: m\npolicy: acme\nuse-cases:\n  - id: uc\n    summary: 中文\n    categories: [support]\n    ti$0er: paid\n";
        let (token, md) = hover_in(&[("acme.policy.yaml", POLICY), ("m.usecases.yaml", manifest)], "en");
        assert_eq!(token, "tier");
        contains_all(
            &md,
            &[
                "**attribute** `tier`\n\nThe customer's plan.",
                "Declared in `acme@2025-01-01`.",
                "- values: `free` (default), `paid`\n- in use case `uc`: `paid`",
                "**§ Plans**\n\n> Paid plans get more.",
            ],
        );
    }

    #[test]
    fn value_shows_its_attribute() {
        let manifest = "manifest: m\nuse-cases:\n  - id: uc\n    categories: [cyber.defense]\n    agentic: tr$0ue\n";
        let (token, md) = hover_in(&[("m.usecases.yaml", manifest)], "en");
        assert_eq!(token, "true");
        contains_all(
            &md,
            &[
                "**value** `true` of attribute `agentic`\n\nWhether the model acts on its own",
                "- values: `true`, `false` (default)",
                "**§ [Using Agents According to Our Usage Policy]",
            ],
        );
        let text = POLICY.replace("tier: [paid]", "tier: [pa$0id]");
        let (token, md) = hover_in(&[("acme.policy.yaml", &text)], "en");
        assert_eq!(token, "paid");
        contains_all(
            &md,
            &[
                "**value** `paid` of attribute `tier`",
                "- values: `free` (default), `paid`",
            ],
        );
    }

    #[test]
    fn safeguard_and_section_references() {
        let manifest = manifest("    categories: [high-risk.legal]\n    safeguards: [human-in-the-lo$0op]\n");
        let (token, md) = hover_in(&[("m.usecases.yaml", &manifest)], "en");
        assert_eq!(token, "human-in-the-loop");
        assert_eq!(
            md,
            "**safeguard** `human-in-the-loop`\n\nA qualified professional in the field reviews the advice, \
             recommendation or decision before it is released or finalised.\n\nDeclared in the bundled policy \
             `anthropic-usage@2025-09-15`.\n\n---\n\n**§ [High-Risk Use Case \
             Requirements](https://www.anthropic.com/legal/aup)**\n\n> Uses in domains vital to public \
             welfare and social equity carry more risk: legal, healthcare (wellness advice such as sleep, \
             stress, nutrition or exercise excluded), insurance, finance, employment and housing, academic \
             testing, accreditation and admissions, and media or journalistic content published \
             automatically. When such a use is consumer-facing, a qualified professional must review advice, \
             recommendations and decisions that affect individuals before they are released, and people must \
             be told that AI helped produce them, at least at the start of each session. The 2025 update \
             made clear that these requirements apply to consumer-facing output, not to business-to-business \
             interactions."
        );
        let text = POLICY.replace("    section: plans\nsections", "    section: pl$0ans\nsections");
        let (token, md) = hover_in(&[("acme.policy.yaml", &text)], "zh-TW");
        assert_eq!(token, "plans");
        assert_eq!(
            md,
            "**section** `plans`\n\nDeclared in `acme@2025-01-01`.\n\n---\n\n**§ Plans**\n\n> 付费计划。"
        );
    }

    #[test]
    fn policy_references() {
        let manifest = "manifest: m\npolicy: ac$0me\nuse-cases: []\n";
        let (token, md) = hover_in(&[("acme.policy.yaml", POLICY), ("m.usecases.yaml", manifest)], "en");
        assert_eq!(token, "acme");
        contains_all(
            &md,
            &[
                "**policy** `acme@2025-01-01`",
                "`acme` is its newest version in effect on 2025-10-01.",
                "Acme 助手",
                "- version `2025-01-01`, in effect since 2025-01-01\n- extends `anthropic-usage@2025-09-15`\n- file `acme.policy.yaml`",
            ],
        );
        let text = POLICY.replace("extends: anthropic-usage@", "extends: anthropic-$0usage@");
        let (token, md) = hover_in(&[("acme.policy.yaml", &text)], "en");
        assert_eq!(token, "anthropic-usage@2025-09-15");
        contains_all(
            &md,
            &[
                "**policy** `anthropic-usage@2025-09-15`\n\nAnthropic Usage Policy, in effect from 15 September 2025",
                "- default: `allow`\n- bundled with Charter",
            ],
        );
        let manifest = "manifest: m\npolicy: nope$0@2025-01-01\n";
        let (_, md) = hover_in(&[("m.usecases.yaml", manifest)], "en");
        assert_eq!(
            md,
            "**policy** `nope@2025-01-01`\n\n_`nope@2025-01-01` is not a known policy._"
        );
    }

    #[test]
    fn use_case_id_shows_its_overall_verdict() {
        let text = "manifest: m\nuse-cases:\n  - id: u$0c\n    summary: 中文摘要\n    categories: [high-risk.legal, politics.writing]\n";
        let (token, md) = hover_in(&[("m.usecases.yaml", text)], "en");
        assert_eq!(token, "uc");
        assert_eq!(
            md,
            "**use case** `uc`\n\n中文摘要\n\n- categories: `high-risk.legal`, `politics.writing`\n\n**allowed** under `anthropic-usage@2025-09-15`; owes `human-in-the-loop`, `ai-disclosure`.\n\n\
             _`anthropic-usage@2025-09-15` is Charter's unofficial rendering of a published policy; \
             the official text its sections link is authoritative._"
        );
    }

    #[test]
    fn nothing_off_ids() {
        let (cx, file, offset) = fixture(&[(
            "m.usecases.yaml",
            "manifest: m\nuse-cases:\n  - id: uc\n    summary: 中$0文\n",
        )]);
        assert_eq!(hover(&cx, file, offset, "en"), None);
    }
}
