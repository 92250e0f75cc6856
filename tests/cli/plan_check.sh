#!/usr/bin/env bash
# plan_check.sh HARNESS K_SPLIT TRANSPOSED ARGS...: runs HARNESS ARGS --json --quiet; the run must
# pass (bit-exact against the reference) and report k_split (the K-split plan ran) and transposed
# (the array computed out^T) as expected (0 or 1 each), so a tiler change that silently drops
# a plan is caught.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
harness=$1 want_split=$2 want_t=$3
shift 3
json=$(harness_json "$harness" "$@")
check_json "$want_split" "$want_t" "$json" <<'PY'
d = json.loads(sys.argv[3])
need_pass(d)
expect(d, "k_split", sys.argv[1] == "1")
expect(d, "transposed", sys.argv[2] == "1")
print(f"{d['shape']}: {d['status']}, k_split {d['k_split']}, transposed {d['transposed']}, "
      f"{d['cycles']} cycles, efficiency {d['efficiency']:.3f}")
finish()
PY
