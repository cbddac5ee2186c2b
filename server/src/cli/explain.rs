//! `charter explain`: the verdict for one category, the rules behind it, the safeguards it
//! owes and the policy's own words.

use std::path::PathBuf;

use clap::Args;

use super::Common;
use super::load::load;
use super::policy::named_policy;
use super::wrap::wrap;
use crate::analysis::{CategoryVerdict, Decider, Outcome};
use crate::check::{Context, Describe, ResolvedUseCase, lifting, lifting_phrase, section_text};
use crate::diagnostic::did_you_mean;
use crate::model::SectionDecl;
use crate::resolve::ResolvedPolicy;

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The category, e.g. `high-risk.legal` (a group category explains each leaf below it).
    category: String,
    /// The policy as `id@version` or `id` (default: the bundled `anthropic-usage`, newest in effect).
    #[arg(long, value_name = "REF")]
    policy: Option<String>,
    /// An attribute value, e.g. `--set audience=business` (repeatable; others take their defaults).
    #[arg(long = "set", value_name = "ATTR=VALUE")]
    set: Vec<String>,
    /// Language of the quoted policy text, e.g. `zh` (falls back to `en`).
    #[arg(long, default_value = "en")]
    locale: String,
    /// Folders or files whose policies to load as well.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    common: Common,
}

pub fn run(args: ExplainArgs) -> Result<u8, String> {
    let loaded = load(&args.paths, &args.common.policy_paths);
    let cx = Context::new(loaded.ws, args.common.today());
    let policy = named_policy(&cx, args.policy.as_deref())?;
    let model = &policy.analysis.model;
    let category = model.categories.find(&args.category).ok_or_else(|| {
        let near = did_you_mean(&args.category, model.categories.names.iter().map(String::as_str));
        let hint = near.map(|n| format!("; did you mean `{n}`?")).unwrap_or_default();
        format!(
            "policy `{}` has no category `{}`{hint}",
            policy.name(&cx.ws),
            args.category
        )
    })?;
    let (values, stated) = parse_values(policy, &args.set)?;
    let verdict = policy.analysis.judge_category(category, &values);
    let describe = Describe::new(&cx.ws, policy);
    let point = ResolvedUseCase {
        categories: Vec::new(),
        values,
        stated,
    };
    print!(
        "{}",
        explanation(&describe, &args.category, &point, &verdict, &args.locale)
    );
    Ok(0)
}

/// Attribute values from `--set`, defaults for the rest; and which were set.
fn parse_values(policy: &ResolvedPolicy, set: &[String]) -> Result<(Vec<u32>, Vec<bool>), String> {
    let model = &policy.analysis.model;
    let mut values: Vec<u32> = model.attributes.iter().map(|a| a.default).collect();
    let mut stated = vec![false; values.len()];
    for assignment in set {
        let (name, value) = assignment
            .split_once('=')
            .ok_or_else(|| format!("`--set {assignment}`: write ATTR=VALUE"))?;
        let a = model.attributes.iter().position(|a| a.name == name).ok_or_else(|| {
            let names: Vec<&str> = model.attributes.iter().map(|a| a.name.as_str()).collect();
            format!(
                "the policy has no attribute `{name}`; its attributes: {}",
                names.join(", ")
            )
        })?;
        let attribute = &model.attributes[a];
        let v = attribute.values.iter().position(|v| v == value).ok_or_else(|| {
            format!(
                "`{value}` is not a value of `{name}`; its values: {}",
                attribute.values.join(", ")
            )
        })?;
        values[a] = v as u32;
        stated[a] = true;
    }
    Ok((values, stated))
}

fn explanation(
    describe: &Describe,
    category: &str,
    at: &ResolvedUseCase,
    verdict: &CategoryVerdict,
    locale: &str,
) -> String {
    let model = &describe.policy.analysis.model;
    let mut out = String::new();
    let point = describe.point(model.categories.find(category).unwrap_or(0), &at.values);
    out.push_str(&format!(
        "{point} under policy `{}`\n",
        describe.policy.name(describe.ws)
    ));
    if let Some(notice) = describe.unofficial_notice() {
        for line in wrap(&format!("Note: {notice}"), 94) {
            out.push_str(&format!("{line}\n"));
        }
    }
    let mut sections: Vec<&SectionDecl> = Vec::new();
    for (leaf, v) in &verdict.leaves {
        let name = model.categories.name(*leaf);
        let word = match v.outcome {
            Outcome::Allow => "allow",
            Outcome::Prohibit => "prohibit",
            Outcome::Ambiguous => "prohibit (ambiguous: a rule conflict)",
        };
        out.push_str(&format!(
            "\n  {name}: {word}\n    decided by {}\n",
            describe.decider(&v.decider)
        ));
        if !v.outcome.is_allowed() {
            let lifted = lifting(describe.policy, at, *leaf);
            if let Some(phrase) = lifting_phrase(describe.policy, at, &lifted) {
                out.push_str(&format!("    {phrase}\n"));
            }
        }
        for (s, rules) in &v.owed {
            out.push_str(&format!(
                "    owes `{}` (rule {})\n",
                model.safeguards[*s as usize],
                describe.rule_names(rules)
            ));
        }
        // The category's own section first: a leaf may name the heading its verdict rests on
        // (2024's forged documents fall under "any illegal activity"), more precisely than
        // the section of the group rule that decides it.
        let section = describe.category_section(name).or_else(|| match &v.decider {
            Decider::Rules(rules) => rules.first().and_then(|&r| describe.rule_section(r)),
            Decider::Default { .. } => None,
        });
        sections.extend(section.filter(|s| !sections.iter().any(|x| x.id == s.id)));
    }
    for section in sections {
        out.push_str(&format!("\n§ {}", section.title_in(locale)));
        if let Some(url) = &section.url {
            out.push_str(&format!(" <{}>", url.value));
        }
        out.push('\n');
        for line in wrap(section_text(section, locale).unwrap_or(""), 92) {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}
