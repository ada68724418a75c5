#!/bin/sh
# run.sh SHOAL_SERVER [NPM_DIR] — installs the npm clients (trino-client,
# presto-client) into NPM_DIR, starts shoal-server on a free 127.0.0.1
# port with a scratch etc/ directory (tests/cli/server.sh), runs clients.js
# against it, then stops the server with SIGTERM and checks that it exits
# cleanly. Then the same with HTTPS and PASSWORD authentication for auth.js.
# Exits 0 with a "skipped" line only when npm (or node) is not installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
server=${1:?usage: run.sh path/to/shoal-server [npm-dir]}
npm_dir=${2:-${TMPDIR:-/tmp}/shoal-npm-clients}
name=npm_clients

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "npm_clients: skipped (npm or node is not installed)"
    exit 0
fi

mkdir -p "$npm_dir"
cp "$here/package.json" "$here/clients.js" "$here/auth.js" "$npm_dir/"
if [ ! -d "$npm_dir/node_modules/trino-client" ] || [ ! -d "$npm_dir/node_modules/presto-client" ]; then
    (cd "$npm_dir" && npm install --no-audit --no-fund --loglevel=error) || {
        echo "npm_clients: npm install failed" >&2
        exit 1
    }
fi

. "$here/../cli/server.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-npm-clients-etc.XXXXXX")
etc="$work/etc"
cleanup() {
    kill_server
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

status=0
start_server "protocol.v1.alternate-header-name=Presto"
(cd "$npm_dir" && node clients.js "$url") || status=1
stop_server || status=1

# ---- HTTPS + PASSWORD: auth.js ----------------------------------------------------------
mkdir -p "$etc"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$etc/key.pem" -out "$etc/cert.pem" -days 2 \
    -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
cat "$etc/key.pem" "$etc/cert.pem" > "$etc/keystore.pem"
# alice / alicepw (bcrypt, cost 8)
printf 'alice:%s\n' '$2y$08$7qW9DgqKCqWNXcN5gTLC3Ov0MnnwhwJUtOi3IY1GCbwZtH34uSjeG' > "$etc/password.db"
printf 'password-authenticator.name=file\nfile.password-file=%s\n' "$etc/password.db" \
    > "$etc/password-authenticator.properties"
start_server "http-server.https.enabled=true
http-server.https.port=0
http-server.https.keystore.path=$etc/keystore.pem
http-server.authentication.type=PASSWORD"
if [ -z "$https_url" ]; then
    echo "npm_clients: shoal-server did not start HTTPS:" >&2
    cat "$work/server.log" >&2
    exit 1
fi
(cd "$npm_dir" && node auth.js "$https_url" "$url" "$etc/cert.pem") || status=1
stop_server || status=1
exit $status
