#!/usr/bin/env bash
# bench_quick.sh SALSA OUT_DIR: runs `salsa bench --quick --presets default --out-dir OUT_DIR`
# (OUT_DIR is emptied first) and checks that every output file exists and is non-empty, that the
# Markdown says every run passed and has the sparsity section (with the 2:4 targets listed as not
# run: no 2:4 preset is selected), that the CSV has a row per run, and that no temporary file
# was left behind.
set -uo pipefail
salsa=$1 out=$2
rm -rf "$out"
if ! "$salsa" bench --quick --presets default --out-dir "$out"; then
  echo "salsa bench --quick failed"
  exit 1
fi
status=0
for f in benchmarks.md bench/benchmarks.csv bench/benchmarks.json bench/roofline.svg \
  bench/sparsity.svg; do
  if [ ! -s "$out/$f" ]; then
    echo "missing or empty: $out/$f"
    status=1
  fi
done
if ! grep -Eq 'Bit-exact comparison: \*\*([0-9]+) of \1 runs pass\*\*' "$out/benchmarks.md"; then
  echo "benchmarks.md does not say that every run passed:"
  grep 'Bit-exact' "$out/benchmarks.md"
  status=1
fi
if ! grep -q '^## Sparsity results' "$out/benchmarks.md" ||
  ! grep -q 'not run: no selected preset has sparsity.structured' "$out/benchmarks.md"; then
  echo "benchmarks.md has no sparsity section with the 2:4 targets"
  status=1
fi
rows=$(($(wc -l < "$out/bench/benchmarks.csv") - 1))
if [ "$rows" -ne 6 ]; then  # 3 quick cases x latencies 100, 200
  echo "benchmarks.csv has $rows rows, expected 6"
  status=1
fi
if grep -q ',fail,' "$out/bench/benchmarks.csv"; then
  echo "a run failed:"
  grep ',fail,' "$out/bench/benchmarks.csv"
  status=1
fi
for svg in roofline sparsity; do
  if ! tail -n 1 "$out/bench/$svg.svg" | grep -q '</svg>'; then
    echo "$svg.svg does not end with </svg>"
    status=1
  fi
done
leftovers=$(find "$out" -name '.*.tmp*')
if [ -n "$leftovers" ]; then
  echo "temporary files left behind: $leftovers"
  status=1
fi
[ $status -eq 0 ] && echo "ok: salsa bench --quick wrote $out"
exit $status
