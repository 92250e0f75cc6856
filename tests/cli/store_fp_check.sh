#!/usr/bin/env bash
# store_fp_check.sh SALSA CONFIG OUT: generates CONFIG's RTL (a build with an fp8 precision and
# 8 columns, tests/configs/lowp_8x8.yaml), verilates its salsa_store_ctrl with
# tests/blocks/store_fp_test.cpp and runs it (FP STOREs' write requests, parameter reads, cycles).
set -euo pipefail
salsa=$1 config=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out"
"$salsa" gen "$config" -o "$out/rtl" >/dev/null
if ! verilator --cc --exe --build -O1 --Mdir "$out/obj" --top-module salsa_store_ctrl \
    -o store_fp_test "$out/rtl/salsa_store_ctrl.v" "$here/../blocks/store_fp_test.cpp" \
    >"$out/verilator.log" 2>&1; then
  echo "store_fp_check: verilator failed:"
  tail -20 "$out/verilator.log"
  exit 1
fi
"$out/obj/store_fp_test"
