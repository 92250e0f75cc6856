// Internals shared by the tiler's plans: the Plan interface (one implementation per plan:
// driver_os.cpp, driver_gemv.cpp, driver_split.cpp, driver_ws.cpp, driver_ws_split.cpp,
// driver_skip.cpp, driver_24.cpp), the DRAM layout helpers (driver.cpp) and what several plans'
// command lists share.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "salsa/driver.h"

namespace salsa {

// One way of running a layer. BuildFcProgram (driver.cpp) asks the plans in order of preference
// (ChoosePlan) and the first whose Fit accepts the layer lays out the image and the commands.
class Plan {
 public:
  virtual ~Plan() = default;
  virtual const char* Name() const = 0;
  // Whether the plan runs this layer on this hardware with these options and its buffers fit
  // the scratchpads; if so, fills `p`'s tiling (m_tiles, n_tiles, k_chunk) and p->params.
  virtual bool Fit(const HwParams& hw, const FcLayer& l, const DriverOptions& opts, Program* p) = 0;
  // The DRAM regions (LayOut) and the image: activations, weights, parameters (the commands are
  // written by BuildFcProgram).
  virtual void Layout(const HwParams& hw, const FcLayer& l, Program* p) const = 0;
  // The command list of the laid-out program.
  virtual std::vector<Command> Commands(const HwParams& hw, const FcLayer& l,
                                        const Program& p) const = 0;
};

std::unique_ptr<Plan> MakeOsPlan();       // driver_os.cpp
std::unique_ptr<Plan> MakeSplitPlan();    // driver_split.cpp
std::unique_ptr<Plan> MakeWsPlan();       // driver_ws.cpp
std::unique_ptr<Plan> MakeWsSplitPlan();  // driver_ws_split.cpp
std::unique_ptr<Plan> MakeSkipPlan();     // driver_skip.cpp
std::unique_ptr<Plan> Make24Plan();       // driver_24.cpp
std::unique_ptr<Plan> MakeGemvPlan();     // driver_gemv.cpp
std::unique_ptr<Plan> MakeConvPlan();     // driver_conv.cpp
std::unique_ptr<Plan> MakeOsConvPlan();   // driver_conv_os.cpp
// Whether the os im2col plan runs this conv GEMM (Im2colRuns on output-stationary hardware).
bool OsIm2colRuns(const HwParams& hw, const FcLayer& l, const DriverOptions& opts);

// A conv2d's geometry (FcLayer::conv) as signed 64-bit numbers, for the im2col plans.
struct ConvGeo {
  int64_t B, H, W, C, KH, KW, OH, OW, sy, sx, dy, dx, pt, pl;
  explicit ConvGeo(const ConvShape& c)
      : B(c.batch),
        H(c.in_h),
        W(c.in_w),
        C(c.in_c),
        KH(c.k_h),
        KW(c.k_w),
        OH(c.out_h),
        OW(c.out_w),
        sy(c.stride_h),
        sx(c.stride_w),
        dy(c.dilation_h),
        dx(c.dilation_w),
        pt(c.pad_top),
        pl(c.pad_left) {}
  int64_t Taps() const { return KH * KW; }
  // Frame rows a band of `oth` output rows spans (its input rows, padding included).
  int64_t FrameRows(int64_t oth) const { return (oth - 1) * sy + (KH - 1) * dy + 1; }
  int64_t FrameCols() const { return (OW - 1) * sx + (KW - 1) * dx + 1; }
  // Input rows [lo, hi) under output rows [oy0, oy0 + oth), clipped to the image.
  int64_t RowLo(int64_t oy0) const { return std::max<int64_t>(0, oy0 * sy - pt); }
  int64_t RowHi(int64_t oy0, int64_t oth) const {
    return std::min<int64_t>(H, (oy0 + oth - 1) * sy - pt + (KH - 1) * dy + 1);
  }
};

// Precisions (docs/architecture.md, "Precisions"). int4w (W4A8): an m tile holds rows / 2 output
// rows (rows 2j and 2j + 1 of the array take the even and odd K of output row j), an act word
// holds two K steps of each of them and a weight word two K steps (one byte) of each column, and
// a tile drains rows / 2 acc words. FP8: FP32 accumulators; a K chunk never uses the acc
// scratchpad's int32 add, so a tile's chunks run back to back, the sum continuing in the PEs.
inline bool IsInt4w(const FcLayer& l) { return l.prec == contract::kPrecInt4w; }
inline bool IsFp8(const FcLayer& l) {
  return l.prec == contract::kPrecFp8E4M3 || l.prec == contract::kPrecFp8E5M2;
}
// Output rows per m tile (and acc words a tile drains).
inline unsigned TileRows(const HwParams& hw, const FcLayer& l) {
  return IsInt4w(l) ? hw.rows / 2 : hw.rows;
}

// The weight byte of output n at K step s (act word s): w[n][s], int4w the TFLite packed byte of
// w[n][2s] (low nibble) and w[n][2s + 1] (high nibble, 0 past K).
inline uint8_t WeightStepByte(const FcLayer& l, uint64_t n, uint64_t s) {
  const uint64_t K = static_cast<uint64_t>(l.K);
  if (!IsInt4w(l)) return static_cast<uint8_t>(l.weights[n * K + s]);
  const int8_t* w = &l.weights[n * K];
  const unsigned hi = 2 * s + 1 < K ? w[2 * s + 1] & 0xF : 0;
  return static_cast<uint8_t>((w[2 * s] & 0xF) | hi << 4);
}

// DRAM layout (driver.cpp). The regions, in order: commands (room for cmd_count), activations,
// weights, bias, quant (per-channel words, or the transposed plan's row bias), output; each 4 KB
// aligned.
constexpr uint64_t kRegionAlign = 4096;
inline uint64_t AlignUp(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }
inline uint64_t CeilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
struct Regions {
  uint64_t cmd_count = 0;        // commands (an upper bound)
  uint64_t act = 0, weight = 0;  // bytes
  uint64_t bias = 0, quant = 0, out = 0;
};
// A plan's regions with the parameters per n tile (bias word; per channel the multiplier and
// shift words) and the [M][N] output; the plan adds its commands, activations and weights.
Regions ParamRegions(const HwParams& hw, const FcLayer& l, const Program& p);
// Sets the region addresses and a zero-filled image; throws when the image does not fit.
void LayOut(const HwParams& hw, const Regions& r, Program* p);
// The bias and per-channel words, per n tile, into the image (FP8 with S K slices: 4S bias words
// per n tile, WriteBiasFp32).
void WriteParams(const HwParams& hw, const FcLayer& l, Program* p, unsigned slices = 1);
// An int32, little-endian; returns the byte after it.
uint8_t* PutInt32(uint8_t* dst, int32_t v);
// [m_tile][steps][rows]; rows past M and steps past K (2:4 padding) hold the input zero point.
// int4w: m tiles of rows / 2 output rows, byte 2j + h of step s = x[m0 + j][2s + h]. K slices
// (slices = S > 1): m tiles of G = rows / S output rows, byte r of step s = x[m0 + r % G][S*s + r /
// G].
void WriteBlockedActivations(const HwParams& hw, const FcLayer& l, unsigned m_tiles, unsigned steps,
                             uint8_t* dst, unsigned slices = 1);

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

// Output-stationary (driver_os.cpp), shared by the os, K-split and 2:4 plans.
//
// The weight format: dense, or 2:4 (compressed values at weight_addr, positions at meta_addr).
// FP8 with a bias: each n tile's 4 bias words are loaded into one of `bias_slots` slots of 4
// weight words from `bias_word` (above the K chunks' words), and each tile starts with a
// bias_load COMPUTE of them.
// K slices (slices = S > 1, the gemv plan): an act word holds S K steps of rows / S output rows,
// and a COMPUTE step reads S consecutive weight words (K padded to S * ceil(K / S) with zero
// weights).
struct OsFormat {
  bool structured = false;
  uint64_t meta_addr = 0;
  unsigned bias_word = 0, bias_slots = 0;
  unsigned slices = 1;
};
// The os plan's hardware view and format for layer l: FP8 with a bias keeps the top 4 (two
// slots: 8) weight words for the bias words, so the K chunks plan over the rest.
HwParams OsPlanHw(const HwParams& hw, const FcLayer& l, OsFormat* f);
// Output-stationary: regions of `region_words` words (0: rows), two of each when they fit.
AccLayout ChooseAccLayout(const HwParams& hw, bool per_channel, unsigned region_words = 0);
// Words of one act half. 2:4 COMPUTEs start at even act addresses, so the 2:4 plan's halves are
// an even number of words.
unsigned ActHalf(const HwParams& hw, bool structured);
// Words of one weight half. A 2:4 chunk's positions are whole meta words (four weight words
// each), so the 2:4 plan's halves are a multiple of 4 words; with K slices, of S words.
unsigned WeightHalf(const HwParams& hw, bool structured, unsigned slices = 1);
// Act words per m tile: K, for the 2:4 plan K padded to a multiple of 8, for int4w ceil(K / 2),
// with S K slices ceil(that / S).
unsigned ActSteps(const FcLayer& l, bool structured, unsigned slices = 1);
// Output rows per m tile of the os layout: TileRows, with S K slices rows / S (int4w: half).
inline unsigned OsTileRows(const HwParams& hw, const FcLayer& l, unsigned slices) {
  return slices > 1 ? hw.rows / slices / (IsInt4w(l) ? 2 : 1) : TileRows(hw, l);
}
// Tiles, double buffering, resident act blocks and the K chunk, in act words, into `p` and
// `os`. 2:4 chunks are multiples of 8 act words (half as many weight and meta words) at even act
// addresses; returns false when no such chunk fits the scratchpads (the dense plan always fits).
// K slices (slices > 1): m tiles of rows / S output rows, a chunk's S * k_chunk weight words in
// a weight half.
bool PlanOs(const HwParams& hw, const FcLayer& l, bool structured, Program* p, OsParams* os,
            unsigned slices = 1);
// The regions of the os layout: activations [m_tile][ActSteps][rows], then the weights: dense
// [n_tile][K][cols] (K slices: [n_tile][S * ActSteps][cols]), or 2:4 values and (4 KB aligned)
// their positions in one region.
Regions OsRegions(const HwParams& hw, const FcLayer& l, bool structured, const Program& p,
                  unsigned slices = 1);
// The activations and weights into the laid-out image.
void WriteOsOperands(const HwParams& hw, const FcLayer& l, const OsFormat& f, Program* p);
std::vector<Command> TileCommands(const HwParams& hw, const FcLayer& l, const Program& p,
                                  const OsParams& os, const OsFormat& f);

// The K-split tiling (driver_split.cpp), for K too long to keep an m tile's activations resident
// (after PlanOs: p's tiles): chooses m_block x n_block tiles and the K chunk from the act and
// weight halves and the acc scratchpad (the block's regions and parameter slots; transposed:
// two sets of regions), by estimated cycles: a formula's, and with `mem` (not 2:4) the finalists
// timed on their command lists by EstimateOsCycles. Returns false when no block larger than one
// tile fits.
struct PlanMemory;
bool PlanSplit(const HwParams& hw, const FcLayer& l, bool structured, bool transposed, Program* p,
               SplitParams* sp, const PlanMemory* mem = nullptr);
std::vector<Command> TileCommandsSplit(const HwParams& hw, const FcLayer& l, const Program& p,
                                       const SplitParams& sp, const OsFormat& f);

// The 2:4 weights (driver_24.cpp): DRAM bytes of the compressed values and of their positions,
// and the writer of the values ([n_tile][Kp/2][cols]) and positions ([n_tile][Kp/2][cols/4]).
uint64_t Weight24Bytes(const HwParams& hw, const FcLayer& l, const Program& p);
uint64_t Meta24Bytes(const HwParams& hw, const FcLayer& l, const Program& p);
void WriteWeights24(const HwParams& hw, const FcLayer& l, const Program& p, uint8_t* values,
                    uint8_t* meta);

// Weight-stationary (driver_ws.cpp), shared by the ws and ws K-split plans.
unsigned WsKBlocks(const HwParams& hw, const FcLayer& l);  // ceil(K / rows)
// Acc layout for ws (also the im2col plan's): three parameter slots (the next tile's parameters
// load while the STORE of the tile before this one still reads its own) and two regions of as
// many rows as fit, else one of each.
AccLayout WsAccLayout(const HwParams& hw, bool per_channel, unsigned* region_rows);
// Tiles and the resident choice; always fits.
void PlanWs(const HwParams& hw, const FcLayer& l, Program* p, WsParams* ws);
// The ws layout (activations [k_block][M][rows], weights [n_tile][k_block][rows][cols]) into
// the laid-out image, with the parameters.
void LayOutWs(const HwParams& hw, const FcLayer& l, Program* p);

}  // namespace salsa
