#!/usr/bin/env bash
# On-demand check (not part of the test run): generates every TPC-H table at
# scale factor 1 with shoal-tpchgen and compares md5 and row count with the
# official dbgen 2.14 output listed in ../shared/testdata/tpch/dbgen-sf1.md5.
# Usage: scripts/check-tpch-sf1.sh [path/to/shoal-tpchgen] [threads]
# Exit status 0 when every table passes.
set -uo pipefail
cd "$(dirname "$0")/.."
gen=${1:-build-tpch/tools/tpchgen/shoal-tpchgen}
threads=${2:-2}
expected=${SHOAL_SHARED_DIR:-../shared}/testdata/tpch/dbgen-sf1.md5
if [ ! -x "$gen" ]; then
  echo "shoal-tpchgen not found at $gen; build it first:" >&2
  echo "  cmake -S . -B build-tpch && cmake --build build-tpch --target shoal-tpchgen" >&2
  exit 2
fi
if [ ! -r "$expected" ]; then
  echo "expected checksums not found: $expected" >&2
  exit 2
fi
fail=0
while read -r want_md5 want_rows file; do
  case "$want_md5" in ''|\#*) continue ;; esac
  table=${file%.tbl}
  start=$(date +%s.%N)
  # One pass over the stream: md5 in a process substitution, rows by wc.
  tmp="/tmp/check-tpch-sf1.$$.$table"
  got_rows=$("$gen" --scale 1 --table "$table" --threads "$threads" |
    tee >(md5sum | cut -d' ' -f1 > "$tmp") | wc -l)
  for _ in $(seq 200); do [ -s "$tmp" ] && break; sleep 0.05; done  # md5sum may lag
  got_md5=$(cat "$tmp")
  rm -f "$tmp"
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  if [ "$got_md5" = "$want_md5" ] && [ "$got_rows" = "$want_rows" ]; then
    printf 'PASS  %-9s rows=%-8s md5=%s  (%.1fs)\n' "$table" "$got_rows" "$got_md5" "$secs"
  else
    printf 'FAIL  %-9s rows=%s (want %s) md5=%s (want %s)\n' "$table" "$got_rows" "$want_rows" "$got_md5" "$want_md5"
    fail=1
  fi
done < "$expected"
[ $fail -eq 0 ] && echo "all tables match dbgen 2.14 at SF1" || echo "some tables differ"
exit $fail
