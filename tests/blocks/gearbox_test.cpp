// Block test of salsa_gearbox (rtl/default/salsa_gearbox.v) under Verilator: one Verilated model
// per (InBytes, OutBytes) pair, each verilated with -G parameters under its own PREFIX
// (tests/blocks/CMakeLists.txt; the list below must match the one there). A random byte stream
// is fed in beats with random valid counts, random in_valid and random out_ready stalls; the output
// words must reproduce the stream in order, and out_valid_o, in_ready_o and empty_o must follow the
// number of bytes held. A second test measures the sustained word rate.
#include <gtest/gtest.h>
#include <verilated.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "Vgearbox_16_12.h"
#include "Vgearbox_16_64.h"
#include "Vgearbox_32_8.h"
#include "Vgearbox_64_32.h"
#include "Vgearbox_8_12.h"
#include "Vgearbox_8_256.h"
#include "Vgearbox_8_8.h"

// At global scope so that CTest's names read GearboxBlock.<test><GearboxPair<Vgearbox_8_12, 8, 12>>
// (gtest_discover_tests prints the type parameter).
template <typename M, int In, int Out>
struct GearboxPair {
  using Model = M;
  static constexpr int kIn = In;
  static constexpr int kOut = Out;
  // The Verilated port widths follow the -G parameters: every pair here has whole 32-bit words
  // (or exactly 64 bits), so the port's storage is exactly InBytes / OutBytes bytes.
  static_assert(sizeof(M::in_data_i) == In, "model verilated with a different InBytes");
  static_assert(sizeof(M::out_data_o) == Out, "model verilated with a different OutBytes");
};

namespace {

// Byte access to a Verilator port of up to 64 bits (CData/SData/IData/QData)...
template <typename T>
void SetBytes(T& sig, const uint8_t* bytes, size_t n) {
  static_assert(std::is_integral_v<T>);
  uint64_t v = 0;
  for (size_t i = 0; i < n && i < sizeof(T); ++i) v |= uint64_t{bytes[i]} << (8 * i);
  sig = static_cast<T>(v);
}
template <typename T>
uint8_t GetByte(const T& sig, size_t i) {
  static_assert(std::is_integral_v<T>);
  return static_cast<uint8_t>(static_cast<uint64_t>(sig) >> (8 * i));
}
// ...and of a wide port (VlWide, 32-bit words, least significant first).
template <std::size_t W>
void SetBytes(VlWide<W>& sig, const uint8_t* bytes, size_t n) {
  for (size_t w = 0; w < W; ++w) {
    uint32_t word = 0;
    for (size_t j = 0; j < 4; ++j) {
      if (4 * w + j < n) word |= uint32_t{bytes[4 * w + j]} << (8 * j);
    }
    sig.data()[w] = word;
  }
}
template <std::size_t W>
uint8_t GetByte(const VlWide<W>& sig, size_t i) {
  return static_cast<uint8_t>(sig.data()[i / 4] >> (8 * (i % 4)));
}

template <typename P>
class GearboxChecker {
 public:
  static constexpr int kIn = P::kIn, kOut = P::kOut, kCap = kIn + kOut;

  explicit GearboxChecker(uint64_t seed)
      : ctx_(std::make_unique<VerilatedContext>()),
        top_(std::make_unique<typename P::Model>(ctx_.get())),
        rng_(seed) {
    top_->clk_i = 0;
    top_->rst_ni = 0;
    top_->in_valid_i = 0;
    top_->out_ready_i = 0;
    top_->in_cnt_i = 0;
    top_->eval();
    Edge();
    Edge();
    top_->rst_ni = 1;
    top_->eval();
  }
  ~GearboxChecker() { top_->final(); }

  // One clock cycle. cnt = 0 means in_valid_i = 0 (a random cnt is still driven, with garbage
  // data, to show they are ignored). Returns false after the first mismatch.
  bool Cycle(int cnt, bool out_ready) {
    const bool in_valid = cnt > 0;
    std::vector<uint8_t> beat(kIn);
    for (uint8_t& b : beat) b = static_cast<uint8_t>(rng_());
    SetBytes(top_->in_data_i, beat.data(), beat.size());
    top_->in_cnt_i = in_valid ? cnt : static_cast<int>(rng_() % (kIn + 1));
    top_->in_valid_i = in_valid;
    top_->out_ready_i = out_ready;
    top_->clk_i = 0;
    top_->eval();

    const size_t held = held_.size();
    const bool out_valid = top_->out_valid_o;
    const bool in_ready = top_->in_ready_o;
    const bool empty = top_->empty_o;
    if (out_valid != (held >= kOut)) return Fail("out_valid_o", out_valid, held >= kOut);
    if (empty != (held == 0)) return Fail("empty_o", empty, held == 0);
    const bool pop = out_valid && out_ready;
    const size_t after = held - (pop ? kOut : 0);
    // Room for a whole beat once this cycle's word has left (the documented ready rule).
    if (in_ready != (after + kIn <= kCap)) return Fail("in_ready_o", in_ready, after + kIn <= kCap);
    if (pop) {
      for (int i = 0; i < kOut; ++i) {
        const uint8_t got = GetByte(top_->out_data_o, i);
        if (got != held_[i]) {
          std::ostringstream os;
          os << "word " << words_ << " byte " << i << " (stream byte " << (popped_bytes_ + i)
             << "): expected 0x" << std::hex << int{held_[i]} << ", got 0x" << int{got};
          return Fail(os.str());
        }
      }
      held_.erase(held_.begin(), held_.begin() + kOut);
      popped_bytes_ += kOut;
      ++words_;
    }
    if (in_valid && in_ready) {
      held_.insert(held_.end(), beat.begin(), beat.begin() + cnt);
      pushed_bytes_ += static_cast<uint64_t>(cnt);
      ++beats_;
    }
    if (held_.empty()) ++empty_cycles_;
    top_->clk_i = 1;
    top_->eval();
    ++cycle_;
    return true;
  }

  uint64_t words() const { return words_; }
  uint64_t beats() const { return beats_; }
  uint64_t pushed_bytes() const { return pushed_bytes_; }
  uint64_t empty_cycles() const { return empty_cycles_; }
  size_t held() const { return held_.size(); }
  std::mt19937_64& rng() { return rng_; }

 private:
  void Edge() {
    top_->clk_i = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
  }
  bool Fail(const std::string& what) {
    ADD_FAILURE() << "gearbox " << kIn << "->" << kOut << ", cycle " << cycle_ << ": " << what
                  << " (bytes held " << held_.size() << ", pushed " << pushed_bytes_
                  << ", words out " << words_ << ")";
    return false;
  }
  bool Fail(const char* port, bool got, bool want) {
    return Fail(std::string(port) + " is " + (got ? "1" : "0") + ", expected " +
                (want ? "1" : "0"));
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<typename P::Model> top_;
  std::mt19937_64 rng_;
  std::deque<uint8_t> held_;
  uint64_t cycle_ = 0, words_ = 0, beats_ = 0, pushed_bytes_ = 0, popped_bytes_ = 0;
  uint64_t empty_cycles_ = 0;
};

template <typename P>
class GearboxBlock : public ::testing::Test {};

using Pairs =
    ::testing::Types<GearboxPair<Vgearbox_8_12, 8, 12>, GearboxPair<Vgearbox_16_12, 16, 12>,
                     GearboxPair<Vgearbox_32_8, 32, 8>, GearboxPair<Vgearbox_8_8, 8, 8>,
                     GearboxPair<Vgearbox_16_64, 16, 64>, GearboxPair<Vgearbox_64_32, 64, 32>,
                     GearboxPair<Vgearbox_8_256, 8, 256>>;

TYPED_TEST_SUITE(GearboxBlock, Pairs);

TYPED_TEST(GearboxBlock, RandomStreamWithStalls) {
  constexpr int kIn = TypeParam::kIn, kOut = TypeParam::kOut;
  GearboxChecker<TypeParam> gb(0x9ea7b0 + kIn * 1000 + kOut);
  std::mt19937_64& rng = gb.rng();
  auto chance = [&rng](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  const double probs[] = {0.05, 0.3, 0.7, 0.95, 1.0};
  constexpr int kPhases = 60, kPhaseCycles = 1200;
  for (int phase = 0; phase < kPhases; ++phase) {
    const double pv = probs[rng() % 5], pr = probs[rng() % 5];
    const bool full_beats = rng() % 4 == 0;
    for (int c = 0; c < kPhaseCycles; ++c) {
      const int cnt = chance(pv) ? (full_beats ? kIn : 1 + static_cast<int>(rng() % kIn)) : 0;
      ASSERT_TRUE(gb.Cycle(cnt, chance(pr)));
    }
    if (phase % 3 == 2) {
      // Top the stream up to a whole number of words, then drain it: empty_o must rise.
      constexpr int kCap = GearboxChecker<TypeParam>::kCap;
      for (int c = 0; c < 10000 && gb.pushed_bytes() % kOut != 0; ++c) {
        const int need = static_cast<int>(kOut - gb.pushed_bytes() % kOut);
        const int cnt = chance(0.7) ? std::min(need, 1 + static_cast<int>(rng() % kIn)) : 0;
        ASSERT_TRUE(gb.Cycle(cnt, chance(0.8)));
      }
      ASSERT_EQ(gb.pushed_bytes() % kOut, 0u);
      for (int c = 0; c < kCap / kOut + 2; ++c) ASSERT_TRUE(gb.Cycle(0, true));
      ASSERT_EQ(gb.held(), 0u) << "phase " << phase;
      for (int c = 0; c < 3; ++c) ASSERT_TRUE(gb.Cycle(0, chance(0.5)));
    }
  }
  EXPECT_GT(gb.empty_cycles(), 0u);
  EXPECT_GT(gb.words() * kOut, static_cast<uint64_t>(kPhases * kPhaseCycles));
}

TYPED_TEST(GearboxBlock, FullRateThroughput) {
  constexpr int kIn = TypeParam::kIn, kOut = TypeParam::kOut;
  constexpr int kCycles = 40000;
  GearboxChecker<TypeParam> gb(42);
  for (int c = 0; c < kCycles; ++c) ASSERT_TRUE(gb.Cycle(kIn, true));
  const double rate = static_cast<double>(gb.words()) / kCycles;
  const double want = std::min(1.0, static_cast<double>(kIn) / kOut);
  EXPECT_NEAR(rate, want, 0.02 * want)
      << "words per cycle with in_valid = out_ready = 1 and full beats (" << gb.words()
      << " words, " << gb.beats() << " beats in " << kCycles << " cycles)";
}

}  // namespace
