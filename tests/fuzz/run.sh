#!/bin/sh
# Builds the SQL parser fuzzer with clang (-fsanitize=fuzzer,address,undefined)
# outside the CMake build and runs it for a bounded time.
#   tests/fuzz/run.sh [seconds] [build-dir]
# Seeds: TPC-H queries and the statements of the parser unit tests.
set -eu
seconds=${1:-${SHOAL_FUZZ_SECONDS:-60}}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${2:-$root/build-fuzz-sql}
clang=${CLANG:-clang}
mkdir -p "$out/corpus" "$out/seeds"

sources="arena.c ast.c formatter.c lexer.c parser.c parser_expr.c parser_query.c sql_error.c"
src=""
for f in $sources; do src="$src $root/sql/$f"; done
"$clang" -std=gnu17 -g -O1 -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root" $src "$here/fuzz_sql_parser.c" -o "$out/fuzz_sql_parser"

# seed corpus: TPC-H queries plus quoted statements from the unit tests
shared=${SHOAL_SHARED_DIR:-$root/../shared}
if [ -d "$shared/testdata/tpch" ]; then
  for f in "$shared"/testdata/tpch/queries*/q*.sql; do
    cp "$f" "$out/seeds/$(basename "$(dirname "$f")")_$(basename "$f")"
  done
fi
grep -o '^  "[^"]*",$' "$root/tests/unit/sql/test_sql_parser.c" | sed 's/^  "//; s/",$//' |
  awk -v dir="$out/seeds" '{ f = sprintf("%s/unit_%04d.sql", dir, NR); print > f; close(f) }'

cd "$out"
# A fixed seed (SHOAL_FUZZ_SEED to change it) explores the same inputs in
# the same order on every run, so a CI result repeats; the time bound only
# decides how far it gets.
exec ./fuzz_sql_parser -seed="${SHOAL_FUZZ_SEED:-1}" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 corpus seeds
