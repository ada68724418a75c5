#!/usr/bin/env bash
# SF1 correctness check (on demand; not part of the test command).
# Runs the 22 TPC-H queries of $SHOAL_SHARED/testdata/tpch/queries on tpch.sf1
# (STANDARD column names, DECIMAL money columns), one shoal-server process
# per query, and compares each result with answers/sf1-dbgen/qNN.csv
# (tolerance 0.01 + 1e-9 relative on numbers, text exact) and, as a
# cross-check, with the official dbgen answers answers/sf1-official/qNN.out.
#
# Usage: tests/tpch/check-sf1.sh [--schema sf1|tiny] [--timeout S] [--keep DIR] [qNN ...]
# Environment: SHOAL_SERVER (default build/tools/server/shoal-server),
#              SHOAL_SHARED (default ../shared next to the repository).
# Prints "qNN PASS|FAIL|ERROR|TIMEOUT <seconds> ..." per query, then
# "N passed, M failed"; exit status 0 when all passed.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
server=${SHOAL_SERVER:-$root/build/tools/server/shoal-server}
shared=${SHOAL_SHARED:-$root/../shared}
tpch=$shared/testdata/tpch
schema=sf1
timeout_s=60
keep=
queries=()
while [ $# -gt 0 ]; do
  case "$1" in
    --schema) schema=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    q[0-9][0-9]) queries+=("$1"); shift ;;
    *) echo "check-sf1.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#queries[@]} -gt 0 ] || queries=(q01 q02 q03 q04 q05 q06 q07 q08 q09 q10 q11 q12 q13 q14 q15 q16 q17 q18 q19 q20 q21 q22)
case "$schema" in
  sf1) answers=sf1-dbgen; official=yes ;;
  tiny) answers=sf0.01-dbgen; official= ;;   # quick self-test of this script
  *) echo "check-sf1.sh: no answers for schema $schema (sf1 or tiny)" >&2; exit 2 ;;
esac
[ -x "$server" ] || { echo "check-sf1.sh: no shoal-server at $server (set SHOAL_SERVER)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/etc/catalog"
printf 'connector.name=tpch\ntpch.column-naming=STANDARD\ntpch.double-type-mapping=DECIMAL\n' > "$work/etc/catalog/tpch.properties"
out=${keep:-$work/out}
mkdir -p "$out"
compare=$root/tests/tpch/compare_answers.py

passed=0 failed=0
for q in "${queries[@]}"; do
  n=$((10#${q#q}))
  sed -e 's/;[[:space:]]*$//' "$tpch/queries/$q.sql" > "$out/$q.sql"
  start=$(date +%s.%N)
  timeout -k 5 "$timeout_s" "$server" --etc "$work/etc" --catalog tpch --schema "$schema" \
      --output-format CSV --file "$out/$q.sql" > "$out/$q.csv" 2> "$out/$q.err"
  rc=$?
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  secs=$(printf '%.2f' "$secs")
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "$q TIMEOUT ${secs}s (over ${timeout_s}s)"; failed=$((failed + 1)); continue
  elif [ $rc -ne 0 ]; then
    echo "$q ERROR ${secs}s exit $rc: $(head -c 300 "$out/$q.err" | tr '\n' ' ')"; failed=$((failed + 1)); continue
  fi
  verdict=$(python3 "$compare" "$tpch/answers/$answers/$q.csv" "$out/$q.csv")
  extra=
  [ -z "$official" ] || extra=" [official: $(python3 "$compare" --format official --kinds "$(sed -n "${n}p" "$tpch/answers/sf1-official/colprecision.txt")" \
      "$tpch/answers/sf1-official/$q.out" "$out/$q.csv")]"
  echo "$q $verdict ${secs}s$extra"
  case "$verdict" in PASS*) passed=$((passed + 1)) ;; *) failed=$((failed + 1)) ;; esac
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
