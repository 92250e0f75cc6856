#!/usr/bin/env bash
# broken_dma_check.sh HARNESS TEXT HARNESS_ARGS...: HARNESS was generated with a deliberately broken
# DMA (salsa gen --inject-defect); the run must fail (exit 1) with an AXI violation containing TEXT.
set -uo pipefail
harness=$1 text=$2
shift 2
out=$("$harness" --seed 5 "$@" 2>&1)
rc=$?
if [ $rc -ne 1 ]; then
  echo "$out" | tail -n 5
  echo "FAIL: exit $rc, expected 1 (the protocol checker missed the defect)"
  exit 1
fi
if ! echo "$out" | grep -q "AXI violation: .*$text"; then
  echo "$out" | grep -E "AXI violation|FAIL" | head -n 5
  echo "FAIL: no AXI violation containing '$text'"
  exit 1
fi
echo "$out" | grep -m1 "AXI violation"
echo "ok: the checker caught the defect"
