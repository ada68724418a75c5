#!/usr/bin/env bash
# All 22 TPC-H queries on tpch.tiny on a coordinator + 2 workers (separate
# shoal-server processes on 127.0.0.1, tools/cluster/shoal-cluster), with
# join_distribution_type forced BROADCAST, then PARTITIONED: each answer must
# match answers/sf0.01-dbgen (tests/tpch/compare_answers.py), and every query
# must have run distributed (tasks created and freed on both workers).
#   test_cluster_tpch.sh SHOAL_SERVER SHOAL_CLI [PORT]
set -euo pipefail
bin=$1 cli=$2 port=${3:-21100}
root=$(cd "$(dirname "$0")/../.." && pwd)
shared=${SHOAL_SHARED:-$root/../shared}
tpch=$shared/testdata/tpch
cluster="$root/tools/cluster/shoal-cluster"
dir=$(mktemp -d "${TMPDIR:-/tmp}/shoal-cluster-tpch.XXXXXX")
cleanup() { "$cluster" down --dir "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
SHOAL_LOG="warn,cluster=info,task=info,scheduler=info" "$cluster" up --workers 2 --dir "$dir" --bin "$bin" --port "$port" --timeout 30 >/dev/null
failed=0
for mode in BROADCAST PARTITIONED; do
  for n in $(seq -w 1 22); do
    q=q$n
    sed -e 's/;[[:space:]]*$//' "$tpch/queries/$q.sql" > "$dir/$q.sql"
    if ! timeout -k 5 60 "$cli" --server "http://127.0.0.1:$port" --catalog tpch --schema tiny --no-progress \
        --session "join_distribution_type=$mode" --output-format CSV --file "$dir/$q.sql" > "$dir/$q.csv" 2> "$dir/$q.err"; then
      echo "$mode $q ERROR: $(head -c 300 "$dir/$q.err" | tr '\n' ' ')"; failed=$((failed + 1)); continue
    fi
    verdict=$(python3 "$root/tests/tpch/compare_answers.py" "$tpch/answers/sf0.01-dbgen/$q.csv" "$dir/$q.csv")
    case "$verdict" in PASS*) ;; *) echo "$mode $q $verdict"; failed=$((failed + 1)) ;; esac
  done
done
runs=$(grep -c "fragments on 2 workers" "$dir/coordinator.log" || true)
for w in worker-1 worker-2; do
  created=$(grep -c "task .* created" "$dir/$w.log" || true)
  [ "$created" -gt 0 ] || { echo "$w ran no task"; failed=$((failed + 1)); }
done
[ "$runs" -ge 44 ] || { echo "only $runs of 44 queries ran distributed"; failed=$((failed + 1)); }
[ $failed -eq 0 ] || { echo "$failed failures"; exit 1; }
echo "ok: 44 queries on 2 workers"
