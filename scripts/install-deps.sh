#!/usr/bin/env bash
# The one list of Debian packages Shoal needs to build and test.
# Used by the README's two commands and by .ci/run. Safe to run again.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libnng-dev          # transport between nodes and the HTTP server
  libmbedtls-dev      # TLS of nng's HTTPS server (Debian's libnng uses mbedtls); PBKDF2/SHA-256 of password files; md5/sha*/hmac_* functions
  libcrypt-dev        # libxcrypt crypt_rn: bcrypt lines of Trino's file password authenticator
  libmsgpack-dev      # msgpack envelopes on the wire (msgpack-c 4)
  libzstd-dev         # page compression
  libpq-dev           # PostgreSQL connector
  libcurl4-openssl-dev # CLI and load tool HTTP client
  libjemalloc-dev     # allocator of every binary
  libcriterion-dev    # unit tests
  libjansson-dev      # well-kept JSON parser: resource groups, access rules, the REST API
  libpcre2-dev        # Java-compatible regexes: resource-group selectors (whole-string, named groups), regexp functions
  libicu-dev          # Unicode case mapping (upper/lower) and normalize() in the function library
  libedit-dev         # the `shoal` CLI console: line editing and history (BSD licence, unlike GNU readline)
  tmux                # tests/cli drives the interactive console in a real terminal (send-keys, capture-pane)
  curl jq openssl     # tests/security: HTTPS requests, JSON answers, a certificate and PBKDF2 hashes made per run
  python3             # tests: the TPC-H answer comparator (cluster_tpch), the CLI and UI test helpers
)

# Installs the listed packages that are missing (apt-get, as root or with sudo).
install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    local SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# Optional and large (chromium is ~300 MB), so not in the default set:
# headless Chromium for the web UI tests (tests/ui/run.sh runs
# `scripts/install-deps.sh ui-tests` itself when chromium is missing).
install_ui_test_deps() {
  install_packages chromium
}

case "${1:-}" in
  "") install_packages "${PACKAGES[@]}" ;;
  ui-tests) install_ui_test_deps ;;
  *) echo "usage: $0 [ui-tests]" >&2; exit 2 ;;
esac
