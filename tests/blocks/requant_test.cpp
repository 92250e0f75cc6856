// Block test of salsa_requant (rtl/default/salsa_requant.v) under Verilator against
// salsa::quant::Requantize. The block is a two-stage pipeline: the vector applied before clock
// edge t is expected on out_o after edge t + 1. Vectors are applied back to back, one per cycle.
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "Vrequant.h"
#include "salsa/quant.h"

namespace {

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

struct Vec {
  int32_t acc = 0;
  int32_t bias = 0;
  int32_t mult = 0;
  int shift = 0;  // -31..30
  int zp = 0;     // int8
  int min = -128;
  int max = 127;
};

int32_t Wrap(uint32_t u) {
  int32_t v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

int32_t WrapAdd(int32_t a, int32_t b) {
  return Wrap(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

int Expected(const Vec& v) {
  return salsa::quant::Requantize(WrapAdd(v.acc, v.bias), v.mult, v.shift, v.zp, v.min, v.max);
}

std::string Describe(const Vec& v) {
  std::ostringstream os;
  os << "acc=" << v.acc << " bias=" << v.bias << " (acc+bias=" << WrapAdd(v.acc, v.bias)
     << ") mult=" << v.mult << " shift=" << v.shift << " zp=" << v.zp << " min=" << v.min
     << " max=" << v.max;
  return os.str();
}

// One cycle of input: the vector, and whether its output is compared.
struct Slot {
  Vec v;
  bool check = true;
};

class RequantSim {
 public:
  RequantSim() : ctx_(std::make_unique<VerilatedContext>()), top_(new Vrequant(ctx_.get())) {
    top_->clk_i = 0;
    top_->rst_ni = 0;
    Apply(Vec{});
    top_->eval();
    Tick();
    Tick();
    top_->rst_ni = 1;
    top_->eval();
  }
  ~RequantSim() { top_->final(); }

  void Apply(const Vec& v) {
    top_->acc_i = static_cast<uint32_t>(v.acc);
    top_->bias_i = static_cast<uint32_t>(v.bias);
    top_->mult_i = static_cast<uint32_t>(v.mult);
    top_->shift_i = static_cast<uint8_t>(v.shift);
    top_->zp_i = static_cast<uint8_t>(v.zp);
    top_->min_i = static_cast<uint8_t>(v.min);
    top_->max_i = static_cast<uint8_t>(v.max);
  }
  void Tick() {
    top_->clk_i = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
  }
  int Out() const { return static_cast<int8_t>(top_->out_o); }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vrequant> top_;
};

// Drives the slots one per cycle and compares every checked output. Returns the number of
// mismatches; the first one is reported with all inputs, the expected and the returned value.
size_t RunSlots(const std::vector<Slot>& slots) {
  RequantSim sim;
  size_t mismatches = 0;
  // The output of slot t is visible after edge t + 1, i.e. after applying slot t + 1.
  for (size_t t = 0; t < slots.size() + 1; ++t) {
    sim.Apply(t < slots.size() ? slots[t].v : Vec{});
    sim.Tick();
    if (t == 0 || !slots[t - 1].check) continue;
    const Slot& s = slots[t - 1];
    const int want = Expected(s.v);
    const int got = sim.Out();
    if (got != want) {
      if (mismatches == 0) {
        const Vec next = t < slots.size() ? slots[t].v : Vec{};
        ADD_FAILURE() << "first mismatch at vector " << (t - 1) << ": " << Describe(s.v)
                      << "; expected " << want << ", got " << got
                      << " (vector applied on the next cycle: zp=" << next.zp << " min=" << next.min
                      << " max=" << next.max << ")";
      }
      ++mismatches;
    }
  }
  return mismatches;
}

// Output parameters (zp, min, max) that vary between corner vectors.
struct OutParams {
  int zp, min, max;
};
const std::vector<OutParams> kOutParams = {{0, -128, 127},   {-128, -128, 127}, {127, -128, 127},
                                           {-1, -5, 7},      {1, 0, 0},         {5, 127, 127},
                                           {-7, -128, -128}, {0, -1, 1},        {100, -20, 90}};

std::vector<Vec> CornerVectors() {
  std::vector<Vec> out;
  const int32_t accs[] = {kMin, kMin + 1, -(1 << 30), -12345,   -1,  0,
                          1,    12345,    1 << 30,    kMax - 1, kMax};
  const int32_t biases[] = {0, 1, -1, kMax, kMin, 1 << 30};
  const int32_t mults[] = {kMin, kMin + 1, -1, 0, 1, 1 << 30, (1 << 30) + 1, kMax};
  size_t p = 0;
  for (int32_t acc : accs) {
    for (int32_t bias : biases) {
      for (int32_t mult : mults) {
        for (int shift = -31; shift <= 30; ++shift) {
          const OutParams& op = kOutParams[p++ % kOutParams.size()];
          out.push_back({acc, bias, mult, shift, op.zp, op.min, op.max});
        }
      }
    }
  }
  // Exact halves in RoundingDivideByPOT: SRDHM(2h, 2^30) == h exactly, and h = (2k+1) 2^(e-1)
  // is a tie of the division by 2^e. Both signs, small and large k.
  for (int e = 1; e <= 31; ++e) {
    for (int64_t k : {0LL, 1LL, 2LL, 7LL, 1000LL, (1LL << 30) - 1}) {
      for (int sign : {1, -1}) {
        const int64_t v = sign * (2 * k + 1) * (int64_t{1} << e);
        if (v < kMin || v > kMax) continue;
        for (const OutParams& op : {OutParams{0, -128, 127}, OutParams{-3, -128, 127}}) {
          out.push_back({static_cast<int32_t>(v), 0, 1 << 30, -e, op.zp, op.min, op.max});
          // Same value split between acc and bias.
          out.push_back(
              {WrapAdd(static_cast<int32_t>(v), -17), 17, 1 << 30, -e, op.zp, op.min, op.max});
        }
      }
    }
  }
  // Exact halves in the doubling high multiply: a * b = (2k+1) 2^30.
  for (int32_t a : {1, -1, 3, -3, 5, -5, kMax, kMin + 1}) {
    for (int shift : {0, -1, -2}) {
      out.push_back({a, 0, 1 << 30, shift, 0, -128, 127});
    }
  }
  // SRDHM saturation: a == b == INT32_MIN, with a reached directly, through the bias
  // wraparound, or through the left shift.
  for (int shift = -31; shift <= 0; ++shift) {
    out.push_back({kMin, 0, kMin, shift, 0, -128, 127});
    out.push_back({kMax, 1, kMin, shift, -1, -128, 127});
    out.push_back({0, kMin, kMin, shift, 3, -100, 100});
  }
  for (int shift = 1; shift <= 30; ++shift) {
    const int32_t a = Wrap(uint32_t{1} << (31 - shift));  // a << shift == INT32_MIN
    out.push_back({a, 0, kMin, shift, 0, -128, 127});
    out.push_back({-a, 0, kMin, shift, 0, -128, 127});
    out.push_back({a - 5, 5, kMin, shift, -128, -128, 127});
    out.push_back({Wrap(3u << (31 - shift)), 0, kMin, shift, 0, -128, 127});
  }
  // Clamps at every boundary.
  for (int lo : {-128, -1, 0, 126, 127}) {
    for (int hi : {-128, -1, 0, 127}) {
      if (lo > hi) continue;
      for (int32_t acc : {-1000, -129, -128, -127, -1, 0, 1, 126, 127, 128, 1000}) {
        for (int zp : {-128, 0, 127}) {
          out.push_back({acc, 0, kMax, 0, zp, lo, hi});  // mult ~= 1.0
        }
      }
    }
  }
  return out;
}

Vec RandomVec(std::mt19937_64& rng) {
  auto u32 = [&rng]() { return Wrap(static_cast<uint32_t>(rng())); };
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  auto value = [&]() -> int32_t {
    switch (pick(6)) {
      case 0:
        return u32();
      case 1:
        return static_cast<int32_t>(pick(1 << 20)) - (1 << 19);
      case 2:
        return static_cast<int32_t>(pick(512)) - 256;
      case 3: {
        const int32_t edges[] = {kMin, kMin + 1, -1, 0, 1, kMax - 1, kMax};
        return edges[pick(7)];
      }
      case 4:
        return Wrap(static_cast<uint32_t>(u32()) >> pick(32));
      default:
        return WrapAdd(Wrap(uint32_t{1} << pick(32)), -pick(2));
    }
  };
  Vec v;
  v.acc = value();
  v.bias = value();
  switch (pick(8)) {
    case 0: {
      const int32_t m[] = {kMin, 0, 1, 1 << 30, kMax};
      v.mult = m[pick(5)];
      break;
    }
    case 1:
      v.mult = u32();
      break;
    default:
      v.mult = static_cast<int32_t>((uint32_t{1} << 30) | (static_cast<uint32_t>(rng()) >> 2));
      break;
  }
  v.shift = pick(62) - 31;
  v.zp = pick(256) - 128;
  int a = pick(256) - 128, b = pick(256) - 128;
  if (a > b) std::swap(a, b);
  switch (pick(4)) {
    case 0:
      v.min = -128;
      v.max = 127;
      break;
    case 1:
      v.min = a;
      v.max = a;
      break;
    default:
      v.min = a;
      v.max = b;
      break;
  }
  return v;
}

std::vector<Slot> PerCycle(const std::vector<Vec>& vecs) {
  std::vector<Slot> slots;
  slots.reserve(vecs.size());
  for (const Vec& v : vecs) slots.push_back({v, true});
  return slots;
}

// The same vectors with zp/min/max changing only every few vectors, each change preceded by one
// unchecked cycle that repeats the previous vector, so that zp/min/max are stable for two
// consecutive cycles around every checked vector (how salsa_ppu drives the block during a STORE,
// whose output parameters are fixed). acc, bias, mult and shift still change every cycle.
std::vector<Slot> HeldOutputParams(const std::vector<Vec>& vecs, std::mt19937_64& rng) {
  std::vector<Slot> slots;
  size_t i = 0;
  while (i < vecs.size()) {
    const size_t group = 1 + rng() % 48;
    const Vec& lead = vecs[i];
    for (size_t j = 0; j < group && i < vecs.size(); ++j, ++i) {
      Vec v = vecs[i];
      v.zp = lead.zp;
      v.min = lead.min;
      v.max = lead.max;
      slots.push_back({v, true});
    }
    slots.push_back({slots.back().v, false});
  }
  return slots;
}

std::vector<Vec> RandomVectors(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Vec> vecs;
  vecs.reserve(n);
  for (size_t i = 0; i < n; ++i) vecs.push_back(RandomVec(rng));
  return vecs;
}

constexpr size_t kRandomVectors = 250000;

// Every input, zp/min/max included, changes every cycle: the block contract of a two-stage
// pipeline ("one value in two pipeline stages").
TEST(RequantBlock, CornerVectorsBackToBack) {
  const std::vector<Vec> vecs = CornerVectors();
  ASSERT_GT(vecs.size(), 30000u);
  EXPECT_EQ(RunSlots(PerCycle(vecs)), 0u) << "of " << vecs.size() << " corner vectors";
}

TEST(RequantBlock, RandomVectorsBackToBack) {
  const std::vector<Vec> vecs = RandomVectors(kRandomVectors, 0x5a15a001);
  EXPECT_EQ(RunSlots(PerCycle(vecs)), 0u) << "of " << vecs.size() << " random vectors";
}

// The arithmetic on its own: acc/bias/mult/shift change every cycle, zp/min/max are held.
TEST(RequantBlock, CornerVectorsHeldOutputParams) {
  std::mt19937_64 rng(7);
  const std::vector<Vec> vecs = CornerVectors();
  EXPECT_EQ(RunSlots(HeldOutputParams(vecs, rng)), 0u) << "of " << vecs.size() << " corner vectors";
}

TEST(RequantBlock, RandomVectorsHeldOutputParams) {
  std::mt19937_64 rng(8);
  const std::vector<Vec> vecs = RandomVectors(kRandomVectors, 0x5a15a002);
  EXPECT_EQ(RunSlots(HeldOutputParams(vecs, rng)), 0u) << "of " << vecs.size() << " random vectors";
}

}  // namespace
