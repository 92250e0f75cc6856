// Internals shared by the tiler's dataflows and plans (driver.cpp: output-stationary, dense and
// 2:4; driver_ws.cpp: weight-stationary; driver_skip.cpp: zero-skip; driver_24.cpp: the 2:4
// weight layout).
#pragma once

#include <cstdint>
#include <vector>

#include "salsa/driver.h"

namespace salsa {

// Where a tile's words live in the acc scratchpad: `slots` parameter slots (bias, then the
// per-channel multiplier and shift words) at the bottom, then `regions` tile regions of
// `region_words` words. Two of each let a tile's STORE run while the next tile computes and the
// next n tile's parameters load.
struct AccLayout {
  unsigned slot_words, slots, regions;
  uint16_t Slot(unsigned i) const { return static_cast<uint16_t>((i % slots) * slot_words); }
  uint16_t Region(unsigned i, unsigned region_words) const {
    return static_cast<uint16_t>(slots * slot_words + (i % regions) * region_words);
  }
};

// STOREs held back until after the next COMPUTE, so that they wait for their drain while the
// array works (K-split plans). `region` is the acc region of the last one held: a COMPUTE that
// drains there must come after them.
struct DeferredStores {
  std::vector<Command> held;
  int region = -1;
  void Hold(const Command& c, int acc_region) { held.push_back(c), region = acc_region; }
  void FlushInto(std::vector<Command>* cmds) {
    cmds->insert(cmds->end(), held.begin(), held.end());
    held.clear();
    region = -1;
  }
};

// The LOADs of n tile nt's parameters into the acc slot at `slot`: the bias word and, per
// channel, the multiplier and shift words after it.
void PushParamLoads(const HwParams& hw, const FcLayer& l, const Program& p, unsigned nt,
                    uint16_t slot, std::vector<Command>* out);

// The STORE of the tile of `rows` x `bytes` outputs at (m0, n0) whose accumulators are at acc
// word `region` and whose bias word is at `slot`; per channel, the multiplier and shift words
// are at `quant` and `quant` + 1 (quant < 0: slot + 1).
Command TileStore(const FcLayer& l, const Program& p, uint16_t region, unsigned rows,
                  unsigned bytes, uint16_t slot, unsigned m0, unsigned n0, int quant = -1);

// Output-stationary: regions of `rows` words, two of each when they fit.
AccLayout ChooseAccLayout(const HwParams& hw, bool per_channel);

inline uint64_t CeilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// Words of one act half. 2:4 COMPUTEs start at even act addresses, so the 2:4 plan's halves are
// an even number of words.
unsigned ActHalf(const HwParams& hw, bool structured);
// Words of one weight half. A 2:4 chunk's positions are whole meta words (four weight words
// each), so the 2:4 plan's halves are a multiple of 4 words.
unsigned WeightHalf(const HwParams& hw, bool structured);

// Output-stationary planning (driver.cpp), dense or, with p->structured, 2:4: tiles, double
// buffering, resident act blocks and the K chunk, in act words. 2:4 chunks are multiples of 4 act
// words (half as many weight and meta words) at even act addresses; returns false when no such
// chunk fits the scratchpads (the dense plan always fits).
bool PlanOs(const HwParams& hw, const FcLayer& l, Program* p);
// Act words per m tile: K, or for the 2:4 plan K padded to a multiple of 4.
unsigned ActSteps(const FcLayer& l, const Program& p);

// The K-split plan (driver_split.cpp), for K too long to keep an m tile's activations resident:
// chooses m_block x n_block tiles and the K chunk from the act and weight halves (act_cap and
// weight_cap words) and the acc scratchpad (the block's regions and parameter slots), by
// estimated cycles. Returns false when no block larger than one tile fits.
bool PlanSplit(const HwParams& hw, const FcLayer& l, unsigned act_cap, unsigned weight_cap,
               Program* p);
std::vector<Command> TileCommandsSplit(const HwParams& hw, const FcLayer& l, const Program& p);

// 2:4 (driver_24.cpp). Whether the 2:4 plan may run: the hardware has it, the options allow it
// and the weights are 2:4 along K.
bool Use24(const HwParams& hw, const FcLayer& l, const DriverOptions& opts);
// DRAM bytes of the compressed weight values and of their positions.
uint64_t Weight24Bytes(const HwParams& hw, const FcLayer& l, const Program& p);
uint64_t Meta24Bytes(const HwParams& hw, const FcLayer& l, const Program& p);
// Writes the values ([n_tile][Kp/2][cols]) and the positions ([n_tile][Kp/2][cols/4]).
void WriteWeights24(const HwParams& hw, const FcLayer& l, const Program& p, uint8_t* values,
                    uint8_t* meta);

// Weight-stationary planning, DRAM layouts and command list (driver_ws.cpp).
unsigned WsKBlocks(const HwParams& hw, const FcLayer& l);  // ceil(K / rows)
void PlanWs(const HwParams& hw, const FcLayer& l, Program* p);
// The ws K-split plan (driver_ws_split.cpp), for activations too long to stay resident: chunks
// of K blocks whose act LOAD serves n_block n tiles (k_chunk = the chunk's K steps), m tiles of
// m_tile_rows; chosen by estimated cycles, false when no block of two or more n tiles fits.
bool PlanWsSplit(const HwParams& hw, const FcLayer& l, unsigned act_cap, unsigned weight_cap,
                 Program* p);
std::vector<Command> TileCommandsWsSplit(const HwParams& hw, const FcLayer& l, const Program& p);
uint64_t WsActBytes(const HwParams& hw, const FcLayer& l);
uint64_t WsWeightBytes(const HwParams& hw, const FcLayer& l, const Program& p);
void WriteActivationsWs(const HwParams& hw, const FcLayer& l, uint8_t* dst);
void WriteWeightsWs(const HwParams& hw, const FcLayer& l, const Program& p, uint8_t* dst);
std::vector<Command> TileCommandsWs(const HwParams& hw, const FcLayer& l, const Program& p);

// Zero-skip planning, weight layout and command list (driver_skip.cpp). PlanSkip fills the
// skip_* fields (and the tiling fields) of `p` and returns false when the zero-skip buffers do not
// fit the scratchpads (the dense tiler then runs).
bool PlanSkip(const HwParams& hw, const FcLayer& l, Program* p);
uint64_t SkipWeightBytes(const HwParams& hw, const FcLayer& l, const Program& p);
void WriteWeightsSkip(const HwParams& hw, const FcLayer& l, const Program& p, uint8_t* dst);
std::vector<Command> TileCommandsSkip(const HwParams& hw, const FcLayer& l, const Program& p);

}  // namespace salsa
