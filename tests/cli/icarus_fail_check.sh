#!/usr/bin/env bash
# icarus_fail_check.sh SALSA CONFIG OUT ARGS...: exports a testbench, corrupts one byte of
# expected.hex and runs it under Icarus: run-icarus must exit non-zero with FAIL as its last line,
# after a line naming the first mismatching output byte (index, expected, got).
set -uo pipefail
salsa=$1 config=$2 out=$3
shift 3
rm -rf "$out"
"$salsa" tb-export --config "$config" "$@" -o "$out" || { echo "tb-export failed"; exit 1; }
# Byte 3 of the output region: flip its lowest bit.
old=$(sed -n 4p "$out/expected.hex")
new=$(printf '%02x' $((0x$old ^ 1)))
sed -i "4s/.*/$new/" "$out/expected.hex"
log=$("$out/run-icarus")
rc=$?
printf '%s\n' "$log" | tail -n 5
status=0
[ "$rc" -ne 0 ] || { echo "run-icarus exited 0 on a corrupted expected.hex"; status=1; }
[ "$(printf '%s\n' "$log" | tail -n 1)" = FAIL ] || { echo "last line is not FAIL"; status=1; }
want="output byte 3 (address 0x[0-9a-f]*): expected $new, got $old"
printf '%s\n' "$log" | grep -q "$want" || { echo "no line matching '$want'"; status=1; }
[ $status -eq 0 ] && echo "ok: FAIL on byte 3 (expected $new, got $old), exit $rc"
exit $status
