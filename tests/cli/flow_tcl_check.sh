#!/usr/bin/env bash
# flow_tcl_check.sh SALSA SRC_DIR OUT_DIR: generates a ZCU104 accelerator (tests/flow/zcu104.yaml)
# and runs its vivado.tcl, the ZCU104 block-design script constraints/zcu104/build.tcl and the
# committed preset's vivado.tcl under tclsh with Vivado's commands stubbed (tests/flow/
# vivado_stubs.tcl). Vivado itself is not available here; this checks syntax and file paths.
set -euo pipefail
salsa=$1 src=$2 out=$3
stubs=$src/tests/flow/vivado_stubs.tcl
rm -rf "$out"
mkdir -p "$out"
"$salsa" gen "$src/tests/flow/zcu104.yaml" -o "$out/rtl" >/dev/null
tclsh "$stubs" "$out/rtl/vivado.tcl" "$out/ooc"
tclsh "$stubs" "$src/constraints/zcu104/build.tcl" "$out/rtl" "$out/zcu104"
tclsh "$stubs" "$src/rtl/default/vivado.tcl" "$out/default"
# A directory generated without fpga.board is refused.
if tclsh "$stubs" "$src/constraints/zcu104/build.tcl" "$src/rtl/default" "$out/x" 2>/dev/null; then
  echo "build.tcl accepted rtl/default, which has no fpga.board"
  exit 1
fi
echo "flow_tcl_check: passed"
