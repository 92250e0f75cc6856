#!/usr/bin/env bash
# fuzz_run.sh FUZZER WORK_DIR SECONDS SEED_DIR [REGRESSION_DIR]: replays every input of
# REGRESSION_DIR (crashes the fuzzers found, each fixed), then runs FUZZER for SECONDS over a fresh
# copy of the seed corpus (new inputs go to WORK_DIR/corpus, never into the source tree) with a
# memory limit (2 GiB RSS, 1 GiB per allocation) and a 10 s limit per input. Passes when neither
# finds a crash, a sanitizer report, a timeout or an out-of-memory; prints libFuzzer's statistics.
set -uo pipefail
fuzzer=$1 work=$2 seconds=$3 seeds=$4 regressions=${5:-}
limits=(-rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10)
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
if [ -n "$regressions" ] && [ -d "$regressions" ]; then
  inputs=("$regressions"/*)
  if [ -e "${inputs[0]}" ]; then
    if ! "$fuzzer" "${limits[@]}" -artifact_prefix="$work/artifacts/" "${inputs[@]}" \
      >"$work/regressions.log" 2>&1; then
      echo "FAIL: a regression input of $regressions fails again:"
      tail -n 40 "$work/regressions.log"
      exit 1
    fi
    echo "ok: ${#inputs[@]} regression inputs of $regressions"
  fi
fi
"$fuzzer" "${limits[@]}" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds" >"$work/fuzz.log" 2>&1
rc=$?
grep -E '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' \
  "$work/fuzz.log"
if [ $rc -ne 0 ]; then
  echo "FAIL: $fuzzer exited $rc; the input is in $work/artifacts:"
  ls "$work/artifacts"
  grep -E 'ERROR|SUMMARY' "$work/fuzz.log" | head -n 5
  exit 1
fi
echo "ok: no finding in ${seconds} s"
