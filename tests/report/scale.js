// The benchmark of a big report in Chromium (not a test: it prints figures, run.sh --scale
// starts it): how long the page of 10,000 use cases and the 10,000-rule policy takes to load,
// and whether what a reader then does stalls the main thread: opening the manifest, scrolling
// through it with the wheel, jumping to the end, opening a group of the matrix, "Expand all".
// A stall is what the Long Tasks API reports: a task of the page over 50 ms; the frames are
// timed with requestAnimationFrame while the mouse wheel scrolls.
//
//   REPORT     the HTML file
//   NODE_PATH  the node_modules of tests/lib/package-lock.json (playwright-core)
'use strict';

const fs = require('fs');
const os = require('os');
const { chromium } = require('playwright-core');
const { chromiumOptions } = require('../lib/browser.js');

const report = process.env.REPORT;
const ms = (x) => `${Math.round(x)} ms`;

async function main() {
  const browser = await chromium.launch(chromiumOptions());
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    // Long tasks from the first byte on, before the page's own script runs.
    await page.addInitScript(() => {
      window.__long = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__long.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    const t0 = Date.now();
    await page.goto(`file://${report}`, { waitUntil: 'load', timeout: 120000 });
    const wall = Date.now() - t0;
    await page.waitForTimeout(1000);
    const load = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const paint = Object.fromEntries(performance.getEntriesByType('paint').map((p) => [p.name, p.startTime]));
      return {
        domContentLoaded: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd,
        firstContentfulPaint: paint['first-contentful-paint'],
        elements: document.getElementsByTagName('*').length,
        useCases: document.querySelectorAll('.use-case').length,
        matrixRows: document.querySelectorAll('table.matrix tr[data-category]').length,
        matrixCells: document.querySelectorAll('table.matrix td[data-verdict]').length,
        focusable: document.querySelectorAll('a[href], button, summary, [tabindex="0"]').length,
        height: document.documentElement.scrollHeight,
        longTasks: window.__long.slice(),
      };
    });

    // A reader's action in the page, timed to the second frame after it (the one showing its
    // result), with the long tasks it caused.
    const act = (what) =>
      page.evaluate(async (what) => {
        window.__long = [];
        const t = performance.now();
        let info = null;
        if (what === 'manifest' || what === 'group') {
          const inside = what === 'manifest' ? '.use-case' : 'tr[data-category]';
          const closed = [...document.querySelectorAll('details:not([open])')].filter((d) => d.querySelector(inside));
          const details = closed.sort((a, b) => b.querySelectorAll(inside).length - a.querySelectorAll(inside).length)[0];
          if (!details) return null;
          details.querySelector('summary').click();
          info = `${details.querySelectorAll(inside).length} ${what === 'manifest' ? 'use cases' : 'rows'}`;
        } else if (what === 'expand-all') {
          const b = document.querySelector('[data-toggle-all="open"]');
          if (!b) return null;
          b.click();
          info = `${document.querySelectorAll('details').length} details`;
        } else if (what === 'end') {
          window.scrollTo(0, document.documentElement.scrollHeight);
          info = `to ${document.documentElement.scrollHeight} px`;
        }
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return { info, toFrame: performance.now() - t, longTasks: window.__long.slice() };
      }, what);

    const openManifest = await act('manifest');
    // Scroll: 60 wheel turns of 1,000 px, 50 ms apart, with every frame timed.
    await page.mouse.move(640, 450);
    await page.evaluate(() => {
      window.__long = [];
      window.__frames = [];
      window.__stop = false;
      const tick = (t) => {
        window.__frames.push(t);
        if (!window.__stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const s0 = Date.now();
    for (let i = 0; i < 60; i += 1) {
      await page.mouse.wheel(0, 1000);
      await page.waitForTimeout(50);
    }
    const scrollWall = Date.now() - s0;
    const scroll = await page.evaluate(() => {
      window.__stop = true;
      const f = window.__frames;
      const gaps = f.slice(1).map((t, i) => t - f[i]);
      return {
        scrolledTo: Math.round(window.scrollY),
        frames: f.length,
        slowestFrame: Math.max(0, ...gaps),
        framesOver50ms: gaps.filter((g) => g > 50).length,
        longTasks: window.__long.slice(),
      };
    });
    const jump = await act('end');
    const openGroup = await act('group');
    const expandAll = await act('expand-all');
    const jumpExpanded = await act('end');

    const longest = (ts) => Math.max(0, ...ts.map((t) => t.duration));
    console.log(`scale: ${report} (${(fs.statSync(report).size / 1048576).toFixed(1)} MiB), Chromium ${browser.version()}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`scale: ${load.useCases} use cases, ${load.matrixRows} matrix rows, ${load.matrixCells} cells, ${load.elements} elements, ${load.focusable} in the tab order, ${load.height} px high`);
    console.log(`scale: load: DOMContentLoaded ${ms(load.domContentLoaded)}, first contentful paint ${ms(load.firstContentfulPaint)}, load ${ms(load.load)} (goto ${ms(wall)})`);
    console.log(`scale: load: ${load.longTasks.length} long tasks, the longest ${ms(longest(load.longTasks))}`);
    console.log(`scale: scroll of ${scroll.scrolledTo} px in ${ms(scrollWall)}: ${scroll.frames} frames, slowest ${ms(scroll.slowestFrame)}, ${scroll.framesOver50ms} over 50 ms; ${scroll.longTasks.length} long tasks, the longest ${ms(longest(scroll.longTasks))}`);
    for (const [label, a] of [
      ['opening the biggest manifest', openManifest],
      ['jumping to the end', jump],
      ['opening the biggest group of the matrix', openGroup],
      ['"Expand all"', expandAll],
      ['then jumping to the end', jumpExpanded],
    ]) {
      if (a) console.log(`scale: ${label} (${a.info}): next frame after ${ms(a.toFrame)}; ${a.longTasks.length} long tasks, the longest ${ms(longest(a.longTasks))}`);
      else console.log(`scale: ${label}: nothing to do in this page`);
    }
    if (errors.length) {
      console.log(`scale: page errors:\n  ${errors.join('\n  ')}`);
      process.exitCode = 1;
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.log(`scale: failed: ${e.stack || e}`);
  process.exitCode = 1;
});
