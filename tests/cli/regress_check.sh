#!/usr/bin/env bash
# regress_check.sh failure SALSA LIST OUT: `salsa regress LIST` must exit 1 with one failure in
#   junit.xml, a non-empty wave.fst of the failing run, and a repro.sh that fails again the same
#   way (exit 1, the same first error).
# regress_check.sh interrupt SALSA LIST OUT: SIGINT to `salsa regress LIST -j2` while its runs are
#   going must end it with exit 130 and leave none of its harness processes running.
# regress_check.sh dry-run SALSA OUT: `salsa regress smoke --slurm --dry-run` must print the array
#   script (--array=0-<runs-1>%2, --run-index) and the collect script, and write nothing to OUT.
set -uo pipefail
mode=$1 salsa=$2
fail() {
  echo "FAIL: $*"
  exit 1
}
case $mode in
  failure)
    list=$3 out=$4
    rm -rf "$out"
    "$salsa" regress "$list" -j1 --out "$out" >"$out.log" 2>&1
    rc=$?
    cat "$out.log"
    [ $rc -eq 1 ] || fail "exit $rc, expected 1"
    grep -q 'failures="1"' "$out/junit.xml" || fail "junit.xml has not exactly one failure"
    grep -q '<failure message="timeout: no interrupt after 50 cycles' "$out/junit.xml" ||
      fail "junit.xml lacks the harness's error"
    run=$(dirname "$(find "$out/runs" -name repro.sh | head -n 1)")
    [ -n "$run" ] || fail "no repro.sh"
    [ -s "$run/wave.fst" ] || fail "$run/wave.fst missing or empty"
    [ "$(grep -vc '^#!' "$run/repro.sh")" -eq 1 ] || fail "repro.sh is not one command line"
    bash "$run/repro.sh" >"$out/repro.out" 2>&1
    rc=$?
    [ $rc -eq 1 ] || fail "repro.sh exit $rc, expected 1"
    grep -q 'timeout: no interrupt after 50 cycles' "$out/repro.out" ||
      fail "repro.sh did not fail the same way: $(tail -n 3 "$out/repro.out")"
    echo "ok: exit 1, one failure, $(stat -c %s "$run/wave.fst")-byte wave.fst, repro fails again"
    ;;
  dry-run)
    out=$3
    rm -rf "$out"
    text=$("$salsa" regress smoke -j2 --out "$out" --slurm --dry-run) || fail "exit $?"
    echo "$text"
    runs=$(echo "$text" | sed -n 's/^#SBATCH --array=0-\([0-9]*\)%2$/\1/p')
    [ -n "$runs" ] || fail "no '#SBATCH --array=0-N%2' line"
    echo "$text" | grep -q -- '--run-index "$SLURM_ARRAY_TASK_ID"' || fail "no --run-index"
    echo "$text" | grep -q -- '--collect$' || fail "no collect script"
    echo "$text" | grep -q -- '--dependency=afterany:' || fail "no dependent collect submission"
    [ ! -e "$out" ] || fail "--dry-run wrote $out"
    echo "ok: array of $((runs + 1)) runs, nothing written or submitted"
    ;;
  interrupt)
    list=$3 out=$4
    rm -rf "$out"
    "$salsa" regress "$list" -j2 --out "$out" >"$out.log" 2>&1 &
    pid=$!
    marker="--seed 9117"  # the list's runs carry it
    for _ in $(seq 1 600); do
      [ "$(pgrep -fc -- "$marker")" -ge 2 ] && break
      sleep 0.1
    done
    [ "$(pgrep -fc -- "$marker")" -ge 2 ] || fail "the runs did not start: $(cat "$out.log")"
    kill -INT "$pid"
    wait "$pid"
    rc=$?
    cat "$out.log"
    [ $rc -eq 130 ] || fail "exit $rc, expected 130"
    sleep 0.5
    left=$(pgrep -fa -- "$marker")
    [ -z "$left" ] || fail "harness processes left running: $left"
    grep -q "stopped by signal 2" "$out.log" || fail "no message naming the signal"
    echo "ok: exit 130, no harness left running"
    ;;
  *)
    fail "unknown mode $mode"
    ;;
esac
