#!/usr/bin/env bash
# The main job: installs what Shoal needs, builds it, and runs a single-node
# Shoal with the built-in `tpch` catalog answering a query (TPC-H Q1's shape
# on scale factor 0.01). Extra arguments replace the query.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
sql=${1:-"SELECT returnflag, linestatus, sum(quantity) AS sum_qty, count(*) AS count_order
FROM tpch.tiny.lineitem WHERE shipdate <= DATE '1998-09-02'
GROUP BY returnflag, linestatus ORDER BY returnflag, linestatus"}
exec build/tools/server/shoal-server --execute "$sql"
