// Drives VS Code (code-server in headless Chromium) like a person: opens the examples folder,
// runs "Charter: Write test report" from the command palette, then checks what the extension
// saw (diagnostics, hover, completion) and what the page shows (squiggles, Problems panel), and
// saves a screenshot. Started by run.sh, which sets the environment below.
//
//   NODE_PATH         the node_modules of tests/lib/package-lock.json (playwright-core)
//   CODE_SERVER_URL   http://127.0.0.1:PORT/?folder=WORKSPACE
//   WORKSPACE         the scratch copy of examples/
//   EXPECT_SERVER     the charter binary inside the installed extension, which it must start
//   CHARTER_TEST_REPORT, CHARTER_TEST_REQUEST   as given to code-server
//   BROWSER_PROFILE   a fresh, empty Chromium user-data-dir
//   SCREENSHOT        where to save the PNG
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { env, chromiumOptions, checks } = require('../../lib/browser.js');

const workspace = env('WORKSPACE');
const reportPath = env('CHARTER_TEST_REPORT');
const requestPath = env('CHARTER_TEST_REQUEST');
const screenshot = env('SCREENSHOT');
const COMMAND = 'Charter: Write test report';

const { check, run } = checks('vscode');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// --- what to ask, computed from the manifest itself ------------------------------------------
const manifest = path.join(workspace, 'support-bot.usecases.yaml');
const lines = fs.readFileSync(manifest, 'utf8').split(/\r?\n/);
const lineOf = (re) => {
  const i = lines.findIndex((l) => re.test(l));
  if (i < 0) throw new Error(`no line matching ${re} in ${manifest}`);
  return i;
};
const warrantyLine = lineOf(/^\s*- id: warranty-rights-advice\s*$/);
const legalLine = lineOf(/categories: \[high-risk\.legal\]/);
const scannerLine = lineOf(/categories: \[cyber\.vulnerability-discovery\]/);
const typoLine = lineOf(/categories: \[high-risk\.finacial\]/);
const request = {
  file: manifest,
  // Inside the word `high-risk.legal`.
  hover: { line: legalLine, character: lines[legalLine].indexOf('high-risk.legal') + 3 },
  // Right after `categories: [`.
  completion: { line: legalLine, character: lines[legalLine].indexOf('[') + 1 },
  timeout: 90,
};
fs.writeFileSync(requestPath, JSON.stringify(request, null, 2));

async function runCommandFromPalette(page, deadline) {
  // The command shows in the palette once the extension has activated, so try until it does.
  for (let attempt = 1; Date.now() < deadline; attempt += 1) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill(`>${COMMAND}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: COMMAND });
    try {
      await row.first().waitFor({ state: 'visible', timeout: 5000 });
      await page.keyboard.press('Enter');
      console.log(`     ran "${COMMAND}" from the command palette (attempt ${attempt})`);
      return true;
    } catch {
      await page.keyboard.press('Escape');
      await sleep(2000);
    }
  }
  return false;
}

async function waitForFile(file, deadline) {
  while (Date.now() < deadline) {
    if (fs.existsSync(file)) return true;
    await sleep(500);
  }
  return false;
}

async function main() {
  const context = await chromium.launchPersistentContext(
    env('BROWSER_PROFILE'),
    chromiumOptions({ viewport: { width: 1440, height: 900 } }),
  );
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => console.log(`     page error: ${e.message}`));
    await page.goto(env('CODE_SERVER_URL'));
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 120000 });
    // The Explorer lists the folder once the workbench has loaded it.
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: 'support-bot.usecases.yaml' })
      .first()
      .waitFor({ state: 'visible', timeout: 120000 });
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } });

    const ran = await runCommandFromPalette(page, Date.now() + 120000);
    check('the command palette offers and runs "Charter: Write test report"', ran);
    if (!ran) {
      await page.screenshot({ path: screenshot });
      return;
    }
    const wrote = await waitForFile(reportPath, Date.now() + 240000);
    check('the extension wrote its report', wrote, reportPath);
    if (!wrote) {
      await page.screenshot({ path: screenshot });
      return;
    }
    const report = JSON.parse(fs.readFileSync(reportPath, 'utf8'));
    fs.writeFileSync(path.join(path.dirname(screenshot), 'report.json'), JSON.stringify(report, null, 2));
    if (report.error) {
      check('the report has no error', false, report.error);
      return;
    }

    // --- the report: what VS Code's own APIs returned ------------------------------------------
    check(`VS Code ${report.vscodeVersion}`, /^1\.139\./.test(report.vscodeVersion), report.vscodeVersion);
    check(
      'the manifest stays in the YAML language',
      report.languageId === 'yaml',
      report.languageId,
    );
    check(
      'the server reported its name and version (serverInfo)',
      report.server.running && report.server.name === 'charter' && !!report.server.version,
      JSON.stringify(report.server),
    );
    check(
      'the Charter output channel logged the server version',
      report.outputChannel.some((l) => l.includes(`charter ${report.server.version} running`)),
      JSON.stringify(report.outputChannel),
    );
    const expectServer = env('EXPECT_SERVER');
    check(
      `the extension started the server shipped inside it (${expectServer})`,
      report.outputChannel.some((l) => l === `Starting ${expectServer} lsp (found via bundled)`),
      JSON.stringify(report.outputChannel.filter((l) => l.startsWith('Starting '))),
    );
    check(
      '"Charter: Restart server" starts a new server, which checks the file again',
      report.restart.running &&
        report.restart.diagnosticsAfter === report.diagnostics.items.length &&
        report.outputChannel.filter((l) => / running: /.test(l)).length === 2,
      JSON.stringify(report.restart),
    );
    const diags = report.diagnostics.items;
    const show = (ds) => ds.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`).join(', ');
    const has = (code, line) => diags.some((d) => d.code === code && d.range.start.line === line);
    check(
      `missing-safeguard on line ${warrantyLine} (id: warranty-rights-advice)`,
      has('missing-safeguard', warrantyLine),
      show(diags),
    );
    check(`prohibited-use on line ${scannerLine}`, has('prohibited-use', scannerLine), show(diags));
    check(`unknown-category on line ${typoLine}`, has('unknown-category', typoLine), show(diags));
    check('exactly the three deliberate problems', diags.length === 3, show(diags));
    const hover = report.hover.contents.join('\n');
    check(
      `hover on high-risk.legal (${legalLine}:${request.hover.character}) quotes "High-Risk Use Case Requirements"`,
      hover.includes('High-Risk Use Case Requirements'),
      JSON.stringify(hover.slice(0, 400)),
    );
    check(
      `completion inside \`categories: [\` (${legalLine}:${request.completion.character}) offers high-risk.legal`,
      report.completion.labels.includes('high-risk.legal'),
      `${report.completion.labels.length} items: ${report.completion.labels.slice(0, 20).join(', ')}`,
    );

    const defs = report.definition.locations;
    check(
      'go to definition on high-risk.legal leads to its declaration in a policy file',
      defs.length > 0 && defs.every((d) => /\.policy\.ya?ml$/.test(d.uri)),
      JSON.stringify(defs),
    );

    check(
      'VS Code pulls the diagnostics (textDocument/diagnostic): the server offered it',
      report.pulledDiagnostics === true,
      JSON.stringify(report.pulledDiagnostics),
    );
    const tokens = report.semanticTokens.tokens;
    const tokenAt = (line, word) =>
      tokens.find((t) => t.line === line && t.character === lines[line].indexOf(word) && t.length === word.length);
    const legal = tokenAt(legalLine, 'high-risk.legal');
    check(
      'semantic tokens colour high-risk.legal as a class from the bundled library',
      legal && legal.type === 'class' && legal.modifiers.includes('defaultLibrary'),
      JSON.stringify(legal ?? tokens.slice(0, 8)),
    );
    const warranty = tokenAt(warrantyLine, 'warranty-rights-advice');
    check(
      'semantic tokens colour the use case id warranty-rights-advice as a declared variable',
      warranty && warranty.type === 'variable' && warranty.modifiers.includes('declaration'),
      JSON.stringify(warranty ?? tokens.slice(0, 8)),
    );
    const fix = report.fixAll.find((a) => a.kind === 'source.fixAll.charter');
    check(
      'fix-all (source.fixAll, as on save) corrects high-risk.finacial and nothing else',
      fix &&
        fix.edits.length === 1 &&
        fix.edits[0].line === typoLine &&
        fix.edits[0].replaced === 'high-risk.finacial' &&
        fix.edits[0].newText === 'high-risk.financial',
      JSON.stringify(report.fixAll),
    );

    // --- the page: what a person sees ----------------------------------------------------------
    const squiggles = page.locator('.monaco-editor .squiggly-error');
    const seen = await squiggles
      .first()
      .waitFor({ state: 'attached', timeout: 30000 })
      .then(() => true, () => false);
    check('the editor draws error squiggles', seen, `${await squiggles.count()} found`);
    await page.keyboard.press('Control+Shift+M'); // View: Problems
    const problems = page.locator('.markers-panel');
    const listed = await problems
      .locator('.monaco-list-row', { hasText: 'missing-safeguard' })
      .first()
      .waitFor({ state: 'visible', timeout: 30000 })
      .then(() => true, () => false);
    check('the Problems panel lists missing-safeguard', listed);
    // Click the problem, as a person would: the editor scrolls to it.
    await problems.locator('.monaco-list-row', { hasText: 'missing-safeguard' }).first().click();
    await sleep(1500);
    await page.screenshot({ path: screenshot });
    console.log(`     screenshot: ${screenshot}`);

    // Hover with the mouse over `high-risk.legal`, a few lines below.
    const token = page
      .locator('.monaco-editor .view-line', { hasText: 'categories: [high-risk.legal]' })
      .locator('span > span', { hasText: /^high-risk\.legal$/ });
    const hovered = await token
      .first()
      .hover()
      .then(() =>
        page
          .locator('.monaco-hover', { hasText: 'High-Risk Use Case Requirements' })
          .first()
          .waitFor({ state: 'visible', timeout: 30000 }),
      )
      .then(() => true, (e) => `${e.message.split('\n')[0]}`);
    check('a mouse hover on high-risk.legal shows "High-Risk Use Case Requirements"', hovered === true, hovered);
    const hoverShot = path.join(path.dirname(screenshot), 'hover.png');
    await page.screenshot({ path: hoverShot });
    console.log(`     screenshot: ${hoverShot}`);
  } finally {
    await context.close();
  }
}

run(main);
