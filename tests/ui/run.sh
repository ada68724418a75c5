#!/bin/sh
# run.sh SHOAL SHOAL_SERVER SOURCE_DIR — the web UI (/ui/) in headless
# Chromium against a live shoal-server, checking what a person would see
# (the DOM after the page's scripts ran, reduced to visible text by
# dom_text.py): the overview lists the node and the queries with their
# states and counts; a query page shows its SQL and state (FINISHED, a
# FAILED one with its error, a RUNNING one that turns FAILED/USER_CANCELED
# when the CLI is interrupted); an unknown query says so.
# Chromium comes from `scripts/install-deps.sh ui-tests` (optional, large);
# when it cannot be installed the test prints "ui: skipped" and exits 0.
set -u
cli=${1:?usage: run.sh path/to/shoal path/to/shoal-server source-dir}
server=${2:?usage: run.sh path/to/shoal path/to/shoal-server source-dir}
source_dir=${3:?usage: run.sh path/to/shoal path/to/shoal-server source-dir}
here=$(cd "$(dirname "$0")" && pwd)
name=ui

if ! command -v chromium >/dev/null 2>&1; then
    echo "ui: chromium not found; trying scripts/install-deps.sh ui-tests"
    "$source_dir/scripts/install-deps.sh" ui-tests >/dev/null 2>&1 || true
fi
if ! command -v chromium >/dev/null 2>&1; then
    echo "ui: skipped (chromium could not be installed)"
    exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-ui-test.XXXXXX")
. "$source_dir/tests/cli/server.sh"
cli_pid=""
cleanup() {
    [ -n "$cli_pid" ] && kill -KILL "$cli_pid" 2>/dev/null
    kill_server
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

failures=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

# see URL: the page as rendered after ~4 s of its own refreshes (virtual time)
see() {
    profile=$(mktemp -d "$work/chromium.XXXXXX")
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
        --virtual-time-budget=4000 --dump-dom "$1" 2> "$profile/stderr.log" | python3 "$here/dom_text.py"
}
# field ID: the visible text of element ID in $page
field() { printf '%s\n' "$page" | awk -F '\t' -v id="$1" '$1 == id { print $2; exit }'; }
expect_field() { # description id expected
    actual=$(field "$2")
    if [ "$actual" = "$3" ]; then pass "$1"; else fail "$1: #$2 shows '$actual', expected '$3'"; fi
}
expect_field_match() { # description id regex
    actual=$(field "$2")
    if printf '%s' "$actual" | grep -Eq -- "$3"; then pass "$1"; else fail "$1: #$2 shows '$actual', no match for /$3/"; fi
}
query_id_of() { # SQL text → the newest query id with exactly that SQL
    curl -s "$url/v1/query" | python3 -c '
import json, sys
sql = sys.argv[1]
rows = [q for q in json.load(sys.stdin) if q.get("query") == sql]
rows.sort(key=lambda q: q["queryId"])
print(rows[-1]["queryId"] if rows else "")' "$1"
}

start_server

ok_sql="SELECT name FROM tpch.tiny.region WHERE regionkey = 1"
bad_sql="SELECT nosuch FROM tpch.tiny.region"
"$cli" --server "$url" --execute "$ok_sql" > /dev/null 2>&1
"$cli" --server "$url" --execute "$bad_sql" > /dev/null 2>&1
ok_id=$(query_id_of "$ok_sql")
bad_id=$(query_id_of "$bad_sql")
[ -n "$ok_id" ] && [ -n "$bad_id" ] || { echo "ui: the queries were not tracked"; exit 1; }

# ---- static files ----------------------------------------------------------------------------
type=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$url/ui/")
[ "$type" = "200 text/html; charset=utf-8" ] && pass "/ui/ is served as HTML" || fail "/ui/ answered '$type'"
type=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$url/ui/ui.js")
[ "$type" = "200 text/javascript; charset=utf-8" ] && pass "/ui/ui.js is served as JavaScript" || fail "/ui/ui.js answered '$type'"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/ui/no-such-file.js")
[ "$code" = "404" ] && pass "unknown /ui/ file: 404" || fail "unknown /ui/ file answered $code"

# ---- overview --------------------------------------------------------------------------------
page=$(see "$url/ui/")
expect_field "overview: one active node" count-nodes 1
expect_field_match "overview: the node's URI is listed" node-rows "^$url "
expect_field "overview: finished count" count-finished 1
expect_field "overview: failed count" count-failed 1
expect_field "overview: nothing running" count-running 0
expect_field "overview: environment" environment test
expect_field_match "overview: the finished query's row (id, state, SQL)" "row:$ok_id" \
    "^$ok_id \\| FINISHED \\| .* \\| $ok_sql\$"
expect_field_match "overview: the failed query's row" "row:$bad_id" "^$bad_id \\| FAILED \\| "
expect_field_match "overview: the resource groups section shows the global group" resource-groups "global CAN_RUN"

# ---- query pages -----------------------------------------------------------------------------
page=$(see "$url/ui/query.html?$ok_id")
expect_field "finished query page: id" query-id "$ok_id"
expect_field "finished query page: SQL" query-sql "$ok_sql"
expect_field "finished query page: state" query-state FINISHED
expect_field "finished query page: no error section" error-section hidden
expect_field_match "finished query page: timeline ends FINISHED" timeline "Created \\(QUEUED\\).*Ended FINISHED"
expect_field_match "finished query page: statistics" stats-rows "Output rows 1"
expect_field_match "finished query page: the stage and its task" stages-rows \
    "^Stage 0 FINISHED ([0-9]+)/\\1 .*Task $ok_id\\.0\\.0\\.0 FINISHED ([0-9]+)/\\2 "


page=$(see "$url/ui/query.html?$bad_id")
expect_field "failed query page: SQL" query-sql "$bad_sql"
expect_field "failed query page: state" query-state FAILED
expect_field "failed query page: error message" error-message "line 1:8: Column 'nosuch' cannot be resolved"
expect_field_match "failed query page: error code and location" error-rows "COLUMN_NOT_FOUND \\(47\\).*line 1, column 8"

page=$(see "$url/ui/query.html?20000101_000000_00000_nopes")
expect_field_match "unknown query page says so" not-found-text "unknown or has expired"

# ---- a running query, live ---------------------------------------------------------------------
long_sql="SELECT count(*) FROM tpch.sf100.lineitem"
"$cli" --server "$url" --execute "$long_sql" > "$work/long.out" 2> "$work/long.err" &
cli_pid=$!
long_id=""
i=0
while [ $i -lt 100 ] && [ -z "$long_id" ]; do
    sleep 0.1
    long_id=$(query_id_of "$long_sql")
    i=$((i + 1))
done
if [ -z "$long_id" ]; then
    fail "the long query never showed up in /v1/query"
else
    page=$(see "$url/ui/query.html?$long_id")
    expect_field "running query page: state" query-state RUNNING
    expect_field "running query page: SQL" query-sql "$long_sql"
    page=$(see "$url/ui/")
    expect_field "overview: one running query" count-running 1
    kill -INT "$cli_pid"
    cli_status=0
    wait "$cli_pid" || cli_status=$?
    cli_pid=""
    [ "$cli_status" = 1 ] && pass "interrupted CLI (--execute) exits 1" || fail "interrupted CLI exited $cli_status"
    grep -q '^Query aborted by user$' "$work/long.err" && pass "interrupted CLI says 'Query aborted by user'" \
        || fail "interrupted CLI printed: $(cat "$work/long.err")"
    page=$(see "$url/ui/query.html?$long_id")
    expect_field "cancelled query page: state" query-state FAILED
    expect_field_match "cancelled query page: USER_CANCELED" error-rows "USER_CANCELED"
fi

stop_server || failures=$((failures + 1))
if [ "$failures" -ne 0 ]; then
    echo "ui: $failures check(s) failed"
    exit 1
fi
echo "ui: all checks passed"
