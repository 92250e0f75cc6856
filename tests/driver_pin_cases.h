// int8 programs the precision work must not change: a fixed set of layers on several hardware
// parameter sets, each program's commands and DRAM image hashed (FNV-1a 64). The pinned hashes
// (driver_lowp_test.cpp) were computed on the commit before the int4w/FP8 plans.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "salsa/driver.h"
#include "salsa/layer_gen.h"

namespace salsa {
namespace pin {

inline uint64_t Fnv(uint64_t h, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

struct PinHw {
  const char* name;
  HwParams hw;
};

inline HwParams PinMake(unsigned rows, unsigned cols, unsigned bus, unsigned act, unsigned wgt,
                        unsigned acc) {
  HwParams hw;
  hw.rows = rows, hw.cols = cols, hw.bus_bytes = bus, hw.addr_bits = 32, hw.max_burst = 16;
  hw.max_outstanding = 4, hw.act_words = act, hw.weight_words = wgt, hw.acc_words = acc;
  return hw;
}

inline std::vector<PinHw> PinHws() {
  std::vector<PinHw> v = {{"os16", PinMake(16, 16, 16, 256, 256, 64)},
                          {"os12x8", PinMake(12, 8, 8, 40, 64, 16)},
                          {"os4", PinMake(4, 4, 64, 8, 16, 7)},
                          {"os8small", PinMake(8, 8, 8, 64, 64, 40)},
                          {"big16", PinMake(16, 16, 16, 4096, 4096, 512)},
                          {"skip16", PinMake(16, 16, 16, 4096, 4096, 512)},
                          {"s24", PinMake(16, 16, 16, 4096, 4096, 512)},
                          {"ws16", PinMake(16, 16, 16, 4096, 4096, 512)}};
  v[5].hw.zero_skip = true, v[5].hw.max_outstanding = 16;
  v[6].hw.structured24 = true, v[6].hw.max_outstanding = 16;
  v[7].hw.weight_stationary = true;
  return v;
}

// The hash of every pinned layer's program on `hw` (hw index `h` picks the layer variants).
inline uint64_t PinHash(const HwParams& hw, unsigned h) {
  const int shapes[][3] = {{1, 64, 16},  {3, 17, 5},    {17, 33, 19}, {33, 129, 40},
                           {5, 1000, 3}, {64, 256, 64}, {1, 7, 100},  {1, 2048, 48}};
  uint64_t hash = 0xcbf29ce484222325ull, seed = 1000 + 100 * h;
  for (const auto& s : shapes) {
    for (int variant = 0; variant < 3; ++variant) {
      FcLayer l = MakeRandomFc(s[0], s[1], s[2], seed++);
      if (variant == 1) MakePerChannel(&l, seed);
      if (variant == 2) {
        ApplyActivationSparsity(&l, 0.7, SparsityPattern::kUniform, seed);
        if (hw.structured24) Prune2of4(&l);
        ChooseRandomOutputQuant(&l, seed);
      }
      const Program p = BuildFcProgram(hw, l);
      for (const Command& c : p.cmds) hash = Fnv(hash, c.data(), c.size());
      hash = Fnv(hash, p.dram.data(), p.dram.size());
      hash = Fnv(hash, reinterpret_cast<const uint8_t*>(p.plan.data()), p.plan.size());
    }
  }
  return hash;
}

}  // namespace pin
}  // namespace salsa
