// Opens the HTML pages `charter report` wrote in Debian's headless Chromium (driven by
// playwright-core) and checks them as a reader and as the test contract at the top of the
// report's template describe them: the summary counts, the use cases' verdicts, known cells of
// the bundled policy's matrix, the changes against the 2024 version, that nothing is fetched
// and nothing logged as an error, an axe-core scan, the keyboard, print (also with JavaScript
// off), and hostile text.
// Started by run.sh, which sets the environment below.
//
//   NODE_PATH   the node_modules of tests/lib/package-lock.json (playwright-core, axe-core, yaml)
//   CHARTER     the charter binary that wrote the reports (the expected values come from it:
//               `charter explain`, `check`, `diff`)
//   ROOT        the repository, which `charter report` ran in (paths in the page are relative to it)
//   REPORTS     the folder of examples.html, against.html and hostile.html
//   ARTIFACTS   where the screenshot and the console log go
//   HOSTILE     the hostile folder, relative to ROOT
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { env, chromiumOptions, checks } = require('../lib/browser.js');
const { expectedReport, disagreementsWithCheck, changes } = require('./expected.js');

const charter = env('CHARTER');
const root = env('ROOT');
const reports = env('REPORTS');
const artifacts = env('ARTIFACTS');
const hostileFolder = env('HOSTILE');
const axePath = require.resolve('axe-core/axe.min.js');

const BUNDLED = 'anthropic-usage@2025-09-15';
const OLD = 'anthropic-usage@2024-06-06';
// Every attribute of the bundled policy at its default (policies/anthropic-usage/2025-09-15.policy.yaml).
const DEFAULTS = { audience: 'consumer', agentic: 'false', consent: 'none', chatbot: 'false', minors: 'false' };

const { check, run } = checks('report');
const show = (x) => JSON.stringify(x);
const consoleLog = [];

/** Opens a report with every request watched: the page itself may load, nothing else. */
async function open(context, file, label) {
  const url = `file://${path.join(reports, file)}`;
  const page = await context.newPage();
  const seen = { requests: [], errors: [], dialogs: [] };
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url || u.startsWith('data:')) return route.continue();
    if (!seen.requests.includes(u)) seen.requests.push(u);
    return route.abort();
  });
  page.on('request', (r) => {
    const u = r.url();
    if (u !== url && !u.startsWith('data:') && !seen.requests.includes(u)) seen.requests.push(u);
  });
  page.on('console', (m) => {
    consoleLog.push(`[${label}] ${m.type()}: ${m.text()}`);
    if (m.type() === 'error') seen.errors.push(m.text());
  });
  page.on('pageerror', (e) => {
    consoleLog.push(`[${label}] pageerror: ${e.message}`);
    seen.errors.push(e.message);
  });
  page.on('dialog', (d) => {
    seen.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(300); // anything the page's own script would fetch after load
  return { page, seen };
}

function checkQuiet(label, seen) {
  check(`${label}: no request leaves the page`, seen.requests.length === 0, seen.requests.join('\n'));
  check(`${label}: no console error or page error`, seen.errors.length === 0, seen.errors.join('\n'));
  check(`${label}: no dialog opens`, seen.dialogs.length === 0, seen.dialogs.join('\n'));
}

async function checkSkeleton(label, page) {
  const s = await page.evaluate(() => ({
    lang: document.documentElement.getAttribute('lang'),
    title: document.title,
    external: [...document.querySelectorAll('[src], link[href], object[data]')].map((e) => e.outerHTML.slice(0, 120)),
  }));
  check(`${label}: <html lang> is set and <title> starts with "Charter report"`, !!s.lang && s.title.startsWith('Charter report'), show(s));
  check(`${label}: self-contained (no element loads a file: no src, no <link href>)`, s.external.length === 0, s.external.join('\n'));
}

/** The summary counts and each use case's verdict, against `expected`. */
async function checkSummary(label, page, expected) {
  const counts = await page.evaluate((names) => {
    const out = {};
    for (const n of names) {
      const els = document.querySelectorAll(`#summary [data-count="${n}"]`);
      out[n] = els.length === 1 ? els[0].textContent.trim() : `${els.length} elements`;
    }
    return out;
  }, Object.keys(expected.counts));
  for (const [name, want] of Object.entries(expected.counts)) {
    check(`${label}: #summary [data-count=${name}] is ${want}`, counts[name] === String(want), `page: ${show(counts[name])}`);
  }
  const judged = await page.evaluate(() => {
    const t = document.querySelector('time#judged-on');
    return t && { datetime: t.getAttribute('datetime'), text: t.textContent.trim() };
  });
  check(
    `${label}: <time id=judged-on> carries an ISO date and shows it`,
    !!judged && /^\d{4}-\d{2}-\d{2}$/.test(judged.datetime) && judged.text.length > 0,
    show(judged),
  );
  const onPage = await page.evaluate(() =>
    [...document.querySelectorAll('.use-case')].map((e) => ({
      manifest: e.getAttribute('data-manifest'),
      id: e.getAttribute('data-use-case'),
      verdict: e.getAttribute('data-verdict'),
    })),
  );
  check(`${label}: one .use-case per use case (${expected.useCases.length})`, onPage.length === expected.useCases.length, `page has ${onPage.length}`);
  const wrong = [];
  for (const u of expected.useCases) {
    const found = onPage.filter((p) => p.id === u.id && p.manifest && path.normalize(p.manifest) === path.normalize(u.manifest));
    if (found.length !== 1) wrong.push(`${u.manifest} ${show(u.id)}: ${found.length} elements`);
    else if (found[0].verdict !== u.verdict) wrong.push(`${u.manifest} ${show(u.id)}: page ${found[0].verdict}, expected ${u.verdict}`);
  }
  check(`${label}: every use case has its data-manifest, exact data-use-case and the right data-verdict`, wrong.length === 0, wrong.join('\n'));
}

/** The cells of a matrix's row whose column stands for `point` (attributes a column does
 *  not name, or names as `*`, match any value). */
async function cellsAt(page, policy, category, point) {
  return page.evaluate(
    ({ policy, category, point }) => {
      // A policy's matrix may be split into several tables (one per group of categories),
      // each with the columns its rows need.
      const tables = document.querySelectorAll(`table.matrix[data-policy="${policy}"]`);
      if (!tables.length) return { error: `no table.matrix[data-policy="${policy}"]` };
      const rows = [...tables].flatMap((t) => [...t.querySelectorAll(`tr[data-category="${category}"]`)]);
      if (rows.length !== 1) return { error: `${rows.length} rows tr[data-category="${category}"]` };
      const row = rows[0];
      const table = row.closest('table');
      // The cells' columns are the headers carrying data-when, in document order.
      const columns = [...table.querySelectorAll('th[scope="col"][data-when]')];
      const matches = (when) =>
        when
          .split(';')
          .filter(Boolean)
          .every((pair) => {
            const [attr, value] = pair.split('=');
            return value === '*' || point[attr] === undefined || value.split(/[,|]/).includes(point[attr]);
          });
      const cells = [...row.querySelectorAll('td')];
      const out = [];
      columns.forEach((th, i) => {
        if (!matches(th.getAttribute('data-when'))) return;
        const td = cells[i];
        if (!td) return;
        const described = (td.getAttribute('aria-describedby') || '')
          .split(/\s+/)
          .filter(Boolean)
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ');
        const titles = [td, ...td.querySelectorAll('[title], [aria-label]')]
          .map((e) => `${e.getAttribute('title') ?? ''} ${e.getAttribute('aria-label') ?? ''}`)
          .join(' ');
        out.push({
          when: th.getAttribute('data-when'),
          verdict: td.getAttribute('data-verdict'),
          rule: td.getAttribute('data-rule') || '',
          changed: td.getAttribute('data-changed') === 'true',
          // textContent: a collapsed group's cells are not rendered, so they have no innerText.
          text: td.textContent.trim(),
          explained: `${titles} ${described}`.replace(/\s+/g, ' ').trim(),
        });
      });
      return { cells: out, columns: columns.length, inRow: cells.length };
    },
    { policy, category, point },
  );
}

async function checkCell(label, page, category, point, want) {
  const r = await cellsAt(page, BUNDLED, category, point);
  const where = `${category} at ${Object.entries(point).map(([k, v]) => `${k}=${v}`).join(', ')}`;
  if (r.error || r.cells.length === 0) {
    check(`${label}: ${where} is ${want.verdict}`, false, r.error || `no column matches the point (${r.columns} columns)`);
    return null;
  }
  const bad = r.cells.filter(
    (c) =>
      c.verdict !== want.verdict ||
      !want.rule.includes(c.rule) ||
      !c.text ||
      !want.explains.every((w) => c.explained.includes(w)) ||
      (want.notExplains || []).some((w) => c.explained.includes(w)),
  );
  check(
    `${label}: ${where} is ${want.verdict}${want.rule[0] ? ` by ${want.rule[0]}` : ''}, shows a symbol, and its title/description names ${want.explains.join(', ') || 'its rule'}`,
    bad.length === 0,
    show(r.cells),
  );
  return r.cells[0];
}

/** Three points of the bundled policy whose verdicts SPEC and the policy's text fix. */
async function checkKnownCells(label, page) {
  const cells = {};
  cells.malware = await checkCell(label, page, 'cyber.malware', { audience: 'business', agentic: 'true', consent: 'system-owner', chatbot: 'true', minors: 'true' }, {
    verdict: 'prohibit',
    rule: ['no-malicious-cyber'],
    explains: ['no-malicious-cyber'],
  });
  cells.legalConsumer = await checkCell(label, page, 'high-risk.legal', { ...DEFAULTS, audience: 'consumer' }, {
    verdict: 'allow-owing',
    // Allowed by the policy's default; the owing comes from a `require` rule.
    rule: ['', 'high-risk-consumer-safeguards'],
    explains: ['human-in-the-loop', 'ai-disclosure'],
  });
  cells.legalBusiness = await checkCell(label, page, 'high-risk.legal', { ...DEFAULTS, audience: 'business' }, {
    verdict: 'allow',
    rule: [''],
    explains: [],
    notExplains: ['human-in-the-loop'],
  });
  // The one attribute a cyber leaf's verdict turns on.
  await checkCell(label, page, 'cyber.vulnerability-discovery', { ...DEFAULTS, consent: 'system-owner' }, {
    verdict: 'allow',
    rule: ['consented-vulnerability-discovery'],
    explains: ['consented-vulnerability-discovery'],
  });
  await checkCell(label, page, 'cyber.vulnerability-discovery', { ...DEFAULTS, consent: 'none' }, {
    verdict: 'prohibit',
    rule: ['no-malicious-cyber'],
    explains: ['no-malicious-cyber'],
  });
  return cells;
}

/** A symbol with each colour: every verdict has text of its own in its cells. */
async function checkSymbols(label, page) {
  const symbols = await page.evaluate(() => {
    const out = {};
    for (const td of document.querySelectorAll('table.matrix td[data-verdict]')) {
      const v = td.getAttribute('data-verdict');
      (out[v] ||= new Set()).add(td.textContent.trim());
    }
    return Object.fromEntries(Object.entries(out).map(([k, s]) => [k, [...s]]));
  });
  const verdicts = Object.keys(symbols);
  const shared = [];
  for (const a of verdicts) {
    if (symbols[a].some((t) => t === '')) shared.push(`${a}: a cell without text`);
    for (const b of verdicts) if (a < b && symbols[a].some((t) => symbols[b].includes(t))) shared.push(`${a} and ${b}`);
  }
  check(`${label}: no colour-only meaning: each verdict's cells carry text no other verdict's cells do`, verdicts.length >= 3 && shared.length === 0, `${show(symbols)} ${shared.join('; ')}`);
}

/** Keyboard: Tab (opening a collapsed group with Enter on the way) reaches a cell of a
 *  matrix, which exposes its rule, and the keyboard moves on to another cell. */
async function checkKeyboard(label, page) {
  await page.evaluate(() => document.activeElement?.blur());
  let cell = null;
  const trail = [];
  for (let i = 0; i < 400 && !cell; i += 1) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => {
      const a = document.activeElement;
      const td = a?.closest('table.matrix td[data-verdict]');
      const details = a?.tagName === 'SUMMARY' ? a.parentElement : null;
      return {
        tag: a?.tagName,
        text: (a?.innerText || '').slice(0, 30),
        inMatrix: !!td,
        closedGroup: !!details && !details.open && !!details.querySelector('table.matrix, tr[data-category]'),
      };
    });
    trail.push(`${at.tag}:${at.text}`);
    if (at.inMatrix) cell = at;
    else if (at.closedGroup) await page.keyboard.press('Enter');
  }
  check(`${label}: Tab reaches a cell of a matrix`, !!cell, trail.slice(-15).join(' | '));
  if (!cell) return;
  const focused = () =>
    page.evaluate(() => {
      const a = document.activeElement;
      const td = a.closest('td[data-verdict]');
      const described = (a.getAttribute('aria-describedby') || td.getAttribute('aria-describedby') || '')
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ');
      const rect = td.getBoundingClientRect();
      return {
        key: `${td.closest('tr').getAttribute('data-category')}#${[...td.parentElement.children].indexOf(td)}`,
        rule: td.getAttribute('data-rule') || '',
        verdict: td.getAttribute('data-verdict'),
        explained: `${a.getAttribute('title') || ''} ${td.getAttribute('title') || ''} ${a.getAttribute('aria-label') || ''} ${described}`,
        visible: rect.width > 0 && rect.height > 0,
        outline: getComputedStyle(a).outlineStyle !== 'none' || getComputedStyle(a).boxShadow !== 'none',
      };
    });
  const first = await focused();
  check(
    `${label}: the focused cell (${first.key}) shows it has focus and exposes its verdict's rule (${first.rule || 'the default'})`,
    first.visible && first.outline && first.explained.trim().length > 0 && (!first.rule || first.explained.includes(first.rule)),
    show(first),
  );
  // A table of one column has no cell to the right: then down, or (without arrow keys) Tab.
  let next = null;
  let how = '';
  for (const key of ['ArrowRight', 'ArrowDown', 'Tab']) {
    how = key;
    await page.keyboard.press(key);
    next = await focused().catch(() => null);
    if (next && next.key !== first.key) break;
  }
  check(`${label}: the keyboard moves from that cell to another (${how})`, !!next && next.key !== first.key, show(next));
}

/** Print: every row of the bundled matrix is laid out, collapsed groups expanded, symbols kept. */
async function checkPrint(label, page) {
  // From every group collapsed, as a big report starts.
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = false)));
  await page.emulateMedia({ media: 'print' });
  // What the browser does before it prints, for a page that opens its groups in script.
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  const r = await page.evaluate((policy) => {
    const rows = [...document.querySelectorAll(`table.matrix[data-policy="${policy}"] tr[data-category]`)];
    const hidden = rows.filter((tr) => !tr.checkVisibility() || tr.getBoundingClientRect().height === 0);
    const cells = document.querySelectorAll(`table.matrix[data-policy="${policy}"] td[data-verdict]`);
    const blank = [...cells].filter((td) => !td.innerText.trim());
    return { rows: rows.length, hidden: hidden.slice(0, 10).map((tr) => tr.getAttribute('data-category')), hiddenCount: hidden.length, blank: blank.length };
  }, BUNDLED);
  check(`${label}: in print every row of ${BUNDLED}'s matrix is shown (${r.rows} rows, every group collapsed before) with its symbols`, r.rows > 0 && r.hiddenCount === 0 && r.blank === 0, show(r));
  await page.emulateMedia({ media: 'screen' });
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
}

/** With JavaScript off (a mail client, a locked-down viewer) the page still says everything,
 *  and printing shows every row through the print stylesheet alone. */
async function checkNoScript(browser, expected) {
  const label = 'examples, JavaScript off';
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  try {
    const { page, seen } = await open(context, 'examples.html', 'no-js');
    await checkSummary(label, page, expected);
    // Every group collapsed, as a big report starts: only the print stylesheet can open them.
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = false)));
    await page.emulateMedia({ media: 'print' });
    const r = await page.evaluate((policy) => {
      const rows = [...document.querySelectorAll(`table.matrix[data-policy="${policy}"] tr[data-category]`)];
      const useCases = [...document.querySelectorAll('.use-case')];
      const hidden = (e) => !e.checkVisibility() || e.getBoundingClientRect().height === 0;
      return { rows: rows.length, hiddenRows: rows.filter(hidden).length, useCases: useCases.length, hiddenUseCases: useCases.filter(hidden).length };
    }, BUNDLED);
    check(`${label}: in print every use case and every row of ${BUNDLED}'s matrix is shown, though every group was collapsed`, r.rows > 0 && r.hiddenRows === 0 && r.hiddenUseCases === 0, show(r));
    checkQuiet(label, seen);
  } finally {
    await context.close();
  }
}

/** axe-core: no serious or critical violation, as loaded and with every group opened. */
async function checkAxe(browser, file, label) {
  // axe is injected as a script, which a strict Content-Security-Policy of the page would
  // block: this context alone bypasses CSP (the other pages keep it, so a violation by the
  // page's own script still shows as a console error there).
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  try {
    const { page } = await open(context, file, `${label}/axe`);
    await page.addScriptTag({ path: axePath });
    for (const state of ['as loaded', 'every group open']) {
      if (state === 'every group open') await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      const violations = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      });
      const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      for (const v of violations.filter((x) => !bad.includes(x))) console.log(`     axe (${v.impact}, not failing): ${v.id}: ${v.help} (${v.nodes} nodes)`);
      check(
        `${label}: axe-core finds no serious or critical violation (${state})`,
        bad.length === 0,
        bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes} nodes, e.g. ${v.targets.join(' ; ')})`).join('\n'),
      );
    }
  } finally {
    await context.close();
  }
}

/** --against: a count at the top equal to the highlighted elements, and the changes of
 *  `charter diff OLD NEW` (and only those) highlighted in the bundled matrix. */
async function checkAgainst(page, plainCells) {
  const label = `against ${OLD}`;
  const r = await page.evaluate((policy) => {
    const counter = document.querySelector('#changes[data-count="changes"], #changes [data-count="changes"]');
    const changed = [...document.querySelectorAll('[data-changed="true"]')];
    const rows = [...document.querySelectorAll(`table.matrix[data-policy="${policy}"] tr[data-category]`)];
    return {
      count: counter ? counter.textContent.trim() : null,
      changed: changed.length,
      changedRows: rows.filter((tr) => tr.querySelector('[data-changed="true"]')).map((tr) => tr.getAttribute('data-category')),
      rows: rows.length,
    };
  }, BUNDLED);
  check(`${label}: #changes [data-count=changes] is a number > 0`, /^\d+$/.test(r.count ?? '') && Number(r.count) > 0, show(r.count));
  check(`${label}: the changes count (${r.count}) equals the [data-changed=true] elements (${r.changed})`, Number(r.count) === r.changed);
  const diff = changes(charter, root, OLD, BUNDLED, 'examples');
  const fromDiff = diff.rows;
  const missing = [...fromDiff].filter((c) => !r.changedRows.includes(c));
  const extra = r.changedRows.filter((c) => !fromDiff.has(c));
  check(
    `${label}: the rows of ${BUNDLED}'s matrix with a change are exactly those \`charter diff\` lists (${fromDiff.size})`,
    r.rows > 0 && missing.length === 0 && extra.length === 0,
    `not highlighted: ${missing.join(', ') || '-'}; highlighted but unchanged: ${extra.join(', ') || '-'}`,
  );
  // A manifest still pinned to 2024-06-06 shows what moving to 2025-09-15 changes.
  const useCases = await page.evaluate(() =>
    [...document.querySelectorAll('.use-case[data-changed="true"]')].map((e) => ({
      key: `${e.getAttribute('data-manifest')}\u0000${e.getAttribute('data-use-case')}`,
      text: e.textContent,
    })),
  );
  const keys = useCases.map((u) => u.key);
  check(
    `${label}: the use cases marked changed are those \`charter diff\` lists (${[...diff.useCases].map((k) => k.split('\u0000')[1]).join(', ')}), each with a visible Δ`,
    diff.useCases.size > 0 && keys.length === diff.useCases.size && [...diff.useCases].every((k) => keys.includes(k)) && useCases.every((u) => u.text.includes('Δ')),
    show(keys),
  );
  // politics.writing was prohibited in 2024 and is allowed in 2025: its cell says so in text.
  const writing = await cellsAt(page, BUNDLED, 'politics.writing', DEFAULTS);
  const cell = writing.cells?.[0];
  check(
    `${label}: politics.writing (prohibit in 2024, allow now) is marked changed, with visible text the plain report's cell has not`,
    !!cell && cell.changed && cell.verdict === 'allow' && !!plainCells.writing && cell.text !== plainCells.writing.text && cell.text.length > plainCells.writing.text.length,
    `${show(cell)} plain: ${show(plainCells.writing)}`,
  );
  const business = await cellsAt(page, BUNDLED, 'high-risk.legal', { ...DEFAULTS, audience: 'business' });
  const malware = await cellsAt(page, BUNDLED, 'cyber.malware', DEFAULTS);
  check(
    `${label}: high-risk.legal for business (no longer owes) is marked changed; cyber.malware (prohibited in both) is not`,
    business.cells?.length > 0 && business.cells.every((c) => c.changed) && malware.cells?.length > 0 && malware.cells.every((c) => !c.changed),
    show({ business: business.cells, malware: malware.cells }),
  );
}

/** Hostile text: shown as text, in attributes exactly as written, and no markup made of it. */
async function checkHostile(page, expected, cleanShape) {
  const label = 'hostile';
  const shape = await pageShape(page);
  check(
    `${label}: no script, image, iframe or event handler made of the manifest's text (page has ${shape.scripts} scripts, as the examples report has ${cleanShape.scripts})`,
    shape.scripts === cleanShape.scripts && shape.images === cleanShape.images && shape.frames === 0 && shape.handlers.length === 0 && !shape.alertInScript,
    show(shape),
  );
  const text = await page.evaluate(() => document.body.innerText);
  for (const s of ['<script>alert(1)</script>', `"double" 'single' & &amp; &lt;b&gt;`, '<img src=x onerror=alert(2)>', '"><script>alert(3)</script>']) {
    check(`${label}: ${show(s)} is visible as text`, text.includes(s));
  }
  const ids = await page.evaluate(() => [...document.querySelectorAll('.use-case')].map((e) => e.getAttribute('data-use-case')));
  const want = expected.useCases.map((u) => u.id);
  check(`${label}: data-use-case holds each id exactly as written`, want.every((id) => ids.includes(id)), show(ids));
  // U+202E reverses what follows it up to the end of its paragraph (the nearest block) unless
  // an inline isolate closes it first: shown raw, it must sit in a <bdi> (or an inline element
  // with unicode-bidi isolate/plaintext), or end its block; or be shown as a visible escape.
  const values = bidiValues(path.join(root, expected.files[0]));
  const rtl = await page.evaluate((values) => {
    // The element a reordering could not leave: the text of one value of the manifest, whole.
    const holdsOneValue = (e) => values.includes(e.textContent.trim());
    // An override reorders what follows it in its paragraph: none of the page's own text may.
    const endsWithValue = (e) => values.some((v) => e.textContent.trim().endsWith(v));
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!/[\u202a-\u202e\u2066-\u2069]/.test(n.data)) continue;
      let isolated = false;
      let by = '';
      for (let e = n.parentElement; e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        const inline = cs.display.startsWith('inline');
        if (inline && (e.tagName === 'BDI' || ['isolate', 'isolate-override', 'plaintext'].includes(cs.unicodeBidi))) {
          isolated = holdsOneValue(e);
          by = `${e.tagName} (isolate${isolated ? '' : ' of more than one value'})`;
          break;
        }
        if (!inline) {
          isolated = endsWithValue(e);
          by = `${e.tagName} (block${isolated ? ' it ends' : ' with more text after it'})`;
          break;
        }
      }
      out.push({ text: n.data.slice(0, 60), isolated, by, visible: !!n.parentElement.checkVisibility() });
    }
    return out;
  }, values);
  const shown = rtl.filter((t) => t.visible);
  check(
    `${label}: the text with U+202E is shown, each value isolated (<bdi>, unicode-bidi, or last in its block) so it cannot reorder the page around it`,
    (shown.length > 0 && shown.every((t) => t.isolated)) || (rtl.length === 0 && /202E/i.test(text)),
    show(rtl),
  );
  await checkSummary(label, page, expected);
}

/** The picture the README shows (docs/src/images/report.png is a copy): the top of the
 *  examples report at 1280 px wide, as a reader makes it to see the summary and a matrix at
 *  once: "Collapse all", then the first policy's `cyber` group opened; down to that group's end. */
async function screenshot(context) {
  const { page } = await open(context, 'examples.html', 'screenshot');
  const collapse = page.locator('button', { hasText: 'Collapse all' });
  if (await collapse.isVisible()) await collapse.click();
  else await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = false)));
  const group = page.locator('details:has(table.matrix tr[data-category="cyber.malware"])').first();
  await group.locator('summary').first().click();
  const box = await group.boundingBox();
  await page.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(box.y + box.height + 16) } });
  await page.close();
}

/** The strings of a manifest that hold a bidirectional control character. */
function bidiValues(file) {
  const out = [];
  const walk = (v) => {
    if (typeof v === 'string' && /[\u202a-\u202e\u2066-\u2069\u200e\u200f]/.test(v)) out.push(v.trim());
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(require('yaml').parse(fs.readFileSync(file, 'utf8')));
  return out;
}

async function pageShape(page) {
  return page.evaluate(() => ({
    scripts: document.querySelectorAll('script').length,
    alertInScript: [...document.querySelectorAll('script')].some((s) => s.textContent.includes('alert(')),
    images: document.querySelectorAll('img, svg image, picture, video, audio').length,
    frames: document.querySelectorAll('iframe, frame, object, embed').length,
    handlers: [...document.querySelectorAll('*')]
      .flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}=${a.value}`))
      .slice(0, 10),
  }));
}

async function main() {
  const examples = expectedReport(charter, root, 'examples');
  const hostile = expectedReport(charter, root, hostileFolder);
  const problems = [...disagreementsWithCheck(charter, root, 'examples', examples), ...disagreementsWithCheck(charter, root, hostileFolder, hostile)];
  check(
    `the expected verdicts (charter explain per category) agree with charter check's diagnostics: examples ${show(examples.counts)}, hostile ${show(hostile.counts)}`,
    problems.length === 0,
    problems.join('\n'),
  );

  const browser = await chromium.launch(chromiumOptions());
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    console.log(`     ${browser.version()}`);

    const { page, seen } = await open(context, 'examples.html', 'examples');
    await checkSkeleton('examples', page);
    await checkSummary('examples', page, examples);
    const plain = await checkKnownCells('examples', page);
    plain.writing = (await cellsAt(page, BUNDLED, 'politics.writing', DEFAULTS)).cells?.[0];
    await checkSymbols('examples', page);
    const findings = await page.evaluate(() => document.querySelectorAll('section .findings, .findings').length);
    check('examples: the policies list their findings (.findings)', findings > 0, `${findings} .findings lists`);
    await checkKeyboard('examples', page);
    await checkPrint('examples', page);
    const cleanShape = await pageShape(page);
    await screenshot(context);
    checkQuiet('examples', seen);

    const against = await open(context, 'against.html', 'against');
    await checkAgainst(against.page, plain);
    await against.page.screenshot({ path: path.join(artifacts, 'against.png') });
    checkQuiet(`against ${OLD}`, against.seen);

    const h = await open(context, 'hostile.html', 'hostile');
    await checkHostile(h.page, hostile, cleanShape);
    await h.page.screenshot({ path: path.join(artifacts, 'hostile.png'), fullPage: true });
    checkQuiet('hostile', h.seen);

    await checkNoScript(browser, examples);
    await checkAxe(browser, 'examples.html', 'examples');
    await checkAxe(browser, 'against.html', `against ${OLD}`);
  } finally {
    await browser.close();
    fs.writeFileSync(path.join(artifacts, 'console.log'), consoleLog.join('\n') + '\n');
  }
}

run(main);
