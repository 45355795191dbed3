// Insight on the /overall page, in a real Chromium: the change badges and targets on the
// cards, the date presets (counting back from the data's last day), the granularity
// switch, the breakdown table (sorting, paging, search, drill-down; also without
// JavaScript) and the large chart. Values are checked against the JSON API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchJson, screenshot, useServerAndBrowser, openPage } from './helpers.mjs';

// A settings file of our own (never the working directory's): two targets.
const settingsDir = mkdtempSync(path.join(os.tmpdir(), 'keeta-insight-'));
process.on('exit', () => rmSync(settingsDir, { recursive: true, force: true }));
const settingsFile = path.join(settingsDir, 'settings.json');
writeFileSync(settingsFile, JSON.stringify({
  targets: { csat: { op: '>=', value: 85 }, avg_response_time: { op: '<=', value: 30 } },
}));

const env = useServerAndBrowser({ args: ['--settings', settingsFile] });

const open = (target, options) => openPage(env, target, options);

async function tableNames(page) {
  return page.$$eval('.breakdown-table tbody th', (cells) => cells.map((c) => c.textContent));
}

test('cards show the change against the previous period, coloured by direction, and targets', async () => {
  const query = '?from_date=2025-11-01&to_date=2025-11-30';
  const { context, page, errors } = await open('/overall' + query);
  const api = await fetchJson(`${env.server.url}/api/v1/kpis${query}`);
  assert.deepEqual(api.previous_period, { from_date: '2025-10-02', to_date: '2025-10-31', rows: api.previous_period.rows });
  const higherIsBetter = new Set(['total_chats', 'csat', 'active_agents', 'resolved_pct', 'sales_conversion']);
  for (const kpi of api.kpis) {
    const card = page.locator(`.card[data-kpi="${kpi.id}"]`);
    const badge = card.locator('.card-change');
    assert.equal(Number(await badge.getAttribute('data-previous')), kpi.previous, `${kpi.id} previous`);
    const good = await badge.getAttribute('data-good');
    const expected = kpi.change === 0 ? 'neutral' : (kpi.change > 0) === higherIsBetter.has(kpi.id) ? 'good' : 'bad';
    assert.equal(good, expected, `${kpi.id} colour`);
    assert.match(await badge.getAttribute('title'), /Previous period \(2025-10-02 → 2025-10-31\)/);
    if (kpi.target) {
      assert.equal(await card.getAttribute('data-status'), kpi.status, `${kpi.id} status`);
      assert.match(await card.locator('.card-target').textContent(), new RegExp(kpi.status));
    } else {
      assert.equal(await card.locator('.card-target').count(), 0);
    }
  }
  assert.equal(api.kpis[2].target.value, 85);
  assert.deepEqual(errors, []);
  await context.close();
});

test('date presets count back from the data\'s last day and say so', async () => {
  const { context, page, errors } = await open('/overall');
  const api = await fetchJson(`${env.server.url}/api/v1/filters`);
  assert.equal(api.max_day, '2025-12-31');  // the sample ends before today
  assert.match(await page.locator('.presets-note').textContent(), /counting back from 2025-12-31/);
  assert.equal(await page.locator('.preset[aria-current]').getAttribute('data-preset'), 'all');
  const expectations = {
    last_month: ['2025-11-01', '2025-11-30'],
    this_quarter: ['2025-10-01', '2025-12-31'],
    last_7: ['2025-12-25', '2025-12-31'],
    yesterday: ['2025-12-30', '2025-12-30'],
    year_to_date: ['2025-01-01', '2025-12-31'],
  };
  for (const [preset, [from, to]] of Object.entries(expectations)) {
    await page.click(`.preset[data-preset="${preset}"]`);
    await page.waitForURL((url) => url.searchParams.get('from_date') === from);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('to_date'), to, preset);
    assert.equal(await page.locator('.preset[aria-current]').getAttribute('data-preset'), preset);
    assert.match(await page.locator('.chip-date').textContent(), /to the data's last day/);
    assert.equal(await page.inputValue('#from_date'), from);
  }
  // A preset's URL is an ordinary shareable URL.
  const shared = page.url();
  const { context: other, page: again } = await open(new URL(shared).pathname + new URL(shared).search);
  assert.equal(await again.locator('.preset[aria-current]').getAttribute('data-preset'), 'year_to_date');
  await other.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('granularity: weeks for a year, days for a month, and the switch changes the trend points', async () => {
  const { context, page, errors } = await open('/overall');
  const current = () => page.locator('.view-bar .seg a[aria-current]').getAttribute('data-granularity');
  const points = () => page.evaluate(() => JSON.parse(document.getElementById('kpi-data').textContent).days.length);
  assert.equal(await current(), 'week');
  const weekly = await fetchJson(`${env.server.url}/api/v1/kpis?granularity=week`);
  assert.equal(await points(), weekly.kpis[0].trend.length);
  await page.click('.view-bar .seg a[data-granularity="month"]');
  await page.waitForURL(/granularity=month/);
  assert.equal(await current(), 'month');
  assert.equal(await points(), 12);
  await page.waitForFunction(() => document.documentElement.dataset.sparklines === '10');
  // The choice survives applying a filter (a hidden field of the filter form).
  await page.fill('#from_date', '2025-07-01');
  await page.click('.filters-actions .btn-primary');
  await page.waitForURL(/from_date=2025-07-01/);
  assert.equal(await current(), 'month');
  assert.equal(await points(), 6);
  await page.goto(env.server.url + '/overall?from_date=2025-12-02&to_date=2025-12-31');
  assert.equal(await current(), 'day');
  assert.deepEqual(errors, []);
  await context.close();
});

test('breakdown table: API order, sorting by a column, paging, search and drill-down', async () => {
  const { context, page, errors } = await open('/overall');
  const api = await fetchJson(`${env.server.url}/api/v1/breakdown`);
  assert.deepEqual(await tableNames(page), api.rows.map((r) => r.name));
  assert.equal(await page.locator('.breakdown-table thead th').count(), 12);  // name, rows, ten KPIs

  // Sort by CSAT (high to low), then flip.
  await page.click('.breakdown-table thead a:text-is("CSAT")');
  await page.waitForURL(/sort=csat/);
  const byCsat = await fetchJson(`${env.server.url}/api/v1/breakdown?sort=csat`);
  assert.deepEqual(await tableNames(page), byCsat.rows.map((r) => r.name));
  await page.click('.breakdown-table thead a:has-text("CSAT")');
  await page.waitForURL(/order=asc/);
  const byCsatAsc = await fetchJson(`${env.server.url}/api/v1/breakdown?sort=csat&order=asc`);
  assert.deepEqual(await tableNames(page), byCsatAsc.rows.map((r) => r.name));

  // Next page.
  await page.click('.pager a[rel="next"]');
  await page.waitForURL(/offset=50/);
  const second = await fetchJson(`${env.server.url}/api/v1/breakdown?sort=csat&order=asc&offset=50`);
  assert.deepEqual(await tableNames(page), second.rows.map((r) => r.name));
  assert.match(await page.locator('.pager-range').textContent(), /^51–82 of 82$/);

  // Search, by team leader.
  await page.click('.breakdown-head .seg a[data-by="team_leader"]');
  await page.waitForURL(/by=team_leader/);
  const leaders = await fetchJson(`${env.server.url}/api/v1/breakdown?by=team_leader`);
  assert.deepEqual(await tableNames(page), leaders.rows.map((r) => r.name));
  const probe = leaders.rows[0].name.slice(0, 3);
  await page.fill('.breakdown-search input[name="q"]', probe);
  await page.click('.breakdown-search button');
  await page.waitForURL(/q=/);
  const found = await fetchJson(`${env.server.url}/api/v1/breakdown?by=team_leader&q=${encodeURIComponent(probe)}`);
  assert.deepEqual(await tableNames(page), found.rows.map((r) => r.name));

  // Drill down: a team leader's name filters the dashboard to them and lists their agents.
  const leader = found.rows[0].name;
  await page.click('.breakdown-table tbody th a >> nth=0');
  await page.waitForURL(/team_leader=/);
  const url = new URL(page.url());
  assert.deepEqual(url.searchParams.getAll('team_leader'), [leader]);
  assert.equal(url.searchParams.get('by'), null);  // agents: the default
  assert.equal(await page.locator('.breakdown-head .seg a[aria-current]').getAttribute('data-by'), 'agent');
  const agents = await fetchJson(`${env.server.url}/api/v1/breakdown?team_leader=${encodeURIComponent(leader)}`);
  assert.deepEqual(await tableNames(page), agents.rows.map((r) => r.name));
  const kpis = await fetchJson(`${env.server.url}/api/v1/kpis?team_leader=${encodeURIComponent(leader)}`);
  assert.equal(Number(await page.getAttribute('[data-rows]', 'data-rows')), kpis.rows);
  assert.deepEqual(errors, []);
  await context.close();
});

test('breakdown table works without JavaScript: links and the search form', async () => {
  const { context, page } = await open('/overall?by=supervisor', { javaScriptEnabled: false });
  const api = await fetchJson(`${env.server.url}/api/v1/breakdown?by=supervisor`);
  assert.deepEqual(await tableNames(page), api.rows.map((r) => r.name));
  await page.click('.breakdown-table thead a:text-is("Supervisor")');
  await page.waitForURL(/sort=name/);
  assert.deepEqual(await tableNames(page), api.rows.map((r) => r.name).sort());
  await page.fill('.breakdown-search input[name="q"]', 'zzz-nobody');
  await page.click('.breakdown-search button');
  await page.waitForURL(/q=zzz-nobody/);
  assert.match(await page.locator('.breakdown-empty').textContent(), /No name matches/);
  await context.close();
});

test('a click on a card opens a large chart with the previous period and the target', async () => {
  const { context, page, errors } = await open('/overall?from_date=2025-07-01&to_date=2025-12-31');
  await page.waitForFunction(() => document.documentElement.dataset.sparklines === '10');
  await page.click('.card[data-kpi="csat"]');
  await page.waitForFunction(() => document.documentElement.dataset.chart === 'open');
  const dialog = page.locator('dialog.chart-dialog');
  assert.equal(await dialog.evaluate((d) => d.open), true);
  assert.equal(await dialog.locator('#chart-title').textContent(), 'Average CSAT');
  assert.match(await dialog.locator('.chart-sub').textContent(), /previous period 2024-12-29 to 2025-06-30/);
  assert.match(await dialog.locator('.chart-sub').textContent(), /target ≥ 85\.0%/);
  const legend = await dialog.locator('.u-legend .u-label').allTextContents();
  assert.deepEqual(legend.slice(1), ['This period', 'Previous period']);
  // Hover shows values in the legend.
  const box = await dialog.locator('.u-over').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const values = await dialog.locator('.u-legend .u-value').allTextContents();
  assert.match(values[1], /%$/);
  await screenshot(page, 'insight-large-chart.png');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.documentElement.dataset.chart === 'closed');
  assert.deepEqual(errors, []);
  await context.close();
});

test('screenshots: insight at desktop and phone widths', async () => {
  for (const [name, viewport] of [['desktop', { width: 1440, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const { context, page, errors } = await open('/overall?from_date=2025-12-02&to_date=2025-12-31', { viewport });
    await page.waitForFunction(() => document.documentElement.dataset.sparklines === '10');
    await screenshot(page, `insight-${name}.png`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: the page itself does not scroll sideways (${overflow}px)`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});
