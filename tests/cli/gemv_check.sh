#!/usr/bin/env bash
# gemv_check.sh HARNESS PLAN SLICES ARGS...: runs HARNESS ARGS --json --quiet; the run must pass
# (bit-exact against the reference and the functional model) and report the tiler's plan PLAN
# and K slices SLICES, so that the K-slice GEMV mapping (plan "gemv") is both chosen and exact.
# PLAN's first underscore stands for a space ("gemv_fp8_e4m3": plan "gemv fp8_e4m3").
set -euo pipefail
source "$(dirname "$0")/lib.sh"
harness=$1 want_plan=${2/_/ } want_slices=$3
shift 3
json=$(harness_json "$harness" "$@")
check_json "$want_plan" "$want_slices" "$json" <<'PY'
d = json.loads(sys.argv[3])
need_pass(d)
expect(d, "plan", sys.argv[1])
expect(d, "slices", int(sys.argv[2]))
print(f"{d['shape']}: {d['status']}, plan {d['plan']}, slices {d['slices']}, "
      f"{d['cycles']} cycles, efficiency {d['efficiency']:.3f}")
finish()
PY
