// Harness options: the Options struct, the CLI11 command line and the checks on its values.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "salsa/driver.h"

namespace salsa::harness {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitBadInput = 2;

struct Options {
  std::string shape = "64x256x64";
  uint64_t seed = 1;
  unsigned mem_latency = 20;
  double bw_cap = 1.0;
  double backpressure = 0.0;
  bool axi_strict = false;  // the DRAM model's legal-but-unkind slave behaviours
  bool json = false;
  std::string trace;
  uint64_t timeout = 0;  // 0: estimate from the layer
  std::string vector;
  bool quiet = false;
  bool extremes = false;
  bool unit_scale = false;
  bool per_channel = false;
  bool no_overlap = false;
  std::string layer;      // a layer spec (.yaml with .npy tensors) instead of a random layer
  std::string out;        // write the output tensor as int8 .npy
  std::string expected;   // also compare with this int8 .npy
  std::string fault;      // "", read, write, opcode, range, field, slices, no-response-*
  int fault_port = -1;    // --fault read|write on this AXI port only (-1: every port)
  uint64_t abort_at = 0;  // --abort-at: CTRL.abort this many cycles after start (0: none)
  uint64_t reset_at = 0;  // --reset-at: rst_ni this many cycles after start (0: none)
  // --abort-at P% / --reset-at P%: at that fraction (0, 1) of the layer's cycles, measured by a
  // first run (0: a cycle count, or none).
  double abort_frac = 0.0, reset_frac = 0.0;
  unsigned flip_bits = 0;    // --flip-bits: SRAM words to corrupt during the layer (sram.ecc)
  bool flip_double = false;  // --double: two bits per word (uncorrectable) instead of one
  unsigned port_skew = 0;    // AXI port p's DRAM latency is mem_latency + p * port_skew
  // Sparse random layers (issue 5): the fraction of activations at the input zero point (< 0: not
  // asked), its pattern, and 2:4 pruning of the weights.
  double sparsity = -1.0;
  std::string sparsity_pattern;  // "": uniform
  bool weights_2of4 = false;
  // --zero-skip on|off: the zero-skip tiler on sparsity.zero_skip hardware ("": on when the
  // hardware has it).
  std::string zero_skip;
  // --structured on|off: the 2:4 tiler on sparsity.structured "2:4" hardware when the weights are
  // 2:4 ("": on when the hardware has it).
  std::string structured;
  // --im2col on|off: conv2d layers on array.dataflow ws hardware build their im2col rows on chip
  // (plan "ws im2col") when that is no slower ("" or on), whenever it fits (always), or in
  // software (off).
  std::string im2col;
  // Low precision (issue 14): the random layer's precision (int8, w4a8, fp8_e4m3, fp8_e5m2) and,
  // for FP8, its output format, scale and saturation ("": the seed's choice).
  std::string precision = "int8";
  std::string output_dtype;  // float32, bfloat16, fp8_e4m3, fp8_e5m2
  std::string output_scale;  // a finite float32
  std::string saturate;      // on, off
  // Verilator coverage data written at the end of the run (a harness built with COVERAGE only).
  std::string coverage_out;
};

class BadInput : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses "MxKxN" (positive integers); throws BadInput.
void ParseShape(const std::string& s, int* M, int* K, int* N);

// Returns an exit code when the program should stop: 0 after --help, kExitBadInput after one
// line on stderr for bad input (nothing else written).
std::optional<int> ParseArgs(int argc, char** argv, Options* o);

// The driver options of a run (the same for the run and for the event counts).
salsa::DriverOptions DriverOpts(const Options& o);

// The COMPUTE precision of a --precision name (int8, w4a8, fp8_e4m3, fp8_e5m2); throws BadInput.
salsa::contract::Prec PrecisionOf(const std::string& name);
// The --precision name of a precision ("w4a8" for kPrecInt4w).
const char* PrecisionName(salsa::contract::Prec p);
// The precisions `hw` builds, as --precision names with the config's in parentheses:
// "int8, w4a8 (precision: [int8, int4w])".
std::string PrecisionList(const salsa::HwParams& hw);
// Throws BadInput (naming --precision and the config's precisions) when the configuration does
// not build the datapath of --precision.
void CheckPrecision(const Options& o, const salsa::HwParams& hw);
// --output-dtype, --output-scale and --saturate over an FP8 layer's seeded choices.
void ApplyFpOutputOptions(const Options& o, salsa::FcLayer* layer);

}  // namespace salsa::harness
