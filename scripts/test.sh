#!/usr/bin/env bash
# Installs what Shoal needs, builds it twice (release, and ASan+UBSan), and runs
# every test in both builds with ctest. This is the README's test command and
# what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
status=0
for kind in release asan; do
  bash scripts/build.sh "$kind"
  dir=build; [ "$kind" = asan ] && dir=build-asan
  echo "== tests ($kind build) =="
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
  ctest --test-dir "$dir" --output-on-failure -j2 --timeout 900 || status=1
done
exit $status
