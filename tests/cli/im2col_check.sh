#!/usr/bin/env bash
# im2col_check.sh PLAN HARNESS ARGS...: runs HARNESS ARGS --im2col always --json --quiet on a
# conv2d layer file; the run must pass (bit-exact against the reference and the functional model)
# on the on-chip im2col plan PLAN ("ws im2col" or "os im2col"), so that the plan is both chosen
# and exact.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
export IM2COL_PLAN=$1
harness=$2
shift 2
json=$(harness_json "$harness" "$@" --im2col always)
check_json "$json" <<'PY'
d = json.loads(sys.argv[1])
need_pass(d)
expect(d, "plan", os.environ["IM2COL_PLAN"])
pp = d.get("plan_params", {})
if not (pp.get("band_rows", 0) >= 1 and pp.get("bands", 0) >= 1 and pp.get("n_tiles", 0) >= 1):
    problems.append(f"plan_params without its bands: {pp}")
print(f"{d['layer']}: {d['status']}, plan {d['plan']}, {d['cycles']} cycles, "
      f"DRAM read {d['dram_read_bytes']} B (im2col GEMM compulsory {d['compulsory_bytes']} B), "
      f"bands {pp.get('bands')} x {pp.get('band_rows')} rows")
finish()
PY
