#!/usr/bin/env bash
# bad_files_check.sh SALSA WORK_DIR: input files of every kind a user can get wrong reach salsa
# gen, salsa ref, salsa regress and salsa coverage: a directory, a character device (/dev/zero,
# /dev/urandom: endless streams), a FIFO with no writer, a pseudo-file (/proc/self/status), a file
# over the 1 MiB cap, YAML that makes yaml-cpp loop (a lone ','), a billion-laughs alias bomb, a
# layer file naming /dev/zero or a FIFO as a tensor, one whose two 64 KiB tensors declare an
# output of 2^32 elements, test lists that ask for millions of runs, and as coverage data a sparse
# file one byte over its 256 MiB cap and one of 256 MiB without a newline. Each must exit 2 with
# one line on stderr naming the file, promptly (10 s), writing nothing.
set -uo pipefail
salsa=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work/dir"
out=$work/out
mkfifo "$work/fifo"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >"$work/big.yaml"  # a comment, 1 MiB + 1
printf ',' >"$work/comma.yaml"
truncate -s $((256 * 1024 * 1024 + 1)) "$work/over.dat"  # sparse: nothing is read
truncate -s $((256 * 1024 * 1024)) "$work/no_newline.dat"  # zero bytes, no line end
{  # billion laughs: ten levels of ten aliases in one key's value
  printf 'name: bomb\nprecision: [&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'
  for i in 1 2 3 4 5 6 7 8 9; do
    printf ', &l%d [' "$i"
    for j in 1 2 3 4 5 6 7 8 9; do printf '*l%d, ' $((i - 1)); done
    printf '*l%d]' $((i - 1))
  done
  printf ']\n'
} >"$work/bomb.yaml"
printf 'op: fully_connected\ninput: /dev/zero\nweights: /dev/zero\n' >"$work/dev_layer.yaml"
printf 'op: fully_connected\ninput: fifo\nweights: fifo\n' >"$work/fifo_layer.yaml"
# Test lists of a few KiB that ask for millions of runs: 1000 configs x 10000 seeds, or 200
# configs x --seeds 10000 (at most 1 million; the configs do not exist, which salsa regress finds
# only after it has expanded the list).
{
  printf 'tests:\n  - name: t\n    generator: fc\n    seeds: 10000\n    configs: ['
  seq -s ', ' -f 'c%g' 0 999 | tr -d '\n'
  printf ']\n'
} >"$work/runs.yaml"
sed -e '/seeds: 10000/d' -e 's/, c200,.*/]/' "$work/runs.yaml" >"$work/seeds.yaml"
# Two 64 KiB tensors whose fully_connected output would have 2^32 elements (the cap is 2^26).
npy_i8() {  # npy_i8 FILE ROWS COLS: an int8 .npy of zeros
  python3 - "$@" <<'PY'
import sys
path, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
h = "{'descr': '|i1', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
h += " " * (63 - (10 + len(h)) % 64) + "\n"
with open(path, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h.encode())
    f.write(bytes(rows * cols))
PY
}
npy_i8 "$work/tall.npy" 65536 1
printf 'op: fully_connected\ninput: tall.npy\nweights: tall.npy\noutput_multiplier: 1\noutput_shift: 0\n' \
  >"$work/huge_out.yaml"
status=0
check() {  # check NAME ARGS...: exit 2, one line naming NAME, nothing at $out, within 10 s
  local name=$1
  shift
  local err
  err=$(timeout 10 "$here/expect_exit.sh" 2 "$out" -- "$salsa" "$@" 2>&1)
  local rc=$?
  if [ $rc -ne 0 ] || ! grep -qF -- "$name" <<<"$err"; then
    echo "FAIL ($rc): salsa $*: ${err:-timed out}"
    status=1
  else
    echo "$err"
  fi
}
for f in "$work/dir" /dev/zero /dev/urandom "$work/fifo" /proc/self/status "$work/big.yaml" \
  "$work/comma.yaml" "$work/bomb.yaml"; do
  check "$f" gen "$f" -o "$out"
  check "$f" ref --layer "$f" --out "$out"
  check "$f" regress "$f" --out "$out"
  check "$f" coverage "$f" -o "$out"
done
for f in "$work/over.dat" "$work/no_newline.dat"; do
  check "$f" coverage "$f" -o "$out"
done
check /dev/zero ref --layer "$work/dev_layer.yaml" --out "$out"
check "$work/fifo" ref --layer "$work/fifo_layer.yaml" --out "$out"
check "$work/runs.yaml:2:5: tests.t: the list has 10000000 runs" regress "$work/runs.yaml" --out "$out"
check "$work/seeds.yaml: tests.t: the list and flags make 2000000 runs" \
  regress "$work/seeds.yaml" --seeds 10000 --out "$out"
check "$work/huge_out.yaml:3:10: weights: $work/tall.npy: the output (65536, 65536) would have" \
  ref --layer "$work/huge_out.yaml" --out "$out"
[ $status -eq 0 ] && echo "ok: every bad file exits 2 with one line, nothing written"
exit $status
