// The functional model's os im2col COMPUTE (hw_contract.h's "conv" row, docs/conv.md): steps
// walked as (tap row, tap column, channel) over byte offsets of channel planes, against a direct
// computation on 6-row hardware (a byte carry that is not a power of two), with a negative start,
// padding outside the window and the extent, masked columns; and the field and range errors.
#include <gtest/gtest.h>

#include "salsa/driver.h"
#include "salsa/func_sim.h"
#include "test_hw.h"

namespace salsa {
namespace {

using test::Image;

constexpr uint64_t kAct = 0x2000, kWgt = 0x3000;
constexpr unsigned kRows = 6, kCols = 3, kWords = 40;
constexpr int32_t kZp = 3;

HwParams Hw6() { return test::Hw(kRows, kCols, 8, 64, 64, 24); }

uint8_t ActByte(unsigned i) { return static_cast<uint8_t>((7 * i + 5) % 23); }
int8_t W(unsigned s, unsigned c) { return static_cast<int8_t>(17 * s + 11 * c - 60); }

// kWords act words (byte i of the scratchpad = ActByte(i)) and 40 weight words at word 0.
Image Loaded() {
  Image img;
  for (unsigned i = 0; i < kWords * kRows; ++i) img.dram[kAct + i] = ActByte(i);
  for (unsigned s = 0; s < 40; ++s)
    for (unsigned c = 0; c < kCols; ++c) img.dram[kWgt + kCols * s + c] = uint8_t(W(s, c));
  img.Add(EncodeLoad(contract::kTargetAct, 0, kWords, 1, kWords * kRows, kAct));
  img.Add(EncodeLoad(contract::kTargetWeight, 0, 40, 1, 40 * kCols, kWgt));
  return img;
}

// Planes of 7 words at act word 4 (pitch 8), 2 channels, taps 2 x 3 (dx = 1 byte, dy = 9 bytes:
// an image 9 wide), lane 0 starting 4 bytes before the window (word -1, byte 2).
OsConvFields Fields(bool xmask) {
  OsConvFields f;
  f.extent = 15;  // plane 1 ends at word 8 + 7 = 15
  f.pitch = 8;
  f.window = 7;
  f.chans = 2;
  f.taps_x = 3;
  f.off_w = -1;
  f.off_b = 2;
  f.tx_b = 1;
  f.ty_w = 1;
  f.ty_b = 3;
  if (xmask) {
    f.xmask = true;
    f.x0 = 7;  // lane i's column (7 + i) mod 9
    f.xw = 9;
    f.kx0 = -1;
  }
  return f;
}

// Lane i of step s of tile t, from the definition in docs/conv.md.
int32_t Lane(const OsConvFields& f, unsigned s, unsigned i, unsigned t = 0) {
  const int c = static_cast<int>(s % f.chans), tx = static_cast<int>((s / f.chans) % f.taps_x);
  const int ty = static_cast<int>(s / (f.chans * f.taps_x));
  const int R = kRows;
  const int byte = (f.off_w + static_cast<int>(t)) * R + static_cast<int>(f.off_b) +
                   tx * static_cast<int>(f.tx_b) + ty * (f.ty_w * R + static_cast<int>(f.ty_b)) +
                   static_cast<int>(i);
  const int w = byte >= 0 ? byte / R : -1;
  const int d = c * f.pitch + w;
  bool pad = byte < 0 || w >= static_cast<int>(f.window) || d >= f.extent;
  if (f.xmask) {
    const int col =
        static_cast<int>((f.x0 + t * kRows + i) % f.xw) + f.kx0 + tx * static_cast<int>(f.tx_b);
    pad = pad || col < 0 || col >= static_cast<int>(f.xw);
  }
  if (pad) return 0;  // the zero point: d = x - zp = 0
  return static_cast<int32_t>(static_cast<int8_t>(
             ActByte(static_cast<unsigned>((4 + d) * R) + static_cast<unsigned>(byte - w * R)))) -
         kZp;
}

TEST(FuncSimOsConvTest, ConvComputeMatchesTheDirectComputation) {
  for (bool xmask : {false, true}) {
    SCOPED_TRACE(xmask ? "xmask" : "no mask");
    const OsConvFields f = Fields(xmask);
    const unsigned K = 2 * 3 * 2;  // two tap rows of three taps, two channels
    Image img = Loaded();
    img.Add(EncodeComputeOsConv(true, true, 4, 5, K, kZp, 2, f));
    FuncSim sim(Hw6());
    const FuncSimResult r = img.Run(sim);
    ASSERT_TRUE(r.ok()) << r.err_detail;
    uint64_t gated = 0;
    for (unsigned i = 0; i < kRows; ++i) {
      for (unsigned c = 0; c < kCols; ++c) {
        int32_t sum = 0;
        for (unsigned s = 0; s < K; ++s) sum += Lane(f, s, i) * W(5 + s, c);
        EXPECT_EQ(sim.acc_sp()[(2 + i) * kCols + c], sum) << "row " << i << " col " << c;
      }
      for (unsigned s = 0; s < K; ++s) gated += Lane(f, s, i) == 0;
    }
    EXPECT_EQ(r.counters[contract::CounterIndex("gated")], gated);
    EXPECT_GT(gated, 0u);
  }
}

// Three tiles in one command: tile t starts one act word on, its lanes' columns rows on, and
// drains to acc_addr + t * rows.
TEST(FuncSimOsConvTest, TilesStartOneWordApart) {
  OsConvFields f = Fields(true);
  f.tiles = 3;
  f.window = 9;
  f.extent = 17;
  const unsigned K = 12;
  Image img = Loaded();
  img.Add(EncodeComputeOsConv(true, true, 4, 5, K, kZp, 1, f));
  FuncSim sim(Hw6());
  const FuncSimResult r = img.Run(sim);
  ASSERT_TRUE(r.ok()) << r.err_detail;
  for (unsigned t = 0; t < 3; ++t) {
    for (unsigned i = 0; i < kRows; ++i) {
      for (unsigned c = 0; c < kCols; ++c) {
        int32_t sum = 0;
        for (unsigned s = 0; s < K; ++s) sum += Lane(f, s, i, t) * W(5 + s, c);
        EXPECT_EQ(sim.acc_sp()[(1 + t * kRows + i) * kCols + c], sum) << t << " " << i << " " << c;
      }
    }
  }
  EXPECT_EQ(r.counters[contract::CounterIndex("mac_active")], 3u * K);
}

TEST(FuncSimOsConvTest, ErrorCodes) {
  const auto conv = [](auto edit, uint16_t act = 4, uint16_t k = 4) {
    OsConvFields f = Fields(true);
    edit(f);
    return EncodeComputeOsConv(true, true, act, 0, k, kZp, 0, f);
  };
  const uint32_t bad = contract::ErrCodeOf("bad_field"),
                 range = contract::ErrCodeOf("scratchpad_range");
  test::ExpectErrors(
      Hw6(), Loaded(),
      {
          {"fine", conv([](OsConvFields&) {}), contract::ErrCodeOf("none")},
          {"no channels", conv([](OsConvFields& f) { f.chans = 0; }), bad},
          {"no taps", conv([](OsConvFields& f) { f.taps_x = 0; }), bad},
          {"no extent", conv([](OsConvFields& f) { f.extent = 0; }), bad},
          {"off_b = rows", conv([](OsConvFields& f) { f.off_b = kRows; }), bad},
          {"tx_b = rows", conv([](OsConvFields& f) { f.tx_b = kRows; }), bad},
          {"ty_b = rows", conv([](OsConvFields& f) { f.ty_b = kRows; }), bad},
          {"xw < rows", conv([](OsConvFields& f) { f.xw = kRows - 1, f.x0 = 0; }), bad},
          {"x0 >= xw", conv([](OsConvFields& f) { f.x0 = 9; }), bad},
          {"xmask with tx_w", conv([](OsConvFields& f) { f.tx_w = 1; }), bad},
          {"tx_w without xmask", conv([](OsConvFields& f) { f.tx_w = 1, f.xmask = false; }),
           contract::ErrCodeOf("none")},
          // [act_addr, act_addr + extent): 64 - 15 = 49 fits, 50 does not.
          {"extent to the end", conv([](OsConvFields&) {}, 49), contract::ErrCodeOf("none")},
          {"extent past", conv([](OsConvFields&) {}, 50), range},
          // acc [0, T * rows): 24 words hold four tiles of 6, not five.
          {"four tiles", conv([](OsConvFields& f) { f.tiles = 4; }), contract::ErrCodeOf("none")},
          {"five tiles past the acc", conv([](OsConvFields& f) { f.tiles = 5; }), range},
      });
  // Zero-skip builds: the same (the tiles share the bits of an indexed COMPUTE's stride).
  HwParams zs = Hw6();
  zs.zero_skip = true;
  test::ExpectErrors(
      zs, Loaded(),
      {{"four tiles", conv([](OsConvFields& f) { f.tiles = 4; }), contract::ErrCodeOf("none")},
       {"five tiles", conv([](OsConvFields& f) { f.tiles = 5; }), range}});
}

}  // namespace
}  // namespace salsa
