// The dashboard page in a real browser: the system Chromium, driven by playwright-core.
//
//   node test/browser/dashboard.mjs FIXTURE                 the checks (meson test 'browser')
//   node test/browser/dashboard.mjs FIXTURE --screenshot PAGE.png [--tooltip-screenshot TIP.png]
//                                                           only the pictures, of 30 runs x 12 benchmarks
//   node test/browser/dashboard.mjs --page PAGE.html NAMES.json
//                                                           a page `benchgate dashboard` wrote from hostile
//                                                           names: no injected code runs, every name of the
//                                                           JSON array appears as text
//
// FIXTURE is the dashboard_fixture program (test/programs/dashboard_fixture.cpp). The checks:
// the page loads from file:// and requests nothing else; one chart per benchmark and machine;
// no console error, no page error; the filter hides charts and table rows; hovering a point
// shows the tooltip with its date and commit; on the hostile page no injected code runs and
// the names appear as text; 50 runs x 500 benchmarks are ready (first visible charts drawn) in
// under 2 s, median of 5 loads; 50 runs x 1000 benchmarks is under 5 MB. The machines view
// (#view=machines, 4 machines): its legend and order, a row per benchmark with ratios to the
// reference chosen in the page and a dash where a machine lacks one, overlay charts, the filter,
// hostile names as text; 4 machines x 1000 benchmarks x 50 runs ready in under 2 s, median of 5 loads.
// Exit code 77 (a skip for meson) when Chromium or node_modules/playwright-core is missing.
// BENCHGATE_CHROMIUM names another browser binary (default /usr/bin/chromium).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const SKIP = 77;
const LOADS = 5;               // timed loads of the 50 x 500 page
const READY_LIMIT_MS = 2000;   // its median time to ready
const SIZE_LIMIT = 5_000_000;  // bytes of the 50 x 1000 page

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const fixture = args[0];
if (!fixture || args.length % 2 !== 1) {
  console.error('usage: node dashboard.mjs FIXTURE [--screenshot PAGE.png] [--tooltip-screenshot TIP.png] | --page PAGE.html NAMES.json');
  process.exit(2);
}
const chromiumPath = process.env.BENCHGATE_CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(chromiumPath)) {
  console.log(`SKIP: no Chromium at ${chromiumPath} (Debian: apt-get install chromium; make test runs tools/install-deps.sh --browser, which installs it as root)`);
  process.exit(SKIP);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (err) {
  console.log('SKIP: playwright-core is not installed: run npm ci --prefix test/browser (make test does, through tools/install-deps.sh --browser)');
  process.exit(SKIP);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'benchgate-dashboard-'));
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

function makePage(name, runs, benchmarks, hostile = false, machines = 2) {
  const file = path.join(work, name);
  execFileSync(fixture, [file, String(runs), String(benchmarks), ...(hostile ? ['--hostile'] : []), '--machines', String(machines)],
    { stdio: 'pipe' });
  return file;
}

// A page with its errors, requests and dialogs recorded.
async function open(browser, file, viewport = { width: 1280, height: 900 }, fragment = '') {
  const page = await browser.newPage({ viewport });
  const log = { errors: [], requests: [], dialogs: [] };
  const url = pathToFileURL(file).href;
  page.on('console', (m) => { if (m.type() === 'error') log.errors.push('console: ' + m.text()); });
  page.on('pageerror', (e) => log.errors.push('page error: ' + e.message));
  page.on('request', (r) => { if (r.url().split('#')[0] !== url) log.requests.push(r.url()); });
  page.on('dialog', (d) => { log.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  const started = Date.now();
  await page.goto(url + fragment);
  await page.waitForFunction(() => window.__dashboardReady === true, null, { timeout: 30000 });
  const wall = Date.now() - started;
  const ready = await page.evaluate(() => window.__dashboardReadyMs);
  return { page, log, ready, wall };
}

// The page opened in the machines view (#view=machines); `ready` is when its first visible
// charts were drawn, in ms after navigation start.
async function openMachines(browser, file, viewport, fragment = '#view=machines') {
  const opened = await open(browser, file, viewport, fragment);
  await opened.page.waitForFunction(() => window.__machinesReady === true, null, { timeout: 30000 });
  opened.ready = await opened.page.evaluate(() => window.__machinesReadyMs);
  return opened;
}

const visibleCharts = (page) => page.evaluate(() => [...document.querySelectorAll('[data-chart]')].filter((e) => !e.hidden).length);
const drawnCharts = (page) => page.evaluate(() => [...document.querySelectorAll('[data-chart] svg')].filter((s) => s.childElementCount > 0).length);

// The chart with global index `k` (its data-chart), as the page's data holds it.
function seriesOf(data, k) {
  for (const m of data.machines) {
    if (k < m.series.length) return { m, s: m.series[k] };
    k -= m.series.length;
  }
  return null;
}
const runOf = (s, i) => (s.run ? s.run[i] : (s.r0 || 0) + i);
const shownDate = (iso) => iso.slice(0, 10) + ' ' + iso.slice(11, 16) + ' UTC';

// Hovers a point that has a commit, scrolled into view; returns what the tooltip must show.
async function hoverPoint(page) {
  const data = await page.evaluate(() => JSON.parse(document.getElementById('data').textContent));
  const points = await page.$$eval('[data-chart] circle[data-point]', (cs) =>
    cs.map((c, j) => ({ j, chart: Number(c.closest('[data-chart]').dataset.chart), point: Number(c.dataset.point), cls: c.getAttribute('class') })));
  const pick = (want) => points.find((p) => {
    const { m, s } = seriesOf(data, p.chart);
    return want.test(p.cls) && m.runs[runOf(s, p.point)][1] !== '';
  });
  const target = pick(/\breg\b/) || pick(/\bbig\b/) || pick(/pt/);
  if (!target) return null;
  const { m, s } = seriesOf(data, target.chart);
  const run = m.runs[runOf(s, target.point)];
  const circle = page.locator('[data-chart] circle[data-point]').nth(target.j);
  await circle.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -150));  // clear of the sticky bar
  await circle.hover();
  await page.waitForSelector('#tip:not([hidden])', { timeout: 5000 });
  return { date: shownDate(run[0]), commit: run[1], name: s.name };
}

async function screenshots(browser, pagePng, tipPng) {
  const file = makePage('screenshot.html', 30, 12);
  const { page } = await open(browser, file, { width: 1280, height: 900 });
  // Every chart drawn: a viewport as tall as the page, then the picture of its top part.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height });
  await page.waitForFunction(() => [...document.querySelectorAll('[data-chart] svg')].every((s) => s.childElementCount > 0));
  const machine2 = await page.evaluate(() => document.getElementById('machine-1').getBoundingClientRect().top + window.scrollY);
  await page.screenshot({ path: pagePng, clip: { x: 0, y: 0, width: 1280, height: Math.round(machine2) } });
  console.log(`wrote ${pagePng}`);
  if (tipPng) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await hoverPoint(page);
    await page.screenshot({ path: tipPng });
    console.log(`wrote ${tipPng}`);
  }
}

// A page whose names try to inject markup and script, opened with every chart drawn (so that
// hostile statuses and commits reach the DOM too): checks that `pwned` (a window property the
// injected code would set) stays undefined, that no alert, no script but the page's two and no
// element matching `injected` appear. Returns the open page, its log and the names shown.
async function openHostile(browser, file, prefix, pwned, injected) {
  const { page, log } = await open(browser, file);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height: Math.min(height, 30000) });
  await page.waitForFunction(() => [...document.querySelectorAll('[data-chart] svg')].every((s) => s.childElementCount > 0));
  check((await page.evaluate((p) => typeof window[p], pwned)) === 'undefined', `${prefix}window.${pwned} stays undefined`);
  check(log.dialogs.length === 0, `${prefix}no alert`);
  check((await page.evaluate(() => document.scripts.length)) === 2, `${prefix}only the two scripts of the page`);
  check((await page.evaluate((sel) => document.querySelectorAll(sel).length, injected)) === 0, `${prefix}no injected element`);
  const shown = await page.$$eval('[data-chart] .name', (e) => e.map((x) => x.textContent));
  return { page, log, shown };
}

// A page `benchgate dashboard` wrote from hostile names (window.__benchgate_pwned).
async function pageChecks(browser, file, names) {
  const { page, log, shown } = await openHostile(browser, file, '', '__benchgate_pwned', 'img, [onerror]');
  for (const n of names)
    check(shown.includes(n), `the name ${JSON.stringify(n.length > 60 ? n.slice(0, 30) + '...' : n)} appears as text`);
  check(log.errors.length === 0, `no console or page errors${log.errors.length ? ': ' + log.errors.join('; ') : ''}`);
  check(log.requests.length === 0, `no request besides the page${log.requests.length ? ': ' + log.requests.join(', ') : ''}`);
  await page.close();
}

async function checks(browser) {
  // The ordinary page: 2 machines x 12 benchmarks x 30 runs.
  {
    const file = makePage('page.html', 30, 12);
    const { page, log } = await open(browser, file);
    check((await page.title()) === 'benchgate dashboard', 'the page loads from file:// (title)');
    check((await page.locator('[data-chart]').count()) === 24, 'one chart per benchmark and machine: 24 [data-chart]');
    check((await drawnCharts(page)) > 0, 'the visible charts are drawn when ready');
    check((await page.locator('section.machine h2').allTextContents()).length === 2, 'a section per machine');

    const data = await page.evaluate(() => JSON.parse(document.getElementById('data').textContent));
    const names = data.machines.flatMap((m) => m.series.map((s) => s.name));
    for (const q of ['hash', 'HASH', 'Sort/', '64', 'no such benchmark']) {
      await page.fill('#filter', q);
      const expected = names.filter((n) => n.toLowerCase().includes(q.toLowerCase())).length;
      const charts = await visibleCharts(page);
      const rows = await page.evaluate(() => [...document.querySelectorAll('.summary tbody tr')].filter((r) => !r.hidden).length);
      const count = await page.textContent('#count');
      check(charts === expected && rows === expected && count === `${expected} of 24 benchmarks`,
        `filter '${q}': ${charts} charts, ${rows} table rows, "${count}" (expected ${expected})`);
    }
    await page.fill('#filter', 'frame/');
    await page.waitForFunction(() => location.hash === '#filter=frame%2F', null, { timeout: 5000 }).catch(() => {});
    check((await page.evaluate(() => location.hash)) === '#filter=frame%2F', 'the filter is kept in the #fragment');
    await page.fill('#filter', '');
    check((await visibleCharts(page)) === 24, 'an empty filter shows every chart');

    const want = await hoverPoint(page);
    const tip = want ? await page.textContent('#tip') : '';
    check(want && tip.includes(want.date) && tip.includes(want.commit) && tip.includes(want.name),
      `hovering a point shows its date and commit (${want ? want.date + ', ' + want.commit.slice(0, 12) : 'no point'})`);
    await page.mouse.move(2, 2);
    check(await page.locator('#tip').isHidden(), 'the tooltip goes when the pointer leaves');

    check(log.errors.length === 0, `no console or page errors${log.errors.length ? ': ' + log.errors.join('; ') : ''}`);
    check(log.requests.length === 0, `no request besides the page${log.requests.length ? ': ' + log.requests.join(', ') : ''}`);
    await page.close();

    const linked = await open(browser, file, undefined, '#filter=hash');
    check((await visibleCharts(linked.page)) === 4 && (await linked.page.inputValue('#filter')) === 'hash',
      'a link with #filter=hash opens filtered: 4 charts');
    check(linked.log.errors.length === 0, 'no errors with a #fragment');
    await linked.page.close();
  }

  // The machines view: 4 machines x 12 benchmarks x 30 runs (the third and fourth with fewer runs,
  // each lacking a few benchmarks).
  {
    const file = makePage('machines.html', 30, 12, false, 4);
    const { page, log } = await openMachines(browser, file);
    const data = await page.evaluate(() => JSON.parse(document.getElementById('data').textContent));
    // The order `benchgate machines` uses: most runs first, ties by the smaller id.
    const order = data.machines.map((m, i) => i).sort((a, b) =>
      data.machines[b].runs.length - data.machines[a].runs.length || (data.machines[a].id < data.machines[b].id ? -1 : 1));
    const legend = await page.$$eval('#compare .legendp tbody tr', (rs) => rs.map((r) => [...r.children].map((c) => c.textContent.trim())));
    check(legend.length === 4 && legend.every((r, k) => r[0] === 'M' + (k + 1) && r[2] === data.machines[order[k]].id &&
      r[1] === data.machines[order[k]].fingerprint && r[3] === String(data.machines[order[k]].runs.length)),
      `machines view: a legend of 4 machines, M1..M4 by runs then id (${legend.map((r) => r[0] + '=' + r[2]).join(', ')})`);
    check(await page.evaluate(() => [...document.querySelectorAll('section.machine:not(.compare)')].every((s) => s.hidden) &&
      !document.getElementById('compare').hidden), 'machines view: the per-machine sections hidden, the side-by-side section shown');
    const names = [];
    for (const k of order) for (const s of data.machines[k].series) if (!names.includes(s.name)) names.push(s.name);
    const latest = (k, name) => { const s = data.machines[order[k]].series.find((x) => x.name === name); return s ? s.l : undefined; };
    const rows = await page.$$eval('#compare .summary tbody tr', (rs) => rs.map((r) => [...r.children].map((c) => c.textContent)));
    const missing = names.reduce((a, n) => a + [0, 1, 2, 3].filter((k) => latest(k, n) === undefined).length, 0);
    check(rows.length === names.length && rows.every((r, i) => r[0] === names[i]) && missing > 0 &&
      rows.flat().filter((c) => c === '\u2014').length === missing,
      `machines view: a row per benchmark in M1's order, ${missing} cells of benchmarks a machine lacks read \u2014`);
    const ratioShown = (rowsNow, refK) => names.every((n, i) => [0, 1, 2, 3].every((k) => {
      const cell = rowsNow[i][k + 1];
      if (latest(k, n) === undefined) return cell === '\u2014';
      if (k === refK) return cell.includes('reference');
      const r = latest(refK, n);
      return r === undefined ? cell.includes('\u00d7\u2014') : cell.includes('\u00d7' + (latest(k, n) / r).toFixed(3));
    }));
    check(ratioShown(rows, 0), 'machines view: every ratio is the latest value over M1\'s, to 3 decimals (\u00d7\u2014 where M1 lacks it)');
    await page.selectOption('#reference', '1');
    const rows2 = await page.$$eval('#compare .summary tbody tr', (rs) => rs.map((r) => [...r.children].map((c) => c.textContent)));
    check(ratioShown(rows2, 1), 'machines view: choosing M2 as the reference in the page gives every ratio over M2\'s');
    const drawn = await page.$$eval('#compare [data-compare]', (cs) => cs.filter((c) => c.querySelector('svg').childElementCount > 0)
      .map((c) => [c.querySelector('.name').textContent, c.querySelectorAll('path.mline').length]));
    check(drawn.length > 0 && drawn.every(([n, lines]) => lines === [0, 1, 2, 3].filter((k) => latest(k, n) !== undefined).length),
      `machines view: the visible charts drawn, one line per machine that has the benchmark (${drawn.length} drawn)`);
    check((await page.locator('#compare [data-compare]').count()) === names.length, `machines view: ${names.length} charts, one per benchmark`);
    await page.fill('#filter', 'hash');
    const expected = names.filter((n) => n.includes('hash')).length;
    const shownRows = await page.evaluate(() => [...document.querySelectorAll('#compare .summary tbody tr')].filter((r) => !r.hidden).length);
    const shownCards = await page.evaluate(() => [...document.querySelectorAll('#compare [data-compare]')].filter((r) => !r.hidden).length);
    check(shownRows === expected && shownCards === expected && (await page.textContent('#count')) === `${expected} of ${names.length} benchmarks`,
      `machines view: filter 'hash' leaves ${shownRows} rows and ${shownCards} charts (expected ${expected})`);
    await page.waitForFunction(() => location.hash === '#view=machines&filter=hash', null, { timeout: 5000 }).catch(() => {});
    check((await page.evaluate(() => location.hash)) === '#view=machines&filter=hash', 'machines view: the view and filter kept in the #fragment');
    await page.click('.views button[data-view=sections]');
    check(await page.evaluate(() => document.getElementById('compare').hidden &&
      [...document.querySelectorAll('section.machine:not(.compare)')].every((s) => !s.hidden)) &&
      (await visibleCharts(page)) === data.machines.reduce((a, m) => a + m.series.filter((x) => x.name.includes('hash')).length, 0),
      'machines view: the switch goes back to the per-machine sections, still filtered');
    check(log.errors.length === 0, `machines view: no console or page errors${log.errors.length ? ': ' + log.errors.join('; ') : ''}`);
    check(log.requests.length === 0, `machines view: no request besides the page${log.requests.length ? ': ' + log.requests.join(', ') : ''}`);
    await page.close();

    const one = await open(browser, makePage('one.html', 10, 5, false, 1), undefined, '#view=machines');
    check(await one.page.evaluate(() => document.querySelector('.views').hidden && !document.getElementById('compare')),
      'one machine: no switch, and #view=machines opens the ordinary page');
    check(one.log.errors.length === 0, 'one machine: no errors');
    await one.page.close();
  }

  // The hostile page: names, title, fingerprint, commit, trend and status made of markup.
  {
    const file = makePage('hostile.html', 30, 20, true);
    const { page, log, shown } = await openHostile(browser, file, 'hostile page: ', '__pwned', 'img, i, [onerror]');
    check((await page.locator('[data-chart]').count()) === 40, 'hostile page: 40 charts');
    for (const n of ['"quoted" \'name\'', 'back\\slash\\name', 'new\nline', 'tab\tname', 'pipe|name',
      '</script><script>alert(1)</script>', 'amp & ersand &amp; &lt;', 'comma, name', 'bad utf8 \uFFFD\uFFFD end',
      '<img src=x onerror=window.__pwned=1>', '</script><script>window.__pwned=1</script>',
      '<!--<script>window.__pwned=1</script>-->', 'line\u2028separator', 'long/' + 'x'.repeat(10240)]) {
      check(shown.includes(n), `hostile page: the name ${JSON.stringify(n.length > 60 ? n.slice(0, 20) + '...' : n)} appears as text`);
    }
    const chips = await page.textContent('#machine-0 .chips');
    check(chips.includes('1 __proto__') && chips.includes('1 constructor'), 'hostile page: statuses "__proto__" and "constructor" are counted as text');
    const heading = await page.textContent('#machine-1 h2');
    check(heading === '<i>AMD</i> "EPYC" & \uFFFD\uFFFD \u00b7 </script> \u00b7 release', 'hostile page: the fingerprint appears as text');
    check((await page.title()).startsWith('benchgate <dashboard> & "friends"'), 'hostile page: the title appears as text');
    await page.fill('#filter', '<IMG');
    check((await visibleCharts(page)) === 2, "hostile page: filter '<IMG' finds the two charts of that name");
    check(log.errors.length === 0, `hostile page: no console or page errors${log.errors.length ? ': ' + log.errors.join('; ') : ''}`);
    check(log.requests.length === 0, `hostile page: no request besides the page${log.requests.length ? ': ' + log.requests.join(', ') : ''}`);
    await page.close();

    // The same page in the machines view, every chart drawn.
    const side = await openMachines(browser, file);
    const height = await side.page.evaluate(() => document.documentElement.scrollHeight);
    await side.page.setViewportSize({ width: 1280, height: Math.min(height, 30000) });
    await side.page.waitForFunction(() => [...document.querySelectorAll('[data-compare] svg')].every((s) => s.childElementCount > 0));
    check((await side.page.evaluate(() => typeof window.__pwned)) === 'undefined' && side.log.dialogs.length === 0 &&
      (await side.page.evaluate(() => document.scripts.length)) === 2 &&
      (await side.page.evaluate(() => document.querySelectorAll('img, i, [onerror]').length)) === 0,
      'hostile page, machines view: no injected code runs, no injected element');
    const sideNames = await side.page.$$eval('#compare .summary td.name', (e) => e.map((x) => x.textContent));
    check(['</script><script>alert(1)</script>', '<img src=x onerror=window.__pwned=1>', 'line\u2028separator'].every((n) => sideNames.includes(n)),
      'hostile page, machines view: hostile names appear as text in the table');
    const options = await side.page.$$eval('#reference option', (o) => o.map((x) => x.textContent));
    check(options.some((o) => o.includes('<i>AMD</i> "EPYC"')), 'hostile page, machines view: the hostile fingerprint appears as text');
    check(side.log.errors.length === 0, `hostile page, machines view: no console or page errors${side.log.errors.length ? ': ' + side.log.errors.join('; ') : ''}`);
    await side.page.close();
  }

  // Load time: 2 machines x 500 benchmarks x 50 runs, from navigation start to the first visible charts drawn.
  {
    const file = makePage('load.html', 50, 500);
    const times = [], walls = [];
    let errors = [];
    for (let i = 0; i < LOADS; i++) {
      const { page, log, ready, wall } = await open(browser, file);
      times.push(ready);
      walls.push(wall);
      if (i === 0) check((await page.locator('[data-chart]').count()) === 1000 && (await drawnCharts(page)) > 0,
        '50 x 500: 1000 charts, the visible ones drawn');
      errors = errors.concat(log.errors);
      await page.close();
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const size = fs.statSync(file).size;
    console.log(`load time, 2 machines x 500 benchmarks x 50 runs (${(size / 1e6).toFixed(2)} MB), ${LOADS} loads: ` +
      `ready at ${times.map((t) => t.toFixed(0)).join(', ')} ms after navigation start; median ${median(times).toFixed(0)} ms ` +
      `(goto to ready, measured by the driver: median ${median(walls)} ms)`);
    check(median(times) < READY_LIMIT_MS, `50 x 500: median time to ready ${median(times).toFixed(0)} ms < ${READY_LIMIT_MS} ms`);
    check(errors.length === 0, `50 x 500: no console or page errors${errors.length ? ': ' + errors.join('; ') : ''}`);
  }

  // Load time of the machines view: 4 machines x 1000 benchmarks x 50 runs, from navigation start
  // (the address with #view=machines) to its first visible charts drawn.
  {
    const file = makePage('machines-load.html', 50, 1000, false, 4);
    const times = [];
    let errors = [];
    for (let i = 0; i < LOADS; i++) {
      const { page, log, ready } = await openMachines(browser, file);
      times.push(ready);
      if (i === 0) check((await page.locator('#compare [data-compare]').count()) === 1000 &&
        (await page.locator('#compare .summary tbody tr').count()) === 1000,
        'machines view, 4 x 1000 x 50: 1000 overlay charts and 1000 table rows');
      errors = errors.concat(log.errors);
      await page.close();
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const size = fs.statSync(file).size;
    console.log(`load time of the machines view, 4 machines x 1000 benchmarks x 50 runs (${(size / 1e6).toFixed(2)} MB), ${LOADS} loads: ` +
      `ready at ${times.map((t) => t.toFixed(0)).join(', ')} ms after navigation start; median ${median(times).toFixed(0)} ms`);
    check(median(times) < READY_LIMIT_MS, `machines view, 4 x 1000 x 50: median time to ready ${median(times).toFixed(0)} ms < ${READY_LIMIT_MS} ms`);
    check(errors.length === 0, `machines view, 4 x 1000 x 50: no console or page errors${errors.length ? ': ' + errors.join('; ') : ''}`);
  }

  // Size: 2 machines x 1000 benchmarks x 50 runs.
  {
    const file = makePage('size.html', 50, 1000);
    const size = fs.statSync(file).size;
    console.log(`page size, 2 machines x 1000 benchmarks x 50 runs: ${size} bytes (${(size / 1e6).toFixed(2)} MB)`);
    check(size < SIZE_LIMIT, `50 x 1000: ${size} bytes < ${SIZE_LIMIT}`);
    const { page, log, ready } = await open(browser, file);
    console.log(`load time, 2 machines x 1000 benchmarks x 50 runs, 1 load: ready at ${ready.toFixed(0)} ms`);
    check((await page.locator('[data-chart]').count()) === 2000 && log.errors.length === 0, '50 x 1000: 2000 charts, no errors');
    await page.close();
  }
}

const browser = await chromium.launch({ executablePath: chromiumPath });
try {
  const pagePng = option('--screenshot');
  if (fixture === '--page') await pageChecks(browser, args[1], JSON.parse(fs.readFileSync(args[2], 'utf8')));
  else if (pagePng) await screenshots(browser, pagePng, option('--tooltip-screenshot'));
  else await checks(browser);
} catch (err) {
  failures.push(String(err && err.stack || err));
  console.log('FAIL ' + (err && err.stack || err));
} finally {
  await browser.close();
  fs.rmSync(work, { recursive: true, force: true });
}
if (failures.length) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all browser checks passed');
