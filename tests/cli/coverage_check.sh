#!/usr/bin/env bash
# coverage_check.sh SALSA COV_HARNESS OUT_DIR: two small layers on a coverage build of a harness
# (salsa_add_harness(... COVERAGE)), each writing --coverage-out; `salsa coverage` merges them into
# OUT_DIR/merged (coverage.dat, coverage.info, html/index.html). Passes when both runs pass, every
# file exists, the merge covers more points than either run alone and some line and toggle points
# are covered.
set -euo pipefail
salsa=$1 harness=$2 out=$3
rm -rf "$out"
mkdir -p "$out"
"$harness" --shape 9x70x11 --seed 3 --quiet --coverage-out "$out/a.dat"
"$harness" --shape 1x40x5 --seed 4 --per-channel --mem-latency 50 --quiet --coverage-out "$out/b.dat"
"$salsa" coverage "$out/a.dat" -o "$out/a" > "$out/a.txt"
"$salsa" coverage "$out/a.dat" "$out/b.dat" -o "$out/merged" | tee "$out/merged.txt"
for f in merged/coverage.dat merged/coverage.info merged/html/index.html; do
  [ -s "$out/$f" ] || { echo "missing or empty: $out/$f"; exit 1; }
done
python3 - "$out/a.txt" "$out/merged.txt" <<'PY'
import re, sys
def counts(path):
    s = open(path).read()
    m = re.search(r"coverage: (\d+)/(\d+) points .*line (\d+)/(\d+) .*toggle (\d+)/(\d+)", s)
    if not m:
        sys.exit(f"{path}: no summary line in {s!r}")
    return [int(x) for x in m.groups()]
a, m = counts(sys.argv[1]), counts(sys.argv[2])
problems = []
if m[1] != a[1]:
    problems.append(f"merged has {m[1]} points, one run {a[1]}: the same model has the same points")
if not m[0] > a[0]:
    problems.append(f"merged covers {m[0]} points, not more than one run's {a[0]}")
if m[2] == 0 or m[4] == 0:
    problems.append(f"no line ({m[2]}) or toggle ({m[4]}) points covered")
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
