// The K-slice plan ("gemv"): on hardware with array.gemv_slices, a layer of few output rows
// (M <= rows / 2: decode, small batch) splits the array's rows into S K slices of G = rows / S
// rows, so every row works and the array takes S * cols weight bytes per cycle. It is the os
// plan's layout and command list (driver_os.cpp) with OsFormat::slices = S: an act word holds S K
// steps of G output rows, a COMPUTE step reads S consecutive weight words of the plain
// [n_tile][K][cols] layout (K padded with zero weights to a multiple of S), and a tile drains G
// acc words (the drain adds the S slices' partial sums). int4w (W4A8) the same over packed
// steps: a slice's G rows (G even) are G / 2 output rows' even and odd K steps, the weight words
// the packed bytes of two K steps, and a tile drains G / 2 acc words. FP8: the PEs sum in FP32,
// the drain adds the slices' sums in FP32 (so the sum order is the slices', docs/numerics.md),
// and only slice 0's rows start from the bias (bias slots of 4S words, WriteBiasFp32).
#include "driver_internal.h"

namespace salsa {
namespace {

// S: the most slices the hardware has whose slices keep M output rows: G >= M, int4w an even
// G >= 2M (0: none, S >= 2).
unsigned ChooseSlices(const HwParams& hw, const FcLayer& l) {
  unsigned best = 0;
  for (unsigned s = 2; s <= hw.gemv_slices && hw.rows % s == 0; s *= 2) {
    const unsigned g = hw.rows / s;
    if (IsInt4w(l) ? g % 2 == 0 && g / 2 >= static_cast<unsigned>(l.M)
                   : g >= static_cast<unsigned>(l.M)) {
      best = s;
    }
  }
  return best;
}

// The plan's format (S slices; FP8 with a bias: slots of 4S bias words) and hardware view.
HwParams SliceHw(const HwParams& hw, const FcLayer& l, unsigned slices, OsFormat* f) {
  f->slices = slices;
  return OsPlanHw(hw, l, f);
}

class GemvPlan : public Plan {
 public:
  const char* Name() const override { return "gemv"; }
  bool Fit(const HwParams& hw, const FcLayer& l, const DriverOptions&, Program* p) override {
    if (hw.weight_stationary || hw.gemv_slices < 2 || static_cast<unsigned>(l.M) > hw.rows / 2) {
      return false;
    }
    const unsigned s = ChooseSlices(hw, l);
    // FP8 with a bias: its two slots of 4S words and at least 2S words for the weights.
    if (s == 0 || (IsFp8(l) && !l.bias_fp32.empty() && hw.weight_words < 6 * s)) return false;
    OsFormat f;
    const HwParams h = SliceHw(hw, l, s, &f);
    OsParams os;
    if (!PlanOs(h, l, /*structured=*/false, p, &os, s)) return false;
    os.slices = s;
    p->params = os;
    return true;
  }
  void Layout(const HwParams& hw, const FcLayer& l, Program* p) const override {
    OsFormat f;
    const HwParams h = SliceHw(hw, l, std::get<OsParams>(p->params).slices, &f);
    LayOut(h, OsRegions(h, l, false, *p, f.slices), p);
    WriteParams(h, l, p, f.slices);
    WriteOsOperands(h, l, f, p);
  }
  std::vector<Command> Commands(const HwParams& hw, const FcLayer& l,
                                const Program& p) const override {
    OsFormat f;
    const HwParams h = SliceHw(hw, l, std::get<OsParams>(p.params).slices, &f);
    return TileCommands(h, l, p, std::get<OsParams>(p.params), f);
  }
};

}  // namespace

std::unique_ptr<Plan> MakeGemvPlan() { return std::make_unique<GemvPlan>(); }

}  // namespace salsa
