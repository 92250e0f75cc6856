#!/usr/bin/env bash
# systemc_cycles.sh CXX_HARNESS SC_HARNESS: three layers, each on the C++ harness and on the
# SystemC harness with the same DRAM timing and seed (--json). Both must pass, and the SystemC
# harness must report exactly the C++ harness's cycle count (and DRAM traffic).
set -euo pipefail
cxx=$1 sc=$2
cases=(
  "--shape 7x129x31 --seed 12"
  "--shape 9x200x21 --seed 17 --mem-latency 100 --backpressure 0.3 --axi-strict"
  "--shape 5x1100x9 --seed 14 --mem-latency 40 --bw-cap 0.5 --backpressure 0.1"
)
fail=0
for c in "${cases[@]}"; do
  read -r -a args <<<"$c"
  a=$("$cxx" "${args[@]}" --json --quiet | tail -n 1)
  b=$("$sc" "${args[@]}" --json --quiet | tail -n 1)
  python3 - "$c" "$a" "$b" <<'PY' || fail=1
import json, sys
case, a, b = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
keys = ("status", "cycles", "dram_read_bytes", "dram_write_bytes", "busy_cycles")
print(f"{case}: C++ " + " ".join(f"{k} {a[k]}" for k in keys))
print(f"{' ' * len(case)}  SystemC " + " ".join(f"{k} {b[k]}" for k in keys))
ok = a["status"] == "pass" and b["status"] == "pass" and all(a[k] == b[k] for k in keys)
if not ok:
    print(f"FAIL: {case}: outputs must pass and cycles match", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
done
exit $fail
