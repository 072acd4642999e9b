#!/usr/bin/env bash
# Checks that the JSON API keeps its published contract: starts `etterlev
# serve --demo` on a fresh SQLite database and a free port, makes API tokens
# for two demo users, and runs schemathesis with every check against
# /api/v1/openapi.json: the enterprise operations with the demo
# administrator's token (a member of both demo enterprises), the secretariat
# operations with the secretariat user's. Any finding fails the run.
#
# Environment:
#   ETTERLEV_BIN                the binary (default: built with cargo into
#                               $CARGO_TARGET_DIR, or target/)
#   SCHEMATHESIS_MAX_EXAMPLES   test cases per operation and phase (default 25)
#   SCHEMATHESIS_SEED           random seed (default 1, so a run can be repeated)
#   SCHEMATHESIS_REPORT_DIR     where the JUnit reports go (default: a temp dir)
set -euo pipefail

cd "$(dirname "$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")")"

MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-25}"
SEED="${SCHEMATHESIS_SEED:-1}"

if [ -n "${ETTERLEV_BIN:-}" ]; then
    bin="$ETTERLEV_BIN"
else
    cargo build --quiet -p etterlev
    bin="${CARGO_TARGET_DIR:-target}/debug/etterlev"
fi
[ -x "$bin" ] || { echo "no etterlev binary at $bin" >&2; exit 1; }
command -v schemathesis >/dev/null 2>&1 || { echo "schemathesis is not installed (python3 -m pip install schemathesis)" >&2; exit 1; }

work=$(mktemp -d)
report_dir="${SCHEMATHESIS_REPORT_DIR:-$work/report}"
server_pid=""
cleanup() {
    local rc=$?
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$rc" -ne 0 ] && [ -f "$work/server.log" ]; then
        echo "--- last lines of the server log ---" >&2
        tail -n 40 "$work/server.log" >&2 || true
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
export ETTERLEV_DATA_DIR="$work/data"
export ETTERLEV_LOG="${ETTERLEV_LOG:-warn}"

"$bin" serve --demo --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
    if curl -fsS "$base/healthz" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "the server stopped during start-up" >&2
        exit 1
    fi
    sleep 0.5
done
curl -fsS "$base/healthz" >/dev/null || { echo "the server did not answer /healthz within 60 s" >&2; exit 1; }

admin_token=$("$bin" user token --email admin@demo.etterlev.no --name schemathesis)
secretariat_token=$("$bin" user token --email sekretariat@demo.etterlev.no --name schemathesis)

run() {
    local name="$1" token="$2"
    shift 2
    echo "==> schemathesis: $name operations"
    schemathesis --config-file tests/schemathesis/schemathesis.toml run "$base/api/v1/openapi.json" \
        --checks all \
        --header "Authorization: Bearer $token" \
        --max-examples "$MAX_EXAMPLES" \
        --seed "$SEED" \
        --workers 2 \
        --request-timeout 30 \
        --suppress-health-check too_slow,filter_too_much \
        --generation-database none \
        --report junit --report-junit-path "$report_dir/$name.xml" \
        "$@"
}

status=0
run enterprise "$admin_token" --exclude-path-regex '^/secretariat' || status=1
run secretariat "$secretariat_token" --include-path-regex '^/secretariat' || status=1
exit "$status"
