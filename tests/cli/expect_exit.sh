#!/usr/bin/env bash
# expect_exit.sh CODE MUST_NOT_EXIST -- COMMAND...: runs COMMAND, passes when it exits with CODE,
# printed a one-line error on stderr (for CODE 2), and left nothing at MUST_NOT_EXIST ("-": skip).
set -uo pipefail
want=$1 absent=$2
shift 3
err=$(mktemp)
"$@" >/dev/null 2>"$err"
got=$?
status=0
if [ "$got" -ne "$want" ]; then
  echo "exit status $got, expected $want: $*"
  status=1
fi
if [ "$want" -eq 2 ] && [ "$(grep -c . "$err")" -ne 1 ]; then
  echo "expected exactly one line on stderr, got:"
  cat "$err"
  status=1
fi
if [ "$absent" != "-" ] && [ -e "$absent" ]; then
  echo "bad input left $absent behind"
  status=1
fi
[ $status -eq 0 ] && echo "ok: exit $got: $(head -c 300 "$err")"
rm -f "$err"
exit $status
