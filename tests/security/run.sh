#!/bin/sh
# run.sh SHOAL_SERVER SHOAL_CLI — HTTPS (nng's TLS with mbedtls) and Trino's PASSWORD
# authentication (file authenticator, bcrypt and PBKDF2 lines) of a live
# shoal-server, checked with curl:
#   * a PEM keystore (key + certificate from openssl, the key encrypted with
#     http-server.https.keystore.key) serves HTTPS; nextUri stays https
#   * no credentials → 401 + WWW-Authenticate; wrong password → 401
#     "Access Denied: Invalid credentials"; bcrypt and PBKDF2 users get in
#   * X-Trino-User naming someone else → the query fails PERMISSION_DENIED
#   * plain HTTP: a user name is accepted, a password is not (401); with
#     allow-insecure-over-http=false → 403
#   * the password file is re-read after file.refresh-period
#   * repeated X-Trino-Session lines all apply; X-Trino-User repeated → first
#   * a keystore without a key, or a wrong key password, stops the start
#   * the `shoal` CLI: --password (TRINO_PASSWORD), --truststore-path,
#     --insecure; a password to an http:// server is refused
set -eu
server=${1:?usage: run.sh path/to/shoal-server path/to/shoal}
cli=${2:?usage: run.sh path/to/shoal-server path/to/shoal}
name=rest_security
for tool in curl openssl jq; do
    command -v $tool >/dev/null 2>&1 || { echo "$name: $tool is required" >&2; exit 1; }
done
work=$(mktemp -d /tmp/rest-security.XXXXXX)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
[ -n "${KEEP:-}" ] && trap - EXIT
failures=0
check() { # check NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}

# ---- a certificate for 127.0.0.1, its key encrypted ---------------------------------
# (PEM encryption as mbedtls 2.28 reads it: openssl 3's default PKCS#8 uses
# AES with HMAC-SHA256, which it does not)
openssl genrsa -out "$work/plain-key.pem" 2048 2>/dev/null
openssl rsa -in "$work/plain-key.pem" -aes256 -traditional -passout pass:keypw -out "$work/key.pem" 2>/dev/null
openssl req -x509 -key "$work/plain-key.pem" -out "$work/cert.pem" -days 2 \
    -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
mkdir -p "$work/etc/catalog"
cat "$work/key.pem" "$work/cert.pem" > "$work/etc/keystore.pem"
printf 'node.environment=test\nnode.internal-address=127.0.0.1\n' > "$work/etc/node.properties"
printf 'connector.name=tpch\n' > "$work/etc/catalog/tpch.properties"

# alice: bcrypt (password "alicepw", cost 8); bob: PBKDF2 made here by openssl
alice_hash='$2y$08$7qW9DgqKCqWNXcN5gTLC3Ov0MnnwhwJUtOi3IY1GCbwZtH34uSjeG'
bob_hash=$(openssl kdf -keylen 32 -kdfopt digest:SHA1 -kdfopt pass:bobpw -kdfopt hexsalt:a1b2c3d4e5f60718 \
    -kdfopt iter:1000 PBKDF2 | tr -d ':' | tr 'A-F' 'a-f')
printf 'alice:%s\nbob:1000:a1b2c3d4e5f60718:%s\n' "$alice_hash" "$bob_hash" > "$work/etc/password.db"
printf 'password-authenticator.name=file\nfile.password-file=password.db\nfile.refresh-period=1s\n' \
    > "$work/etc/password-authenticator.properties"

write_config() { # write_config EXTRA-LINES
    cat > "$work/etc/config.properties" <<PROPS
coordinator=true
http-server.http.port=0
http-server.https.enabled=true
http-server.https.port=0
http-server.https.keystore.path=$work/etc/keystore.pem
http-server.https.keystore.key=keypw
http-server.authentication.type=PASSWORD
shoal.control.port=0
shoal.exchange.port=0
$1
PROPS
}

start_server() {
    rm -f "$work/server.log" # never read the previous server's ready line
    "$server" --etc "$work/etc" > "$work/server.log" 2>&1 &
    server_pid=$!
    http=""; https=""
    i=0
    while [ $i -lt 300 ]; do
        https=$(sed -n 's/.*SERVER STARTED.* \(https:[^ ]*\).*/\1/p' "$work/server.log" | head -n 1)
        [ -n "$https" ] && break
        kill -0 "$server_pid" 2>/dev/null || { echo "$name: shoal-server exited early:" >&2; cat "$work/server.log" >&2; exit 1; }
        sleep 0.1
        i=$((i + 1))
    done
    [ -n "$https" ] || { echo "$name: shoal-server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
    http=$(sed -n 's/.*SERVER STARTED.* \(http:[^ ]*\).*/\1/p' "$work/server.log" | head -n 1)
    echo "$name: shoal-server at $http and $https"
}

stop_server() {
    kill -TERM "$server_pid"
    status=0
    wait "$server_pid" || status=$?
    server_pid=""
    check "server stops cleanly on SIGTERM" 0 "$status"
}

tls() { curl -s --max-time 20 --cacert "$work/cert.pem" "$@"; }

# Runs SQL to the end; prints the last document. Extra args go to every request.
run_query() { # run_query BASE SQL CURL-ARGS...
    base=$1; sql=$2; shift 2
    doc=$(curl -s --max-time 20 --cacert "$work/cert.pem" "$@" -d "$sql" "$base/v1/statement")
    data="[]"
    next=$(printf '%s' "$doc" | jq -r '.nextUri // empty')
    while [ -n "$next" ]; do
        doc=$(curl -s --max-time 20 --cacert "$work/cert.pem" "$@" "$next")
        page=$(printf '%s' "$doc" | jq -c '.data // []')
        data=$(jq -cn --argjson a "$data" --argjson b "$page" '$a + $b')
        next=$(printf '%s' "$doc" | jq -r '.nextUri // empty')
    done
    printf '%s' "$doc" | jq -c --argjson data "$data" '{state: .stats.state, data: $data, error: .error.errorName, message: .error.message}'
}

status_of() { curl -s --max-time 20 --cacert "$work/cert.pem" -o /dev/null -w '%{http_code}' "$@"; }

# ---- HTTPS with PASSWORD -------------------------------------------------------------------
write_config ""
start_server

check "https: /v1/info is public" 200 "$(status_of "$https/v1/info")"
check "https: no credentials → 401" 401 "$(status_of -d 'SELECT 1' "$https/v1/statement")"
check "https: WWW-Authenticate on 401" 'WWW-Authenticate: Basic realm="Trino"' \
    "$(tls -D - -o /dev/null -d 'SELECT 1' "$https/v1/statement" | tr -d '\r' | grep -i '^WWW-Authenticate')"
check "https: wrong password → Access Denied" "Access Denied: Invalid credentials" \
    "$(tls -u alice:nope -d 'SELECT 1' "$https/v1/statement")"
check "https: unknown user → 401" 401 "$(status_of -u carol:alicepw -d 'SELECT 1' "$https/v1/statement")"
check "https: empty user → 401 message" "Malformed credentials: user is empty" \
    "$(tls -H 'Authorization: Basic OnB3' -d 'SELECT 1' "$https/v1/statement")"
check "https: credentials that are not base64 → 401 message" "Invalid base64 encoded credentials" \
    "$(tls -H 'Authorization: Basic a!b=' -d 'SELECT 1' "$https/v1/statement")"
check "https: credentials holding a NUL byte → 401 message" "Invalid base64 encoded credentials" \
    "$(tls -H 'Authorization: Basic YQBiOmM=' -d 'SELECT 1' "$https/v1/statement")"
check "https: bcrypt user runs a query as herself" '{"state":"FINISHED","data":[["alice"]],"error":null,"message":null}' \
    "$(run_query "$https" 'SELECT current_user' -u alice:alicepw)"
check "https: PBKDF2 user runs a query" '{"state":"FINISHED","data":[["bob"]],"error":null,"message":null}' \
    "$(run_query "$https" 'SELECT current_user' -u bob:bobpw)"
check "https: nextUri is https" "https" \
    "$(tls -u alice:alicepw -d 'SELECT 1' "$https/v1/statement" | jq -r '.nextUri' | cut -d: -f1)"
check "https: impersonation is denied (Trino's default access control)" \
    '{"state":"FAILED","data":[],"error":"PERMISSION_DENIED","message":"Access Denied: User alice cannot impersonate user bob"}' \
    "$(run_query "$https" 'SELECT 1' -u alice:alicepw -H 'X-Trino-User: bob')"
check "https: X-Trino-User equal to the principal is fine" FINISHED \
    "$(run_query "$https" 'SELECT 1' -u alice:alicepw -H 'X-Trino-User: alice' | jq -r .state)"
check "https: /v1/query needs credentials" 401 "$(status_of "$https/v1/query")"
check "https: /v1/query with credentials" 200 "$(status_of -u bob:bobpw "$https/v1/query")"
check "https: /v1/node needs credentials" 401 "$(status_of "$https/v1/node")"
check "https: /v1/catalog needs credentials" 401 "$(status_of "$https/v1/catalog")"
check "plain http: password refused" "Password not allowed for insecure authentication" \
    "$(curl -s -u alice:alicepw -d 'SELECT 1' "$http/v1/statement")"
check "plain http: a user name alone is accepted" FINISHED \
    "$(run_query "$http" 'SELECT 1' -H 'X-Trino-User: alice' | jq -r .state)"
check "plain http: no user → 401" 401 "$(status_of -d 'SELECT 1' "$http/v1/statement")"

# repeated header lines: every X-Trino-Session line applies, the first X-Trino-User wins
check "repeated X-Trino-Session lines all apply" '[["query_max_execution_time","2h"],["query_max_run_time","3h"]]' \
    "$(run_query "$http" "SHOW SESSION LIKE 'query_max_%n_time'" -H 'X-Trino-User: alice' \
        -H 'X-Trino-Session: query_max_run_time=3h' -H 'X-Trino-Session: query_max_execution_time=2h' |
        jq -c '[.data[] | [.[0], .[1]]]')"
check "repeated X-Trino-User lines: the first counts" '[["carol"]]' \
    "$(run_query "$http" 'SELECT current_user' -H 'X-Trino-User: carol' -H 'X-Trino-User: dave' | jq -c .data)"

# the CLI (bob is still in the file here)
check "cli: --password with TRINO_PASSWORD and --truststore-path" '"bob"' \
    "$(TRINO_PASSWORD=bobpw "$cli" --server "$https" --user bob --password --truststore-path "$work/cert.pem" \
        --execute 'SELECT current_user' 2>&1)"
check "cli: --insecure skips certificate validation" '"bob"' \
    "$(TRINO_PASSWORD=bobpw "$cli" --server "$https" --user bob --password --insecure \
        --execute 'SELECT current_user' 2>&1)"
status=0
out=$(TRINO_PASSWORD=bobpw "$cli" --server "$https" --user bob --password --execute 'SELECT 1' 2>&1) || status=$?
check "cli: an untrusted certificate fails" "1 1" "$status $(printf '%s' "$out" | grep -c -i 'certificate')"
status=0
out=$(TRINO_PASSWORD=nope "$cli" --server "$https" --user bob --password --truststore-path "$work/cert.pem" \
    --execute 'SELECT 1' 2>&1) || status=$?
check "cli: a wrong password fails with the server's message" "1 1" \
    "$status $(printf '%s' "$out" | grep -c 'Access Denied: Invalid credentials')"
status=0
out=$(TRINO_PASSWORD=bobpw "$cli" --server "$http" --user bob --password --execute 'SELECT 1' 2>&1) || status=$?
check "cli: --password needs HTTPS" "2 1" "$status $(printf '%s' "$out" | grep -c 'requires HTTPS to be enabled')"

# the password file is read again after file.refresh-period (1s)
carol_hash=$(openssl kdf -keylen 32 -kdfopt digest:SHA1 -kdfopt pass:carolpw -kdfopt hexsalt:0011223344556677 \
    -kdfopt iter:1000 PBKDF2 | tr -d ':' | tr 'A-F' 'a-f')
printf 'carol:1000:0011223344556677:%s\n' "$carol_hash" > "$work/etc/password.db"
sleep 1.2
check "reloaded password file: new user gets in" 200 "$(status_of -u carol:carolpw -d 'SELECT 1' "$https/v1/statement")"
check "reloaded password file: removed user is refused" 401 "$(status_of -u alice:alicepw -d 'SELECT 1' "$https/v1/statement")"
stop_server

# ---- allow-insecure-over-http=false: plain HTTP refused with 403 ------------------------------
write_config "http-server.authentication.allow-insecure-over-http=false"
start_server
check "allow-insecure-over-http=false: 403 over http" "403 Authentication over HTTP is not enabled" \
    "$(curl -s -w ' %{http_code}' -H 'X-Trino-User: alice' -d 'SELECT 1' "$http/v1/statement" | awk '{c=$NF; $NF=""; print c, $0}' | sed 's/ *$//')"
check "allow-insecure-over-http=false: https still works" 200 \
    "$(status_of -u carol:carolpw -d 'SELECT 1' "$https/v1/statement")"
stop_server

# ---- a bad keystore stops the start with a clear message ------------------------------------
write_config ""
sed -i 's/^http-server.https.keystore.key=.*/http-server.https.keystore.key=wrong/' "$work/etc/config.properties"
status=0
"$server" --etc "$work/etc" > "$work/bad.log" 2>&1 || status=$?
check "wrong key password: start fails" 1 "$status"
check "wrong key password: message" 1 "$(grep -c 'wrong http-server.https.keystore.key' "$work/bad.log")"
cat "$work/cert.pem" > "$work/etc/keystore.pem"
write_config ""
status=0
"$server" --etc "$work/etc" > "$work/bad.log" 2>&1 || status=$?
check "keystore without a key: start fails" 1 "$status"
check "keystore without a key: message" 1 "$(grep -c 'the PEM keystore has no private key' "$work/bad.log")"

echo "$name: $failures failure(s)"
[ "$failures" -eq 0 ]
