// The 2:4 plan ("2:4", sparsity.structured "2:4"): when it runs, and the compressed weights.
//
// Of every group of four K steps (K padded with zeros to Kp, a multiple of 8) an output channel
// keeps two weights: its non-zero ones, filled up with zero-valued positions (the lowest free
// ones), in ascending position order (Compress2of4, the layer files' weights_format: 2of4).
// Compressed step 2g holds the first kept value of group g and 2g + 1 the second; beside each
// value its 2-bit position in the group. DRAM: values [n_tile][Kp/2][cols] (one weight word per
// compressed step), positions [n_tile][Kp/2][cols/4] (column c's position at bits 2(c%4)+1 :
// 2(c%4) of byte c/4; four steps' positions make one meta word, loaded at bus rate, so Kp is a
// multiple of 8). Channels past N are zero weights at positions 0 and 1. The
// tiling and command list are the os plan's (driver_os.cpp) or the K-split plan's
// (driver_split.cpp), with the 2:4 format (OsFormat::structured).
#include <algorithm>

#include "driver_internal.h"
#include "salsa/layer_gen.h"

namespace salsa {

namespace {

// Runs when the hardware has it, the options allow it and the weights are 2:4 along K; fits when
// a K chunk of whole meta words does.
class Plan24 : public Plan {
 public:
  const char* Name() const override { return "2:4"; }

  bool Fit(const HwParams& hw, const FcLayer& l, const DriverOptions& opts, Program* p) override {
    if (!hw.structured24 || !opts.structured || l.prec != contract::kPrecInt8 ||
        hw.weight_stationary || hw.cols % 4 != 0 || !Is2of4(l.weights, l.N, l.K)) {
      return false;
    }
    OsParams os;
    SplitParams sp;
    Params24 params;
    PlanOs(hw, l, /*structured=*/true, p, &os);
    if (!os.act_resident && PlanSplit(hw, l, true, /*transposed=*/false, p, &sp)) {
      params.tiling = sp;
    } else {
      params.tiling = os;
    }
    p->params = params;
    return p->k_chunk > 0;
  }

  void Layout(const HwParams& hw, const FcLayer& l, Program* p) const override {
    LayOut(hw, OsRegions(hw, l, true, *p), p);
    // The positions follow the values in the weight region.
    std::get<Params24>(p->params).meta_addr =
        p->weight_addr + AlignUp(Weight24Bytes(hw, l, *p), kRegionAlign);
    WriteParams(hw, l, p);
    WriteOsOperands(hw, l, Format(*p), p);
  }

  std::vector<Command> Commands(const HwParams& hw, const FcLayer& l,
                                const Program& p) const override {
    const auto& tiling = std::get<Params24>(p.params).tiling;
    if (const SplitParams* sp = std::get_if<SplitParams>(&tiling)) {
      return TileCommandsSplit(hw, l, p, *sp, Format(p));
    }
    return TileCommands(hw, l, p, std::get<OsParams>(tiling), Format(p));
  }

 private:
  static OsFormat Format(const Program& p) {
    return OsFormat{true, std::get<Params24>(p.params).meta_addr};
  }
};

}  // namespace

std::unique_ptr<Plan> Make24Plan() { return std::make_unique<Plan24>(); }

uint64_t Weight24Bytes(const HwParams& hw, const FcLayer& l, const Program& p) {
  return uint64_t{p.n_tiles} * (ActSteps(l, true) / 2) * hw.cols;
}

uint64_t Meta24Bytes(const HwParams& hw, const FcLayer& l, const Program& p) {
  return uint64_t{p.n_tiles} * (ActSteps(l, true) / 2) * hw.MetaStepBytes();
}

void WriteWeights24(const HwParams& hw, const FcLayer& l, const Program& p, uint8_t* values,
                    uint8_t* meta) {
  const Compressed2of4 c = Compress2of4(l.weights, l.N, l.K);
  const uint64_t steps = ActSteps(l, true) / 2;  // >= Compressed2of4Cols(K): the rest are padding
  const uint64_t ccols = static_cast<uint64_t>(Compressed2of4Cols(l.K));
  const unsigned mb = hw.MetaStepBytes();
  for (unsigned nt = 0; nt < p.n_tiles; ++nt) {
    for (uint64_t s = 0; s < steps; ++s) {
      uint8_t* v = values + (uint64_t{nt} * steps + s) * hw.cols;
      uint8_t* m = meta + (uint64_t{nt} * steps + s) * mb;
      std::fill(m, m + mb, 0);
      for (unsigned j = 0; j < hw.cols; ++j) {
        const uint64_t n = uint64_t{nt} * hw.cols + j;
        const bool real = n < static_cast<uint64_t>(l.N) && s < ccols;
        v[j] = real ? static_cast<uint8_t>(c.values[n * ccols + s]) : 0;
        const unsigned pos = real ? c.meta[n * ccols + s] : static_cast<unsigned>(s % 2);
        m[j / 4] = static_cast<uint8_t>(m[j / 4] | (pos & 3u) << (2 * (j % 4)));
      }
    }
  }
}

}  // namespace salsa
