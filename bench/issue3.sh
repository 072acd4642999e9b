#!/usr/bin/env bash
# Reproduces the speed figures of issue 3 (results in BENCHMARKS.md).
#
#   bash bench/issue3.sh            # everything, about 6 minutes after the build
#   ISSUE3_PG= bash bench/issue3.sh # skip PostgreSQL
#
# Builds the release binary if needed, then runs bench/issue3.py, which starts
# `etterlev serve` processes on free loopback ports, drives them with wrk and
# Python (separate processes), prints the numbers and removes its servers,
# temporary directories and the PostgreSQL schema again.
#
# Environment (all optional):
#   CARGO_TARGET_DIR  cargo's target directory (default: what cargo uses)
#   ISSUE3_PG         PostgreSQL URL (default postgres://127.0.0.1:5432/test;
#                     empty skips PostgreSQL). Schema bench_issue3 is created
#                     and dropped in it.
#   ISSUE3_RUNS       cold starts per scenario (default 20)
#   ISSUE3_LOGINS     sequential logins timed (default 20)
#   ISSUE3_DURATION   seconds per wrk run (default 20)
#   ISSUE3_JSON       also write all results as JSON to this file
#   ISSUE3_VERBOSE=1  print wrk's own output too
#   ISSUE3_PERF=1     also profile an extra dashboard run with `perf record`
#   ISSUE3_LOGIN_MEMORY=0  skip the extra login-burst runs (on code before
#                     09d7dfa they needed about 8 GB of free memory)
# Needs: cargo, python3 (standard library only), wrk, and psql for PostgreSQL.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

for tool in cargo python3 wrk; do
  command -v "$tool" >/dev/null || { echo "issue3: $tool not found (wrk: apt-get install -y wrk)" >&2; exit 1; }
done
pg="${ISSUE3_PG-postgres://127.0.0.1:5432/test}"
if [[ -n "$pg" ]]; then
  if ! command -v psql >/dev/null || ! psql -X -q "$pg" -c 'select 1' >/dev/null 2>&1; then
    echo "issue3: PostgreSQL at $pg not reachable with psql; skipping PostgreSQL" >&2
    pg=""
  fi
fi

target_dir="$(cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"

echo "== build (cargo build --release -p etterlev; no-op when up to date)"
cargo build --release -p etterlev
cargo build --release --manifest-path bench/argon2-time/Cargo.toml --target-dir "$target_dir"
bin="$target_dir/release/etterlev"
argon2_bin="$target_dir/release/etterlev-bench-argon2-time"

echo "== machine"
echo "  date:    $(date -u +%Y-%m-%dT%H:%MZ)"
echo "  commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates Cargo.toml Cargo.lock 2>/dev/null || echo ' (+ uncommitted changes under crates/)')"
echo "  cpu:     $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "  ram:     $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "  kernel:  $(uname -r)"
echo "  rustc:   $(rustc --version)"
echo "  wrk:     $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "  binary:  $bin ($(du -h "$bin" | cut -f1))"

args=(--bin "$bin" --argon2-bin "$argon2_bin" --pg "$pg"
      --runs "${ISSUE3_RUNS:-20}" --logins "${ISSUE3_LOGINS:-20}" --duration "${ISSUE3_DURATION:-20}")
[[ -n "${ISSUE3_JSON:-}" ]] && args+=(--json "$ISSUE3_JSON")
[[ -n "${ISSUE3_VERBOSE:-}" ]] && args+=(--verbose)
[[ -n "${ISSUE3_PERF:-}" ]] && args+=(--perf)
[[ "${ISSUE3_LOGIN_MEMORY:-1}" == 0 ]] && args+=(--no-login-memory)
exec python3 bench/issue3.py "${args[@]}"
