// Live updates on an open /overall page: rows appended to the data file change the cards,
// the row count and the sparklines in place (no reload), the indicator says live, then
// reconnecting when the server goes away; without JavaScript the page has no indicator.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  fetchJson, formatKpi, kpiFormat, launchBrowser, screenshot, startServer, watchErrors,
} from './helpers.mjs';

const HEADER = 'day,agent,team_leader,supervisor,total_chats,avg_response_time,csat,active_agents,' +
  'escalations,resolved,pending,avg_chat_duration,sales_conversion,avg_queue_time\n';

function row(day, agent, chats) {
  return `${day},${agent},Tala,Sara,${chats},30.5,88,1,1,20,5,12,10.25,40\n`;
}

let dir;
let browser;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'keeta-live-'));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

// A fresh data file: 20 days of March for two agents.
function freshData(name) {
  const file = path.join(dir, name);
  let csv = HEADER;
  for (let d = 1; d <= 20; d++) {
    const day = `2025-03-${String(d).padStart(2, '0')}`;
    csv += row(day, 'Ahmed', 10 + d) + row(day, 'Badr', 20 + d);
  }
  writeFileSync(file, csv);
  return file;
}

function liveState(page) {
  return page.evaluate(() => document.documentElement.dataset.live);
}

test('appending rows to the file changes a card on the open page without a reload', async () => {
  const dataPath = freshData('append.csv');
  const server = await startServer({ data: dataPath });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url + '/overall?agent=Ahmed');
    await page.waitForFunction(() => document.documentElement.dataset.live === 'live');
    assert.match(await page.locator('.live-status').innerText(), /Live/);
    // Survives only if the page is never reloaded.
    await page.evaluate(() => { window.keetaLiveMarker = 'still here'; });
    const before = await page.getAttribute('.card[data-kpi="total_chats"]', 'data-value');
    assert.equal(Number(before), 20 * 10 + 210);

    appendFileSync(dataPath, row('2025-03-21', 'Ahmed', 1000) + row('2025-03-21', 'Badr', 5));
    await page.waitForFunction(
      (old) => document.querySelector('.card[data-kpi="total_chats"]').dataset.value !== old, before,
      { timeout: 20000 });

    const api = await fetchJson(`${server.url}/api/v1/kpis?agent=Ahmed`);
    const chats = api.kpis.find((k) => k.id === 'total_chats');
    assert.equal(chats.value, 20 * 10 + 210 + 1000);
    assert.equal(Number(await page.getAttribute('.card[data-kpi="total_chats"]', 'data-value')), chats.value);
    assert.equal(await page.locator('.card[data-kpi="total_chats"] .value').innerText(),
      formatKpi(kpiFormat(chats), chats.value));
    assert.equal(Number(await page.getAttribute('[data-rows]', 'data-rows')), 21);
    assert.match(await page.locator('.summary-rows').innerText(), /21 rows · 21 days/);
    assert.equal(await page.evaluate(() => window.keetaLiveMarker), 'still here');
    // The sparklines were redrawn with the new day, not stacked.
    assert.equal(await page.locator('.spark .uplot').count(), 10);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.sparklines), '10');
    assert.match(await page.locator('.live-status').innerText(), /Live · updated/);
    await screenshot(page, 'live-updated.png');
    assert.deepEqual(errors, []);

    // A broken file: the numbers stay, a banner says why.
    appendFileSync(dataPath, '2025-03-22,"unterminated\n');
    await page.waitForSelector('.banner-warn', { timeout: 20000 });
    assert.match(await page.locator('.banner-warn').innerText(), /reload failed/);
    assert.equal(Number(await page.getAttribute('.card[data-kpi="total_chats"]', 'data-value')), chats.value);

    // The server goes away: the indicator says so and the page keeps its numbers.
    await server.stop();
    await page.waitForFunction(() => ['reconnecting', 'offline'].includes(document.documentElement.dataset.live));
    assert.equal(Number(await page.getAttribute('.card[data-kpi="total_chats"]', 'data-value')), chats.value);
    await context.close();
  } finally {
    await server.stop();
  }
});

test('without JavaScript the page has no live indicator and is otherwise the same', async () => {
  const server = await startServer({ data: freshData('plain.csv') });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(server.url + '/overall');
    assert.equal(await page.locator('.live-status').count(), 0);
    assert.equal(await page.locator('article.card').count(), 10);
    assert.equal(await liveState(page), undefined);
    await context.close();
  } finally {
    await server.stop();
  }
});
