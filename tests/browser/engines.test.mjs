// The README promises `make test` on a bare Debian 12, whose `nodejs` package is Node 18.
// Every npm package in the lockfile must accept that Node: a newer pin (playwright-core
// 1.62+ wants Node 20) would pass on a machine with a newer Node and fail there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { repoRoot } from './helpers.mjs';

// Debian 12 (bookworm) ships nodejs 18.20.4 (bookworm and bookworm-security).
const DEBIAN_12_NODE = '18.20.4';

test('every locked npm package accepts Debian 12\'s Node', () => {
  const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8'));
  const refused = Object.entries(lock.packages)
    .filter(([, pkg]) => pkg.engines?.node && !semver.satisfies(DEBIAN_12_NODE, pkg.engines.node))
    .map(([name, pkg]) => `${name} (${pkg.version}) wants node ${pkg.engines.node}`);
  assert.deepEqual(refused, []);
});
