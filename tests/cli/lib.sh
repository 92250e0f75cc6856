# shellcheck shell=bash
# lib.sh: sourced by the harness check scripts: runs of a harness for its --json summary, and the
# Python checks of those summaries.

# harness_json HARNESS ARGS...: runs HARNESS ARGS --json --quiet; prints the JSON summary (its
# last line).
harness_json() {
  "$@" --json --quiet | tail -n 1
}

# check_json ARGS... <<'PY' ... PY: runs the Python check on stdin (sys.argv[1:] = ARGS) after a
# prelude giving it `problems` (the list of failures), need_pass(d, name), expect(d, key, want),
# on_off(), ratios(on, off, max_cycles, max_bytes) and finish() (prints every failure, exits 1 if
# any).
check_json() {
  python3 -c "$CHECK_PRELUDE$(cat)" "$@"
}

CHECK_PRELUDE=$(cat <<'PY'
import json, math, os, sys
problems = []
def need_pass(d, name=""):
    if d["status"] != "pass":
        problems.append(f"{name + ': ' if name else ''}status {d['status']}: {d['error']}")
def expect(d, key, want):
    if d[key] != want:
        problems.append(f"{key} {d[key]}, expected {want}")
# The summaries `on` and `off` (sys.argv[1], [2]), each needing to pass, and the maximum cycle and
# byte ratios (sys.argv[3], [4]).
def on_off():
    on, off = json.loads(sys.argv[1]), json.loads(sys.argv[2])
    need_pass(on, "on")
    need_pass(off, "off")
    return on, off, float(sys.argv[3]), float(sys.argv[4])
# The cycle and DRAM read byte ratios of run `on` to run `off`, each failing above its maximum.
def ratios(on, off, max_cycles, max_bytes):
    cr = on["cycles"] / off["cycles"]
    br = on["dram_read_bytes"] / off["dram_read_bytes"]
    if cr > max_cycles:
        problems.append(f"cycle ratio {cr:.3f} > {max_cycles}")
    if br > max_bytes:
        problems.append(f"DRAM read byte ratio {br:.3f} > {max_bytes}")
    return cr, br
def finish():
    for p in problems:
        print("FAIL:", p)
    sys.exit(1 if problems else 0)
PY
)
CHECK_PRELUDE+=$'\n'
