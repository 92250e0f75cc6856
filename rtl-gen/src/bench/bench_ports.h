// The several-port scaling sweep of `salsa bench` (issue 17, docs/axi_ports.md): the same 16x16
// output-stationary array on P 128-bit AXI ports (nothing else in the config), a batch-1 GEMV at
// each DRAM latency, its cycles against the bandwidth roof (compulsory bytes / 16P per cycle) and
// the compute roof (MACs / 256 per cycle). Pure parts: the configs, the case, the targets, the
// Markdown section and the plot.
#pragma once

#include <string>
#include <vector>

#include "bench/bench_model.h"
#include "bench/bench_report.h"

namespace salsa::bench {

// --ports: comma-separated port counts, each 1, 2, 4, 8 or 16, no duplicates; "" or "none": no
// sweep. Throws std::invalid_argument naming the flag and what is accepted.
std::vector<unsigned> ParsePortCounts(const std::string& s);

// The sweep's config of `ports` ports: name "ports<P>_16x16", array 16x16, axi.data_bits 128,
// axi.ports P.
std::string PortsConfigYaml(unsigned ports);
constexpr unsigned kPortsDataBytes = 16;

// The sweep's case: GEMV 1x4096x4096 (quick: 1x1024x512).
BenchCase PortsCase(bool quick);

// Four ports at latency 100: the GEMV within 292,000 cycles (0.90 of the ports' bandwidth for
// 1x4096x4096); a row that says so when the sweep ran without that case; none without a sweep.
std::vector<TargetCheck> CheckPortsTargets(const std::vector<CaseResult>& results);

// "## Several AXI ports" with the plot, a table per latency (cycles, bounds, share of the
// bandwidth, speed-up over one port) and the targets; "" when no run is in the sweep.
std::string PortsMarkdown(const std::vector<CaseResult>& results,
                          const std::vector<TargetCheck>& targets, const std::string& svg_path);

// Log-log plot: x ports, y cycles; a marker per run (shape = latency), the bandwidth roof and the
// compute roof as lines.
std::string PortsSvg(const std::vector<CaseResult>& results);

}  // namespace salsa::bench
