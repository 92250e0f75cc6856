#!/usr/bin/env bash
# synth_module_check.sh SALSA CONFIG: `salsa synth --module salsa_pe` synthesises one PE alone
# (seconds): the report's top is salsa_pe, every block in it is salsa_pe or a module it
# instantiates (no salsa_top, no array), one instance, some LUTs and flip-flops, at most one DSP.
set -euo pipefail
salsa=$1 config=$2
json=$("$salsa" synth --config "$config" --module salsa_pe --json)
python3 - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
errors = []
if r.get("top") != "salsa_pe":
    errors.append(f"top {r.get('top')}, expected salsa_pe")
pe = r.get("blocks", {}).get("salsa_pe", {})
if pe.get("instances") != 1:
    errors.append(f"salsa_pe instances {pe.get('instances')}, expected 1")
for b in r.get("blocks", {}):
    if b in ("salsa_top", "salsa_mac_array", "salsa_sequencer"):
        errors.append(f"block {b} synthesised with --module salsa_pe")
if not (r.get("luts", 0) > 0 and r.get("ffs", 0) > 0 and r.get("dsps", 99) <= 1):
    errors.append(f"luts {r.get('luts')} ffs {r.get('ffs')} dsps {r.get('dsps')}")
print(f"synth --module salsa_pe: luts {r.get('luts')} ffs {r.get('ffs')} dsps {r.get('dsps')} "
      f"carry {r.get('carry')} lut_levels {r.get('lut_levels')}")
for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
PY
