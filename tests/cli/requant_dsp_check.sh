#!/usr/bin/env bash
# requant_dsp_check.sh RTL_DIR MAX_DSP: synthesises salsa_requant.v of RTL_DIR alone with Yosys
# `synth_xilinx` and fails unless it uses at most MAX_DSP DSP48E1 slices (a signed 32x32 multiply
# takes 4; the product of sign-extended 64-bit operands it once was took 10). A few seconds.
set -euo pipefail
dir=${1:?usage: requant_dsp_check.sh RTL_DIR MAX_DSP}
max=${2:?usage: requant_dsp_check.sh RTL_DIR MAX_DSP}
stat=$(mktemp)
trap 'rm -f "$stat"' EXIT
yosys -q -p "read_verilog $dir/salsa_requant.v; synth_xilinx -top salsa_requant; \
  tee -q -o $stat stat" >/dev/null
dsp=$(awk '$1 == "DSP48E1" {print $2}' "$stat")
dsp=${dsp:-0}
echo "salsa_requant ($dir): $dsp DSP48E1 (at most $max)"
if [ "$dsp" -gt "$max" ]; then
  echo "FAIL: salsa_requant uses $dsp DSP48E1, more than $max" >&2
  exit 1
fi
