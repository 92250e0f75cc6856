#!/usr/bin/env python3
"""Resource checks on `salsa synth --target xilinx --json` (docs/synth.md, "Checks").

usage: synth_check.py SALSA (--config FILE | --rtl DIR) [--module M] [--checks]
                      [--baseline FILE] [--tolerance 0.03] [--max-luts N] [--report FILE]

--module: synthesise that module of the design alone (salsa synth --module; the synth_pe_<preset>
tests: a PE against docs/synth/pe/<preset>.json).

--checks: every scratchpad bank (salsa_sram) is block RAM (RAMB18E1/RAMB36E1, no LUT RAM, at
most Width flip-flops); DSPs per MAC <= 1; requant DSPs <= 4 per column; each salsa_fifo's LUTs
<= Width*Depth/2 + 64.
--baseline: LUTs, FFs, DSPs and BRAMs at most (1 + tolerance) times the committed baseline
(written by scripts/synth-table).
--max-luts: LUTs below a budget.
Prints every number it checks; exits 1 naming the first failed check, 2 on bad input.
"""
import argparse
import json
import subprocess
import sys


def fail(msg):
    print(f"synth_check: FAILED: {msg}")
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("salsa")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--config")
    g.add_argument("--rtl")
    ap.add_argument("--module")
    ap.add_argument("--checks", action="store_true")
    ap.add_argument("--baseline")
    ap.add_argument("--tolerance", type=float, default=0.03)
    ap.add_argument("--max-luts", type=int, help="a LUT budget (small_8x8: 25000)")
    ap.add_argument("--report", help="write the JSON report here too")
    a = ap.parse_args()

    cmd = [a.salsa, "synth", "--target", "xilinx", "--json"]
    cmd += ["--config", a.config] if a.config else ["--rtl", a.rtl]
    if a.module:
        cmd += ["--module", a.module]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        print(f"synth_check: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
        sys.exit(2)
    r = json.loads(p.stdout)
    if a.report:
        with open(a.report, "w") as f:
            f.write(p.stdout)
    print(f"{r['config']}: luts {r['luts']} ffs {r['ffs']} dsps {r['dsps']} brams {r['brams']} "
          f"carry {r['carry']} lutram {r['lutram']} logic_levels {r['logic_levels']} "
          f"lut_levels {r.get('lut_levels')}")
    failures = []

    if a.checks:
        rows, cols = r["parameters"]["rows"], r["parameters"]["cols"]
        blocks = r["blocks"]
        # Scratchpad banks: block RAM, not LUT RAM or flip-flops.
        banks = [m for m in r["modules"] if m["block"] == "salsa_sram"]
        if not banks:
            failures.append("no salsa_sram module in the design")
        for m in banks:
            t, width = m["total"], m["params"].get("Width")
            print(f"  salsa_sram {m['params']} x{m['instances']}: brams {t['brams']} "
                  f"lutram {t['lutram']} ffs {t['ffs']} luts {t['luts']}")
            if t["brams"] < 1 or t["lutram"] > 0 or width is None or t["ffs"] > width:
                failures.append(f"scratchpad bank {m['params']} is not block RAM "
                                f"(brams {t['brams']}, lutram {t['lutram']}, ffs {t['ffs']})")
        # DSPs per MAC.
        arr = blocks.get("salsa_mac_array") or blocks.get("salsa_ws_array")
        if arr is None:
            failures.append("no salsa_mac_array or salsa_ws_array block")
        else:
            print(f"  array: dsps {arr['dsps']} for {rows * cols} MACs")
            if arr["dsps"] > rows * cols:
                failures.append(f"array DSPs {arr['dsps']} > 1 per MAC ({rows * cols} MACs)")
        # Requantiser DSPs per column.
        rq = blocks.get("salsa_requant")
        if rq is None:
            failures.append("no salsa_requant block")
        else:
            print(f"  requant: dsps {rq['dsps']} for {cols} columns "
                  f"({rq['instances']} instances)")
            if rq["dsps"] > 4 * cols:
                failures.append(f"requant DSPs {rq['dsps']} > 4 per column ({cols} columns)")
        # FIFOs: LUTs within Width*Depth/2 + 64 each.
        for m in (m for m in r["modules"] if m["block"] == "salsa_fifo"):
            w, d = m["params"].get("Width"), m["params"].get("Depth")
            if w is None or d is None:
                failures.append(f"salsa_fifo {m['name']}: no Width/Depth in its name")
                continue
            bound = w * d // 2 + 64
            luts = m["total"]["luts"]
            print(f"  salsa_fifo {w}x{d} x{m['instances']}: luts {luts} (bound {bound}) "
                  f"lutram {m['total']['lutram']} ffs {m['total']['ffs']}")
            if luts > bound:
                failures.append(f"salsa_fifo Width {w} Depth {d}: {luts} LUTs > bound {bound}")

    if a.max_luts is not None:
        print(f"  luts: {r['luts']} (budget {a.max_luts})")
        if r["luts"] >= a.max_luts:
            failures.append(f"luts {r['luts']} >= budget {a.max_luts}")

    if a.baseline:
        with open(a.baseline) as f:
            base = json.load(f)
        for key in ("luts", "ffs", "dsps", "brams"):
            limit = base[key] * (1 + a.tolerance)
            print(f"  {key}: {r[key]} (baseline {base[key]}, limit {limit:.0f})")
            if r[key] > limit:
                failures.append(f"{key} {r[key]} > baseline {base[key]} + {a.tolerance:.0%}")

    if failures:
        for f in failures[1:]:
            print(f"synth_check: also failed: {f}")
        fail(failures[0])
    print("synth_check: all checks passed")


if __name__ == "__main__":
    main()
