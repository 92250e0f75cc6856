#!/usr/bin/env bash
# store_fp_check.sh SALSA CONFIG OUT: generates CONFIG's RTL (a build with an fp8 precision and
# 8 columns: tests/configs/lowp_8x8.yaml) and verilates two block tests of the FP STORE path:
# salsa_store_ctrl with tests/blocks/store_fp_test.cpp (parameter reads, write requests per row,
# cycles) and salsa_ppu with tests/blocks/ppu_fp_test.cpp (salsa_fp_out per column against
# tb/src/fp8.cpp, the row packing); runs both.
set -euo pipefail
salsa=$1 config=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
rm -rf "$out"
mkdir -p "$out"
"$salsa" gen "$config" -o "$out/rtl" >/dev/null
files=$(grep -v '^//' "$out/rtl/salsa.f" | sed "s|^|$out/rtl/|")
build() {  # build TOP TEST [extra sources...]
  local top=$1 test=$2
  shift 2
  # shellcheck disable=SC2086
  if ! verilator --cc --exe --build -O1 --Mdir "$out/obj_$top" --top-module "$top" \
      -CFLAGS "-I$src/tb/include" -o "$test" $files "$here/../blocks/$test.cpp" "$@" \
      >"$out/verilator_$top.log" 2>&1; then
    echo "store_fp_check: verilator failed on $top:"
    tail -20 "$out/verilator_$top.log"
    exit 1
  fi
}
build salsa_store_ctrl store_fp_test
build salsa_ppu ppu_fp_test "$src/tb/src/fp8.cpp"
"$out/obj_salsa_store_ctrl/store_fp_test"
"$out/obj_salsa_ppu/ppu_fp_test"
