// Internals shared by the tiler's two dataflows (driver.cpp: output-stationary, driver_ws.cpp:
// weight-stationary).
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

// Weight-stationary planning, DRAM layouts and command list (driver_ws.cpp).
void PlanWs(const HwParams& hw, const FcLayer& l, Program* p);
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
