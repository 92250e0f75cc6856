#!/usr/bin/env bash
# sparsity_check.sh HARNESS ACT_ZEROS WEIGHTS_2OF4 ARGS...: runs HARNESS ARGS --json --quiet. The
# run must pass (bit-exact against the reference on the same sparse / pruned tensors), report
# act_zero_fraction == round(Z*M*K) / (M*K) for Z = ACT_ZEROS ("-": not checked; the generator makes
# exactly that many zeros) and weights_2of4 == WEIGHTS_2OF4 (0/1), with at least half of the
# weights zero when it is 1 (every K of these shapes is a multiple of 4).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
harness=$1 act=$2 w24=$3
shift 3
json=$(harness_json "$harness" "$@")
check_json "$act" "$w24" "$json" <<'PY'
act, w24, d = sys.argv[1], sys.argv[2] == "1", json.loads(sys.argv[3])
need_pass(d)
if act != "-":
    M, K, _ = (int(v) for v in d["shape"].split("x"))
    want = math.floor(float(act) * M * K + 0.5) / (M * K)  # round half away from zero
    if abs(d["act_zero_fraction"] - want) > 1e-12:
        problems.append(f"act_zero_fraction {d['act_zero_fraction']}, expected {want} (Z {act})")
expect(d, "weights_2of4", w24)
if w24 and d["weight_zero_fraction"] < 0.5:
    problems.append(f"weight_zero_fraction {d['weight_zero_fraction']} < 0.5 with 2:4 weights")
print(f"{d['shape']}: {d['status']}, {d['cycles']} cycles, act_zero_fraction "
      f"{d['act_zero_fraction']:.4f} (sparsity {d['sparsity']}, {d['sparsity_pattern']}), "
      f"weight_zero_fraction {d['weight_zero_fraction']:.4f}, sim_seconds {d['sim_seconds']:.3f}")
finish()
PY
