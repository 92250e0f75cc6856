// benchmarks.md: the explanatory header (measurements, roofline, energy model) and the tables.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "bench/bench_report.h"
#include "bench/bench_sparsity.h"

namespace salsa::bench {

namespace {

std::string Status(const CaseResult& r) { return r.pass ? "pass" : "FAIL"; }

std::string Percent(double v) { return Fixed(100.0 * v, 1) + "%"; }

const char* const kHeader = R"md(# Benchmarks

This page is written by `salsa bench` (`rtl-gen/src/cli/bench.cpp`, pure parts in
`rtl-gen/src/bench/`); do not edit it by hand. The explanatory text below is part of the
generator; the numbers come from one run, whose command line, date and source version are under
*This run*. The same numbers are in [bench/benchmarks.csv](bench/benchmarks.csv) and
[bench/benchmarks.json](bench/benchmarks.json).

## What is measured, and how

Every case runs on the Verilated RTL of a preset, with the harness `salsa run` uses (the prebuilt
`build/tests/harness_<preset>`, else the cached build), started as
`harness --json --quiet --seed 1 --mem-latency L (--shape MxKxN | --layer conv.yaml)` (the sparsity
suite adds `--sparsity Z --sparsity-pattern P --zero-skip on|off`, below). `salsa bench` reads the
JSON object on the last line of its output (its fields:
[performance.md](performance.md#the---json-summary)).

- **Layers.** The GEMM cases are the harness's seeded random int8 layers (a share of the
  activations equals the input zero point, as after a ReLU). The conv case is a 3×3, stride 1,
  SAME conv2d layer file written into a temporary directory for the run, with post-ReLU-like input
  (zero point −128, half the activations at it), random weights and bias; the driver lowers it to
  one GEMM by im2col. Every run compares its whole output bit for bit with the TFLite-exact
  reference: the *result* column.
- **DRAM model.** Read and write latency L cycles, then one full beat per cycle; no bandwidth cap,
  no back-pressure; at most the config's `axi.max_outstanding` bursts in flight.
- **Cycles** are counted from start to the done interrupt. They are exact and repeatable: the same
  config, case, seed and DRAM options always give the same number.

## Roofline, efficiency, utilisation

```
bound      = max(MACs / (rows·cols),  compulsory bytes / bus bytes per cycle)
compulsory = M·K (int8 input) + N·K (int8 weights) + M·N (int8 output) + 4·N (int32 bias)
efficiency = bound / cycles
```

Each tensor is counted as moved exactly once. For the conv case the tensors are those of the GEMM
the array runs: im2col happens in software, so the input term is the im2col matrix (9× the input
tensor), and the bound is that of the lowered GEMM. *MAC utilisation* is MACs / (cycles · rows ·
cols). *DRAM bandwidth utilisation* is the bytes actually moved (R and W beats × bus bytes,
including command fetches, padding and re-reads) / (cycles · bus bytes). *Compulsory bandwidth* is
compulsory bytes / (cycles · bus bytes): the fraction of the bus's peak that did useful work, which
is what the GEMV target is measured with.

The plot ([bench/roofline.svg](bench/roofline.svg)) is log-log: x is the arithmetic intensity
(MACs per compulsory DRAM byte), y the achieved MACs per cycle; each preset's roof is
`min(rows·cols, bus bytes · x)`; one marker per case (colour: preset, shape: DRAM latency).

## Where the cycles go

From the hardware's counters, summed over the run: `mac_active` (cycles the array received a K
step), `stall_load` (cycles spent in LOAD commands), `stall_store` (cycles the STORE unit was
busy). LOAD, COMPUTE and STORE overlap, so these are not additive; *array idle* = cycles −
`mac_active` is the time the array received no data.

## Energy model (a model, not a measurement)

The energy per layer is estimated from event counts with per-event energies for a 45 nm process
from M. Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014 (Digest of
Technical Papers). The figures were cross-checked against two secondary sources that reproduce
the paper's table (Table 3 of the open-access article
https://pmc.ncbi.nlm.nih.gov/articles/PMC8934428/ for the 32-bit operations and the 8 KB SRAM
access, and a script that transcribes the whole table,
https://gist.github.com/V0XNIHILI/2b6fa61edd4c06d9ffce5551065124c1 ), not against the paper
itself. They are for a 45 nm process of 2014, not the technology salsa will be built in, and the
model leaves out what is listed under the table.

| event | count | pJ each |
|---|---|---:|
| int8 multiply | performed multiplies = (`mac_active` · rows − `gated`) · cols | 0.2 |
| 32-bit accumulate add | one per performed multiply | 0.1 |
| zero-point subtract (8-bit add) | `mac_active` · rows (every activation lane, every K step) | 0.03 |
| PPU, per output lane of every STORE row | bias add and zero-point add (32-bit adds), requantisation multiply (32-bit multiply) | 2 · 0.1 + 3.1 |
| scratchpad access, per word | 64-bit access energy of the bank's size × word bits / 64; bank ≤ 8 KB: 10, ≤ 32 KB: 20, larger: 100 (the 1 MB figure) | 10 / 20 / 100 per 64 bits |
| DRAM | bytes actually moved / 8 | 1300 per 64 bits |
| FP8 multiply (FP8 COMPUTEs, `EnergyEvents::fp8`) | replaces the int8 multiply: performed multiplies | 0.2 |
| FP32 accumulate add (FP8 COMPUTEs) | replaces the 32-bit accumulate add; FP8 has no zero-point subtract | 0.9 |

DRAM uses the low end of the paper's 1.3–2.6 nJ per 64-bit access; the high end doubles the DRAM
term. The FP32 add is the paper's 32-bit FP add (0.9 pJ). The paper has no FP8 multiply: 0.2 pJ is
its 8-bit integer multiply, an upper bound for an FP8 multiply's 4×4-bit (E4M3; E5M2 3×3-bit)
significand product, 5-bit exponent add and 3-bit normalisation; scaling the paper's 16-bit FP
multiply (1.1 pJ, 11×11-bit significands) by the significand array's area, (4/11)², gives
0.15 pJ, so 0.2 is the conservative choice. An FP8 run's STORE is still priced as the int8
requantiser (not modelled separately). The bench suite's layers are int8. Where the counts come from: `mac_active`, `gated` and the DRAM bytes are hardware counters;
the act and weight scratchpad reads are one word each per K step (`mac_active`); the scratchpad
writes (LOADs, accumulator drains), the accumulator reads of the STOREs (rows plus the bias word)
and the PPU rows are derived from the executed command program (the harness's `events` field).
Not modelled: pipeline and accumulator registers, wires, control, the clock tree, leakage, the AXI
interconnect and the DRAM's background power, so the totals are low.

**Gating.** The sparsity gate does not load an activation operand equal to the input zero point
(the `gated` counter): the cols multiplies of that array row and their accumulate adds do not
happen, and the model charges them nothing. The energy table shows the same run priced as if every
operand were multiplied ("without gating") and the saving. Rows beyond M are padded with the zero
point, so a GEMV (M = 1) gates all but one row of the array.

## Sparsity suite (zero-skip)

On every selected preset whose config has `sparsity.zero_skip: true` (hardware that skips zero
activations: SCAN lists the non-zero K steps, gather LOADs fetch only their weight rows, indexed
COMPUTEs run only those steps; [sparsity.md](sparsity.md)), `salsa bench` also runs, at each DRAM
latency, sparse random layers: `--sparsity Z` makes exactly round(Z·M·K) activations equal to the
input zero point, placed uniformly (`--sparsity-pattern uniform`) or *clustered* (runs along K
and whole all-zero K columns); `--zero-skip on` runs the zero-skip tiler, `off` the dense tiler on
the same hardware.

- **Decode.** GEMV 1×4096×4096 (quick suite: 1×512×512) with Z = 0, 0.25, 0.5, 0.75 and 0.9,
  uniform, zero-skip on. Its *dense reference* is the same GEMV with Z = 0 and zero-skip off: the
  best dense run on that hardware.
- **Prefill.** GEMM 256×512×512 (quick suite: 64×256×64) with Z = 0 and 0.5 (uniform), zero-skip
  on and off, and Z = 0.5 clustered with zero-skip on; the dense reference is Z = 0, off. With
  M > 1 a K step can be skipped only when the activations of every row in flight are zero at that
  step, which uniformly placed zeros almost never give (at 50% zeros and 16 rows, 0.5^16 of the
  steps): little gain is expected, and reported as measured. Clustered zeros (whole zero K
  columns) show where skipping does help.

*× dense* is cycles / the dense reference's cycles, and DRAM bytes (read + write beats measured on
the bus, so including command fetches and padding) / the reference's; the plot
([bench/sparsity.svg](bench/sparsity.svg)) shows the GEMV's speedup = dense cycles / cycles
against density = 1 − Z, one line per preset and latency, with the ideal 1 / density dashed.
`skipped_steps` (K steps not fed to the array) and `skipped_wgt_bytes` (weight bytes not fetched)
are the hardware counters. The energy columns are the model above on the same counters: pJ per
MAC of the layer's M·K·N (zero activations included, so skipped work lowers it), and the share
gating saves (skipped steps are not gated: they never enter the array). The targets (issue 5) are
checked at latency 100: at 50% zeros the GEMV takes ≤ 0.55× the dense cycles and ≤ 0.55× the
dense DRAM bytes, at 90% ≤ 0.15× the cycles. The 2:4 targets (2:4 weights: a compute-bound GEMM
in ≤ 0.55× the dense cycles, a GEMV with ≤ 0.65× the dense DRAM bytes) are listed as not run: the
2:4 hardware is not built.

## Simulation speed

Simulated cycles and MACs (the layer's M·K·N) per wall-clock second of the harness (its
`sim_seconds` when it reports one, else its `wall_seconds`, which also includes building the layer,
the reference and the functional model), median over the repeats; the target (issue 15) is ≥ 10⁸
MACs/s on the default preset for a compute-bound GEMM (docs/simulation-speed.md). The bench also
times, once, a cold build of a new 16×16 variant's harness (the default preset under another name
in a new cache directory, ccache off; `--no-build-time` skips it, `--quick` never runs it): the
target is < 30 s on 2 cores. Wall-clock figures on the 2-core machine these were taken on are noisy
(other builds and tests share it); cycle counts are the numbers to compare.
)md";

}  // namespace

std::string ToMarkdown(const BenchMeta& meta, const std::vector<CaseResult>& all,
                       const std::vector<TargetCheck>& targets, const std::string& svg_path,
                       const std::string& sparsity_section) {
  std::vector<CaseResult> results;  // the main suite's runs (the tables below)
  for (const CaseResult& r : all) {
    if (InMainSuite(r)) results.push_back(r);
  }
  std::ostringstream o;
  o << kHeader << "\n## This run\n\n";
  o << "`" << meta.command << "` on " << meta.date << (meta.quick ? " (quick suite)" : "")
    << ", source tree `" << (meta.source.empty() ? "unknown" : meta.source) << "`; seed "
    << meta.seed << ", " << meta.repeat << (meta.repeat == 1 ? " run" : " runs")
    << " per case.\n\n";
  o << Row({"preset", "array", "bus bytes / cycle", "act / weight / acc bank", "config hash"});
  o << "|---|---|---:|---|---|\n";
  for (const PresetInfo& p : meta.presets) {
    auto kb = [](uint64_t b) {
      return b % 1024 == 0 ? std::to_string(b / 1024) + " KB" : std::to_string(b) + " B";
    };
    o << Row({p.name, std::to_string(p.rows) + "×" + std::to_string(p.cols),
              std::to_string(p.bus_bytes),
              kb(p.bank_bytes[0]) + " / " + kb(p.bank_bytes[1]) + " / " + kb(p.bank_bytes[2]),
              "`" + p.config_hash + "`"});
  }
  size_t passed = 0;
  for (const CaseResult& r : all) passed += r.pass;
  o << "\nBit-exact comparison: **" << passed << " of " << all.size() << " runs "
    << (passed == all.size() ? "pass" : "pass; the others FAIL") << "**"
    << (all.size() > results.size()
            ? " (" + std::to_string(all.size() - results.size()) + " of them in the sparsity suite)"
            : "")
    << ".\n";

  o << "\n## Targets (issue 4)\n\n"
       "Measured by this run, not asserted by a test; *no* means the target is not met yet. The "
       "GEMM target covers every compute-bound case at latency 100 whose GEMM (for the conv, its "
       "im2col GEMM) has M ≥ 4·rows, N ≥ 4·cols and K ≥ 4·max(rows, cols); the GEMV targets "
       "cover the M = 1 cases, measured as compulsory bandwidth (compulsory bytes / (cycles · bus "
       "bytes)).\n\n";
  o << Row({"target", "preset", "case", "latency", "measured", "required", "met"});
  o << "|---|---|---|---:|---:|---:|---|\n";
  for (const TargetCheck& t : targets) {
    o << Row({MdCell(t.target), t.preset, t.case_name,
              t.latency ? std::to_string(t.latency) : "all", t.metric + " " + Fixed(t.measured, 3),
              "≥ " + Fixed(t.threshold, 2), t.met ? "**yes**" : "**no**"});
  }

  o << "\n## Results\n\n![roofline](" << svg_path << ")\n\n";
  o << Row({"preset", "case", "latency", "cycles", "roofline bound", "efficiency",
            "MAC utilisation", "DRAM bandwidth utilisation", "compulsory bandwidth", "result"});
  o << "|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n";
  for (const CaseResult& r : results) {
    o << Row({r.preset, r.bench_case.Describe(), std::to_string(r.latency), Grouped(r.cycles),
              Grouped(static_cast<uint64_t>(std::llround(r.roof.bound))) + " (" +
                  (r.roof.memory_bound ? "memory" : "compute") + ")",
              Fixed(r.efficiency, 3), Fixed(r.mac_utilization, 3), Fixed(r.dram_utilization, 3),
              Fixed(r.compulsory_bw, 3), Status(r)});
  }

  o << "\n## Where the cycles go\n\n";
  o << Row({"preset", "case", "latency", "cycles", "mac_active", "array idle", "stall_load",
            "stall_store", "commands", "DRAM read bytes", "DRAM write bytes", "compulsory bytes"});
  o << "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const CaseResult& r : results) {
    o << Row({r.preset, r.bench_case.name, std::to_string(r.latency), Grouped(r.cycles),
              Grouped(r.mac_active), Grouped(r.cycles - std::min(r.cycles, r.mac_active)),
              Grouped(r.stall_load), Grouped(r.stall_store), Grouped(r.commands),
              Grouped(r.dram_read_bytes), Grouped(r.dram_write_bytes),
              Grouped(r.compulsory_bytes)});
  }

  o << "\n## Energy estimate\n\nShares of the total: arithmetic = multiplies, accumulate adds, "
       "zero-point subtracts and the PPU.\n\n";
  o << Row({"preset", "case", "latency", "energy (µJ)", "pJ / MAC", "arithmetic", "SRAM", "DRAM",
            "gated multiplies", "pJ / MAC without gating", "gating saves"});
  o << "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const CaseResult& r : results) {
    const Energy& e = r.energy;
    const double tot = e.total_pj > 0 ? e.total_pj : 1;
    const double arith = e.multiply_pj + e.accumulate_pj + e.zero_point_pj + e.ppu_pj;
    const double all_mults = static_cast<double>(e.multiplies + e.gated_multiplies);
    o << Row({r.preset, r.bench_case.name, std::to_string(r.latency), Fixed(e.total_pj / 1e6, 1),
              Fixed(e.pj_per_mac, 2), Percent(arith / tot), Percent(e.sram_pj / tot),
              Percent(e.dram_pj / tot), Percent(all_mults > 0 ? e.gated_multiplies / all_mults : 0),
              Fixed(r.macs ? e.ungated_total_pj / static_cast<double>(r.macs) : 0, 2),
              Percent(e.gating_saving)});
  }

  if (!sparsity_section.empty()) o << "\n" << sparsity_section;

  o << "\n## Simulation speed\n\nNoisy: wall-clock on a shared 2-core machine.\n\n";
  o << Row({"preset", "case", "latency", "cycles", "seconds (median)", "runs",
            "simulated cycles / s", "simulated MACs / s"});
  o << "|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (const CaseResult& r : results) {
    o << Row({r.preset, r.bench_case.name, std::to_string(r.latency), Grouped(r.cycles),
              Fixed(Median(r.seconds), 2) + " (" + r.seconds_source + ")",
              std::to_string(r.seconds.size()),
              Grouped(static_cast<uint64_t>(std::llround(r.cycles_per_second))),
              Grouped(static_cast<uint64_t>(std::llround(r.macs_per_second)))});
  }
  if (meta.harness_build_seconds >= 0) {
    o << "\nHarness build of a new 16×16 variant (" << meta.harness_build_config
      << "; a new cache directory, ccache off): generate, verilate, compile and link in **"
      << Fixed(meta.harness_build_seconds, 1) << " s** wall (target < 30 s on 2 cores).\n";
  }

  bool any_error = false;
  for (const CaseResult& r : all) any_error |= !r.error.empty();
  if (any_error) {
    o << "\n## Failures\n\n";
    for (const CaseResult& r : all) {
      if (r.error.empty()) continue;
      o << "- " << r.preset << " " << r.bench_case.name
        << (r.sparsity.in_suite ? " (" + SparsityLabel(r.sparsity) + ")" : "") << " latency "
        << r.latency << ": " << MdCell(r.error) << "\n";
    }
  }
  return o.str();
}

}  // namespace salsa::bench
