#!/usr/bin/env bash
# im2col_check.sh HARNESS ARGS...: runs HARNESS ARGS --im2col always --json --quiet on a conv2d
# layer file; the run must pass (bit-exact against the reference and the functional model) on
# the on-chip im2col plan ("ws im2col"), so that the plan is both chosen and exact.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
harness=$1
shift
json=$(harness_json "$harness" "$@" --im2col always)
check_json "$json" <<'PY'
d = json.loads(sys.argv[1])
need_pass(d)
expect(d, "plan", "ws im2col")
print(f"{d['layer']}: {d['status']}, plan {d['plan']}, {d['cycles']} cycles, "
      f"DRAM read {d['dram_read_bytes']} B (im2col GEMM compulsory {d['compulsory_bytes']} B)")
finish()
PY
