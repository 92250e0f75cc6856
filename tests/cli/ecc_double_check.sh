#!/usr/bin/env bash
# ecc_double_check.sh HARNESS HARNESS_ARGS...: a sram.ecc: secded build run with
# --flip-bits N --double must exit 1 with ERR_CODE ecc_uncorrectable, and ECC_STATUS must name the
# first corrupted word the harness saw read ("flip-bits: detected:").
set -uo pipefail
harness=$1
shift
out=$("$harness" "$@" --double 2>&1)
rc=$?
if [ $rc -ne 1 ]; then
  echo "$out" | tail -n 8
  echo "FAIL: exit $rc, expected 1 (an uncorrectable word was not reported as the error)"
  exit 1
fi
if ! echo "$out" | grep -q "^hardware error 8 (ecc_uncorrectable)" ||
  ! echo "$out" | grep -q "^flip-bits: detected: ECC_STATUS 0x8"; then
  echo "$out" | grep -E "flip-bits|hardware error|FAIL" | head -n 6
  echo "FAIL: no ecc_uncorrectable naming the first corrupted word read"
  exit 1
fi
echo "$out" | grep -E "^flip-bits|^hardware error"
echo "ok: the double-bit error stopped the run and ECC_STATUS named its word"
