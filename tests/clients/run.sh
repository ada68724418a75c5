#!/bin/sh
# run.sh SHOAL_SERVER [WORK_DIR] — installs the npm clients (trino-client,
# presto-client) into WORK_DIR, starts shoal-server on a free 127.0.0.1
# port with a scratch etc/ directory, runs clients.js against it, then stops
# the server with SIGTERM and checks that it exits cleanly. Then the same
# with HTTPS and PASSWORD authentication for auth.js.
# Exits 0 with a "skipped" line only when npm (or node) is not installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
server=${1:?usage: run.sh path/to/shoal-server [work-dir]}
work=${2:-${TMPDIR:-/tmp}/shoal-npm-clients}

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "npm_clients: skipped (npm or node is not installed)"
    exit 0
fi

mkdir -p "$work"
cp "$here/package.json" "$here/clients.js" "$here/auth.js" "$work/"
if [ ! -d "$work/node_modules/trino-client" ] || [ ! -d "$work/node_modules/presto-client" ]; then
    (cd "$work" && npm install --no-audit --no-fund --loglevel=error) || {
        echo "npm_clients: npm install failed" >&2
        exit 1
    }
fi

etc=$(mktemp -d "${TMPDIR:-/tmp}/shoal-etc.XXXXXX")
log="$etc/server.log"
mkdir -p "$etc/catalog"
cat > "$etc/config.properties" <<PROPS
coordinator=true
http-server.http.port=0
shoal.control.port=0
shoal.exchange.port=0
protocol.v1.alternate-header-name=Presto
PROPS
printf 'node.environment=test\nnode.internal-address=127.0.0.1\n' > "$etc/node.properties"
printf 'connector.name=tpch\n' > "$etc/catalog/tpch.properties"
printf 'connector.name=memory\n' > "$etc/catalog/memory.properties"

"$server" --etc "$etc" > "$log" 2>&1 &
pid=$!
cleanup() {
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -rf "$etc"
}
trap cleanup EXIT INT TERM

url=""
i=0
while [ $i -lt 300 ]; do
    url=$(sed -n 's/.*SERVER STARTED.* \(http:[^ ]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$url" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "npm_clients: shoal-server exited early:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.1
    i=$((i + 1))
done
if [ -z "$url" ]; then
    echo "npm_clients: shoal-server did not start:" >&2
    cat "$log" >&2
    exit 1
fi
echo "npm_clients: shoal-server at $url"

status=0
(cd "$work" && node clients.js "$url") || status=$?

kill -TERM "$pid"
server_status=0
wait "$pid" || server_status=$?
if [ "$server_status" -ne 0 ]; then
    echo "npm_clients: shoal-server exited with $server_status after SIGTERM:" >&2
    cat "$log" >&2
    status=1
fi

# ---- HTTPS + PASSWORD: auth.js ----------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$etc/key.pem" -out "$etc/cert.pem" -days 2 \
    -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
cat "$etc/key.pem" "$etc/cert.pem" > "$etc/keystore.pem"
# alice / alicepw (bcrypt, cost 8)
printf 'alice:%s\n' '$2y$08$7qW9DgqKCqWNXcN5gTLC3Ov0MnnwhwJUtOi3IY1GCbwZtH34uSjeG' > "$etc/password.db"
printf 'password-authenticator.name=file\nfile.password-file=%s\n' "$etc/password.db" \
    > "$etc/password-authenticator.properties"
cat >> "$etc/config.properties" <<PROPS
http-server.https.enabled=true
http-server.https.port=0
http-server.https.keystore.path=$etc/keystore.pem
http-server.authentication.type=PASSWORD
PROPS
rm -f "$log" # never read the first server's ready line
"$server" --etc "$etc" > "$log" 2>&1 &
pid=$!
https=""
i=0
while [ $i -lt 300 ]; do
    https=$(sed -n 's/.*SERVER STARTED.* \(https:[^ ]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$https" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
if [ -z "$https" ]; then
    echo "npm_clients: shoal-server with HTTPS did not start:" >&2
    cat "$log" >&2
    exit 1
fi
http=$(sed -n 's/.*SERVER STARTED.* \(http:[^ ]*\).*/\1/p' "$log" | head -n 1)
echo "npm_clients: shoal-server at $http and $https (PASSWORD)"
(cd "$work" && node auth.js "$https" "$http" "$etc/cert.pem") || status=1
kill -TERM "$pid"
server_status=0
wait "$pid" || server_status=$?
if [ "$server_status" -ne 0 ]; then
    echo "npm_clients: shoal-server (HTTPS) exited with $server_status after SIGTERM:" >&2
    cat "$log" >&2
    status=1
fi
exit $status
