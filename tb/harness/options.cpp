// Harness options: the CLI11 command line of the Verilator harness and the checks on its values.
#include "options.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <string>
#include <tuple>
#include <utility>

#include "build_info.h"

namespace salsa::harness {

// Parses "MxKxN" (positive integers).
void ParseShape(const std::string& s, int* M, int* K, int* N) {
  static const std::regex kShape(R"(^\s*(\d{1,9})\s*[xX]\s*(\d{1,9})\s*[xX]\s*(\d{1,9})\s*$)");
  std::smatch m;
  if (!std::regex_match(s, m, kShape)) {
    throw BadInput("--shape '" + s + "': expected MxKxN with positive integers, e.g. 64x256x64");
  }
  *M = std::stoi(m[1]);
  *K = std::stoi(m[2]);
  *N = std::stoi(m[3]);
  if (*M < 1 || *K < 1 || *N < 1) {
    throw BadInput("--shape '" + s + "': M, K and N must all be at least 1");
  }
}

// Returns an exit code when the program should stop (help, or a parse error).
namespace {

// "1234" (cycles >= 1) or "37.5%" (a fraction strictly between 0 and 1).
bool ParseCyclePoint(const std::string& spec, uint64_t* at, double* frac) {
  if (!spec.empty() && spec.back() == '%') {
    const std::string num = spec.substr(0, spec.size() - 1);
    char* end = nullptr;
    const double p = std::strtod(num.c_str(), &end);
    if (num.empty() || end != num.c_str() + num.size() || !(p > 0.0 && p < 100.0)) return false;
    *frac = p / 100.0;
    return true;
  }
  if (spec.empty() || spec.find_first_not_of("0123456789") != std::string::npos ||
      spec.size() > 18) {
    return false;
  }
  *at = std::stoull(spec);
  return *at >= 1;
}

}  // namespace

std::optional<int> ParseArgs(int argc, char** argv, Options* o) {
  CLI::App app{"salsa Verilator harness: one fully connected layer on salsa_top (" +
               std::string(kBuildInfo.name) + ")"};
  app.add_option("--shape", o->shape, "layer shape MxKxN")->capture_default_str();
  app.add_option("--seed", o->seed, "seed of the random layer and the DRAM model")
      ->capture_default_str();
  app.add_option("--mem-latency", o->mem_latency,
                 "DRAM read/write latency in cycles (the tiler's plan estimates assume it too)")
      ->capture_default_str();
  app.add_option("--bw-cap", o->bw_cap,
                 "DRAM beats per cycle per channel, in (0, 1] (the tiler's estimates too)")
      ->capture_default_str();
  app.add_option("--backpressure", o->backpressure,
                 "probability of random ready/valid deassertion, in [0, 1)")
      ->capture_default_str();
  app.add_flag("--axi-strict", o->axi_strict,
               "legal but unkind DRAM slave: AWREADY only once AWVALID and WVALID are both high, "
               "W beats accepted ahead of their AW on some bursts, long random stalls on every "
               "channel");
  app.add_flag("--json", o->json, "print a one-line JSON summary as the last line of stdout");
  app.add_option("--trace", o->trace, "write an FST waveform to FILE");
  app.add_option("--timeout", o->timeout, "cycles before giving up (default: from the layer)");
  app.add_option("--vector", o->vector, "a tflite-micro-fc JSON vector instead of random data");
  app.add_option(
      "--layer", o->layer,
      "a layer file (fully_connected, conv2d, depthwise_conv2d, matmul; docs/layers.md)");
  app.add_option(
      "--out", o->out,
      "write the output tensor to this .npy file (int8; FP8 layers: float32, uint16 bf16 or uint8 "
      "fp8 codes, per the output dtype)");
  app.add_option("--expected", o->expected,
                 "an .npy the output must also equal (with --layer; the output's dtype)");
  app.add_flag("--quiet", o->quiet, "no human-readable report");
  app.add_option("--fault", o->fault,
                 "inject a fault and pass only if the hardware reports it (and does not hang): "
                 "read|write (SLVERR on the weights / output region), opcode|range|field "
                 "(a corrupted command), slices (K-slice builds: the first K-slice COMPUTE's "
                 "weight address made odd, a bad field), no-response-read|no-response-write "
                 "(the DRAM stops answering reads / writes half way through the layer; builds "
                 "with axi.timeout_cycles: the watchdog must report axi_timeout; the layer is "
                 "left undone, so the run exits 1 with that error named)")
      ->check(CLI::IsMember({"read", "write", "opcode", "range", "field", "slices",
                             "no-response-read", "no-response-write"}));
  std::string abort_spec, reset_spec;
  app.add_option("--abort-at", abort_spec,
                 "CYCLE or P%: write CTRL.abort this many cycles after the start (P%: at P% of "
                 "the layer's cycles, measured by a first run): the run must stop with ERR_CODE "
                 "7 (aborted) and a clean bus, then the layer is started again and must pass "
                 "(cycles and counters are the last run's)");
  app.add_option("--reset-at", reset_spec,
                 "CYCLE or P%: assert rst_ni this many cycles after the start (P%: at P% of the "
                 "layer's cycles, measured by a first run; the DRAM model drops its in-flight "
                 "transactions, as an interconnect's reset would), then set up and start the "
                 "layer again: it must pass, with no stray AXI beats");
  app.add_option("--flip-bits", o->flip_bits,
                 "sram.ecc: secded builds: flip one bit in each of N scratchpad words written "
                 "lately, at random cycles of the layer: every read of one must be corrected "
                 "(ECC_CORRECTED counts them) and the layer must pass");
  app.add_flag("--double", o->flip_double,
               "with --flip-bits: flip two bits per word instead: the first read of one must "
               "stop the run with ERR_CODE ecc_uncorrectable and ECC_STATUS naming that word "
               "(the run then exits 1 with that error)");
  app.add_option("--fault-port", o->fault_port,
                 "with --fault read|write: only this AXI port answers SLVERR (builds with "
                 "axi.ports > 1; default: every port)");
  app.add_option("--port-skew", o->port_skew,
                 "AXI port p's DRAM latency is --mem-latency + p * N cycles (builds with several "
                 "ports: the ports' data arrive skewed)")
      ->capture_default_str();
  app.add_flag(
      "--no-overlap", o->no_overlap,
      "SYNC after every COMPUTE and STORE: strictly sequential execution (for comparison)");
  app.add_flag("--per-channel", o->per_channel,
               "per-channel requantisation (a multiplier and shift per output channel)");
  app.add_flag("--unit-scale", o->unit_scale,
               "random layer with |x-zp|, |w| <= 1 and output multiplier 1 (every accumulator "
               "unit visible)");
  app.add_flag("--extremes", o->extremes,
               "random layer with only -128/127 data and zero point, and +-2^24 bias");
  app.add_option("--sparsity", o->sparsity,
                 "random layer with exactly round(Z*M*K) zero activations (= the input zero "
                 "point), Z in [0, 1]");
  app.add_option("--sparsity-pattern", o->sparsity_pattern,
                 "where the --sparsity zeros go: uniform (seeded shuffle, the default), clustered "
                 "(runs along K and whole zero K columns), relu (zero point -128, ReLU-like data)")
      ->check(CLI::IsMember({"uniform", "clustered", "relu"}));
  app.add_flag("--weights-2of4", o->weights_2of4,
               "random layer with 2:4 structured weights (pruned by magnitude along K)");
  app.add_option("--zero-skip", o->zero_skip,
                 "on: the zero-skip tiler (SCAN, gather LOADs, indexed COMPUTEs) for every layer; "
                 "off: the dense tiler; default on sparsity.zero_skip hardware: the zero-skip "
                 "tiler for layers of one m tile (M <= rows), the dense one for batched layers")
      ->check(CLI::IsMember({"on", "off"}));
  app.add_option("--structured", o->structured,
                 "on: the 2:4 tiler when the weights are 2:4 (compressed weights, meta LOADs, 2:4 "
                 "COMPUTEs; needs sparsity.structured \"2:4\", the default there), off: the "
                 "dense tiler")
      ->check(CLI::IsMember({"on", "off"}));
  app.add_option("--im2col", o->im2col,
                 "on (the default where the hardware has it: ws, and os without 2:4): an int8 "
                 "conv2d or depthwise conv (as one block-diagonal GEMM) reads its input about "
                 "once and the COMPUTEs build the im2col rows on chip, when the tiler's estimate "
                 "finds it no slower (os: not 2% slower) than the software im2col; always: "
                 "whenever its buffers fit; off: im2col in software (the GEMM plans)")
      ->check(CLI::IsMember({"on", "off", "always"}));
  app.add_option("--precision", o->precision,
                 "random layer precision: int8; w4a8 (int4 weights, int8 activations; needs "
                 "int4w in the config's precision list); fp8_e4m3, fp8_e5m2 (random finite FP8 "
                 "codes with zeros and subnormals, --extremes: the format's corners with NaN/inf "
                 "codes; a float32 bias in half the seeds; needs that format in the config)")
      ->capture_default_str()
      ->check(CLI::IsMember({"int8", "w4a8", "fp8_e4m3", "fp8_e5m2"}));
  app.add_option("--output-dtype", o->output_dtype,
                 "FP8 layers: the output format (default: chosen by the seed)")
      ->check(CLI::IsMember({"float32", "bfloat16", "fp8_e4m3", "fp8_e5m2"}));
  app.add_option("--output-scale", o->output_scale,
                 "FP8 layers: multiply the FP32 results by this finite float32 before the "
                 "conversion (default: chosen by the seed: 1.0 in half the seeds)");
  app.add_option("--saturate", o->saturate,
                 "FP8 layers with a bfloat16/fp8 output: on: overflow gives the largest finite "
                 "value; off: inf (bf16, E5M2) or NaN (E4M3) (default: chosen by the seed)")
      ->check(CLI::IsMember({"on", "off"}));
  app.add_option("--coverage-out", o->coverage_out,
                 "write Verilator line and toggle coverage to FILE.dat at the end of the run "
                 "(coverage builds only: salsa run --coverage-out, salsa regress --coverage)");
  app.allow_extras();  // +verilator+... arguments go to the VerilatedContext
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "salsa_harness: " << e.what() << "\n";
    return kExitBadInput;
  }
  for (const std::string& extra : app.remaining()) {
    if (extra.rfind("+", 0) != 0) {
      std::cerr << "salsa_harness: unknown argument '" << extra
                << "'; accepted: the options of --help and +verilator+ arguments\n";
      return kExitBadInput;
    }
  }
  if (!o->coverage_out.empty() && !kBuildInfo.coverage) {
    std::cerr << "salsa_harness: --coverage-out: this harness of " << kBuildInfo.name
              << " was built without coverage; accepted: --coverage-out with a coverage build "
                 "(salsa run --coverage-out F picks one, or salsa_add_harness(... COVERAGE))\n";
    return kExitBadInput;
  }
  if (!o->coverage_out.empty()) {
    // Verilator aborts when it cannot write the file at the end: find out now (and leave no
    // empty file behind: it is written after the run).
    std::error_code ec;
    const bool existed = std::filesystem::exists(o->coverage_out, ec);
    const bool writable = static_cast<bool>(std::ofstream(o->coverage_out, std::ios::app));
    if (!existed) std::filesystem::remove(o->coverage_out, ec);
    if (!writable) {
      std::cerr << "salsa_harness: --coverage-out " << o->coverage_out
                << ": cannot open for writing; accepted: a writable FILE.dat\n";
      return kExitBadInput;
    }
  }
  if (!(o->bw_cap > 0.0 && o->bw_cap <= 1.0)) {
    std::cerr << "salsa_harness: --bw-cap " << o->bw_cap << ": accepted: (0, 1]\n";
    return kExitBadInput;
  }
  if (app.count("--flip-bits") || o->flip_double) {
    const char* why = nullptr;
    if (!kBuildInfo.sram_ecc) {
      why = "this build has no SRAM ECC";
    } else if (o->flip_bits == 0 || o->flip_bits > 100000) {
      why = "N out of range";
    } else if (!o->fault.empty() || app.count("--abort-at") || app.count("--reset-at")) {
      why = "it does not combine with --fault, --abort-at or --reset-at";
    }
    if (!app.count("--flip-bits")) why = "--double needs --flip-bits N";
    if (why != nullptr) {
      std::cerr << "salsa_harness: --flip-bits " << o->flip_bits
                << (o->flip_double ? " --double" : "") << ": " << why << " (config "
                << kBuildInfo.name
                << "); accepted: --flip-bits 1..100000 [--double] on a sram.ecc: secded build, "
                   "without --fault, --abort-at and --reset-at\n";
      return kExitBadInput;
    }
  }
  const int ports = static_cast<int>(kBuildInfo.hw.ports);
  if (app.count("--fault-port") && (o->fault_port < 0 || o->fault_port >= ports ||
                                    (o->fault != "read" && o->fault != "write"))) {
    std::cerr << "salsa_harness: --fault-port " << o->fault_port << ": config " << kBuildInfo.name
              << " has " << ports << " AXI port(s); accepted: 0.." << ports - 1
              << " with --fault read or --fault write\n";
    return kExitBadInput;
  }
  for (const auto& [flag, spec, at, frac] :
       {std::tuple<const char*, std::string, uint64_t*, double*>{"--abort-at", abort_spec,
                                                                 &o->abort_at, &o->abort_frac},
        std::tuple<const char*, std::string, uint64_t*, double*>{"--reset-at", reset_spec,
                                                                 &o->reset_at, &o->reset_frac}}) {
    if (!app.count(flag)) continue;
    if (!ParseCyclePoint(spec, at, frac) || !o->fault.empty() ||
        (app.count("--abort-at") && app.count("--reset-at"))) {
      std::cerr << "salsa_harness: " << flag << " " << spec
                << ": accepted: a cycle count >= 1 or a percentage strictly between 0% and "
                   "100%, without --fault and not both of --abort-at and --reset-at\n";
      return kExitBadInput;
    }
  }
  if (o->fault.rfind("no-response-", 0) == 0 && kBuildInfo.axi_timeout_cycles == 0) {
    std::cerr << "salsa_harness: --fault " << o->fault << ": config " << kBuildInfo.name
              << " has no AXI watchdog (axi.timeout_cycles: 0), so a silent slave would hang "
                 "it; accepted: a build with axi.timeout_cycles > 0\n";
    return kExitBadInput;
  }
  if (!(o->backpressure >= 0.0 && o->backpressure < 1.0)) {
    std::cerr << "salsa_harness: --backpressure " << o->backpressure << ": accepted: [0, 1)\n";
    return kExitBadInput;
  }
  if (app.count("--sparsity") && !(o->sparsity >= 0.0 && o->sparsity <= 1.0)) {
    std::cerr << "salsa_harness: --sparsity " << o->sparsity << ": accepted: [0, 1]\n";
    return kExitBadInput;
  }
  if (!o->sparsity_pattern.empty() && !app.count("--sparsity")) {
    std::cerr << "salsa_harness: --sparsity-pattern " << o->sparsity_pattern
              << ": no --sparsity given; accepted: --sparsity Z with --sparsity-pattern\n";
    return kExitBadInput;
  }
  const bool sparse = app.count("--sparsity") || o->weights_2of4;
  if (sparse && (!o->vector.empty() || !o->layer.empty())) {
    std::cerr << "salsa_harness: " << (app.count("--sparsity") ? "--sparsity" : "--weights-2of4")
              << " shapes a random layer, not a --vector or --layer (a layer file takes "
                 "weights_format: 2of4); accepted: --sparsity and --weights-2of4 with --shape\n";
    return kExitBadInput;
  }
  if (o->sparsity_pattern == "relu" && (o->extremes || o->unit_scale)) {
    std::cerr << "salsa_harness: --sparsity-pattern relu draws its own activations and zero point "
                 "(-128); accepted: relu without --extremes and --unit-scale\n";
    return kExitBadInput;
  }
  if (o->zero_skip == "on" && !kBuildInfo.hw.zero_skip) {
    std::cerr << "salsa_harness: --zero-skip on: config " << kBuildInfo.name
              << " has no sparsity.zero_skip; accepted: --zero-skip off (on needs a zero_skip "
                 "config)\n";
    return kExitBadInput;
  }
  if ((o->im2col == "on" || o->im2col == "always") && !kBuildInfo.hw.weight_stationary &&
      !kBuildInfo.hw.OsConv()) {
    std::cerr << "salsa_harness: --im2col " << o->im2col << ": config " << kBuildInfo.name
              << " has no on-chip im2col; accepted: --im2col off (on needs array.dataflow ws, or "
                 "os without sparsity.structured 2:4)\n";
    return kExitBadInput;
  }
  if (o->structured == "on" && !kBuildInfo.hw.structured24) {
    std::cerr << "salsa_harness: --structured on: config " << kBuildInfo.name
              << " has no sparsity.structured \"2:4\"; accepted: --structured off (on needs a "
                 "2:4 config)\n";
    return kExitBadInput;
  }
  const bool fp8 = o->precision == "fp8_e4m3" || o->precision == "fp8_e5m2";
  if (o->precision != "int8" && (!o->vector.empty() || !o->layer.empty())) {
    std::cerr << "salsa_harness: --precision " << o->precision
              << " draws a random layer, not a --vector or --layer (a layer file has its own "
                 "dtype); accepted: --precision with --shape\n";
    return kExitBadInput;
  }
  const std::pair<const char*, bool> fp_flags[] = {{"--output-dtype", !o->output_dtype.empty()},
                                                   {"--output-scale", !o->output_scale.empty()},
                                                   {"--saturate", !o->saturate.empty()}};
  for (const auto& [flag, given] : fp_flags) {
    if (given && !fp8) {
      std::cerr << "salsa_harness: " << flag << " is for FP8 layers, but --precision is "
                << o->precision << "; accepted: " << flag
                << " with --precision fp8_e4m3 or fp8_e5m2\n";
      return kExitBadInput;
    }
  }
  if (!o->output_scale.empty()) {
    char* end = nullptr;
    const double d = std::strtod(o->output_scale.c_str(), &end);
    if (end != o->output_scale.c_str() + o->output_scale.size() || !std::isfinite(d) ||
        !std::isfinite(static_cast<float>(d))) {
      std::cerr << "salsa_harness: --output-scale " << o->output_scale
                << ": not a finite float32; accepted: a finite number such as 0.125\n";
      return kExitBadInput;
    }
  }
  if (fp8 && (o->unit_scale || o->per_channel || app.count("--sparsity") || o->weights_2of4)) {
    std::cerr << "salsa_harness: --precision " << o->precision << " with "
              << (o->unit_scale     ? "--unit-scale"
                  : o->per_channel  ? "--per-channel"
                  : o->weights_2of4 ? "--weights-2of4"
                                    : "--sparsity")
              << ": those shape int8 layers; accepted: --precision fp8_* with --extremes, "
                 "--output-dtype, --output-scale, --saturate\n";
    return kExitBadInput;
  }
  if (o->precision == "w4a8" && o->weights_2of4) {
    std::cerr << "salsa_harness: --precision w4a8 with --weights-2of4: 2:4 weights are int8 "
                 "only; accepted: --weights-2of4 with --precision int8\n";
    return kExitBadInput;
  }
  if (!o->trace.empty() && !kBuildInfo.trace_fst) {
    std::cerr << "salsa_harness: --trace: this build has no FST support (verilate with "
                 "--trace-fst)\n";
    return kExitBadInput;
  }
  return std::nullopt;
}

salsa::DriverOptions DriverOpts(const Options& o) {
  salsa::DriverOptions d;
  d.overlap = !o.no_overlap;
  d.zero_skip = o.zero_skip != "off";
  d.zero_skip_batched = o.zero_skip == "on";  // default: only layers of one m tile
  d.structured = o.structured != "off";
  d.im2col = o.im2col != "off";
  d.im2col_always = o.im2col == "always";
  d.mem_latency = o.mem_latency;
  d.bw_cap = o.bw_cap;
  return d;
}

salsa::contract::Prec PrecisionOf(const std::string& name) {
  if (name == "int8") return salsa::contract::kPrecInt8;
  if (name == "w4a8") return salsa::contract::kPrecInt4w;
  if (name == "fp8_e4m3") return salsa::contract::kPrecFp8E4M3;
  if (name == "fp8_e5m2") return salsa::contract::kPrecFp8E5M2;
  throw BadInput("--precision '" + name + "': accepted: int8, w4a8, fp8_e4m3, fp8_e5m2");
}

const char* PrecisionName(salsa::contract::Prec p) {
  switch (p) {
    case salsa::contract::kPrecInt8:
      return "int8";
    case salsa::contract::kPrecInt4w:
      return "w4a8";
    case salsa::contract::kPrecFp8E4M3:
      return "fp8_e4m3";
    case salsa::contract::kPrecFp8E5M2:
      return "fp8_e5m2";
  }
  return "?";
}

std::string PrecisionList(const salsa::HwParams& hw) {
  static const char* const kConfigNames[] = {"int8", "int4w", "fp8_e4m3", "fp8_e5m2"};
  std::string cli, cfg;
  for (unsigned p = 0; p < 4; ++p) {
    if (!hw.Has(static_cast<salsa::contract::Prec>(p))) continue;
    cli +=
        std::string(cli.empty() ? "" : ", ") + PrecisionName(static_cast<salsa::contract::Prec>(p));
    cfg += std::string(cfg.empty() ? "" : ", ") + kConfigNames[p];
  }
  return cli + " (precision: [" + cfg + "])";
}

void CheckPrecision(const Options& o, const salsa::HwParams& hw) {
  const salsa::contract::Prec p = PrecisionOf(o.precision);
  if (!hw.Has(p)) {
    throw BadInput("--precision " + o.precision + ": config " + kBuildInfo.name +
                   " does not build it; accepted: " + PrecisionList(hw));
  }
}

void ApplyFpOutputOptions(const Options& o, salsa::FcLayer* layer) {
  if (o.output_dtype == "float32") layer->out_fmt = salsa::contract::kOutFp32;
  if (o.output_dtype == "bfloat16") layer->out_fmt = salsa::contract::kOutBf16;
  if (o.output_dtype == "fp8_e4m3") layer->out_fmt = salsa::contract::kOutFp8E4M3;
  if (o.output_dtype == "fp8_e5m2") layer->out_fmt = salsa::contract::kOutFp8E5M2;
  if (!o.output_scale.empty()) {
    const float f = static_cast<float>(std::strtod(o.output_scale.c_str(), nullptr));
    std::memcpy(&layer->out_scale, &f, sizeof f);
  }
  if (!o.saturate.empty()) layer->saturate = o.saturate == "on";
}

}  // namespace salsa::harness
