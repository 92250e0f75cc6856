#!/usr/bin/env bash
# zero_skip_check.sh HARNESS SHAPE ZEROS MAX_CYCLE_RATIO MAX_BYTE_RATIO: a random layer with
# --sparsity ZEROS (DRAM latency 100) on zero_skip hardware, with the zero-skip tiler and with the
# dense tiler (--zero-skip off). Both must pass bit-exactly (the harness also checks skipped_steps
# and skipped_wgt_bytes against the functional model); the zero-skip run must have used the
# zero-skip tiler, skipped steps, and taken at most MAX_CYCLE_RATIO of the dense run's cycles and
# MAX_BYTE_RATIO of its DRAM read bytes. Simulation is exact: a regression test.
set -euo pipefail
harness=$1 shape=$2 zeros=$3 max_cycles=$4 max_bytes=$5
run() {
  "$harness" --shape "$shape" --seed 7 --sparsity "$zeros" --mem-latency 100 --json --quiet "$@" |
    tail -n 1
}
on=$(run --zero-skip on)
off=$(run --zero-skip off)
python3 - "$on" "$off" "$max_cycles" "$max_bytes" <<'PY'
import json, sys
on, off = json.loads(sys.argv[1]), json.loads(sys.argv[2])
max_cycles, max_bytes = float(sys.argv[3]), float(sys.argv[4])
problems = [f"{name}: status {d['status']}: {d['error']}" for name, d in (("on", on), ("off", off))
            if d["status"] != "pass"]
if not on["zero_skip"] or off["zero_skip"]:
    problems.append(f"zero_skip on {on['zero_skip']}, off {off['zero_skip']}")
if on["skipped_steps"] == 0 or off["skipped_steps"] != 0:
    problems.append(f"skipped_steps on {on['skipped_steps']}, off {off['skipped_steps']}")
cr = on["cycles"] / off["cycles"]
br = on["dram_read_bytes"] / off["dram_read_bytes"]
print(f"{on['shape']} zeros {on['sparsity']}: zero-skip {on['cycles']} cycles "
      f"{on['dram_read_bytes']} bytes, dense {off['cycles']} cycles {off['dram_read_bytes']} bytes: "
      f"ratios {cr:.3f} (<= {max_cycles}) and {br:.3f} (<= {max_bytes})")
if cr > max_cycles:
    problems.append(f"cycle ratio {cr:.3f} > {max_cycles}")
if br > max_bytes:
    problems.append(f"DRAM read byte ratio {br:.3f} > {max_bytes}")
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
