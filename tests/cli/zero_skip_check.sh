#!/usr/bin/env bash
# zero_skip_check.sh HARNESS SHAPE ZEROS MAX_CYCLE_RATIO MAX_BYTE_RATIO: a random layer with
# --sparsity ZEROS (DRAM latency 100) on zero_skip hardware, with the zero-skip tiler and with the
# dense tiler (--zero-skip off). Both must pass bit-exactly (the harness also checks skipped_steps
# and skipped_wgt_bytes against the functional model); the zero-skip run must have used the
# zero-skip tiler, skipped steps, and taken at most MAX_CYCLE_RATIO of the dense run's cycles and
# MAX_BYTE_RATIO of its DRAM read bytes. Simulation is exact: a regression test.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
harness=$1 shape=$2 zeros=$3 max_cycles=$4 max_bytes=$5
run() {
  harness_json "$harness" --shape "$shape" --seed 7 --sparsity "$zeros" --mem-latency 100 "$@"
}
on=$(run --zero-skip on)
off=$(run --zero-skip off)
check_json "$on" "$off" "$max_cycles" "$max_bytes" <<'PY'
on, off, max_cycles, max_bytes = on_off()
if not on["zero_skip"] or off["zero_skip"]:
    problems.append(f"zero_skip on {on['zero_skip']}, off {off['zero_skip']}")
if on["skipped_steps"] == 0 or off["skipped_steps"] != 0:
    problems.append(f"skipped_steps on {on['skipped_steps']}, off {off['skipped_steps']}")
cr, br = ratios(on, off, max_cycles, max_bytes)
print(f"{on['shape']} zeros {on['sparsity']}: zero-skip {on['cycles']} cycles "
      f"{on['dram_read_bytes']} bytes, dense {off['cycles']} cycles {off['dram_read_bytes']} bytes: "
      f"ratios {cr:.3f} (<= {max_cycles}) and {br:.3f} (<= {max_bytes})")
finish()
PY
