// The Export menu beside Apply: plain links (no JavaScript needed) that keep the current
// view, and what they download is the view's export; a screenshot of the open menu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXAMPLE, screenshot, useServerAndBrowser } from './helpers.mjs';

const env = useServerAndBrowser();

test('the Export menu opens without JavaScript and each link keeps the view', async () => {
  const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(env.server.url + EXAMPLE);
  const menu = page.locator('details.export-menu');
  await menu.locator('summary').click();
  const links = menu.locator('a.export-link');
  assert.equal(await links.count(), 5);
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const view = new URL(env.server.url + EXAMPLE).searchParams;
  const routes = ['kpis.csv', 'trends.csv', 'rows.csv', 'report.xlsx', 'report.pdf'];
  for (const [i, href] of hrefs.entries()) {
    const url = new URL(href, env.server.url);
    assert.equal(url.pathname, `/export/${routes[i]}`);
    for (const key of ['agent', 'team_leader', 'from_date', 'to_date']) {
      assert.deepEqual(url.searchParams.getAll(key), view.getAll(key), `${routes[i]} keeps ${key}`);
    }
  }
  await screenshot(page, 'export-menu.png');

  const download = await Promise.all([page.waitForEvent('download'), links.first().click()]);
  assert.equal(download[0].suggestedFilename(), 'keeta-kpis_2025-01-01_2025-01-31.csv');
  await context.close();
});
