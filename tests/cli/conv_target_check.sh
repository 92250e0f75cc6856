#!/usr/bin/env bash
# conv_target_check.sh HARNESS MIN_EFFICIENCY MAX_BYTES ARGS...: runs HARNESS ARGS --json --quiet
# on a conv2d layer file; the run must pass (bit-exact) on the on-chip im2col plan, reach
# MIN_EFFICIENCY of the roofline (cycles from simulation, exact) and move at most MAX_BYTES times
# the layer's compulsory DRAM bytes (its NHWC input, weights, bias and output once).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
harness=$1 min_eff=$2 max_bytes=$3
shift 3
json=$(harness_json "$harness" "$@")
check_json "$min_eff" "$max_bytes" "$json" <<'PY'
d = json.loads(sys.argv[3])
need_pass(d)
if d.get("plan") not in ("ws im2col", "os im2col"):
    problems.append(f"plan {d.get('plan')!r}, not an on-chip im2col plan")
ratio = (d["dram_read_bytes"] + d["dram_write_bytes"]) / d["layer_compulsory_bytes"]
if d["efficiency"] < float(sys.argv[1]):
    problems.append(f"efficiency {d['efficiency']:.3f} < {sys.argv[1]}")
if ratio > float(sys.argv[2]):
    problems.append(f"DRAM bytes {ratio:.3f}x compulsory > {sys.argv[2]}")
print(f"{d['layer']}: {d['status']}, {d['cycles']} cycles, efficiency {d['efficiency']:.3f}, "
      f"DRAM {d['dram_read_bytes'] + d['dram_write_bytes']} B = {ratio:.3f}x the layer's "
      f"{d['layer_compulsory_bytes']} B")
finish()
PY
