// Feedback that explains (issue: real-world files and honest feedback): a card without a
// value because of the data says why and opens the notes; an unknown name is reported
// with links to the names meant; a reversed range offers to swap the dates; days without
// data are gaps in the charts; the date fields read ISO. Served from a small file this
// test writes: junk in every csat cell and five days missing in the middle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchJson, formatKpi, kpiFormat, screenshot, useServerAndBrowser, openPage } from './helpers.mjs';

const dir = mkdtempSync(path.join(os.tmpdir(), 'keeta-feedback-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'feedback.csv');
const lines = ['day,agent,team_leader,supervisor,total_chats,csat,avg_response_time'];
const days = [];
for (let d = 1; d <= 20; d++) {
  if (d >= 11 && d <= 15) continue;  // 2025-01-11 .. 01-15: no data
  const day = `2025-01-${String(d).padStart(2, '0')}`;
  days.push(day);
  lines.push(`${day},Ahmed,Sara,Mona,${10 + d},high,${30 + d}`);
  lines.push(`${day},Omar,Sara,Mona,${5 + d},good,${20 + d}`);
}
writeFileSync(file, lines.join('\n') + '\n');

const env = useServerAndBrowser({ data: file });

const open = (target, options) => openPage(env, target, options);

test('a card with no value because of the data says why, and the notes open by themselves', async () => {
  const { context, page, errors } = await open('/overall');
  const api = await fetchJson(`${env.server.url}/api/v1/kpis`);
  const csat = api.kpis.find((k) => k.id === 'csat');
  assert.equal(csat.value, null);
  assert.match(csat.no_value_reason, /^column 'csat': all 30 values unreadable, e\.g\. 'high' on line 2$/);
  assert.equal(await page.textContent('.card[data-kpi="csat"] .card-reason'), csat.no_value_reason);
  // Every card's reason is the API's, and only cards without a value have one.
  for (const kpi of api.kpis) {
    const reason = page.locator(`.card[data-kpi="${kpi.id}"] .card-reason`);
    if (kpi.no_value_reason === null) {
      assert.equal(await reason.count(), 0, kpi.id);
      assert.notEqual(kpi.value, null, kpi.id);
    } else {
      assert.equal(await reason.textContent(), kpi.no_value_reason, kpi.id);
    }
  }
  assert.equal(await page.getAttribute('details.notice', 'open'), '', 'notes open');
  assert.match(await page.textContent('details.notice'), /column 'csat': 30 invalid values/);
  await screenshot(page, 'feedback-card-reasons.png');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an unknown name is reported with the names meant, each a link to that view', async () => {
  const { context, page } = await open('/overall?agent=Ahmad');
  const hint = page.locator('.alert-hint');
  assert.equal((await hint.textContent()).trim(), 'No agent Ahmad; did you mean Ahmed?');
  assert.equal(await page.textContent('.card[data-kpi="total_chats"] .value'), '0', 'the honest zero');
  await screenshot(page, 'feedback-unknown-name.png');
  await Promise.all([page.waitForURL(/agent=Ahmed/), hint.getByRole('link', { name: 'Ahmed' }).click()]);
  assert.equal(await page.locator('.alert-hint').count(), 0);
  const api = await fetchJson(`${env.server.url}/api/v1/kpis?agent=Ahmed`);
  const total = api.kpis.find((k) => k.id === 'total_chats');
  assert.equal(await page.textContent('.card[data-kpi="total_chats"] .value'), formatKpi(kpiFormat(total), total.value));
  await context.close();
});

test('a range that ends before it starts says so and offers to swap the dates', async () => {
  const { context, page } = await open('/overall?from_date=2025-01-20&to_date=2025-01-05');
  const hint = page.locator('.alert-hint');
  assert.match(await hint.innerText(), /The range ends on 2025-01-05, before it starts \(2025-01-20\), so no day matches/);
  await Promise.all([page.waitForURL(/from_date=2025-01-05/), hint.getByRole('link', { name: 'Swap the dates' }).click()]);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('to_date'), '2025-01-20');
  assert.equal(await page.locator('.alert-hint').count(), 0);
  assert.notEqual(await page.textContent('.card[data-kpi="total_chats"] .value'), '0');
  await context.close();
});

test('days without data are gaps in the sparklines, and hovering one says so', async () => {
  const { context, page, errors } = await open('/overall');
  await page.waitForFunction(() => document.documentElement.dataset.sparklines === '10' ||
    Number(document.documentElement.dataset.sparklines) > 0);
  const api = await fetchJson(`${env.server.url}/api/v1/kpis`);
  assert.deepEqual(api.kpis[0].trend.map((p) => p[0]), days, 'the API lists only days with data');
  // One break: after 2025-01-10 comes 2025-01-16.
  assert.equal(await page.getAttribute('.spark[data-kpi="total_chats"]', 'data-gaps'), '1');
  // Hovering the middle of the gap shows that there is no data there, not a joined line.
  const box = await page.locator('.spark[data-kpi="total_chats"]').boundingBox();
  const spanDays = 19;  // 2025-01-01 .. 01-20
  await page.mouse.move(box.x + 4 + (box.width - 8) * (10 / spanDays), box.y + box.height / 2);
  await page.waitForSelector('.spark[data-kpi="total_chats"] .spark-tip:not([hidden])');
  assert.equal(await page.textContent('.spark[data-kpi="total_chats"] .spark-tip time'), '2025-01-11');
  assert.equal(await page.textContent('.spark[data-kpi="total_chats"] .spark-tip strong'), 'no data');
  await screenshot(page, 'feedback-gaps.png');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the SVG sparklines without JavaScript break at the same gap', async () => {
  const { context, page } = await open('/overall', { javaScriptEnabled: false });
  const d = await page.getAttribute('.spark[data-kpi="total_chats"] .spark-svg path', 'd');
  assert.equal((d.match(/M/g) || []).length, 2, d);
  await context.close();
});

test('the date fields read and take ISO dates whatever the browser locale', async () => {
  const { context, page } = await open('/overall?from_date=2025-01-02', { locale: 'en-US' });
  const from = page.locator('#from_date');
  assert.equal(await from.getAttribute('type'), 'text');
  assert.equal(await from.inputValue(), '2025-01-02');
  assert.equal(await page.getAttribute('#to_date', 'placeholder'), 'YYYY-MM-DD');
  assert.equal(await page.locator('.date-button').count(), 2, 'a calendar button per field');
  await page.fill('#to_date', '2025-01-08');
  await Promise.all([page.waitForURL(/to_date=2025-01-08/), page.click('button[type=submit]')]);
  assert.equal(await page.locator('#to_date').inputValue(), '2025-01-08');
  await screenshot(page, 'feedback-iso-dates.png');
  await context.close();
});

// Last: it changes the file.
test('a live update in which the unknown name now has rows takes the hint away', async () => {
  const { context, page, errors } = await open('/overall?agent=Zed');
  assert.equal(await page.locator('.alert-hint').count(), 1);
  await page.waitForSelector('.live-status[data-state="live"]');
  appendFileSync(file, '2025-01-20,Zed,Sara,Mona,50,high,40\n');
  await page.waitForSelector('.alert-hint', { state: 'detached', timeout: 15000 });
  assert.equal(await page.textContent('.card[data-kpi="total_chats"] .value'), '50');
  assert.equal(page.url().endsWith('/overall?agent=Zed'), true, 'no reload');
  assert.deepEqual(errors, []);
  await context.close();
});
