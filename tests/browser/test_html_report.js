// The HTML report in a real browser. For each scenario the test writes the
// HTML, JSON and CSV reports of the same inputs with the built `soc2`
// program. It opens the HTML page as a file:// URL in Debian's Chromium,
// which playwright-core drives headless with networking features off, and
// checks that:
//
// - the page raises no console error and no page error, and requests
//   nothing but the report file (every other request is aborted);
// - every number on the page equals the JSON report: totals by status, the
//   SOC 2 posture per criterion, failures by severity, the top failing
//   rules, and every row of the findings table with its text;
// - failures by service equal the counts of the CSV report's service
//   column;
// - text from the inputs that holds markup, quotes, ampersands, line
//   breaks, non-ASCII and invalid UTF-8 shows as text and runs nothing;
// - the filters show exactly the rows of the chosen criterion, severity
//   and status, and without JavaScript every row is visible;
// - the print style sheet hides no content, has no dark background and
//   repeats table headers, and the page prints to PDF.
//
// Usage: node test_html_report.js SOC2_PROGRAM DATA_FOLDER OUTPUT_FOLDER
// The screenshots, PDFs and reports stay in OUTPUT_FOLDER.
'use strict';

const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const { parseCsv, scenarios } = require('./scenarios.js');

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const STATUSES = ['pass', 'fail', 'waived', 'unknown', 'error'];
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const TOP_RULE_COUNT = 10;

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

function loadPlaywright() {
  const modulePath = path.join(__dirname, '..', 'npm', 'node_modules', 'playwright-core');
  if (!fs.existsSync(modulePath)) {
    fail(`playwright-core is not installed in ${path.dirname(modulePath)}; ` +
      'run scripts/setup.sh --test');
  }
  if (!fs.existsSync(CHROMIUM)) {
    fail(`${CHROMIUM} is missing; run scripts/setup.sh --test to install Debian's chromium`);
  }
  return require(modulePath);
}

// Runs soc2 and returns its standard output. Status 1 (a finding failed)
// is expected; any other status but 0 fails the test.
function runSoc2(program, args) {
  const result = childProcess.spawnSync(program, args, { encoding: 'buffer' });
  if (result.error) {
    fail(`cannot run ${program}: ${result.error.message}`);
  }
  if (result.status !== 0 && result.status !== 1) {
    fail(`soc2 ${args.join(' ')} exited with ${result.status}:\n${result.stderr}`);
  }
  return result.stdout;
}

// The text the page must show for a string of the JSON report: the HTML
// writer replaces the characters XML 1.0 does not allow with U+FFFD.
function pageText(text) {
  if (text === null || text === undefined) {
    return '';
  }
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');
}

// Parses a count written on the page; anything but digits fails.
function number(text, description) {
  assert.match(text ?? '', /^[0-9]+$/, `${description}: "${text}" is not a count`);
  return Number(text);
}

function soc2Criteria(finding) {
  return finding.controls.SOC2 ?? [];
}

// Everything the test compares, read from the page in one go.
function readPage() {
  const text = (element) => (element ? element.textContent : null);
  const counts = (root) => {
    const result = {};
    for (const element of root.querySelectorAll('[data-count]')) {
      result[element.getAttribute('data-count')] = element.textContent;
    }
    return result;
  };
  const criteria = (cell) => Array.from(cell.querySelectorAll('[data-criterion]'),
    (element) => element.getAttribute('data-criterion'));
  const chart = (name) => {
    const svg = document.querySelector(`svg[data-chart="${name}"]`);
    if (!svg) {
      return null;
    }
    return Array.from(svg.querySelectorAll(`g[data-${name}]`), (group) => ({
      key: group.getAttribute(`data-${name}`),
      label: text(group.querySelector('text')),
      count: text(group.querySelector('[data-count="fail"]')),
    }));
  };

  return {
    documentTitle: document.title,
    heading: text(document.querySelector('h1[data-field="title"]')),
    generatedAt: document.querySelector('[data-field="generated-at"]').getAttribute('datetime'),
    generatedAtText: text(document.querySelector('[data-field="generated-at"]')),
    version: text(document.querySelector('[data-field="version"]')),
    rulesVersion: text(document.querySelector('[data-field="rules-version"]')),
    rulesEvaluated: text(document.querySelector('dd[data-count="rules"]')),
    inputCount: text(document.querySelector('dd [data-count="inputs"]')),
    resourceCount: text(document.querySelector('dd [data-count="resources"]')),
    inputs: Array.from(document.querySelectorAll('table[data-table="inputs"] tbody tr'),
      (row) => ({
        file: text(row.querySelector('.file')),
        format: text(row.querySelector('.format')),
        resources: text(row.querySelector('[data-count="resources"]')),
      })),
    totals: counts(document.querySelector('[data-summary="status"]')),
    posture: Array.from(document.querySelectorAll('svg[data-chart="posture"] g[data-criterion]'),
      (group) => ({
        criterion: group.getAttribute('data-criterion'),
        label: text(group.querySelector('.criterion')),
        counts: counts(group),
        segments: Array.from(group.querySelectorAll('rect.segment'), (rect) => ({
          status: rect.getAttribute('data-status'),
          width: Number(rect.getAttribute('width')),
          title: text(rect.querySelector('title')),
        })),
      })),
    severity: chart('severity'),
    service: chart('service'),
    topRules: Array.from(document.querySelectorAll('table[data-table="top-rules"] tbody tr'),
      (row) => ({
        rule: row.getAttribute('data-rule'),
        id: text(row.querySelector('code')),
        title: text(row.querySelector('.title')),
        severity: text(row.querySelector('.severity')),
        count: text(row.querySelector('[data-count="fail"]')),
        criteria: criteria(row.querySelector('.criteria')),
      })),
    rows: Array.from(document.querySelectorAll('table[data-table="findings"] tbody tr'),
      (row) => ({
        fingerprint: row.getAttribute('data-fingerprint'),
        dataRule: row.getAttribute('data-rule'),
        dataStatus: row.getAttribute('data-status'),
        dataSeverity: row.getAttribute('data-severity'),
        rule: text(row.querySelector('.rule')),
        resource: text(row.querySelector('.resource')),
        type: text(row.querySelector('.type')),
        status: text(row.querySelector('.status')),
        severity: text(row.querySelector('.severity')),
        criteria: criteria(row.querySelector('.criteria')),
        criteriaText: text(row.querySelector('.criteria')),
        location: text(row.querySelector('.location')),
        message: text(row.querySelector('.message')),
      })),
    criterionOptions: Array.from(document.querySelectorAll('select[name="criterion"] option'),
      (option) => option.value),
    scripts: document.querySelectorAll('script').length,
    images: document.querySelectorAll('img, iframe, object, embed, link').length,
    injected: window.__soc2Injected ?? null,
  };
}

function checkMetadata(page, report, scenario) {
  assert.equal(page.heading, scenario.title, 'the heading is the title');
  assert.equal(page.documentTitle, scenario.title.replace(/[\t\n\f\r ]+/g, ' ').trim(),
    'the document title is the title');
  assert.equal(page.version, report.tool.version, 'libsoc2 version');
  assert.equal(page.rulesVersion, report.tool.rules_version ?? 'custom rules only',
    'rule pack version');
  assert.match(page.generatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'generated-at format');
  assert.equal(page.generatedAtText, page.generatedAt, 'generated-at text');
  // The HTML and JSON reports come from two runs, seconds apart.
  const apart = Math.abs(Date.parse(page.generatedAt) - Date.parse(report.generated_at));
  assert.ok(apart <= 120000, `generated-at ${page.generatedAt} vs ${report.generated_at}`);
  assert.equal(number(page.rulesEvaluated, 'rules evaluated'), report.summary.rules_evaluated);

  assert.equal(number(page.inputCount, 'input count'), report.inputs.length);
  const resources = report.inputs.reduce((sum, input) => sum + input.resources, 0);
  assert.equal(number(page.resourceCount, 'resource count'), resources);
  assert.deepEqual(page.inputs.map((input) => ({
    file: input.file, format: input.format, resources: number(input.resources, 'resources'),
  })), report.inputs.map((input) => ({
    file: pageText(input.file), format: input.format, resources: input.resources,
  })), 'inputs table');
}

function checkTotals(page, report) {
  assert.equal(number(page.totals.findings, 'total findings'), report.summary.findings);
  assert.equal(report.summary.findings, report.findings.length);
  for (const status of STATUSES) {
    assert.equal(number(page.totals[status], `total ${status}`),
      report.summary.by_status[status], `total ${status}`);
  }
}

function checkPosture(page, report) {
  const expected = Object.entries(report.summary.soc2_criteria);
  assert.deepEqual(page.posture.map((row) => row.criterion), expected.map(([id]) => id),
    'posture criteria, in natural order');
  page.posture.forEach((row, i) => {
    const [id, counts] = expected[i];
    assert.equal(row.label, id, `posture label of ${id}`);
    const total = STATUSES.reduce((sum, status) => sum + counts[status], 0);
    assert.equal(number(row.counts.findings, `${id} findings`), total, `${id} findings`);
    for (const status of STATUSES) {
      assert.equal(number(row.counts[status], `${id} ${status}`), counts[status],
        `posture ${id} ${status}`);
    }
    // A segment per status that has findings, each with a <title>.
    assert.deepEqual(row.segments.map((segment) => segment.status),
      STATUSES.filter((status) => counts[status] > 0), `segments of ${id}`);
    for (const segment of row.segments) {
      assert.ok(segment.width > 0, `segment ${id} ${segment.status} has a width`);
      assert.ok(segment.title.startsWith(`${id}: ${counts[segment.status]} of ${total}`),
        `segment title "${segment.title}"`);
    }
  });
}

function checkFailureCharts(page, report, csvRows) {
  assert.deepEqual(page.severity.map((bar) => [bar.key, bar.label, number(bar.count, bar.key)]),
    SEVERITIES.map((severity) => [severity, severity,
      report.summary.failures_by_severity[severity]]), 'failures by severity');

  // The JSON report has no service, so the CSV report's column gives it;
  // its rows are joined to the JSON findings by fingerprint.
  const byFingerprint = new Map(report.findings.map((finding) => [finding.fingerprint, finding]));
  assert.equal(csvRows.length, report.findings.length, 'CSV rows');
  const failures = new Map();
  for (const row of csvRows) {
    const finding = byFingerprint.get(row.fingerprint);
    assert.ok(finding, `CSV fingerprint ${row.fingerprint} is in the JSON report`);
    assert.equal(row.status, finding.status, `CSV status of ${row.fingerprint}`);
    if (row.status === 'fail') {
      failures.set(row.service, (failures.get(row.service) ?? 0) + 1);
    }
  }
  // Most failures first, ties by name. Service names are unique and ASCII,
  // so < compares them in the byte order of the writer's strcmp.
  const expected = Array.from(failures).sort((a, b) => {
    if (a[1] !== b[1]) {
      return b[1] - a[1];
    }
    return a[0] < b[0] ? -1 : 1;
  });
  if (expected.length === 0) {
    assert.equal(page.service, null, 'no service chart without failures');
    return;
  }
  assert.deepEqual(page.service.map((bar) => [bar.key, bar.label, number(bar.count, bar.key)]),
    expected.map(([service, count]) => [service, service, count]), 'failures by service');
}

function checkTopRules(page, report) {
  const rules = new Map();
  report.findings.forEach((finding) => {
    if (!rules.has(finding.rule_id)) {
      rules.set(finding.rule_id, { order: rules.size, finding, failed: 0 });
    }
    if (finding.status === 'fail') {
      rules.get(finding.rule_id).failed++;
    }
  });
  const expected = Array.from(rules.values())
    .filter((rule) => rule.failed > 0)
    .sort((a, b) => b.failed - a.failed || a.order - b.order)
    .slice(0, TOP_RULE_COUNT)
    .map(({ finding, failed }) => ({
      rule: finding.rule_id,
      id: finding.rule_id,
      title: pageText(finding.title),
      severity: finding.severity,
      count: failed,
      criteria: soc2Criteria(finding).map(pageText),
    }));
  assert.deepEqual(page.topRules.map((row) => ({ ...row, count: number(row.count, row.rule) })),
    expected, 'top failing rules');
}

function expectedLocation(finding) {
  if (!finding.file) {
    return '';
  }
  return pageText(finding.file) + (finding.location ? `:${finding.location.line}` : '');
}

function checkRows(page, report) {
  assert.equal(page.rows.length, report.findings.length, 'one table row per finding');
  page.rows.forEach((row, i) => {
    const finding = report.findings[i];
    const criteria = soc2Criteria(finding).map(pageText);
    assert.deepEqual(row, {
      fingerprint: finding.fingerprint,
      dataRule: finding.rule_id,
      dataStatus: finding.status,
      dataSeverity: finding.severity,
      rule: finding.rule_id,
      resource: pageText(finding.resource),
      type: pageText(finding.resource_type),
      status: finding.status,
      severity: finding.severity,
      criteria,
      criteriaText: criteria.join(' '),
      location: expectedLocation(finding),
      message: pageText(finding.message),
    }, `findings table row ${i}`);
  });
}

// The rows the filters must show, as indexes into the findings.
function expectedRows(report, filter) {
  const rows = [];
  report.findings.forEach((finding, i) => {
    if ((!filter.criterion || soc2Criteria(finding).map(pageText).includes(filter.criterion)) &&
        (!filter.severity || finding.severity === filter.severity) &&
        (!filter.status || finding.status === filter.status)) {
      rows.push(i);
    }
  });
  return rows;
}

async function visibleRows(page) {
  return page.evaluate(() => {
    const rows = document.querySelectorAll('table[data-table="findings"] tbody tr');
    const visible = [];
    rows.forEach((row, i) => {
      if (row.getClientRects().length > 0) {
        visible.push(i);
      }
    });
    return { visible, shown: document.getElementById('findings-shown').textContent };
  });
}

async function checkFilters(page, report) {
  assert.ok(await page.isVisible('form#filters'), 'the script shows the filter form');
  const criteria = Object.keys(report.summary.soc2_criteria);
  assert.deepEqual(await page.evaluate(
    () => Array.from(document.querySelectorAll('select[name="criterion"] option'), (o) => o.value)),
  ['', ...criteria], 'criterion options');

  const filters = [
    ...criteria.map((criterion) => ({ criterion })),
    ...SEVERITIES.map((severity) => ({ severity })),
    ...STATUSES.map((status) => ({ status })),
    { criterion: criteria[0], status: 'fail' },
    { severity: 'high', status: 'pass' },
    { criterion: criteria[criteria.length - 1], severity: 'low', status: 'fail' },
  ];
  for (const filter of filters) {
    for (const name of ['criterion', 'severity', 'status']) {
      await page.selectOption(`select[name="${name}"]`, filter[name] ?? '');
    }
    const expected = expectedRows(report, filter);
    const result = await visibleRows(page);
    assert.deepEqual(result.visible, expected, `rows shown for ${JSON.stringify(filter)}`);
    assert.equal(result.shown, String(expected.length), `count shown for ${JSON.stringify(filter)}`);
  }

  await page.click('form#filters button[type="reset"]');
  await page.waitForFunction((total) =>
    document.getElementById('findings-shown').textContent === String(total),
  report.findings.length);
  const all = await visibleRows(page);
  assert.equal(all.visible.length, report.findings.length, 'Show all shows every row');
  console.log(`  filters: ${filters.length} selections checked`);
}

// Checks the print style sheet with print media emulated, then goes back
// to screen media.
async function checkPrintStyle(page, report) {
  await page.emulateMedia({ media: 'print' });
  const style = await page.evaluate(() => {
    const darkness = [];
    for (const element of document.querySelectorAll('*')) {
      const match = getComputedStyle(element).backgroundColor
        .match(/rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)/);
      if (!match || Number(match[4] ?? 1) === 0) {
        continue;
      }
      const luminance = (0.2126 * match[1] + 0.7152 * match[2] + 0.0722 * match[3]) / 255;
      if (luminance < 0.75) {
        darkness.push(`${element.tagName.toLowerCase()}.${element.className}: ${match[0]}`);
      }
    }
    const rows = document.querySelectorAll('table[data-table="findings"] tbody tr');
    return {
      darkness,
      form: getComputedStyle(document.getElementById('filters')).display,
      heads: Array.from(document.querySelectorAll('thead'), (head) => getComputedStyle(head).display),
      charts: Array.from(document.querySelectorAll('figure.chart'),
        (figure) => getComputedStyle(figure).breakInside),
      rowsShown: Array.from(rows).filter((row) => row.getClientRects().length > 0).length,
      sectionsShown: Array.from(document.querySelectorAll('main > section'))
        .every((section) => section.getClientRects().length > 0),
    };
  });
  assert.deepEqual(style.darkness, [], 'no dark background in print');
  assert.equal(style.form, 'none', 'the filter form is left out of print');
  assert.ok(style.heads.length > 0 && style.heads.every((display) => display === 'table-header-group'),
    `table headers repeat on each page: ${style.heads}`);
  assert.ok(style.charts.length >= 2 && style.charts.every((value) => value === 'avoid'),
    `charts do not split: ${style.charts}`);
  assert.equal(style.rowsShown, report.findings.length, 'every row prints');
  assert.ok(style.sectionsShown, 'every section prints');
  await page.emulateMedia({ media: 'screen' });
}

async function checkWithoutScript(browser, url, report) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url);
  const state = await page.$$eval('table[data-table="findings"] tbody tr',
    (rows) => rows.filter((row) => row.getClientRects().length > 0).length);
  assert.equal(state, report.findings.length, 'without JavaScript every row is visible');
  assert.equal(await page.isVisible('form#filters'), false,
    'without JavaScript the filter form stays hidden');
  await context.close();
}

async function checkScenario(browser, program, outputFolder, scenario) {
  console.log(`scenario ${scenario.name}`);
  const base = path.join(outputFolder, scenario.name);
  const htmlPath = `${base}.html`;
  const args = scenario.args;
  const titleArgs = scenario.titleArgument ? ['--title', scenario.title] : [];
  runSoc2(program, ['scan', '--format', 'html', ...titleArgs, '--output', htmlPath, ...args]);
  const report = JSON.parse(runSoc2(program, ['scan', '--format', 'json', ...args]));
  fs.writeFileSync(`${base}.json`, JSON.stringify(report, null, 2));
  const csvRows = parseCsv(runSoc2(program, ['scan', '--format', 'csv', ...args]).toString('utf8'));
  scenario.checkReport(report);

  const url = pathToFileURL(htmlPath).href;
  const context = await browser.newContext();
  const problems = [];
  await context.route('**/*', (route) => {
    if (route.request().url() === url) {
      return route.continue();
    }
    problems.push(`request to ${route.request().url()}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (request.url() !== url) {
      problems.push(`request to ${request.url()}`);
    }
  });
  page.on('websocket', (socket) => problems.push(`WebSocket to ${socket.url()}`));

  await page.goto(url, { waitUntil: 'load' });
  const data = await page.evaluate(readPage);
  assert.equal(data.injected, null, 'no text from the inputs ran as script');
  assert.equal(data.scripts, 1, 'the page has one script, its own');
  assert.equal(data.images, 0, 'the page has no images, frames or links');
  checkMetadata(data, report, scenario);
  checkTotals(data, report);
  checkPosture(data, report);
  checkFailureCharts(data, report, csvRows);
  checkTopRules(data, report);
  checkRows(data, report);
  console.log(`  ${data.rows.length} rows, ${data.posture.length} criteria, ` +
    `${data.topRules.length} top rules, ${(data.service ?? []).length} services match the JSON report`);
  await checkFilters(page, report);
  await checkPrintStyle(page, report);

  const screenshot = `${base}.png`;
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`  screenshot: ${screenshot}`);
  const pdfPath = `${base}.pdf`;
  const pdf = await page.pdf({ path: pdfPath, format: 'A4', printBackground: true });
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'page.pdf() writes a PDF');
  console.log(`  PDF: ${pdfPath} (${pdf.length} bytes)`);

  await checkWithoutScript(browser, url, report);
  assert.equal(await page.evaluate(() => window.__soc2Injected ?? null), null,
    'nothing ran after the filters either');
  assert.deepEqual(problems, [], 'no console error, page error or outside request');
  await context.close();
}

// Shows that the watchers of checkScenario see what they must fail on: a
// page in the output folder that logs an error and loads a missing image.
async function checkWatchers(browser, outputFolder) {
  const canary = path.join(outputFolder, 'canary.html');
  fs.writeFileSync(canary, '<!DOCTYPE html><title>canary</title><img src="canary-missing.png">' +
    '<script>console.error("canary error")</script>');
  const url = pathToFileURL(canary).href;
  const context = await browser.newContext();
  const seen = [];
  await context.route('**/*', (route) => {
    if (route.request().url() === url) {
      return route.continue();
    }
    seen.push('routed');
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (message) => seen.push(message.type()));
  page.on('request', (request) => {
    if (request.url() !== url) {
      seen.push('request');
    }
  });
  await page.goto(url, { waitUntil: 'load' });
  await context.close();
  assert.ok(seen.includes('error'), `the console watcher sees errors: ${seen}`);
  assert.ok(seen.includes('request'), `the request watcher sees requests: ${seen}`);
  assert.ok(seen.includes('routed'), `the route blocks file:// requests: ${seen}`);
}

async function main() {
  const [program, dataFolder, outputFolder] = process.argv.slice(2);
  if (!program || !dataFolder || !outputFolder) {
    fail('usage: node test_html_report.js SOC2_PROGRAM DATA_FOLDER OUTPUT_FOLDER');
  }
  const { chromium } = loadPlaywright();
  fs.mkdirSync(outputFolder, { recursive: true });

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    await checkWatchers(browser, outputFolder);
    for (const scenario of scenarios(dataFolder, outputFolder, __dirname)) {
      await checkScenario(browser, program, outputFolder, scenario);
    }
  } finally {
    await browser.close();
  }
  console.log('html report: all checks passed');
}

main().catch((error) => fail(error.stack ?? String(error)));
