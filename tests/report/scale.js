// The benchmark of a big report in Chromium (not a test: it prints figures, run.sh --scale
// starts it): how long the page of 10,000 use cases and the 10,000-rule policy takes to load,
// and whether scrolling through it and opening a group of the matrix stall the main thread.
// A stall is what the Long Tasks API reports: a task of the page over 50 ms; the frames are
// timed with requestAnimationFrame while the mouse wheel scrolls.
//
//   REPORT     the HTML file
//   NODE_PATH  the node_modules of package-lock.json (playwright-core)
'use strict';

const fs = require('fs');
const { chromium } = require('playwright-core');

const report = process.env.REPORT;
const ms = (x) => `${Math.round(x)} ms`;

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
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

    // Scroll: 60 wheel turns of 1,000 px, 50 ms apart, with every frame timed.
    await page.mouse.move(640, 450);
    await page.evaluate(() => {
      window.__long = [];
      window.__frames = [];
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

    // Open the first collapsed group of the matrix (the biggest DOM change a reader makes).
    const open = await page.evaluate(async () => {
      const details = [...document.querySelectorAll('details')].find((d) => !d.open && d.querySelector('tr[data-category], table.matrix'));
      if (!details) return null;
      details.scrollIntoView();
      window.__long = [];
      const t = performance.now();
      details.querySelector('summary').click();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return { rows: details.querySelectorAll('tr[data-category]').length, toFrame: performance.now() - t, longTasks: window.__long.slice() };
    });

    const longest = (ts) => Math.max(0, ...ts.map((t) => t.duration));
    console.log(`scale: ${report} (${(fs.statSync(report).size / 1048576).toFixed(1)} MiB)`);
    console.log(`scale: ${load.useCases} use cases, ${load.matrixRows} matrix rows, ${load.matrixCells} cells, ${load.elements} elements, ${load.focusable} in the tab order, ${load.height} px high`);
    console.log(`scale: load: DOMContentLoaded ${ms(load.domContentLoaded)}, first contentful paint ${ms(load.firstContentfulPaint)}, load ${ms(load.load)} (goto ${ms(wall)})`);
    console.log(`scale: load: ${load.longTasks.length} long tasks, the longest ${ms(longest(load.longTasks))}`);
    console.log(`scale: scroll of ${scroll.scrolledTo} px in ${ms(scrollWall)}: ${scroll.frames} frames, slowest ${ms(scroll.slowestFrame)}, ${scroll.framesOver50ms} over 50 ms; ${scroll.longTasks.length} long tasks, the longest ${ms(longest(scroll.longTasks))}`);
    if (open) console.log(`scale: opening a group of ${open.rows} rows: next frame after ${ms(open.toFrame)}; ${open.longTasks.length} long tasks, the longest ${ms(longest(open.longTasks))}`);
    else console.log('scale: no collapsed group of the matrix to open');
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
