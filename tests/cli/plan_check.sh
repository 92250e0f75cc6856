#!/usr/bin/env bash
# plan_check.sh HARNESS K_SPLIT TRANSPOSED ARGS...: runs HARNESS ARGS --json --quiet; the run must
# pass (bit-exact against the reference) and report k_split (the K-split plan ran) and transposed
# (the array computed out^T) as expected (0 or 1 each), so a tiler change that silently drops
# a plan is caught.
set -euo pipefail
harness=$1 want_split=$2 want_t=$3
shift 3
json=$("$harness" "$@" --json --quiet | tail -n 1)
python3 - "$want_split" "$want_t" "$json" <<'PY'
import json, sys
want = {"k_split": sys.argv[1] == "1", "transposed": sys.argv[2] == "1"}
d = json.loads(sys.argv[3])
problems = [] if d["status"] == "pass" else [f"status {d['status']}: {d['error']}"]
for key, value in want.items():
    if d[key] != value:
        problems.append(f"{key} {d[key]}, expected {value}")
print(f"{d['shape']}: {d['status']}, k_split {d['k_split']}, transposed {d['transposed']}, "
      f"{d['cycles']} cycles, efficiency {d['efficiency']:.3f}")
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
