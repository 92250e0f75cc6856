// Random valid configurations (issue 15, `salsa regress --random-configs N`). Every value is
// drawn inside the rules config.cpp enforces (docs/config.md), so no draw is ever rejected: the
// cross-key rules are applied in the order the parser checks them (array, then axi, sram,
// sparsity, precision, fpga). Only std::mt19937_64's raw output is used (no <random>
// distributions, whose results differ between standard libraries), so a seed gives the same
// text everywhere.
#include "salsa/random_config.h"

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace salsa {
namespace {

// Array sides stay <= 16 and scratchpads <= 4096 words per bank so that a variant verilates in a
// minute or two and simulates small layers in seconds; the parser accepts up to 64 and 65536.
constexpr unsigned kMaxSide = 16;
constexpr unsigned kMaxDepthLog2 = 12;  // depth 16..4096
constexpr unsigned kMinDepthLog2 = 4;
constexpr unsigned kMaxAccDepthLog2 = 10;  // acc depth 16..1024

class Draw {
 public:
  explicit Draw(uint64_t seed) : rng_(seed) {}
  // Uniform in lo..hi (the modulo bias of a 64-bit draw over these small ranges is negligible).
  unsigned Int(unsigned lo, unsigned hi) {
    return lo + static_cast<unsigned>(rng_() % (uint64_t{hi} - lo + 1));
  }
  // True with probability num/den.
  bool Chance(unsigned num, unsigned den) { return rng_() % den < num; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Int(0, static_cast<unsigned>(v.size() - 1))];
  }

 private:
  std::mt19937_64 rng_;
};

const char* Bool(bool b) { return b ? "true" : "false"; }

unsigned Log2(unsigned v) {
  unsigned l = 0;
  while ((1u << (l + 1)) <= v) ++l;
  return l;
}

// One scratchpad map: banks 1..8 and a power-of-two depth, banks*depth >= min_words.
void Scratchpad(Draw& d, std::ostringstream& os, const char* name, unsigned max_depth_log2,
                unsigned min_words) {
  unsigned banks = d.Int(1, 8);
  const unsigned depth = 1u << d.Int(kMinDepthLog2, max_depth_log2);
  while (banks * depth < min_words) ++banks;  // only the acc rule (rows+3 <= 19) can bind
  os << "  " << name << ": {banks: " << banks << ", depth: " << depth << "}\n";
}

}  // namespace

std::string RandomConfigYaml(uint64_t seed) {
  Draw d(seed);
  std::ostringstream os;
  os << "# salsa::RandomConfigYaml(" << seed << ")\n";
  os << "name: rand_" << seed << "\n";
  if (d.Chance(1, 4)) os << "clock_mhz: " << d.Int(10, 1000) << "\n";

  // Sparsity first: 2:4 constrains the array (os, cols a multiple of 4), zero-skip the dataflow.
  enum { kDense, kZeroSkip, k24 } sparsity = kDense;
  const unsigned s = d.Int(0, 3);
  if (s == 1) sparsity = kZeroSkip;
  if (s == 2) sparsity = k24;
  const bool ws = sparsity == kDense && d.Chance(1, 3);
  const unsigned rows = d.Int(1, kMaxSide);
  const unsigned cols = sparsity == k24 ? 4 * d.Int(1, kMaxSide / 4) : d.Int(1, kMaxSide);
  os << "array:\n"
     << "  rows: " << rows << "\n"
     << "  cols: " << cols << "\n"
     << "  dataflow: " << (ws ? "ws" : "os") << "\n";

  const unsigned data_bits = d.Pick(std::vector<unsigned>{64, 128, 256, 512});
  const unsigned addr_bits = d.Chance(1, 2) ? 32 : d.Int(32, 64);
  const unsigned id_bits = d.Int(1, 8), max_outstanding = d.Int(2, 16);
  const unsigned max_burst = d.Int(1, std::min(256u, 4096 / (data_bits / 8)));  // 4 KB
  os << "axi:\n"
     << "  data_bits: " << data_bits << "\n"
     << "  addr_bits: " << addr_bits << "\n"
     << "  id_bits: " << id_bits << "\n"
     << "  max_outstanding: " << max_outstanding << "\n"
     << "  max_burst: " << max_burst << "\n"
     << "  cache: " << d.Int(0, 15) << "\n"
     << "  prot: " << d.Int(0, 7) << "\n"
     << "  qos: " << d.Int(0, 15) << "\n";

  os << "sram:\n";
  Scratchpad(d, os, "act", kMaxDepthLog2, 1);
  Scratchpad(d, os, "weight", kMaxDepthLog2, 1);
  if (d.Chance(3, 4)) {
    Scratchpad(d, os, "acc", kMaxAccDepthLog2, rows + 3);  // the accumulator rule
  }  // else the default acc depth (smallest power of two >= 2*(rows+1), at least 16)
  if (d.Chance(1, 4)) {
    os << "  macro: blackbox\n";
    if (d.Chance(1, 2)) os << "  macro_name: tech_sram_" << d.Int(0, 99) << "\n";
  }
  // sram.ecc from a stream of its own, so the other keys of every seed are what they were.
  if (Draw(seed ^ 0xECC5EC0DEDull).Chance(1, 4)) os << "  ecc: secded\n";

  os << "sparsity:\n"
     << "  gating: " << Bool(d.Chance(3, 4)) << "\n"
     << "  zero_skip: " << Bool(sparsity == kZeroSkip) << "\n"
     << "  structured: " << (sparsity == k24 ? "\"2:4\"" : "none") << "\n";

  // int4w and FP8 need os and no 2:4; int4w an even rows.
  if (!ws && sparsity != k24) {
    os << "precision: [int8";
    if (rows % 2 == 0 && d.Chance(1, 2)) os << ", int4w";
    if (d.Chance(1, 2)) os << ", fp8_e4m3";
    if (d.Chance(1, 2)) os << ", fp8_e5m2";
    os << "]\n";
  }

  os << "pipeline:\n"
     << "  axi_read_reg: " << Bool(d.Chance(1, 2)) << "\n"
     << "  requant: " << Bool(d.Chance(1, 2)) << "\n";

  // The ZCU104 wrapper needs the HP0 port's 128-bit data and <= 49 address bits.
  const bool board = data_bits == 128 && addr_bits <= 49 && d.Chance(1, 2);
  if (board) os << "fpga:\n  board: zcu104\n";
  // K slices (os, dense or zero-skip): a power of two dividing rows (at most 16, so every weight
  // depth, 16 or more, is a multiple). Drawn last, so the other keys of every seed stay as they
  // were; the line goes into the array section.
  std::string text = os.str();
  unsigned max_s = 1;
  while (rows % (2 * max_s) == 0) max_s *= 2;
  if (!ws && sparsity != k24 && max_s >= 2 && d.Chance(1, 2)) {
    const std::string after = "  dataflow: os\n";
    text.insert(text.find(after) + after.size(),
                "  gemv_slices: " + std::to_string(1u << d.Int(1, Log2(max_s))) + "\n");
  }
  // Several AXI ports (not with the one-port board): the data path ports * data_bits at most
  // 2048 bits, and a burst of max_burst wide beats within 4 KB. Drawn after everything else.
  std::vector<unsigned> ports;
  for (unsigned p = 2; p <= 16; p *= 2) {
    if (p * data_bits <= 2048 && max_burst * p * (data_bits / 8) <= 4096) ports.push_back(p);
  }
  if (!board && !ports.empty() && d.Chance(1, 3)) {
    const std::string after = "  data_bits: " + std::to_string(data_bits) + "\n";
    text.insert(text.find(after) + after.size(),
                "  ports: " + std::to_string(d.Pick(ports)) + "\n");
  }
  return text;
}

}  // namespace salsa
