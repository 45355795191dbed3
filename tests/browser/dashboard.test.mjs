// The /overall page in a real Chromium with JavaScript on: cards and uPlot sparklines,
// values equal to the JSON API, pickers that narrow each other, the sparkline tooltip,
// keyboard use of the pickers. Run: node --test tests/browser/ (after `make build`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EXAMPLE, fetchJson, formatKpi, kpiFormat, useServerAndBrowser,
  openPage,
} from './helpers.mjs';

const env = useServerAndBrowser();

const open = (target, options) => openPage(env, target, options);

// Waits until app.js has drawn its sparklines (it records how many on <html>).
async function sparklinesDrawn(page) {
  await page.waitForFunction(() => document.documentElement.dataset.sparklines !== undefined);
  return Number(await page.evaluate(() => document.documentElement.dataset.sparklines));
}

// Each card as {id, label, text, unit, value}.
function readCards(page) {
  return page.$$eval('article.card', (cards) => cards.map((card) => ({
    id: card.dataset.kpi,
    label: card.querySelector('.card-label').textContent,
    text: card.querySelector('.card-value .value').textContent,
    unit: card.querySelector('.card-value .unit')?.textContent ?? null,
    value: card.dataset.value === '' ? null : Number(card.dataset.value),
  })));
}

// The page's cards show exactly what /api/v1/kpis answers for the page's own query (or
// for `search` when given).
async function assertCardsMatchApi(page, search = new URL(page.url()).search) {
  const api = await fetchJson(`${env.server.url}/api/v1/kpis${search}`);
  const cards = await readCards(page);
  assert.deepEqual(cards.map((c) => c.id), api.kpis.map((k) => k.id), 'cards in API order');
  for (const [i, kpi] of api.kpis.entries()) {
    const card = cards[i];
    assert.equal(card.label, kpi.label, `${kpi.id} label`);
    assert.equal(card.value, kpi.value, `${kpi.id} data-value`);
    assert.equal(card.text, formatKpi(kpiFormat(kpi), kpi.value), `${kpi.id} text`);
    if (kpi.value !== null && kpi.unit !== '%') assert.equal(card.unit, kpi.unit, `${kpi.id} unit`);
  }
  const rows = Number(await page.getAttribute('[data-rows]', 'data-rows'));
  assert.equal(rows, api.rows, 'row count');
  return api;
}

function pickerValues(page, dim) {
  return page.$$eval(`.picker[data-dim="${dim}"] .picker-options input[type=checkbox]`,
    (inputs) => inputs.map((i) => i.value));
}

test('page loads with ten cards and ten uPlot sparklines, without console errors', async () => {
  const { context, page, errors } = await open('/overall');
  assert.equal(await sparklinesDrawn(page), 10);
  assert.equal(await page.locator('article.card').count(), 10);
  assert.equal(await page.locator('.spark .uplot canvas').count(), 10);
  // The server-rendered SVG fallbacks were replaced, not stacked under the charts.
  assert.equal(await page.locator('.spark-svg').count(), 0);
  await assertCardsMatchApi(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('sparkline boxes keep their size when the charts load (no layout jump)', async () => {
  const { context: noJs, page: plain } = await open('/overall', { javaScriptEnabled: false });
  const before = await plain.locator('.spark').first().boundingBox();
  await noJs.close();
  const { context, page } = await open('/overall');
  await sparklinesDrawn(page);
  const after = await page.locator('.spark').first().boundingBox();
  assert.deepEqual(after, before);
  await context.close();
});

test("the original's example URL shows January data for Ahmed under Sara", async () => {
  const { context, page, errors } = await open(EXAMPLE);
  await sparklinesDrawn(page);
  const api = await assertCardsMatchApi(page);
  assert.ok(api.rows > 0, 'the sample data has rows for the example');
  const chips = await page.locator('.chips').innerText();
  assert.match(chips, /Ahmed/);
  assert.match(chips, /Sara/);
  assert.match(chips, /2025-01-01\s*→\s*2025-01-31/);
  assert.equal(await page.inputValue('#from_date'), '2025-01-01');
  assert.equal(await page.inputValue('#to_date'), '2025-01-31');
  assert.ok(await page.isChecked('.picker[data-dim="agent"] input[value="Ahmed"]'));
  assert.deepEqual(errors, []);
  await context.close();
});

test("a chip's remove button drops that value and keeps the rest of the view", async () => {
  const { context, page, errors } = await open(EXAMPLE);
  await page.click('.chip-x[name="drop_agent"][value="Ahmed"]');
  await page.waitForURL((url) => !url.search.includes('Ahmed'));
  const url = new URL(page.url());
  assert.equal(url.pathname, '/overall');
  assert.deepEqual(url.searchParams.getAll('agent'), []);
  assert.equal(url.searchParams.get('team_leader'), 'Sara');
  assert.equal(url.searchParams.get('from_date'), '2025-01-01');
  await page.click('.chip-x[name="drop_dates"]');
  await page.waitForURL((u) => !u.search.includes('from_date'));
  assert.equal(new URL(page.url()).search, '?team_leader=Sara');
  await assertCardsMatchApi(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('choosing a supervisor narrows the team leaders and agents; Apply shows its numbers', async () => {
  const all = await fetchJson(`${env.server.url}/api/v1/filters`);
  // A supervisor whose team leaders are a strict subset of all team leaders.
  let supervisor = null;
  let narrowed = null;
  for (const name of all.supervisor) {
    const choices = await fetchJson(`${env.server.url}/api/v1/filters?supervisor=${encodeURIComponent(name)}`);
    if (choices.team_leader.length < all.team_leader.length) {
      supervisor = name;
      narrowed = choices;
      break;
    }
  }
  assert.ok(supervisor, 'the data has a supervisor with fewer team leaders than all');

  const { context, page, errors } = await open('/overall');
  await page.waitForSelector('form[data-enhanced]');
  assert.deepEqual(await pickerValues(page, 'team_leader'), all.team_leader);

  const picker = page.locator('.picker[data-dim="supervisor"]');
  await picker.locator('summary').click();
  await picker.getByRole('checkbox', { name: supervisor, exact: true }).check();
  await page.waitForFunction(
    (want) => JSON.stringify(Array.from(document.querySelectorAll(
      '.picker[data-dim="team_leader"] .picker-options input')).map((i) => i.value)) === want,
    JSON.stringify(narrowed.team_leader));
  assert.deepEqual(await pickerValues(page, 'agent'), narrowed.agent);
  // The supervisor list itself is only narrowed by the other filters: unchanged.
  assert.deepEqual(await pickerValues(page, 'supervisor'), all.supervisor);
  assert.equal((await picker.locator('.picker-value').innerText()).trim(), supervisor);

  await Promise.all([page.waitForURL(/supervisor=/), page.click('button[type=submit]')]);
  const url = new URL(page.url());
  assert.deepEqual(url.searchParams.getAll('supervisor'), [supervisor]);
  assert.equal(url.searchParams.has('from_date'), false, 'empty dates stay out of the URL');
  const api = await assertCardsMatchApi(page);
  assert.deepEqual(api.filters.supervisor, [supervisor]);
  assert.deepEqual(await pickerValues(page, 'team_leader'), narrowed.team_leader);
  assert.deepEqual(errors, []);
  await context.close();
});

test('narrowing drops a selection that is no longer offered', async () => {
  const all = await fetchJson(`${env.server.url}/api/v1/filters`);
  // A supervisor and a team leader who does not report to them: a URL can ask for both.
  let pair = null;
  for (const name of all.supervisor) {
    const choices = await fetchJson(`${env.server.url}/api/v1/filters?supervisor=${encodeURIComponent(name)}`);
    const outside = all.team_leader.find((t) => !choices.team_leader.includes(t));
    if (outside) {
      pair = { supervisor: name, teamLeader: outside, teamLeaders: choices.team_leader };
      break;
    }
  }
  assert.ok(pair, 'some team leader does not report to some supervisor');
  const query = `supervisor=${encodeURIComponent(pair.supervisor)}&team_leader=${encodeURIComponent(pair.teamLeader)}`;
  const { context, page } = await open(`/overall?${query}`);
  await page.waitForSelector('form[data-enhanced]');
  // The server lists the contradictory selection, ticked, so it can be seen and unticked.
  const teamLeader = page.locator('.picker[data-dim="team_leader"]');
  assert.ok(await teamLeader.locator(`input[value="${pair.teamLeader}"]`).isChecked());

  // Any change re-narrows: the team leader outside the supervisor's team is dropped.
  await page.fill('#from_date', all.min_day);
  await page.waitForFunction(() => document.querySelector('form').dataset.narrowed !== undefined);
  const checked = await teamLeader.locator('input:checked').evaluateAll((l) => l.map((i) => i.value));
  assert.deepEqual(checked, []);
  assert.deepEqual(await pickerValues(page, 'team_leader'), pair.teamLeaders);
  await context.close();
});

test('hovering a sparkline shows the day and the value formatted like the card', async () => {
  const { context, page } = await open(EXAMPLE);
  await sparklinesDrawn(page);
  const api = await fetchJson(`${env.server.url}/api/v1/kpis${new URL(page.url()).search}`);
  const kpi = api.kpis.find((k) => k.id === 'total_chats');
  const over = page.locator('.spark[data-kpi="total_chats"] .u-over');
  const box = await over.boundingBox();
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
  const tip = page.locator('.spark[data-kpi="total_chats"] .spark-tip');
  await tip.waitFor({ state: 'visible' });
  const day = await tip.locator('time').innerText();
  assert.match(day, /^\d{4}-\d{2}-\d{2}$/);
  const point = kpi.trend.find(([d]) => d === day);
  assert.ok(point, `${day} is a trend day`);
  const want = point[1] === null ? 'no value' : `${formatKpi('count', point[1])} chats`;
  assert.equal(await tip.locator('strong').innerText(), want);
  await page.mouse.move(box.x + box.width / 2, box.y - 80);  // leave the chart
  await tip.waitFor({ state: 'hidden' });
  await context.close();
});

test('pickers work from the keyboard: open, search, tick, close', async () => {
  const all = await fetchJson(`${env.server.url}/api/v1/filters`);
  const target = all.agent[Math.floor(all.agent.length / 2)];
  const { context, page } = await open('/overall');
  await page.waitForSelector('form[data-enhanced]');
  const picker = page.locator('.picker[data-dim="agent"]');
  await picker.locator('summary').focus();
  await page.keyboard.press('Enter');
  const search = picker.locator('.picker-search');
  await search.waitFor({ state: 'visible' });
  assert.equal(await search.evaluate((el) => el === document.activeElement), true, 'search focused');
  await page.keyboard.type(target);
  const visible = await picker.locator('.opt:visible').allInnerTexts();
  assert.ok(visible.length >= 1 && visible.length < all.agent.length, 'the search filters the list');
  assert.ok(visible.every((t) => t.toLocaleLowerCase().includes(target.toLocaleLowerCase())));
  await page.keyboard.press('Tab');  // the Clear button
  await page.keyboard.press('Tab');  // the first visible option
  await page.keyboard.press('Space');
  const first = visible[0].trim();
  assert.ok(await picker.getByRole('checkbox', { name: first, exact: true }).isChecked());
  await page.keyboard.press('Escape');
  assert.equal(await picker.locator('details').evaluate((d) => d.open), false);
  assert.equal(await picker.locator('summary').evaluate((el) => el === document.activeElement), true);
  assert.equal((await picker.locator('.picker-value').innerText()).trim(), first);
  await context.close();
});

test('a bad date in the URL is reported next to the filters, not as an empty page', async () => {
  const { context, page } = await open('/overall?from_date=2025-02-30&to_date=2025-01-31');
  const alert = page.locator('.filters [role=alert]');
  assert.equal(await alert.count(), 1);
  assert.match(await alert.innerText(), /from_date/);
  assert.match(await alert.innerText(), /2025-02-30/);
  // The valid part of the filter still applies.
  assert.equal(await page.inputValue('#to_date'), '2025-01-31');
  await assertCardsMatchApi(page, '?to_date=2025-01-31');
  await context.close();
});
