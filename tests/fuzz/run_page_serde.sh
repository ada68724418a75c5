#!/bin/sh
# Builds the page decoder fuzzer (fuzz_page_serde.c) with clang
# (-fsanitize=fuzzer,address,undefined) outside the CMake build, writes its
# seed corpus (page_serde_seeds.c: scalar and nested pages) and runs it for
# a bounded time.
#   tests/fuzz/run_page_serde.sh [seconds] [build-dir]
set -eu
seconds=${1:-${SHOAL_FUZZ_SECONDS:-60}}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${2:-$root/build-fuzz-page-serde}
clang=${CLANG:-clang}
mkdir -p "$out/corpus" "$out/seeds"
flags="-std=gnu17 -g -O1 -fno-omit-frame-pointer -I$root $(pkg-config --cflags msgpack-c 2>/dev/null || pkg-config --cflags msgpack) $(pkg-config --cflags libzstd)"
libs="$(pkg-config --libs msgpack-c 2>/dev/null || pkg-config --libs msgpack) $(pkg-config --libs libzstd) -lm -lpthread"
spi=$(ls "$root"/connectors/spi/*.c)
# shellcheck disable=SC2086
"$clang" $flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  $spi "$here/fuzz_page_serde.c" $libs -o "$out/fuzz_page_serde"
# shellcheck disable=SC2086
"$clang" $flags -fsanitize=address,undefined $spi "$here/page_serde_seeds.c" $libs -o "$out/page_serde_seeds"
"$out/page_serde_seeds" "$out/seeds"
cd "$out"
exec ./fuzz_page_serde -seed="${SHOAL_FUZZ_SEED:-1}" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 corpus seeds
