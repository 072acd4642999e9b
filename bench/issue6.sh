#!/usr/bin/env bash
# Issue 6 benchmarks: the test-data toolkit, side by side with its anchors in
# one run on one machine. Prints every figure; raw output goes to
# bench/results/<date>-issue6/ (or $ISSUE6_OUT).
#
#   bash bench/issue6.sh              # about 10 minutes after the build
#   ISSUE6_GB=0.2 bash bench/issue6.sh   # smaller "large" file for a quick try
#
# Needs: /usr/bin/time (Debian package `time`), python3 with faker and
# presidio-analyzer (bench/issue6/requirements.txt) for the comparison points.
set -euo pipefail
cd "$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/etterlev-target}"
GB="${ISSUE6_GB:-1}"
BIG_MB=$(python3 -c "print(int(1024 * $GB))")
OUT="${ISSUE6_OUT:-bench/results/$(date -u +%Y-%m-%d)-issue6}"
WORK=$(mktemp -d /tmp/issue6-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

echo "== machine"
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git rev-parse --short HEAD)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') × $(nproc)"
    echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
    echo "rustc: $(rustc --version)"
    echo "python: $(python3 --version 2>&1)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

echo "== build (release)"
cargo build --release --quiet -p etterlev -p etterlev-testdata --bins --examples
BIN="$CARGO_TARGET_DIR/release/etterlev"
EX="$CARGO_TARGET_DIR/release/examples"

# Wall seconds and peak RSS (MiB) of a command, from GNU time.
timed() {
    local name=$1
    shift
    /usr/bin/time -v -o "$OUT/$name.time" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$OUT/$name.time" |
        awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$OUT/$name.time")
    echo "$name wall_s=$wall peak_rss_mib=$rss" | tee -a "$OUT/summary.txt"
}

echo "== 1. identifier validation (one core)"
"$EX/ids_bench" 20000000 | tee "$OUT/ids.txt"

echo "== 2. generate: 1 000 000 persons (CSV) against Faker no_NO"
for run in 1 2 3; do
    timed "generate-1m-run$run" "$BIN" testdata generate -n 1000000 --seed "$run" -q -o "$WORK/gen.csv" --force
done
timed "generate-1m-1thread" "$BIN" testdata generate -n 1000000 --seed 1 --threads 1 -q -o "$WORK/gen.csv" --force
ls -l "$WORK/gen.csv" | tee -a "$OUT/summary.txt"
if python3 -c "import faker" 2>/dev/null; then
    python3 bench/issue6/faker_generate.py 100000 "$WORK/faker.csv" | tee "$OUT/faker.json"
else
    echo "faker not installed: skipped (pip install -r bench/issue6/requirements.txt)" | tee "$OUT/faker.json"
fi

echo "== 3. scan: CSV of ${BIG_MB} MB and 100 MB against Presidio"
"$EX/scan_bench" gen "$WORK/scan-big.csv" "$BIG_MB"
"$EX/scan_bench" gen "$WORK/scan-100m.csv" 100
"$EX/scan_bench" csv-baseline "$WORK/scan-big.csv" | tee "$OUT/scan-csv-baseline.txt"
timed "scan-big" "$BIN" testdata scan -q --format json "$WORK/scan-big.csv"
timed "scan-100m" "$BIN" testdata scan -q --format json "$WORK/scan-100m.csv"
python3 - "$OUT/scan-big.out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print("scan-big counts:", r["counts"], "bytes:", r["bytes_scanned"])
EOF
if python3 -c "import presidio_analyzer" 2>/dev/null; then
    python3 bench/issue6/presidio_scan.py "$WORK/scan-big.csv" --max-mb "${ISSUE6_PRESIDIO_MB:-20}" | tee "$OUT/presidio.json"
else
    echo "presidio not installed: skipped" | tee "$OUT/presidio.json"
fi

echo "== 4. pseudonymise: CSV of ${BIG_MB} MB and 100 MB, three id columns"
"$EX/pseudo_bench" gen "$BIG_MB" "$WORK/p-big.csv"
"$EX/pseudo_bench" gen 100 "$WORK/p-100m.csv"
"$EX/pseudo_bench" config >"$WORK/pseudo.yaml"
head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/key"
"$EX/pseudo_bench" raw "$WORK/p-big.csv" | tee "$OUT/pseudo-csv-raw.txt"
timed "pseudonymise-big" "$BIN" testdata pseudonymise -q "$WORK/p-big.csv" -c "$WORK/pseudo.yaml" \
    --key-file "$WORK/key" -o "$WORK/p-out.csv" --force
timed "pseudonymise-100m" "$BIN" testdata pseudonymise -q "$WORK/p-100m.csv" -c "$WORK/pseudo.yaml" \
    --key-file "$WORK/key" -o "$WORK/p-out.csv" --force
ls -l "$WORK"/p-*.csv "$WORK"/scan-*.csv | tee -a "$OUT/summary.txt"

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
echo "== done; raw output in $OUT"
