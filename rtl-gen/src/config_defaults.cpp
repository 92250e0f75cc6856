// Derived config defaults and the roofline notes of `salsa gen` (docs/config.md).
#include "salsa/config_defaults.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace salsa {
namespace {

constexpr unsigned kMinDepth = 16;
// A GEMV chunk below this fraction of the GEMV roof gets a note.
constexpr double kNoteBelow = 0.9;

unsigned NextPowerOfTwo(unsigned v) {
  unsigned p = 1;
  while (p < v) p <<= 1;
  return p;
}

unsigned CeilDiv(unsigned a, unsigned b) { return (a + b - 1) / b; }

std::string Fraction(double f) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", f);
  return buf;
}

}  // namespace

unsigned DefaultMaxOutstanding(unsigned max_burst) {
  return std::clamp(CeilDiv(kDefaultBeatsInFlight, std::max(1u, max_burst)), 2u, 16u);
}

unsigned DefaultOperandDepth(unsigned banks) {
  return std::max(kMinDepth, NextPowerOfTwo(CeilDiv(kDefaultOperandWords, std::max(1u, banks))));
}

double GemvStreamWords(const Config& cfg) {
  return static_cast<double>(std::min(cfg.gemv_slices * cfg.cols, cfg.BusBytes())) / cfg.cols;
}

unsigned DefaultWeightDepth(const Config& cfg, unsigned banks) {
  const double words = std::min<double>(kDefaultOperandWords * std::max(1.0, GemvStreamWords(cfg)),
                                        kMaxDefaultWords);
  return std::max(kMinDepth,
                  NextPowerOfTwo(static_cast<unsigned>(std::ceil(words / std::max(1u, banks)))));
}

unsigned DefaultAccDepth(unsigned rows, unsigned cols, bool zero_skip, unsigned gemv_slices,
                         unsigned banks) {
  uint64_t words = uint64_t{kDefaultAccWordsPerRow} * rows * (zero_skip ? 2 : 1);
  if (zero_skip && gemv_slices > 1) {
    // A tile's region is ceil(rows / S) words plus a parameter word: one pass of an
    // N = kDefaultGemvOutputs GEMV, so its activations are read and SCANned once.
    const uint64_t tiles = CeilDiv(kDefaultGemvOutputs, std::max(1u, cols));
    words = std::max(words, tiles * (CeilDiv(rows, gemv_slices) + 1));
  }
  words = std::min<uint64_t>(words, kMaxDefaultWords);
  return std::max(kMinDepth,
                  NextPowerOfTwo(CeilDiv(static_cast<unsigned>(words), std::max(1u, banks))));
}

unsigned DefaultGemvSlices(const Config& cfg) {
  if (cfg.dataflow != Dataflow::kOutputStationary || cfg.structured24 || cfg.BusBytes() <= cfg.cols)
    return 1;
  const unsigned want = NextPowerOfTwo(CeilDiv(2 * cfg.BusBytes(), cfg.cols));
  unsigned s = 1;
  while (s < want && cfg.rows % (2 * s) == 0 && cfg.weight.depth % (2 * s) == 0) s *= 2;
  return s;
}

std::vector<std::string> RooflineNotes(const Config& cfg) {
  std::vector<std::string> notes;
  const unsigned latency = kDesignDramLatency;
  const unsigned beats = cfg.axi_max_outstanding * cfg.axi_max_burst;
  if (beats < latency) {
    notes.push_back(
        "note: axi.max_outstanding " + std::to_string(cfg.axi_max_outstanding) +
        " x axi.max_burst " + std::to_string(cfg.axi_max_burst) + " = " + std::to_string(beats) +
        " beats in flight cannot cover " + std::to_string(latency) +
        " cycles of DRAM latency: streams reach at most about " +
        Fraction(static_cast<double>(beats) / latency) + " of the bus; max_outstanding " +
        std::to_string(std::min(16u, CeilDiv(latency, cfg.axi_max_burst))) +
        " or more would cover it (omit the key: " +
        std::to_string(DefaultMaxOutstanding(cfg.axi_max_burst)) + ")");
  }
  // An os GEMV streams the weights in chunks of half the weight scratchpad, at
  // min(cols, bus bytes) bytes per cycle (K slices: min(gemv_slices * cols, bus bytes)), and waits
  // about one DRAM latency per chunk.
  const unsigned half = cfg.weight.Words() / 2;
  const double rate = GemvStreamWords(cfg) * cfg.cols;
  const double chunk_cycles = static_cast<double>(half) * cfg.cols / rate;
  const double frac = chunk_cycles / (chunk_cycles + latency);
  if (frac < kNoteBelow) {
    const unsigned want = NextPowerOfTwo(
        static_cast<unsigned>(2 * kNoteBelow / (1 - kNoteBelow) * latency * rate / cfg.cols));
    notes.push_back(
        "note: sram.weight holds " + std::to_string(cfg.weight.banks) + " x " +
        std::to_string(cfg.weight.depth) + " words: a GEMV streams weight chunks of " +
        std::to_string(half) + " words and waits about " + std::to_string(latency) +
        " cycles of DRAM latency on each, at most about " + Fraction(frac) +
        " of its roof; banks*depth >= " + std::to_string(want) + " would reach 0.9 (omit depth: " +
        std::to_string(cfg.weight.banks * DefaultWeightDepth(cfg, cfg.weight.banks)) + " words)");
  }
  return notes;
}

}  // namespace salsa
