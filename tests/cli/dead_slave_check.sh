#!/usr/bin/env bash
# dead_slave_check.sh HARNESS HARNESS_ARGS...: with --fault no-response-read|write the run must exit
# 1 with axi_timeout named as the only failure ("as expected: the slave stopped answering"): the
# watchdog fired, the interrupt came, no protocol violation, bounded in cycles.
set -uo pipefail
harness=$1
shift
out=$("$harness" "$@" 2>&1)
rc=$?
fails=$(echo "$out" | grep -cE "^FAIL:|^  also:")
if [ $rc -ne 1 ] || [ "$fails" -ne 1 ] ||
  ! echo "$out" | grep -q "^FAIL: hardware error 6 (axi_timeout) .* as expected: the slave stopped answering"; then
  echo "$out" | tail -n 8
  echo "FAIL: exit $rc with $fails failure line(s); expected exit 1 with axi_timeout alone"
  exit 1
fi
echo "$out" | grep "^FAIL:"
echo "ok: exit 1, axi_timeout named"
