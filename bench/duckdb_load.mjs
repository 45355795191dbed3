// Anchor for load times: DuckDB's read_csv of the same file, as `load_bench` loads it
// (a fresh in-memory database per run; `CREATE TABLE t AS SELECT * FROM read_csv(FILE)`
// timed, median of RUNS). DuckDB is not a project dependency: install @duckdb/node-api in
// a scratch directory and point DUCKDB_NODE_API at its node_modules/@duckdb/node-api.
//
//   DUCKDB_NODE_API=/tmp/duck/node_modules/@duckdb/node-api \
//     node bench/duckdb_load.mjs build/bench-data/keeta-1000000-seed42.csv [RUNS]
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const csv = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
const moduleDir = process.env.DUCKDB_NODE_API;
if (!csv || !moduleDir || !(runs >= 1)) {
  console.error('usage: DUCKDB_NODE_API=DIR node bench/duckdb_load.mjs FILE.csv [RUNS]');
  process.exit(2);
}
const { DuckDBInstance } = await import(pathToFileURL(path.join(moduleDir, 'lib', 'index.js')).href);
const times = [];
let version = '';
for (let i = 0; i < runs; i++) {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  version ||= (await db.runAndReadAll('SELECT version()')).getRows()[0][0];
  const start = process.hrtime.bigint();
  await db.run(`CREATE TABLE t AS SELECT * FROM read_csv('${csv.replaceAll("'", "''")}')`);
  times.push(Number(process.hrtime.bigint() - start) / 1e9);
}
const sorted = [...times].sort((a, b) => a - b);
console.log(`duckdb ${version} read_csv ${csv}: median ${sorted[Math.floor(runs / 2)].toFixed(3)} s` +
            ` of ${times.map((t) => t.toFixed(3)).join(', ')}`);
