#!/usr/bin/env bash
# TPC-H benchmark, Shoal vs DuckDB (on demand). See tools/bench/README.md "tpch"
# and bench.py for what is measured.
#   tools/bench/tpch/run.sh [--json] [--scale 1] [--reps 5] [--timeout 60] [--only q01,q06]
#                           [--skip-duckdb] [--skip-tpch] [--data-dir DIR]
# Environment: SHOAL_SERVER, SHOAL_TPCHGEN (default build/tools/...), SHOAL_SHARED.
# The .tbl files go to build/tpch-sf<scale>/ once; DuckDB comes from npm
# (@duckdb/node-api, installed here into node_modules on first use).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/@duckdb/node-api" ]; then
  echo "installing @duckdb/node-api into $here/node_modules" >&2
  (cd "$here" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
exec python3 "$here/bench.py" "$@"
