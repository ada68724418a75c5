#!/usr/bin/env bash
# Failures of distributed queries on a coordinator + 2 workers (separate
# processes on 127.0.0.1):
#  1. DELETE /v1/query/{id} of a running distributed query: it fails
#     USER_CANCELED and every task it created on the workers is freed;
#  2. kill -9 of a worker during a long query: the query fails with
#     REMOTE_HOST_GONE naming the worker within 10 s, and the next query
#     succeeds on the remaining worker.
#   test_cluster_failures.sh SHOAL_SERVER SHOAL_CLI [PORT]
set -euo pipefail
bin=$1 cli=$2 port=${3:-21200}
root=$(cd "$(dirname "$0")/../.." && pwd)
cluster="$root/tools/cluster/shoal-cluster"
dir=$(mktemp -d "${TMPDIR:-/tmp}/shoal-cluster-fail.XXXXXX")
cli_pid=
cleanup() {
  [ -z "$cli_pid" ] || kill "$cli_pid" 2>/dev/null || true
  "$cluster" down --dir "$dir" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
SHOAL_LOG="warn,cluster=info,task=info,scheduler=info" "$cluster" up --workers 2 --dir "$dir" --bin "$bin" --port "$port" --timeout 30 >/dev/null
url="http://127.0.0.1:$port"
# a long scan (no big hash build: the workers keep heartbeating even in sanitizer builds)
long="select sum(l_extendedprice * (1 - l_discount)) from tpch.sf100.lineitem where l_quantity < 60"
distributed() { grep -c "fragments on" "$dir/coordinator.log" || true; }
wait_for() { # seconds command...
  local limit=$1; shift
  for _ in $(seq 1 $((limit * 10))); do "$@" && return 0; sleep 0.1; done
  return 1
}

# 1. cancellation frees the tasks on the workers
before=$(distributed)
answer=$(curl -s -X POST -H "X-Trino-User: test" --data "$long" "$url/v1/statement")
id=$(echo "$answer" | jq -r .id)
next=$(echo "$answer" | jq -r .nextUri)
started() { curl -s -H "X-Trino-User: test" "$next" >/dev/null; [ "$(distributed)" -gt "$before" ]; }
wait_for 20 started || { echo "the query never started distributed"; exit 1; }
created() { grep -c "task $1.* created" "$dir"/worker-*.log | awk -F: '{s+=$2} END {print s+0}'; }
freed() { grep -c "task $1.* freed" "$dir"/worker-*.log | awk -F: '{s+=$2} END {print s+0}'; }
qid=$(grep "fragments on" "$dir/coordinator.log" | tail -1 | sed 's/.*query \([^:]*\):.*/\1/')
some_created() { [ "$(created "$qid")" -gt 0 ]; }
wait_for 10 some_created || { echo "no task created for $qid"; exit 1; }
curl -s -X DELETE -H "X-Trino-User: test" "$url/v1/query/$id" >/dev/null
all_freed() { [ "$(freed "$qid")" -eq "$(created "$qid")" ]; }
wait_for 10 all_freed || { echo "tasks of $qid not freed: $(created "$qid") created, $(freed "$qid") freed";
  grep -h "$qid\|warn" "$dir"/*.log | tail -20; exit 1; }
state=$(curl -s -H "X-Trino-User: test" "$url/v1/query/$id" | jq -r '.state // empty')
[ -z "$state" ] || [ "$state" = FAILED ] || { echo "cancelled query in state $state"; exit 1; }
echo "cancel: $(created "$qid") tasks created and freed"

# 2. kill -9 of a worker fails the running query with REMOTE_HOST_GONE
before=$(distributed)
"$cli" --server "$url" --no-progress --execute "$long" > "$dir/long.out" 2> "$dir/long.err" &
cli_pid=$!
more_distributed() { [ "$(distributed)" -gt "$before" ]; }
wait_for 20 more_distributed || { echo "the long query never started"; exit 1; }
sleep 0.5
kill -9 "$(cat "$dir/worker-2.pid")"
killed=$SECONDS
rc=0
wait_for 12 bash -c "! kill -0 $cli_pid 2>/dev/null" || { echo "query still running 12 s after the kill"; exit 1; }
wait "$cli_pid" || rc=$?
cli_pid=
elapsed=$((SECONDS - killed))
[ $rc -ne 0 ] || { echo "the query succeeded without worker-2"; cat "$dir/long.out"; exit 1; }
grep -q "worker-2" "$dir/long.err" && grep -qi "gone" "$dir/long.err" || { echo "unexpected error: $(cat "$dir/long.err")"; exit 1; }
[ $elapsed -le 10 ] || { echo "failed after ${elapsed}s"; exit 1; }
failed_id=$(sed -n 's/^Query \([^ ]*\) failed.*/\1/p' "$dir/long.err" | head -1)
curl -s -H "X-Trino-User: test" "$url/v1/query/$failed_id" | grep -q '"REMOTE_HOST_GONE"' || {
  echo "query $failed_id did not fail with REMOTE_HOST_GONE"; exit 1; }
echo "kill: failed after ${elapsed}s: $(head -c 200 "$dir/long.err")"
out=$("$cli" --server "$url" --no-progress --execute "select count(*) from tpch.tiny.lineitem")
[ "$out" = '"60175"' ] || { echo "next query answered $out"; exit 1; }
grep -q "fragments on 1 workers" "$dir/coordinator.log" || { echo "the next query did not run on the remaining worker"; exit 1; }
echo "ok"
