#!/usr/bin/env bash
# blackbox_twin.sh HARNESS_INFERRED HARNESS_BLACKBOX ARGS...: runs the same layer (ARGS) on the
# harness of a config with sram.macro: inferred and on the harness of its twin with
# sram.macro: blackbox (same config otherwise), and passes when both pass bit-exact and report
# the same cycle count, counters and events: the SRAM organisation changes nothing the
# accelerator does.
set -uo pipefail
inferred=$1 blackbox=$2
shift 2
a=$("$inferred" "$@" --json --quiet | tail -n 1)
b=$("$blackbox" "$@" --json --quiet | tail -n 1)
python3 - "$a" "$b" <<'PY'
import json, sys
a, b = (json.loads(s) for s in sys.argv[1:3])
# What legitimately differs: the config's name and hash, and host timing.
for r in (a, b):
    for k in ("config", "config_hash", "sim_seconds", "wall_seconds"):
        r.pop(k, None)
bad = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
for r, name in ((a, "inferred"), (b, "blackbox")):
    if r.get("status") != "pass" or r.get("mismatches") != 0:
        print(f"{name}: status {r.get('status')}, {r.get('mismatches')} mismatches")
        sys.exit(1)
if bad:
    for k in bad:
        print(f"{k}: inferred {a.get(k)!r}, blackbox {b.get(k)!r}")
    sys.exit(1)
print(f"blackbox_twin: same result, {a['cycles']} cycles on both")
PY
