#!/usr/bin/env bash
# Side-by-side speed of `etterlev testdata pseudonymise` for two builds, on
# one machine in one run: the 1 GB CSV with three id columns that
# bench/issue6.sh uses, with the csv crate's raw read of the same file as the
# anchor. The two binaries alternate, so drift in the machine's speed hits
# both alike.
#
#   bash bench/issue6_pseudonymise_ab.sh OLD_ETTERLEV NEW_ETTERLEV [ROUNDS]
#
# Each round runs each binary twice: output to standard output (the
# command's default) redirected to /dev/null, and output to a new file
# (removed before the run; the command writes a temporary file, syncs it
# and renames it into place). GNU time gives wall, user and system seconds
# and the peak resident memory. Raw output goes to
# bench/results/<date>-issue6-pseudonymise-ab/.
set -euo pipefail
cd "$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")"

OLD=${1:?old etterlev binary}
NEW=${2:?new etterlev binary}
ROUNDS=${3:-3}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/root/.cache/etterlev-target}"
OUT="${ISSUE6_OUT:-bench/results/$(date -u +%Y-%m-%d)-issue6-pseudonymise-ab}"
WORK=$(mktemp -d /tmp/issue6-ab.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git rev-parse --short HEAD)"
    echo "old: $OLD ($("$OLD" --version 2>/dev/null || echo '?'))"
    echo "new: $NEW ($("$NEW" --version 2>/dev/null || echo '?'))"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') × $(nproc)"
    echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

cargo build --release --quiet -p etterlev-testdata --example pseudo_bench
EX="$CARGO_TARGET_DIR/release/examples/pseudo_bench"
"$EX" gen 1024 "$WORK/p-1g.csv"
"$EX" gen 100 "$WORK/p-100m.csv"
"$EX" config >"$WORK/pseudo.yaml"
head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/key"
BYTES=$(stat -c %s "$WORK/p-1g.csv")

echo "== anchor: the csv crate's raw ByteRecord read of the same file"
"$EX" raw "$WORK/p-1g.csv" | tee "$OUT/raw.txt"

# run NAME BINARY INPUT TARGET: TARGET is "stdout" or "file".
run() {
    local name=$1 bin=$2 input=$3 target=$4
    local args=(testdata pseudonymise -q "$input" -c "$WORK/pseudo.yaml" --key-file "$WORK/key")
    if [ "$target" = file ]; then
        rm -f "$WORK/out.csv"
        sync
        /usr/bin/time -f "%e %U %S %M" -o "$OUT/$name.time" "$bin" "${args[@]}" -o "$WORK/out.csv" \
            >/dev/null 2>"$OUT/$name.err"
    else
        /usr/bin/time -f "%e %U %S %M" -o "$OUT/$name.time" "$bin" "${args[@]}" >/dev/null 2>"$OUT/$name.err"
    fi
    read -r wall user sys rss <"$OUT/$name.time"
    local size
    size=$(stat -c %s "$input")
    awk -v n="$name" -v w="$wall" -v s="$size" -v u="$user" -v y="$sys" -v m="$rss" 'BEGIN {
        printf "%-22s wall %6.2f s  %6.1f MB/s  user %6.2f s  sys %5.2f s  peak %5.1f MiB\n", n, w, s / w / 1e6, u, y, m / 1024
    }' | tee -a "$OUT/summary.txt"
}

echo "== 1 GB ($BYTES bytes), old and new alternating"
for r in $(seq 1 "$ROUNDS"); do
    for which in old new; do
        bin=$OLD
        [ "$which" = new ] && bin=$NEW
        run "$which-stdout-$r" "$bin" "$WORK/p-1g.csv" stdout
        run "$which-file-$r" "$bin" "$WORK/p-1g.csv" file
    done
done

echo "== peak memory of the new build, 100 MB against 1 GB (output to a file)"
run "new-100m-file" "$NEW" "$WORK/p-100m.csv" file
run "new-1g-file" "$NEW" "$WORK/p-1g.csv" file
# Same key, same output: the two builds must agree byte for byte.
"$OLD" testdata pseudonymise -q "$WORK/p-100m.csv" -c "$WORK/pseudo.yaml" --key-file "$WORK/key" 2>/dev/null |
    sha256sum | tee "$OUT/old-100m.sha256"
"$NEW" testdata pseudonymise -q "$WORK/p-100m.csv" -c "$WORK/pseudo.yaml" --key-file "$WORK/key" 2>/dev/null |
    sha256sum | tee "$OUT/new-100m.sha256"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
