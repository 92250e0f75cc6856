#!/usr/bin/env bash
# compute_path_test.sh REF RTL_DIR WORK_DIR: runs compute_path_tb.v under Icarus on the compute
# path of the generated RTL in RTL_DIR (tests/configs/lowp_8x8.yaml) and checks the acc words with
# REF (compute_path_ref).
set -euo pipefail
ref=$(realpath "$1")
rtl=$(realpath "$2")
work=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
cd "$work"
rm -f acc_out.hex
"$ref" gen
iverilog -g2005 -o compute_path.vvp "$here/compute_path_tb.v" "$rtl/salsa_compute_ctrl.v" \
  "$rtl/salsa_sparsity_gate.v" "$rtl/salsa_popcount.v" "$rtl/salsa_mac_array.v" "$rtl/salsa_delay.v" "$rtl/salsa_pe.v" \
  "$rtl/salsa_fp8_mul.v" "$rtl/salsa_fp32_add.v"
vvp -n compute_path.vvp
"$ref" check
