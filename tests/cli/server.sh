# server.sh — sourced by tests/cli/run.sh, tests/ui/run.sh and
# tests/clients/run.sh: starts shoal-server on a free 127.0.0.1 port
# (http-server.http.port=0) with a scratch etc/ (tpch and memory catalogs)
# under $work, sets $url (and $https_url when HTTPS is on) and $server_pid,
# and stops it on exit (stop_server checks a clean SIGTERM exit).
# Needs: $server (path to shoal-server), $work (a fresh temp dir), $name.

# start_server [CONFIG_LINES]: CONFIG_LINES are added to config.properties
# (other files may be written into $work/etc first). May be called again
# after stop_server.
start_server() {
    mkdir -p "$work/etc/catalog"
    cat > "$work/etc/config.properties" <<PROPS
coordinator=true
http-server.http.port=0
shoal.control.port=0
shoal.exchange.port=0
${1:-}
PROPS
    printf 'node.environment=test\nnode.internal-address=127.0.0.1\n' > "$work/etc/node.properties"
    printf 'connector.name=tpch\n' > "$work/etc/catalog/tpch.properties"
    printf 'connector.name=memory\n' > "$work/etc/catalog/memory.properties"
    rm -f "$work/server.log" # never read an earlier server's ready line
    "$server" --etc "$work/etc" > "$work/server.log" 2>&1 &
    server_pid=$!
    url=""
    i=0
    while [ $i -lt 300 ]; do
        url=$(sed -n 's/.*SERVER STARTED.* \(http:[^ ]*\).*/\1/p' "$work/server.log" | head -n 1)
        [ -n "$url" ] && break
        if ! kill -0 "$server_pid" 2>/dev/null; then
            status=0
            wait "$server_pid" || status=$?
            echo "$name: shoal-server exited early (status $status):" >&2
            cat "$work/server.log" >&2
            exit 1
        fi
        sleep 0.1
        i=$((i + 1))
    done
    if [ -z "$url" ]; then
        echo "$name: shoal-server did not start:" >&2
        cat "$work/server.log" >&2
        exit 1
    fi
    https_url=$(sed -n 's/.*SERVER STARTED.* \(https:[^ ]*\).*/\1/p' "$work/server.log" | head -n 1)
    echo "$name: shoal-server at $url${https_url:+ and $https_url}"
}

# Returns non-zero when the server did not exit cleanly after SIGTERM.
stop_server() {
    [ -n "${server_pid:-}" ] || return 0
    kill -TERM "$server_pid" 2>/dev/null || true
    status=0
    wait "$server_pid" || status=$?
    server_pid=""
    if [ "$status" -ne 0 ]; then
        echo "$name: shoal-server exited with $status after SIGTERM:" >&2
        tail -n 30 "$work/server.log" >&2
        return 1
    fi
}

kill_server() {
    if [ -n "${server_pid:-}" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
}
