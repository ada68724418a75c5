// DuckDB side of the TPC-H benchmark (tools/bench/tpch/run.sh).
// Loads the dbgen .tbl files of DATA_DIR into an in-memory DuckDB (2 threads)
// with DuckDB's own TPC-H schema types (INTEGER keys, DECIMAL(15,2) money,
// DATE, VARCHAR), then runs each query of QUERY_DIR once as a warm-up and
// REPS times timed, and prints one JSON object:
//   {"version", "threads", "load_ms", "queries": {"q01": {"ms": [..], "cpu_ms": [..], "rows": n} | {"error": ".."}}}
// Usage: node duckdb_bench.js DATA_DIR QUERY_DIR [--reps 5] [--threads 2] [--only q01,q02]
'use strict';
const fs = require('fs');
const path = require('path');
const { DuckDBInstance } = require('@duckdb/node-api');

const SCHEMA = {
  nation: ['n_nationkey INTEGER', 'n_name VARCHAR', 'n_regionkey INTEGER', 'n_comment VARCHAR'],
  region: ['r_regionkey INTEGER', 'r_name VARCHAR', 'r_comment VARCHAR'],
  part: ['p_partkey INTEGER', 'p_name VARCHAR', 'p_mfgr VARCHAR', 'p_brand VARCHAR', 'p_type VARCHAR',
    'p_size INTEGER', 'p_container VARCHAR', 'p_retailprice DECIMAL(15,2)', 'p_comment VARCHAR'],
  supplier: ['s_suppkey INTEGER', 's_name VARCHAR', 's_address VARCHAR', 's_nationkey INTEGER',
    's_phone VARCHAR', 's_acctbal DECIMAL(15,2)', 's_comment VARCHAR'],
  partsupp: ['ps_partkey INTEGER', 'ps_suppkey INTEGER', 'ps_availqty BIGINT',
    'ps_supplycost DECIMAL(15,2)', 'ps_comment VARCHAR'],
  customer: ['c_custkey INTEGER', 'c_name VARCHAR', 'c_address VARCHAR', 'c_nationkey INTEGER',
    'c_phone VARCHAR', 'c_acctbal DECIMAL(15,2)', 'c_mktsegment VARCHAR', 'c_comment VARCHAR'],
  orders: ['o_orderkey INTEGER', 'o_custkey INTEGER', 'o_orderstatus VARCHAR', 'o_totalprice DECIMAL(15,2)',
    'o_orderdate DATE', 'o_orderpriority VARCHAR', 'o_clerk VARCHAR', 'o_shippriority INTEGER', 'o_comment VARCHAR'],
  lineitem: ['l_orderkey INTEGER', 'l_partkey INTEGER', 'l_suppkey INTEGER', 'l_linenumber INTEGER',
    'l_quantity DECIMAL(15,2)', 'l_extendedprice DECIMAL(15,2)', 'l_discount DECIMAL(15,2)', 'l_tax DECIMAL(15,2)',
    'l_returnflag VARCHAR', 'l_linestatus VARCHAR', 'l_shipdate DATE', 'l_commitdate DATE', 'l_receiptdate DATE',
    'l_shipinstruct VARCHAR', 'l_shipmode VARCHAR', 'l_comment VARCHAR'],
};

function parseArgs(argv) {
  const o = { reps: 5, threads: 2, only: null, pos: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--reps') o.reps = Number(argv[++i]);
    else if (argv[i] === '--threads') o.threads = Number(argv[++i]);
    else if (argv[i] === '--only') o.only = argv[++i].split(',');
    else o.pos.push(argv[i]);
  }
  if (o.pos.length !== 2) {
    process.stderr.write('usage: node duckdb_bench.js DATA_DIR QUERY_DIR [--reps N] [--threads N] [--only q01,..]\n');
    process.exit(2);
  }
  return o;
}

// Each .tbl row ends in '|', so read_csv sees one extra, empty column.
async function loadTable(con, dataDir, table) {
  const cols = SCHEMA[table];
  await con.run(`CREATE TABLE ${table} (${cols.join(', ')})`);
  const names = cols.map((c) => c.split(' ')[0]);
  const types = cols.map((c) => `'${c.split(' ')[0]}': '${c.substring(c.indexOf(' ') + 1)}'`);
  const file = path.join(dataDir, `${table}.tbl`).replace(/'/g, "''");
  await con.run(`INSERT INTO ${table} SELECT ${names.join(', ')} FROM read_csv('${file}', delim='|', header=false,
      quote='', escape='', columns={${types.join(', ')}, 'trailing_empty': 'VARCHAR'})`);
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const [dataDir, queryDir] = o.pos;
  const db = await DuckDBInstance.create(':memory:', { threads: String(o.threads) });
  const con = await db.connect();
  const version = (await con.runAndReadAll('SELECT version()')).getRows()[0][0];
  const t0 = now();
  for (const table of Object.keys(SCHEMA)) await loadTable(con, dataDir, table);
  const loadMs = now() - t0;
  const result = { version, threads: o.threads, load_ms: loadMs, queries: {} };
  const files = fs.readdirSync(queryDir).filter((f) => /^q\d\d\.sql$/.test(f)).sort();
  for (const f of files) {
    const q = f.slice(0, 3);
    if (o.only && !o.only.includes(q)) continue;
    const sql = fs.readFileSync(path.join(queryDir, f), 'utf8').replace(/;\s*$/, '');
    try {
      const rows = (await con.runAndReadAll(sql)).getRows().length; // warm-up
      const ms = [];
      const cpuMs = [];
      for (let r = 0; r < o.reps; r++) {
        const c = process.cpuUsage();
        const s = now();
        await con.runAndReadAll(sql);
        ms.push(now() - s);
        const d = process.cpuUsage(c);
        cpuMs.push((d.user + d.system) / 1000);
      }
      result.queries[q] = { ms, cpu_ms: cpuMs, rows };
    } catch (e) {
      result.queries[q] = { error: String(e.message || e) };
    }
    process.stderr.write(`duckdb ${q} done\n`);
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => { process.stderr.write(`duckdb_bench: ${e.stack || e}\n`); process.exit(1); });
