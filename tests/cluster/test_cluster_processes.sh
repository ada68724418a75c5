#!/usr/bin/env bash
# A coordinator and 2 workers as separate shoal-server processes on 127.0.0.1
# (tools/cluster/shoal-cluster): both workers become active; kill -9 of one
# makes the coordinator declare it gone within 10 s while the other stays;
# `down` leaves no process behind.   test_cluster_processes.sh SHOAL_SERVER
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
cluster="$root/tools/cluster/shoal-cluster"
dir=$(mktemp -d "${TMPDIR:-/tmp}/shoal-cluster-test.XXXXXX")
cleanup() { "$cluster" down --dir "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"$cluster" up --workers 2 --dir "$dir" --bin "$bin" --timeout 30
victim=$(cat "$dir/worker-2.pid")
kill -9 "$victim"
for _ in $(seq 1 100); do
  grep -q "node worker-2 is gone" "$dir/coordinator.log" && break
  sleep 0.1
done
grep -q "node worker-2 is gone" "$dir/coordinator.log" || { echo "worker-2 never declared gone"; exit 1; }
if grep -q "node worker-1 is gone" "$dir/coordinator.log"; then echo "worker-1 declared gone"; exit 1; fi
pids=$(cat "$dir"/*.pid)
"$cluster" down --dir "$dir"
for pid in $pids; do
  if kill -0 "$pid" 2>/dev/null; then echo "process $pid left behind"; exit 1; fi
done
echo "ok"
