// Shared pieces of the browser tests: start `keeta serve` on a free port, launch the
// system Chromium through playwright-core, format KPI values as the page does, and save
// screenshots under test-artifacts/.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// KEETA_BINARY lets a developer point the tests at another build directory.
export const keetaBinary = process.env.KEETA_BINARY || path.join(repoRoot, 'build', 'release', 'keeta');
export const artifactsDir = path.join(repoRoot, 'test-artifacts');

// The filter of the original example: agent Ahmed under team leader Sara, January 2025.
export const EXAMPLE = '/overall?agent=Ahmed&team_leader=Sara&from_date=2025-01-01&to_date=2025-01-31';

// The bundled sample when present; otherwise synthetic data generated once per process.
let generatedDir = null;
export function dataFile() {
  const sample = path.join(repoRoot, 'data', 'sample.csv');
  if (existsSync(sample)) return sample;
  if (!generatedDir) {
    generatedDir = mkdtempSync(path.join(os.tmpdir(), 'keeta-browser-'));
    process.on('exit', () => rmSync(generatedDir, { recursive: true, force: true }));
  }
  const out = path.join(generatedDir, 'data.csv');
  if (!existsSync(out)) {
    execFileSync(keetaBinary, ['generate', '--rows', '20000', '--out', out, '--seed', '7']);
  }
  return out;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts the dashboard server and resolves once it logs its URL.
// Returns {url, stop()}; stop() ends the process and waits for it.
// `args` are extra `keeta serve` arguments (e.g. ['--state', file]).
export async function startServer({ data = dataFile(), timeoutMs = 30000, args = [] } = {}) {
  if (!existsSync(keetaBinary)) {
    throw new Error(`${keetaBinary} not found: run 'make build' first`);
  }
  const port = await freePort();
  const child = spawn(keetaBinary, ['serve', '--data', data, '--host', '127.0.0.1', '--port', String(port), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`keeta serve did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/Keeta dashboard: (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(new URL(match[1]).origin);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`keeta serve exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Registers before/after hooks in the calling test file that start one server and one
// browser for all its tests, and close them at the end. Returns {server, browser}, filled
// in once the before hook has run (read them inside tests, not at import time).
export function useServerAndBrowser(serverOptions = {}) {
  const env = { server: undefined, browser: undefined };
  before(async () => {
    env.server = await startServer(serverOptions);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

// Opens `target` (a path and query) on the env's server in a new browser context (1440×900
// unless `options` say otherwise), watching for errors. Returns {context, page, errors}.
export async function openPage(env, target, options = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1440, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(env.server.url + target);
  return { context, page, errors };
}

// Collects console errors, page errors and failed requests of a page, for "no errors" checks.
export function watchErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  // A request the browser cancels (net::ERR_ABORTED: the page navigated away while the
  // pickers' narrowing fetch was in flight) is not a failure; anything else is.
  page.on('requestfailed', (req) => {
    const text = req.failure()?.errorText;
    if (text !== 'net::ERR_ABORTED') errors.push(`requestfailed: ${req.url()} ${text}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`http ${res.status()}: ${res.url()}`);
  });
  return errors;
}

// The card text of a KPI value, per docs/kpis.md "Presentation": no value is an em dash;
// counts get thousands separators (one decimal only when fractional); means one decimal;
// percents one decimal and '%'.
export function formatKpi(format, value) {
  if (value === null || value === undefined) return '—';
  let text;
  if (format === 'count') {
    const digits = Number.isInteger(value) ? 0 : 1;
    text = value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  } else {
    text = value.toFixed(1);
  }
  if (text === '-0' || text === '-0.0') text = text.slice(1);
  return format === 'percent1' ? `${text}%` : text;
}

// Display format of each KPI, from its unit (the registry's ValueFormat is not in the API).
export function kpiFormat(kpi) {
  if (kpi.unit === '%') return 'percent1';
  if (['chats', 'agents', 'tickets'].includes(kpi.unit)) return 'count';
  return 'decimal1';
}

export async function screenshot(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}
