// What the Chromium tests (tests/report, tests/editors/vscode) share: their environment, how
// they start the browser, and how they count checks. No dependency of its own: each test
// requires playwright-core itself.
'use strict';

/** The value of an environment variable run.sh sets; a clear error when it is missing. */
function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * The options of `chromium.launch` / `launchPersistentContext`, with `more` merged in: Debian's
 * headless Chromium (CHROMIUM names another), without the sandbox a container lacks, and with
 * nothing of its own going to the network (sync, updates, QUIC), so that a test sees only the
 * requests of the page.
 */
function chromiumOptions(more = {}) {
  return {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ...more,
  };
}

/**
 * Checks counted the way the shell tests print them: `ok   NAME`, or `FAIL NAME` with the detail
 * indented below, then the closing line CI reads, `LABEL: N passed, M failed`.
 */
function checks(label) {
  let passed = 0;
  let failed = 0;
  function check(name, ok, detail) {
    if (ok) {
      passed += 1;
      console.log(`ok   ${name}`);
    } else {
      failed += 1;
      console.log(`FAIL ${name}${detail === undefined ? '' : `\n     ${String(detail).replace(/\n/g, '\n     ')}`}`);
    }
  }
  /** Runs the test; an exception that ends it is one more failure. Exit status 0 only when something passed and nothing failed. */
  async function run(main) {
    try {
      await main();
    } catch (e) {
      check('the test ran to its end', false, e && e.stack ? e.stack : String(e));
    }
    console.log(`${label}: ${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
  }
  return { check, run };
}

module.exports = { env, chromiumOptions, checks };
