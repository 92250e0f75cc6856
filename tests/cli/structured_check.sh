#!/usr/bin/env bash
# structured_check.sh HARNESS expect 0|1 ARGS...: runs HARNESS ARGS --json --quiet; the run must
# pass (bit-exact against the reference, gated and mac_active equal to the functional model's)
# and report structured (the 2:4 tiler ran) as expected.
#
# structured_check.sh HARNESS compare SHAPE MAX_CYCLE_RATIO MAX_BYTE_RATIO: a random layer with
# --weights-2of4 (DRAM latency 100) on 2:4 hardware, with the 2:4 tiler and with the dense tiler
# (--structured off). Both must pass; the 2:4 run must have used the 2:4 tiler, run half the K
# steps (mac_active; K a multiple of 4) and taken at most MAX_CYCLE_RATIO of the dense run's
# cycles and MAX_BYTE_RATIO of its DRAM read bytes. Simulation is exact: a regression test.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
harness=$1 mode=$2
shift 2
if [[ $mode == expect ]]; then
  want=$1
  shift
  json=$(harness_json "$harness" "$@")
  check_json "$want" "$json" <<'PY'
want, d = sys.argv[1] == "1", json.loads(sys.argv[2])
need_pass(d)
expect(d, "structured", want)
print(f"{d['shape']}: {d['status']}, structured {d['structured']}, {d['cycles']} cycles, "
      f"mac_active {d['mac_active']}, gated {d['gated_operands']}")
finish()
PY
  exit
fi
shape=$1 max_cycles=$2 max_bytes=$3
run() {
  harness_json "$harness" --shape "$shape" --seed 7 --weights-2of4 --mem-latency 100 "$@"
}
on=$(run --structured on)
off=$(run --structured off)
check_json "$on" "$off" "$max_cycles" "$max_bytes" <<'PY'
on, off, max_cycles, max_bytes = on_off()
if not on["structured"] or off["structured"]:
    problems.append(f"structured on {on['structured']}, off {off['structured']}")
if 2 * on["mac_active"] != off["mac_active"]:
    problems.append(f"mac_active on {on['mac_active']}, off {off['mac_active']} (expected half)")
cr, br = ratios(on, off, max_cycles, max_bytes)
print(f"{on['shape']} 2:4 weights: 2:4 tiler {on['cycles']} cycles {on['dram_read_bytes']} bytes, "
      f"dense {off['cycles']} cycles {off['dram_read_bytes']} bytes: ratios {cr:.3f} "
      f"(<= {max_cycles}) and {br:.3f} (<= {max_bytes})")
finish()
PY
