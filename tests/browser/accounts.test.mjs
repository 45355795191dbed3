// Signing in as a person does: the dashboard sends a stranger to the sign-in form, a wrong
// password is refused with one message, the right one lands on the page that was asked
// for, an agent's page shows only their own name in every picker (with JavaScript
// narrowing them through the API too), and signing out ends the session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keetaBinary, launchBrowser, screenshot, startServer, watchErrors } from './helpers.mjs';

const PASSWORD = 'a long enough password';
let dir, state, server, browser, agentScope;

function keeta(args, input = '') {
  return execFileSync(keetaBinary, [...args, '--state', state], { input }).toString();
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'keeta-accounts-'));
  state = path.join(dir, 'state.db');
  keeta(['users', 'add', 'boss', '--role', 'admin'], `${PASSWORD}\n`);
  server = await startServer({ args: ['--state', state] });
  browser = await launchBrowser();
  // Pick an agent from the data, as an admin sees it.
  const token = keeta(['tokens', 'create', '--user', 'boss']).trim();
  const all = await (await fetch(`${server.url}/api/v1/filters`, {
    headers: { Authorization: `Bearer ${token}` },
  })).json();
  agentScope = all.agent[0];
  keeta(['users', 'add', 'agent1', '--role', 'agent', '--scope', agentScope], `${PASSWORD}\n`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function signIn(page, name, password) {
  await page.fill('#username', name);
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
}

async function pickerValues(page, dim) {
  return page.$$eval(`.picker[data-dim="${dim}"] input[type=checkbox]`, (boxes) => boxes.map((b) => b.value));
}

test('sign in, see only your own rows in every picker, sign out', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/overall?from_date=2025-01-01`);
  assert.match(page.url(), /\/login\?next=/);
  await screenshot(page, 'login.png');

  await signIn(page, 'agent1', 'not the password!');
  assert.match(page.url(), /\/login$/);
  assert.equal((await page.textContent('.alert-error')).trim(), 'Wrong name or password.');
  await signIn(page, 'nobody', PASSWORD);
  assert.equal((await page.textContent('.alert-error')).trim(), 'Wrong name or password.');

  const errors = watchErrors(page);
  await signIn(page, 'agent1', PASSWORD);
  assert.equal(new URL(page.url()).pathname, '/overall');
  assert.equal(new URL(page.url()).searchParams.get('from_date'), '2025-01-01', 'back where asked');
  assert.equal(await page.textContent('.account-name'), 'agent1');
  assert.equal(await page.textContent('.account-role'), `agent · ${agentScope}`);

  // Server-rendered pickers, then again after the script has narrowed them via the API.
  const scoped = await (await page.request.get(`${server.url}/api/v1/filters`)).json();
  assert.deepEqual(scoped.agent, [agentScope]);
  for (const when of ['rendered', 'after the script ran']) {
    if (when !== 'rendered') await page.waitForLoadState('networkidle');
    assert.deepEqual(await pickerValues(page, 'agent'), [agentScope], when);
    assert.deepEqual(await pickerValues(page, 'team_leader'), scoped.team_leader, when);
    assert.deepEqual(await pickerValues(page, 'supervisor'), scoped.supervisor, when);
  }
  const body = await page.content();
  const admin = await (await fetch(`${server.url}/api/v1/filters`, {
    headers: { Authorization: `Bearer ${keeta(['tokens', 'create', '--user', 'boss']).trim()}` },
  })).json();
  for (const other of admin.agent.filter((a) => a !== agentScope)) {
    assert.ok(!body.includes(`>${other}<`), `another agent's name (${other}) on the page`);
  }
  await screenshot(page, 'overall-agent.png');
  assert.deepEqual(errors, []);

  await Promise.all([page.waitForURL(/\/login$/), page.click('.account button[type=submit]')]);
  await page.goto(`${server.url}/overall`);
  assert.match(page.url(), /\/login\?next=/, 'signed out for real');
  await context.close();
});

test('the API answers 401 without a session', async () => {
  const response = await fetch(`${server.url}/api/v1/kpis`);
  assert.equal(response.status, 401);
  assert.equal((await response.json()).error.code, 'unauthorized');
});
