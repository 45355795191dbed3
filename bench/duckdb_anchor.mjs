// Anchor for the breakdown benchmark: DuckDB's GROUP BY agent over the same generated 1M
// rows, already loaded into an in-memory table (only the query is timed, as engine_bench
// times only the engine). DuckDB is not a project dependency: install @duckdb/node-api in
// a scratch directory and point DUCKDB_NODE_API at its node_modules/@duckdb/node-api.
//
//   DUCKDB_NODE_API=/tmp/duck/node_modules/@duckdb/node-api \
//     node bench/duckdb_anchor.mjs build/bench-data/keeta-1000000-seed42.csv
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const csv = process.argv[2];
const moduleDir = process.env.DUCKDB_NODE_API;
if (!csv || !moduleDir) {
  console.error('usage: DUCKDB_NODE_API=DIR node bench/duckdb_anchor.mjs FILE.csv');
  process.exit(2);
}
const { DuckDBInstance } = await import(pathToFileURL(path.join(moduleDir, 'lib', 'index.js')).href);
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();

// Typed like Keeta's loader reads them: a cell that is not a number is missing.
const num = (c) => `TRY_CAST(replace(trim(${c}), '%', '') AS DOUBLE) AS ${c}`;
const measures = ['total_chats', 'avg_response_time', 'csat', 'active_agents', 'escalations',
  'resolved', 'pending', 'avg_chat_duration', 'sales_conversion', 'avg_queue_time'];
await db.run(`CREATE TABLE t AS SELECT trim(agent) AS agent, trim(team_leader) AS team_leader,
  trim(supervisor) AS supervisor, ${measures.map(num).join(', ')}
  FROM read_csv('${csv.replaceAll("'", "''")}', all_varchar = true, header = true)`);

// The ten card values per agent, sorted by total chats, first page of 50.
const query = `SELECT agent, count(*) AS rows, sum(total_chats) AS total_chats,
  avg(avg_response_time), avg(csat),
  count(DISTINCT CASE WHEN coalesce(active_agents, 1) <> 0 THEN agent END),
  sum(escalations), 100 * sum(resolved) / nullif(sum(resolved) + sum(pending), 0),
  sum(pending), avg(avg_chat_duration), avg(sales_conversion), avg(avg_queue_time)
  FROM t WHERE agent IS NOT NULL AND agent <> '' GROUP BY agent
  ORDER BY total_chats DESC NULLS LAST, agent LIMIT 50`;
async function median(sql) {
  const times = [];
  for (let i = 0; i < 25; i++) {
    const start = process.hrtime.bigint();
    const reader = await db.runAndReadAll(sql);
    reader.getRows();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return `median ${times[times.length >> 1].toFixed(2)} ms, min ${times[0].toFixed(2)} ms (25 runs)`;
}
console.log(`duckdb breakdown by agent, the ten KPIs: ${await median(query)}`);
// The smallest GROUP BY agent, for scale.
console.log(`duckdb GROUP BY agent, sum(total_chats) only: ${await median(
  'SELECT agent, sum(total_chats) FROM t GROUP BY agent')}`);
