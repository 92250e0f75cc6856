// The K-slice plan ("gemv"): on hardware with array.gemv_slices, a layer of few output rows
// (M <= rows / 2: decode, small batch) splits the array's rows into S K slices of G = rows / S
// rows, so every row works and the array takes S * cols weight bytes per cycle. It is the os
// plan's layout and command list (driver_os.cpp) with OsFormat::slices = S: an act word holds S K
// steps of G output rows, a COMPUTE step reads S consecutive weight words of the plain
// [n_tile][K][cols] layout (K padded with zero weights to a multiple of S), and a tile drains G
// acc words (the drain adds the S slices' partial sums). int4w (W4A8) the same over packed
// steps: a slice's G rows (G even) are G / 2 output rows' even and odd K steps, the weight words
// the packed bytes of two K steps, and a tile drains G / 2 acc words.
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

OsFormat SliceFormat(const Program& p) {
  OsFormat f;
  f.slices = std::get<OsParams>(p.params).slices;
  return f;
}

class GemvPlan : public Plan {
 public:
  const char* Name() const override { return "gemv"; }
  bool Fit(const HwParams& hw, const FcLayer& l, const DriverOptions&, Program* p) override {
    if (hw.weight_stationary || hw.gemv_slices < 2 ||
        (l.prec != contract::kPrecInt8 && !IsInt4w(l)) ||
        static_cast<unsigned>(l.M) > hw.rows / 2) {
      return false;
    }
    const unsigned s = ChooseSlices(hw, l);
    if (s == 0) return false;
    OsParams os;
    if (!PlanOs(hw, l, /*structured=*/false, p, &os, s)) return false;
    os.slices = s;
    p->params = os;
    return true;
  }
  void Layout(const HwParams& hw, const FcLayer& l, Program* p) const override {
    const OsFormat f = SliceFormat(*p);
    LayOut(hw, OsRegions(hw, l, false, *p, f.slices), p);
    WriteParams(hw, l, p);
    WriteOsOperands(hw, l, f, p);
  }
  std::vector<Command> Commands(const HwParams& hw, const FcLayer& l,
                                const Program& p) const override {
    return TileCommands(hw, l, p, std::get<OsParams>(p.params), SliceFormat(p));
  }
};

}  // namespace

std::unique_ptr<Plan> MakeGemvPlan() { return std::make_unique<GemvPlan>(); }

}  // namespace salsa
