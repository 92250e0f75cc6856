// Derived defaults (docs/config.md, "Derived defaults"): what an omitted key takes, computed from
// the keys that are given and the features they enable, so that a config stating only the array
// and the bus reaches the same fractions of its roofs as the tuned presets. And the notes
// `salsa gen` prints when an explicit choice caps the roofline.
#pragma once

#include <string>
#include <vector>

#include "salsa/config.h"

namespace salsa {

// The DRAM latency, in cycles, the derived defaults are sized for (the benchmark's default).
inline constexpr unsigned kDesignDramLatency = 100;
// Beats in flight the default axi.max_outstanding aims for: 2.5x the design latency, so that the
// read stream keeps going while a late burst's beats and the R skid drain (the presets' 16 x 16).
inline constexpr unsigned kDefaultBeatsInFlight = 256;
// Act and weight words the default depths aim for (banks * depth): a K of 4096 stays resident
// for one m tile, and a GEMV weight chunk (half the weight scratchpad) of 2048 words is 20x the
// design latency.
inline constexpr unsigned kDefaultOperandWords = 4096;
// Acc words per array row the default acc depth aims for: a K-split block of 4x4 tiles (one
// word per row of each) with its parameter slots, twice as many with zero_skip (two groups of
// gathered n tiles).
inline constexpr unsigned kDefaultAccWordsPerRow = 32;
// GEMV outputs (N) a zero-skip K-slice build's default acc depth holds in one pass: an LLM's
// d_model, as for K above.
inline constexpr unsigned kDefaultGemvOutputs = 4096;
// The most words a derived acc or weight depth asks for (the 16-bit scratchpad word address
// space).
inline constexpr unsigned kMaxDefaultWords = 65536;

// axi.max_outstanding when omitted: ceil(256 / max_burst), clamped to 2..16.
unsigned DefaultMaxOutstanding(unsigned max_burst);
// sram.act.depth and sram.weight.depth when omitted: 4096 / banks, rounded up to a power of two.
unsigned DefaultOperandDepth(unsigned banks);
// Weight words a GEMV's weight stream brings per cycle: min(gemv_slices * cols, bus bytes) / cols
// (at most 1 without K slices, where the array takes cols bytes a cycle).
double GemvStreamWords(const Config& cfg);
// sram.weight.depth when omitted, once array.gemv_slices is known: 4096 words for each word the
// GEMV stream brings per cycle, / banks, rounded up to a power of two (DefaultOperandDepth without
// K slices), so that a weight chunk (half the scratchpad) still lasts 2048 cycles, 20x the design
// latency, on a bus that feeds several weight words a cycle.
unsigned DefaultWeightDepth(const Config& cfg, unsigned banks);
// sram.acc.depth when omitted: 32 * rows words (64 * rows with zero_skip; with zero_skip and
// S > 1 gemv_slices at least ceil(4096 / cols) * (ceil(rows / S) + 1), the G-word regions and
// parameter words of a 4096-output GEMV's tiles) / banks, rounded up to a power of two, at least
// 16, at most 65536 words.
unsigned DefaultAccDepth(unsigned rows, unsigned cols, bool zero_skip, unsigned gemv_slices,
                         unsigned banks);
// array.gemv_slices when omitted: on an os build without 2:4 whose bus carries
// more than `cols` bytes per cycle (a one-row GEMV could not fill it), the smallest power of two S
// with S * cols >= 2 * bus bytes, at most the largest power of two dividing rows and dividing the
// weight depth; else 1 (off). The presets' buses carry `cols` bytes or fewer: 1.
unsigned DefaultGemvSlices(const Config& cfg);

// One line per choice that caps the roofline at the design latency (empty when none; the
// derived defaults never do): bursts in flight that cannot cover it, or a GEMV weight chunk (half
// the weight scratchpad) too short to hide it, i.e. below 0.9 of the GEMV roof. Each line starts
// with "note: " and names the keys and the values that would lift the cap.
std::vector<std::string> RooflineNotes(const Config& cfg);

}  // namespace salsa
