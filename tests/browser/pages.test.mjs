// The /overall page without JavaScript, the HTML error page, and screenshots of the
// dashboard (desktop, phone, dark mode) saved to test-artifacts/ for a human to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EXAMPLE, fetchJson, formatKpi, kpiFormat, screenshot, useServerAndBrowser, watchErrors,
} from './helpers.mjs';

const env = useServerAndBrowser();

async function cardTexts(page) {
  return page.$$eval('article.card', (cards) => cards.map((card) => [
    card.dataset.kpi, card.querySelector('.card-value .value').textContent]));
}

async function expectedTexts(search) {
  const api = await fetchJson(`${env.server.url}/api/v1/kpis${search}`);
  return api.kpis.map((k) => [k.id, formatKpi(kpiFormat(k), k.value)]);
}

test('without JavaScript the page shows every value and the filter form still works', async () => {
  const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${env.server.url}/overall`);
  assert.deepEqual(await cardTexts(page), await expectedTexts(''));
  assert.equal(await page.locator('.spark canvas').count(), 0);
  assert.equal(await page.locator('.spark-svg').count(), 10, 'static sparklines instead');
  await screenshot(page, 'overall-nojs.png');

  // Pick a supervisor with the native <details> and checkbox, then Apply: a plain GET.
  const filters = await fetchJson(`${env.server.url}/api/v1/filters`);
  const supervisor = filters.supervisor[0];
  const picker = page.locator('.picker[data-dim="supervisor"]');
  await picker.locator('summary').click();
  await picker.getByRole('checkbox', { name: supervisor, exact: true }).check();
  await Promise.all([page.waitForURL(/supervisor=/), page.click('button[type=submit]')]);
  const search = new URL(page.url()).search;
  assert.deepEqual(new URL(page.url()).searchParams.getAll('supervisor'), [supervisor]);
  assert.deepEqual(await cardTexts(page), await expectedTexts(search));
  assert.ok(await page.isChecked(`.picker[data-dim="supervisor"] input[value="${supervisor}"]`));

  // Reset is a link back to the unfiltered page.
  await Promise.all([page.waitForURL(/\/overall$/), page.click('text=Reset')]);
  assert.deepEqual(await cardTexts(page), await expectedTexts(''));
  await context.close();
});

test('the example URL reads correctly without JavaScript', async () => {
  const context = await env.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(env.server.url + EXAMPLE);
  const expected = await expectedTexts(new URL(env.server.url + EXAMPLE).search);
  assert.deepEqual(await cardTexts(page), expected);
  assert.ok(expected.some(([, text]) => text !== '—' && text !== '0'), 'real numbers shown');
  await context.close();
});

test('unknown pages get the styled error page with a way back', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  const response = await page.goto(`${env.server.url}/no-such-page`);
  assert.equal(response.status(), 404);
  assert.match(await page.locator('.error-status').innerText(), /404/);
  const back = page.locator('a', { hasText: 'Back to the dashboard' });
  assert.equal(await back.getAttribute('href'), '/overall');
  // The page's stylesheet applied (the box has a background), i.e. same look as /overall.
  const background = await page.locator('.error-box').evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(background, 'rgba(0, 0, 0, 0)');
  assert.deepEqual(errors.filter((e) => !e.includes('/no-such-page')), []);
  await screenshot(page, 'error-404.png');
  await context.close();
});

test('screenshots: desktop, phone, dark mode, open picker, sparkline tooltip', async () => {
  const shots = [
    { name: 'overall-desktop.png', path: '/overall', viewport: { width: 1440, height: 900 } },
    { name: 'overall-phone.png', path: EXAMPLE, viewport: { width: 390, height: 844 }, isMobile: true },
    { name: 'overall-dark.png', path: EXAMPLE, viewport: { width: 1440, height: 900 }, colorScheme: 'dark' },
    { name: 'overall-tablet-dark.png', path: '/overall', viewport: { width: 820, height: 1180 }, colorScheme: 'dark' },
  ];
  for (const shot of shots) {
    const context = await env.browser.newContext({
      viewport: shot.viewport, colorScheme: shot.colorScheme ?? 'light', isMobile: shot.isMobile ?? false,
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(env.server.url + shot.path);
    await page.waitForFunction(() => document.documentElement.dataset.sparklines === '10');
    await screenshot(page, shot.name);
    assert.deepEqual(errors, [], shot.name);
    await context.close();
  }

  const context = await env.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(env.server.url + EXAMPLE);
  await page.waitForFunction(() => document.documentElement.dataset.sparklines === '10');
  const over = await page.locator('.spark[data-kpi="csat"] .u-over').boundingBox();
  await page.mouse.move(over.x + over.width * 0.7, over.y + over.height / 2);
  await page.locator('.spark[data-kpi="csat"] .spark-tip').waitFor({ state: 'visible' });
  await screenshot(page, 'overall-tooltip.png');
  await page.locator('.picker[data-dim="agent"] summary').click();
  await page.locator('.picker[data-dim="agent"] .picker-panel').waitFor({ state: 'visible' });
  await screenshot(page, 'overall-picker.png');
  await context.close();
});
