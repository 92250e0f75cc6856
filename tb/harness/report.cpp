// Harness text report: the human-readable summary of a run.
#include "report.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>

#include "build_info.h"
#include "salsa/hw_params.h"
#include "salsa/layer_spec.h"

namespace salsa::harness {

using salsa::AxiDram;

void PrintReport(const Options& o, const salsa::FcLayer& l, const salsa::Program& prog,
                 const AxiDram::Stats& stats, const std::vector<std::string>& violations,
                 const Outcome& r, size_t gemms, uint64_t macs) {
  const double util =
      r.cycles ? static_cast<double>(macs) /
                     (static_cast<double>(r.cycles) * kBuildInfo.hw.rows * kBuildInfo.hw.cols)
               : 0.0;
  const unsigned ports = kBuildInfo.hw.ports;
  std::printf("salsa harness: config %s (%s), %ux%u array, %s%u-bit AXI\n", kBuildInfo.name,
              kBuildInfo.config_hash, kBuildInfo.hw.rows, kBuildInfo.hw.cols,
              ports > 1 ? (std::to_string(ports) + " x ").c_str() : "",
              kBuildInfo.hw.bus_bytes / ports * 8);
  if (!o.layer.empty()) {
    std::printf("layer %s: %zu GEMM(s) on the array, the first %dx%dx%d\n", o.layer.c_str(), gemms,
                l.M, l.K, l.N);
  } else {
    std::printf("layer %s: %dx%dx%d, %u commands (%u m tiles, %u n tiles, K chunk %u)\n",
                l.name.c_str(), l.M, l.K, l.N, prog.cmd_count, prog.m_tiles, prog.n_tiles,
                prog.k_chunk);
  }
  if (l.prec != salsa::contract::kPrecInt8) {
    float scale = 0;
    std::memcpy(&scale, &l.out_scale, sizeof scale);
    if (l.out_fmt == salsa::contract::kOutInt8) {
      std::printf("precision %s\n", PrecisionName(l.prec));
    } else {
      std::printf("precision %s, output %s, scale %.9g, saturate %s, %s\n", PrecisionName(l.prec),
                  salsa::OutputDtypeName(l.out_fmt), static_cast<double>(scale),
                  l.saturate ? "on" : "off", l.bias_fp32.empty() ? "no bias" : "float32 bias");
    }
  }
  std::printf("dram: latency %u, bandwidth cap %.3f, backpressure %.3f, seed %" PRIu64 "%s\n",
              o.mem_latency, o.bw_cap, o.backpressure, o.seed, o.axi_strict ? ", axi-strict" : "");
  if (o.sparsity >= 0.0 || o.weights_2of4) {
    const auto zeros =
        std::count(l.input.begin(), l.input.end(), static_cast<int8_t>(l.input_zero_point));
    const auto wzeros = std::count(l.weights.begin(), l.weights.end(), int8_t{0});
    std::printf("data: %.4f of the activations at the zero point %d",
                static_cast<double>(zeros) / static_cast<double>(l.input.size()),
                l.input_zero_point);
    if (o.sparsity >= 0.0) {
      std::printf(" (--sparsity %g, %s)", o.sparsity,
                  o.sparsity_pattern.empty() ? "uniform" : o.sparsity_pattern.c_str());
    }
    std::printf(", %.4f of the weights zero%s\n",
                static_cast<double>(wzeros) / static_cast<double>(l.weights.size()),
                o.weights_2of4 ? " (2:4, pruned by magnitude)" : "");
  }
  std::printf("cycles %" PRIu64 ", MACs %" PRIu64 ", MAC utilisation %.4f\n", r.cycles, macs, util);
  for (unsigned i = 0; i < salsa::contract::kNumCounters; ++i) {
    std::printf("  counter %-17s %" PRIu64 "\n", salsa::contract::kCounters[i].name, r.counters[i]);
  }
  std::printf("  expected gated %" PRIu64 ", DRAM read beats %" PRIu64 ", write beats %" PRIu64
              ", max reads in flight %u\n",
              r.expected_gated, stats.read_beats, stats.write_beats, stats.max_reads_in_flight);
  if (kBuildInfo.hw.zero_skip) {
    std::printf(
        "  zero-skip tiler %s, expected skipped_steps %" PRIu64 ", skipped_wgt_bytes %" PRIu64 "\n",
        prog.zero_skip() ? "on" : "off", r.expected_skipped_steps, r.expected_skipped_wgt_bytes);
  }
  if (kBuildInfo.hw.structured24) {
    std::printf("  2:4 tiler %s, expected mac_active %" PRIu64 "\n",
                prog.structured() ? "on" : "off", r.expected_mac_active);
  }
  if (r.measured_cycles != 0) {
    std::printf("measured: a first run took %" PRIu64
                " cycles; %s at %.1f%% of it is cycle %" PRIu64 "\n",
                r.measured_cycles, o.abort_frac > 0.0 ? "--abort-at" : "--reset-at",
                100.0 * (o.abort_frac > 0.0 ? o.abort_frac : o.reset_frac),
                o.abort_frac > 0.0 ? r.abort_at : r.reset_at);
  }
  if (r.abort_at != 0 && r.abort_stop_cycles != 0) {
    std::printf("abort: CTRL.abort written %" PRIu64
                " cycles after the start (bus: %s); stopped %" PRIu64
                " cycles later with ERR_CODE %u (aborted) at command %u, bus idle; the layer "
                "then ran again from the start (cycles and counters above are that run's)\n",
                r.abort_write_cycles, r.bus_phase.c_str(), r.abort_stop_cycles,
                salsa::contract::ErrCodeOf("aborted"), r.abort_err_cmd);
  }
  if (r.reset_at != 0 && r.reset_cycles != 0) {
    std::printf("reset: rst_ni asserted %" PRIu64
                " cycles after the start (bus: %s), the DRAM model's in-flight transactions "
                "dropped; the layer then ran again from the start (cycles and counters above are "
                "that run's)\n",
                r.reset_cycles, r.bus_phase.c_str());
  }
  if (kBuildInfo.sram_ecc) {
    std::printf("ecc: ECC_CORRECTED %" PRIu64 ", %s\n", r.ecc_corrected,
                EccStatusText(r.ecc_status).c_str());
  }
  if (o.flip_bits != 0) {
    std::printf("flip-bits: %" PRIu64 " of %u words corrupted (%s), %" PRIu64
                " of them read before being overwritten, %" PRIu64 " corrupted reads%s\n",
                r.flips_injected, o.flip_bits, o.flip_double ? "two bits each" : "one bit each",
                r.flips_read, r.corrupted_reads,
                o.flip_double ? "" : " (each corrected: ECC_CORRECTED matches)");
    if (!r.ecc_detected.empty()) std::printf("flip-bits: detected: %s\n", r.ecc_detected.c_str());
  }
  if (r.err_code != 0) {
    std::printf("hardware error %u (%s) at command %u%s\n", r.err_code,
                salsa::contract::ErrCodeName(r.err_code), r.err_cmd,
                o.fault.empty() ? "" : (", injected by --fault " + o.fault).c_str());
  }
  for (const std::string& v : violations) std::printf("  AXI violation: %s\n", v.c_str());
  for (size_t i = 1; i < r.errors.size(); ++i) std::printf("  also: %s\n", r.errors[i].c_str());
  std::printf("%s%s\n", r.error.empty() ? "PASS" : "FAIL: ", r.error.c_str());
}

}  // namespace salsa::harness
