// What a report of a folder must say, worked out without `charter report`: the files are
// found by name, the manifests read with an ordinary YAML parser (npm `yaml`), and each
// category of each use case judged by `charter explain` at the use case's attribute values.
// `charter check --format json` is then compared with the result, so that this reading of the
// verdicts is itself checked against Charter's diagnostics.
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

// Keys of a use case that are not attributes (docs/src/reference/manifest.md).
const USE_CASE_FIELDS = new Set(['id', 'summary', 'categories', 'safeguards', 'expect', 'expect-owes']);

const list = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]).map(String);

/** Policy and manifest files under `folder`, as `charter check` finds them, relative to `root`. */
function charterFiles(root, folder) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(policy|usecases)\.ya?ml$/.test(e.name)) out.push(path.relative(root, p));
    }
  };
  walk(path.resolve(root, folder));
  return out;
}

/** `charter explain` at one point: `null` when Charter does not judge it (an unknown
 *  category or value), else each leaf's outcome and the safeguards it owes. */
function explain(charter, root, folder, policy, category, attributes) {
  const args = ['explain', category];
  if (policy) args.push('--policy', policy);
  for (const [k, v] of Object.entries(attributes)) args.push('--set', `${k}=${v}`);
  args.push(folder);
  const r = spawnSync(charter, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) return null;
  const leaves = [];
  for (const line of r.stdout.split('\n')) {
    const leaf = /^ {2}(\S+): (allow|prohibit)/.exec(line);
    if (leaf) leaves.push({ category: leaf[1], outcome: leaf[2], owes: [] });
    const owes = /^ {4}owes `([^`]+)`/.exec(line);
    if (owes && leaves.length) leaves[leaves.length - 1].owes.push(owes[1]);
  }
  return leaves.length ? leaves : null;
}

/** The verdict of one use case, in the contract's words: `prohibited` when a category is
 *  prohibited (or ambiguous), `owing` when allowed but an owed safeguard is missing from
 *  `safeguards`, `allowed` otherwise, `not-judged` when Charter cannot judge it. A use case
 *  with `expect-owes` is a test of the policy, not a deployment: its owed safeguards are an
 *  expectation, and `charter check` reports none of them missing, so it is not owing. */
function verdictOf(judge, useCase) {
  const attributes = {};
  for (const [k, v] of Object.entries(useCase)) if (!USE_CASE_FIELDS.has(k)) attributes[k] = String(v);
  const categories = list(useCase.categories);
  if (!categories.length) return 'not-judged';
  const owed = new Set();
  let prohibited = false;
  for (const c of categories) {
    const leaves = judge(c, attributes);
    if (!leaves) return 'not-judged';
    for (const l of leaves) {
      if (l.outcome !== 'allow') prohibited = true;
      l.owes.forEach((s) => owed.add(s));
    }
  }
  if (prohibited) return 'prohibited';
  if (useCase['expect-owes'] !== undefined) return 'allowed';
  const declared = new Set(list(useCase.safeguards));
  return [...owed].some((s) => !declared.has(s)) ? 'owing' : 'allowed';
}

/** Everything the report of `folder` (relative to `root`) must show. */
function expectedReport(charter, root, folder) {
  const YAML = require('yaml');
  const files = charterFiles(root, folder);
  const useCases = [];
  const cache = new Map();
  for (const file of files.filter((f) => /\.usecases\.ya?ml$/.test(f))) {
    const doc = YAML.parse(fs.readFileSync(path.join(root, file), 'utf8'));
    const policy = doc && doc.policy ? String(doc.policy) : null;
    const judge = (category, attributes) => {
      const key = JSON.stringify([policy, category, attributes]);
      if (!cache.has(key)) cache.set(key, explain(charter, root, folder, policy, category, attributes));
      return cache.get(key);
    };
    for (const uc of (doc && doc['use-cases']) || []) {
      useCases.push({ manifest: file, id: String(uc.id), verdict: verdictOf(judge, uc) });
    }
  }
  const count = (v) => useCases.filter((u) => u.verdict === v).length;
  return {
    files,
    useCases,
    counts: {
      files: files.length,
      'use-cases': useCases.length,
      allowed: count('allowed'),
      owing: count('owing'),
      prohibited: count('prohibited'),
      'not-judged': count('not-judged'),
    },
  };
}

/** Disagreements between `expected` and `charter check --format json`: every use case that
 *  check calls prohibited or short of a safeguard must be so here, and the other way round
 *  for use cases that are not tests (`expect`, `expect-owes`), which check judges differently. */
function disagreementsWithCheck(charter, root, folder, expected) {
  const r = spawnSync(charter, ['check', '--format', 'json', folder], { cwd: root, encoding: 'utf8' });
  const diagnostics = JSON.parse(r.stdout);
  const named = (code) =>
    new Set(
      diagnostics
        .filter((d) => d.code === code)
        .map((d) => `${d.path}\u0000${/use case `([^`]*)`/.exec(d.message)[1]}`),
    );
  const problems = [];
  const compare = (code, verdict) => {
    const fromCheck = named(code);
    for (const u of expected.useCases) {
      const key = `${u.manifest}\u0000${u.id}`;
      if (fromCheck.has(key) && u.verdict !== verdict) problems.push(`${u.id}: check says ${code}, expected ${u.verdict}`);
    }
    for (const key of fromCheck) {
      if (!expected.useCases.some((u) => `${u.manifest}\u0000${u.id}` === key)) problems.push(`${key}: unknown use case`);
    }
  };
  compare('prohibited-use', 'prohibited');
  compare('missing-safeguard', 'owing');
  return problems;
}

/** What `charter diff OLD NEW folder` lists: the categories whose verdict or owed safeguards
 *  change (`rows`), and the use cases under the folder that change (`manifest\0id`). */
function changes(charter, root, oldRef, newRef, folder) {
  const out = execFileSync(charter, ['diff', oldRef, newRef, folder], { cwd: root, encoding: 'utf8' });
  const rows = new Set();
  const useCases = new Set();
  let part = null;
  for (const line of out.split('\n')) {
    if (/^\S/.test(line)) part = line.replace(/:$/, '');
    else if (part === 'Categories') {
      const m = /^ {2}([a-z0-9.-]+)[ :]/.exec(line);
      if (m) rows.add(m[1]);
    } else if (part === 'Use cases') {
      const m = /^ {2}(.+?): `([^`]*)`: /.exec(line);
      if (m) useCases.add(`${m[1]}\u0000${m[2]}`);
    }
  }
  return { rows, useCases };
}

module.exports = { expectedReport, disagreementsWithCheck, changes, charterFiles };
