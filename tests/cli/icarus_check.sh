#!/usr/bin/env bash
# icarus_check.sh SALSA HARNESS CONFIG OUT ARGS...: exports the testbench of a layer
# (salsa tb-export --config CONFIG ARGS -o OUT), runs it under Icarus Verilog (OUT/run-icarus) and
# runs the config's Verilator harness on the same layer (HARNESS ARGS --json). Passes when Icarus
# prints PASS as its last line and exits 0, the harness passes, and both count the same cycles.
# ARGS are flags both take: --shape, --seed, --precision, --layer, --mem-latency.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
salsa=$1 harness=$2 config=$3 out=$4
shift 4
rm -rf "$out"
"$salsa" tb-export --config "$config" "$@" -o "$out" || { echo "tb-export failed"; exit 1; }
log=$("$out/run-icarus")
rc=$?
printf '%s\n' "$log" | tail -n 5
icarus_cycles=$(printf '%s\n' "$log" | sed -n 's/^cycles \([0-9]*\)$/\1/p')
last=$(printf '%s\n' "$log" | tail -n 1)
json=$(harness_json "$harness" "$@")
check_json "$json" "$rc" "$last" "${icarus_cycles:-none}" <<'PY'
d = json.loads(sys.argv[1])
rc, last, cycles = int(sys.argv[2]), sys.argv[3], sys.argv[4]
need_pass(d, "Verilator harness")
if rc != 0 or last != "PASS":
    problems.append(f"Icarus: run-icarus exit {rc}, last line '{last}'")
if cycles != str(d["cycles"]):
    problems.append(f"cycles: Icarus {cycles}, Verilator harness {d['cycles']}")
print(f"Icarus {last} {cycles} cycles, Verilator {d['status']} {d['cycles']} cycles")
finish()
PY
