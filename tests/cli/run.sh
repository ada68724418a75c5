#!/bin/sh
# run.sh SHOAL SHOAL_SERVER — tests the `shoal` CLI against a live
# shoal-server on a free 127.0.0.1 port:
#   batch: every output format (exact bytes, and the same bytes as
#   shoal-server --execute), --file with USE sticking, SET SESSION and
#   --session, ';' inside literals, stdin scripts, a failing statement's
#   error with the caret and exit 1 (stop vs --ignore-errors), update
#   statements, bad options (exit 2), an unreachable server (exit 1);
#   interactive (tmux, a real terminal): multi-line statements, USE changing
#   the prompt, SET SESSION sticking, errors with the caret, Ctrl-C at the
#   prompt clearing the line, the progress line and Ctrl-C cancelling a long
#   query (DELETE nextUri: the server reports USER_CANCELED) with the shell
#   staying, quit, and ~/.shoal_history.
set -u
cli=${1:?usage: run.sh path/to/shoal path/to/shoal-server}
server=${2:?usage: run.sh path/to/shoal path/to/shoal-server}
here=$(cd "$(dirname "$0")" && pwd)
name=cli
work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-cli-test.XXXXXX")
tmux_socket="shoal-cli-test-$$"
. "$here/server.sh"
cleanup() {
    tmux -L "$tmux_socket" kill-server 2>/dev/null || true
    kill_server
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

failures=0
check() { # name expected actual
    if [ "$2" = "$3" ]; then
        echo "ok   $1"
    else
        echo "FAIL $1"
        echo "  expected:"; printf '%s\n' "$2" | sed 's/^/    |/'
        echo "  actual:"; printf '%s\n' "$3" | sed 's/^/    |/'
        failures=$((failures + 1))
    fi
}
check_match() { # name extended-regex text
    if printf '%s\n' "$3" | grep -Eq -- "$2"; then
        echo "ok   $1"
    else
        echo "FAIL $1: no line matches /$2/ in:"; printf '%s\n' "$3" | sed 's/^/    |/'
        failures=$((failures + 1))
    fi
}
# run_cli ARGS...: sets $out, $err, $rc
run_cli() {
    "$cli" --server "$url" "$@" > "$work/out" 2> "$work/err"
    rc=$?
    out=$(cat "$work/out")
    err=$(cat "$work/err")
}

start_server

# ---- batch: output formats -------------------------------------------------------------
query="SELECT * FROM (VALUES (1, 'a'), (2, NULL)) t(x, y)"
expect_format() { # format expected
    run_cli --execute "$query" --output-format "$1"
    check "--execute --output-format $1" "$2" "$out"
    check "--execute --output-format $1: exit 0, nothing on stderr" "0:" "$rc:$err"
    embedded=$("$server" --execute "$query" --output-format "$1" 2>/dev/null)
    check "--output-format $1 prints what shoal-server --execute prints" "$embedded" "$out"
}
expect_format ALIGNED " x |  y   
---+------
 1 | a    
 2 | NULL 
(2 rows)"
expect_format VERTICAL "-[ RECORD 1 ]-----
x | 1
y | a
-[ RECORD 2 ]-----
x | 2
y | NULL"
expect_format CSV '"1","a"
"2",""'
expect_format CSV_HEADER '"x","y"
"1","a"
"2",""'
expect_format TSV "1	a
2	NULL"
expect_format TSV_HEADER "x	y
1	a
2	NULL"
expect_format JSON '{"x":1,"y":"a"}
{"x":2,"y":null}'
expect_format MARKDOWN "| x | y |
| --: | :-- |
| 1 | a |
| 2 | NULL |"

run_cli --execute "SELECT 1 AS one"
check "batch output defaults to CSV (as Trino's CLI)" '"1"' "$out"

scalars="SELECT X'00ff' b, DOUBLE '1e10' d, REAL '1.5' r, DECIMAL '12.50' dec, DATE '2024-01-15' dt, TIMESTAMP '2024-01-15 10:11:12.123' ts, 0.1e0 + 0.2e0 x, 'ü|x' u, true t, CAST(NULL AS BIGINT) n"
for format in ALIGNED JSON CSV; do
    run_cli --execute "$scalars" --output-format $format
    embedded=$("$server" --execute "$scalars" --output-format $format 2>/dev/null)
    check "typed values ($format) print as shoal-server --execute prints them" "$embedded" "$out"
done
run_cli --execute "$scalars" --output-format JSON
check "JSON keeps Java number forms and base64 varbinary" \
    '{"b":"AP8=","d":1.0E10,"r":1.5,"dec":"12.50","dt":"2024-01-15","ts":"2024-01-15 10:11:12.123","x":0.30000000000000004,"u":"ü|x","t":true,"n":null}' "$out"

# ---- batch: scripts, USE, sessions ------------------------------------------------------
printf 'USE tpch.tiny;\nSELECT count(*) FROM nation;\n-- a comment; with a semicolon\nSELECT name\n  FROM region\n  WHERE regionkey = 0;\n' > "$work/script.sql"
run_cli --file "$work/script.sql"
check "--file: USE sticks for the next statements" '"25"
"AFRICA"' "$out"
check "--file: USE reported on stderr, exit 0" "0:USE" "$rc:$err"

run_cli --execute "SET SESSION query_max_run_time = '10m'; SHOW SESSION LIKE 'query_max_run_time'"
check_match "SET SESSION sticks for the next statement" '^"query_max_run_time","10m"' "$out"
check "SET SESSION reported on stderr" "SET SESSION" "$err"

run_cli --session query_max_run_time=7m --execute "SHOW SESSION LIKE 'query_max_run_time'"
check_match "--session sends the property" '^"query_max_run_time","7m"' "$out"
run_cli --session query_max_run_time=7m --session query_max_execution_time=3m \
    --execute "SHOW SESSION LIKE 'query_max_%_time'"
check_match "--session repeats (1)" '"query_max_run_time","7m"' "$out"
check_match "--session repeats (2)" '"query_max_execution_time","3m"' "$out"
run_cli --session nonsense --execute "SELECT 1"
check "--session without '=' is a usage error" "2" "$rc"

run_cli --catalog tpch --schema tiny --execute "SELECT count(*) FROM region"
check "--catalog/--schema" '"5"' "$out"

run_cli --execute "SELECT 'a;b' AS s; SELECT 2 -- trailing; comment
;"
check "';' inside a literal or a comment does not split" '"a;b"
"2"' "$out"

out=$(printf 'SELECT 3;\nSELECT 4\n' | "$cli" --server "$url" 2>&1)
check "statements piped on stdin (last one without ';')" '"3"
"4"' "$out"

run_cli --execute "CREATE TABLE memory.default.cli_t AS SELECT 1 AS a; INSERT INTO memory.default.cli_t VALUES (2); SELECT a FROM memory.default.cli_t ORDER BY a; DROP TABLE memory.default.cli_t"
check "update statements: rows on stdout" '"1"
"2"' "$out"
check "update statements: types and counts on stderr" "0:CREATE TABLE: 1 row
INSERT: 1 row
DROP TABLE" "$rc:$err"

# ---- batch: errors and exit codes -----------------------------------------------------------
run_cli --execute "SELECT FROM x"
check "syntax error: exit 1, nothing on stdout" "1:" "$rc:$out"
check_match "syntax error: Trino's first line" \
    "^Query [0-9]{8}_[0-9]{6}_[0-9]{5}_[a-z0-9]+ failed: line 1:8: mismatched input 'FROM'" "$err"
check "syntax error: the SQL line and a caret under column 8" "LINE 1: SELECT FROM x
               ^" "$(printf '%s\n' "$err" | sed -n '2,3p')"

printf 'SELECT 1,\n  FROM x' > "$work/bad.sql"
run_cli --file "$work/bad.sql"
check "error on line 2: the caret is under that line's column" "1:LINE 2:   FROM x
          ^" "$rc:$(printf '%s\n' "$err" | sed -n '2,3p')"

run_cli --execute "SELECT 1/0; SELECT 2"
check "a failure stops the script (exit 1)" "1:" "$rc:$out"
check_match "runtime error message" "failed: Division by zero$" "$err"
run_cli --ignore-errors --execute "SELECT 1/0; SELECT 2"
check "--ignore-errors runs the rest, still exit 1" '1:"2"' "$rc:$out"

run_cli --execute "SELECT nosuch FROM tpch.tiny.nation"
check "analysis error: caret" "LINE 1: SELECT nosuch FROM tpch.tiny.nation
               ^" "$(printf '%s\n' "$err" | sed -n '2,3p')"

run_cli --output-format NOPE --execute "SELECT 1"
check "unknown output format: exit 2" "2" "$rc"
run_cli --bogus
check "unknown option: exit 2" "2" "$rc"
run_cli --file "$work/does-not-exist.sql"
check "missing --file: exit 1" "1" "$rc"
free_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$cli" --server "127.0.0.1:$free_port" --execute "SELECT 1" > "$work/out" 2> "$work/err"
rc=$?
check "unreachable server: exit 1" "1" "$rc"
check_match "unreachable server: message" "^Error running command: Failed to connect to http://127.0.0.1:$free_port" "$(cat "$work/err")"

# ---- interactive, in a real terminal (tmux) ------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
    echo "FAIL interactive: tmux is not installed (scripts/install-deps.sh installs it)"
    failures=$((failures + 1))
else
    mkdir -p "$work/home"
    session=cli
    tmux -L "$tmux_socket" -f /dev/null new-session -d -s cli -x 220 -y 60 \
        "env HOME='$work/home' TERM=xterm '$cli' --server '$url' --catalog tpch --schema tiny; echo SHELL-EXITED \$?; sleep 60"
    pane() { tmux -L "$tmux_socket" capture-pane -p -J -S -500 -t "$session"; }
    # type TEXT: literal keys then Enter (tmux would read a trailing ';' as its own separator)
    type_line() {
        text=$1
        case "$text" in
            *\;) tmux -L "$tmux_socket" send-keys -t "$session" -l "${text%;}"; tmux -L "$tmux_socket" send-keys -t "$session" -H 3b ;;
            *) tmux -L "$tmux_socket" send-keys -t "$session" -l "$text" ;;
        esac
        tmux -L "$tmux_socket" send-keys -t "$session" Enter
    }
    # wait_for REGEX [seconds]: until the screen has a matching line
    wait_for() {
        limit=$(( ${2:-20} * 10 ))
        i=0
        while [ $i -lt "$limit" ]; do
            pane | grep -Eq -- "$1" && return 0
            sleep 0.1
            i=$((i + 1))
        done
        return 1
    }
    expect_screen() { # name regex [seconds]
        if wait_for "$2" "${3:-20}"; then
            echo "ok   $1"
        else
            echo "FAIL $1: the screen never showed /$2/:"; pane | grep -v '^$' | tail -n 25 | sed 's/^/    |/'
            failures=$((failures + 1))
        fi
    }

    expect_screen "console: prompt shows the schema" '^shoal:tiny> $'
    type_line "SELECT name"
    type_line "FROM region"
    type_line "ORDER BY 1;"
    expect_screen "console: continuation prompt" '^         -> FROM region$'
    expect_screen "console: multi-line statement runs, ALIGNED table" '^\(5 rows\)$'
    expect_screen "console: rows" '^ MIDDLE EAST $'

    type_line "USE memory.default;"
    expect_screen "console: USE changes the prompt" '^shoal:default> $'
    type_line "SET SESSION query_max_run_time = '9m';"
    type_line "SHOW SESSION LIKE 'query_max_run_time';"
    expect_screen "console: SET SESSION sticks" '^ query_max_run_time +\| 9m '

    type_line "SELECT FROM oops;"
    expect_screen "console: error message" "failed: line 1:8: mismatched input 'FROM'"
    expect_screen "console: caret under the error" '^               \^$'

    tmux -L "$tmux_socket" send-keys -t "$session" -l "SELECT typed_then_abandoned"
    sleep 0.3
    tmux -L "$tmux_socket" send-keys -t "$session" C-c
    sleep 0.3
    type_line "SELECT 42 AS answer;"
    expect_screen "console: Ctrl-C at the prompt drops the typed line" '^     42 $'
    if pane | grep -q "typed_then_abandoned.*cannot be resolved"; then
        echo "FAIL console: the abandoned line was executed"; failures=$((failures + 1))
    fi

    type_line "SELECT count(*) FROM tpch.sf100.lineitem;"
    expect_screen "console: live progress line while the query runs" '\[Query [0-9_a-z]+ RUNNING\]' 30
    long_id=$(pane | sed -n 's/.*\[Query \([0-9_a-z]*\) RUNNING\].*/\1/p' | tail -n 1)
    tmux -L "$tmux_socket" send-keys -t "$session" C-c
    expect_screen "console: Ctrl-C cancels the running query" '^Query aborted by user$' 20
    expect_screen "console: the shell stays (prompt back)" '^shoal:default> $'
    if [ -n "$long_id" ]; then
        state=""
        i=0
        while [ $i -lt 50 ]; do
            state=$(curl -s "$url/v1/query/$long_id")
            printf '%s' "$state" | grep -q '"USER_CANCELED"' && break
            sleep 0.1
            i=$((i + 1))
        done
        check_match "console: the server saw the cancel (USER_CANCELED)" '"state":"FAILED".*"USER_CANCELED"' "$state"
    else
        echo "FAIL console: no query id in the progress line"; failures=$((failures + 1))
    fi
    type_line "SELECT 'after-cancel' AS marker;"
    expect_screen "console: queries run after a cancel" '^ after-cancel $'

    tmux -L "$tmux_socket" send-keys -t "$session" Up
    expect_screen "console: Up recalls the last statement" "^shoal:default> SELECT 'after-cancel' AS marker;\$"
    tmux -L "$tmux_socket" send-keys -t "$session" Enter
    sleep 1
    check "console: the recalled statement runs again" "2" "$(pane | grep -c '^ after-cancel $')"

    type_line "quit"
    expect_screen "console: quit exits with 0" '^SHELL-EXITED 0$'
    # libedit stores entries vis(3)-encoded (spaces as \040)
    history_text=$(sed 's/\\040/ /g' "$work/home/.shoal_history" 2>/dev/null)
    check_match "history saved in ~/.shoal_history (USE)" 'USE memory\.default;' "$history_text"
    check_match "history saved in ~/.shoal_history (multi-line joined)" 'SELECT name FROM region ORDER BY 1;' "$history_text"

    # a new console finds the history of the last one (the new tmux session
    # starts before the old one ends, so the tmux server stays up)
    session=cli2
    tmux -L "$tmux_socket" -f /dev/null new-session -d -s "$session" -x 220 -y 60 \
        "env HOME='$work/home' TERM=xterm '$cli' --server '$url'; echo SHELL-EXITED \$?; sleep 60"
    tmux -L "$tmux_socket" kill-session -t cli
    expect_screen "console (second run): prompt without a schema" '^shoal> $'
    tmux -L "$tmux_socket" send-keys -t "$session" Up
    expect_screen "console (second run): Up recalls the previous session's statement" "^shoal> SELECT 'after-cancel' AS marker;\$"
    tmux -L "$tmux_socket" send-keys -t "$session" C-u C-d
    expect_screen "console (second run): Ctrl-D on an empty line exits with 0" '^SHELL-EXITED 0$'
fi

stop_server || failures=$((failures + 1))
if [ "$failures" -ne 0 ]; then
    echo "cli: $failures check(s) failed"
    exit 1
fi
echo "cli: all checks passed"
