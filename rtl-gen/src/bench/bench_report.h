// The files `salsa bench` writes: benchmarks.md, bench/benchmarks.csv, bench/benchmarks.json and
// bench/roofline.svg (the sparsity section and bench/sparsity.svg: bench_sparsity.h). Pure
// functions of the results (no I/O).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/bench_model.h"
#include "salsa/xml_escape.h"

namespace salsa::bench {

struct PresetInfo {
  std::string name, config_hash;
  unsigned rows = 0, cols = 0, bus_bytes = 0;
  uint64_t bank_bytes[3] = {0, 0, 0};  // act, weight, acc bytes per SRAM bank
  bool zero_skip = false;              // sparsity.zero_skip: the sparsity suite runs on it
  bool structured24 = false;           // sparsity.structured "2:4": the 2:4 suite runs on it
  // The `salsa run --precision` names of the datapaths it builds ("int8" first): with more than
  // int8 the precision suite runs on it.
  std::vector<std::string> precisions = {"int8"};
};

struct BenchMeta {
  std::string command;  // the command line that produced the files
  std::string date;     // YYYY-MM-DD (UTC)
  std::string source;   // git describe of the source tree ("-dirty": uncommitted changes)
  unsigned repeat = 1;
  bool quick = false;
  uint64_t seed = 1;
  std::vector<PresetInfo> presets;
  std::vector<unsigned> latencies;
  // Wall seconds of a cold build (no ccache) of a new 16x16 variant's harness: generate, verilate,
  // compile, link (salsa::cli::TimeColdHarnessBuild); < 0 when not measured.
  double harness_build_seconds = -1;
  std::string harness_build_config;  // what was built, e.g. "configs/default.yaml as bench_variant"
};

// One CSV field, RFC 4180: quoted when it holds a comma, quote, CR or LF; quotes doubled.
std::string CsvField(const std::string& s);
using salsa::XmlEscape;  // salsa/xml_escape.h
// Fixed-point number with `digits` decimals ("0.912"); thousands separators for integers
// ("1,234,567").
std::string Fixed(double v, int digits);
std::string Grouped(uint64_t v);
// "a | b | c" as one Markdown table row; a Markdown cell (pipes escaped, newlines flattened).
std::string Row(const std::vector<std::string>& cells);
std::string MdCell(const std::string& s);

// One record per result, main and sparsity suite; the sparsity columns come last.
std::string ToCsv(const std::vector<CaseResult>& results);
nlohmann::json ToJson(const BenchMeta& meta, const std::vector<CaseResult>& results,
                      const std::vector<TargetCheck>& targets);
// The whole of benchmarks.md: the explanatory header (what is measured and how, the roofline,
// the energy table and its source), the targets, and the result tables. `svg_path` is the plot's
// path relative to the markdown file. The result tables list the main suite's runs; the
// bit-exact count and the failures cover every run. `sparsity_section` (SparsityMarkdown) goes
// after the energy estimate.
std::string ToMarkdown(const BenchMeta& meta, const std::vector<CaseResult>& results,
                       const std::vector<TargetCheck>& targets, const std::string& svg_path,
                       const std::string& sparsity_section = "");
// Log-log roofline plot of the main suite: one roof per preset, one marker per case (colour =
// preset, shape = DRAM latency), axis labels and a legend.
std::string RooflineSvg(const BenchMeta& meta, const std::vector<CaseResult>& results);

}  // namespace salsa::bench
