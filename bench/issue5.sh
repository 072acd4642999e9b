#!/usr/bin/env bash
# Reproduces the speed figures of issue 5 (results in BENCHMARKS.md).
#
#   bash bench/issue5.sh     # about 2 minutes after the build
#
# Builds the release binary if needed, prints the machine, then runs
# bench/issue5.py: a server on a free loopback port with a generated
# 500-requirement catalogue, loaded through the API from this process and
# from wrk. Knobs: ISSUE5_DURATION (seconds per wrk run, default 20),
# ISSUE5_SEQUENTIAL (sequential requests per page, default 200),
# ISSUE5_JSON=file (all results as JSON). Needs cargo, python3 and wrk.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
for tool in cargo python3 wrk; do
  command -v "$tool" >/dev/null || { echo "issue5: $tool not found (wrk: apt-get install -y wrk)" >&2; exit 1; }
done
target_dir="$(cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
echo "== build (cargo build --release -p etterlev; no-op when up to date)"
cargo build --release -p etterlev
bin="$target_dir/release/etterlev"
echo "== machine"
echo "  date:    $(date -u +%Y-%m-%dT%H:%MZ)"
echo "  commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates Cargo.toml Cargo.lock 2>/dev/null || echo ' (+ uncommitted changes under crates/)')"
echo "  cpu:     $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "  ram:     $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "  rustc:   $(rustc --version)"
echo "  wrk:     $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
exec python3 bench/issue5.py "$bin"
