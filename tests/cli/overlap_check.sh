#!/usr/bin/env bash
# overlap_check.sh HARNESS SHAPE MAX_RATIO: the same streaming layer with and without overlap
# (--no-overlap puts a SYNC after every COMPUTE and STORE). Both must pass bit-exactly, and the
# overlapped run must take at most MAX_RATIO of the sequential run's cycles. Cycle counts from
# simulation are exact, so this is a regression test, not a timing measurement.
set -euo pipefail
harness=$1 shape=$2 max_ratio=$3
cycles() {
  "$harness" --shape "$shape" --seed 7 --mem-latency 100 --json --quiet "$@" | tail -n 1 |
    python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["status"] == "pass", d["error"]; print(d["cycles"])'
}
overlap=$(cycles)
serial=$(cycles --no-overlap)
python3 - "$overlap" "$serial" "$max_ratio" <<'PY'
import sys
o, s, r = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
print(f"overlap {o} cycles, sequential {s} cycles, ratio {o / s:.3f} (must be <= {r})")
sys.exit(0 if o <= r * s else 1)
PY
