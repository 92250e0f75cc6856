// The tiler: turns one int8 fully connected layer into a DRAM image and a command list for salsa.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "salsa/command.h"
#include "salsa/hw_params.h"

namespace salsa {

// One fully connected layer, out[m][n] = requant(sum_k (in[m][k] - input_zp) * w[n][k] + bias[n]),
// with per-tensor or per-channel requantisation and symmetric weights (weights zero point 0).
//
// Precision (`prec`, the COMPUTE datapath; docs/numerics.md):
// - kPrecInt8: as above.
// - kPrecInt4w (W4A8): the same int8 semantics; `weights` holds the unpacked values, each in
//   -8..7 (the driver packs two per byte along K, TFLite's int4 order).
// - kPrecFp8E4M3 / kPrecFp8E5M2: `input` and `weights` hold raw FP8 codes (bytes reinterpreted as
//   int8); `bias_fp32` (N FP32 bit patterns, or empty) is each output's starting value (else
//   +0.0); out = convert(out_scale * acc) to `out_fmt` (kOutFp32 .. kOutFp8E5M2, never kOutInt8)
//   with `saturate`; the int8 fields (bias, zero points, multipliers, clamp) are unused.
// A conv2d that was lowered to the GEMM below by im2col (M = batch * out_h * out_w output pixels,
// K = k_h * k_w * in_c in (ky, kx, c) order): its geometry and its NHWC input, so that a plan
// can build the im2col rows on chip instead (plan "ws im2col", driver_conv.cpp).
struct ConvShape {
  int depth_multiplier = 0;  // depthwise_conv2d: >= 1 (output channel o reads input o / m)
  int batch = 0, in_h = 0, in_w = 0, in_c = 0, k_h = 0, k_w = 0, out_h = 0, out_w = 0;
  int stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1, pad_top = 0, pad_left = 0;
  std::vector<int8_t> input;  // [batch][in_h][in_w][in_c]
};

struct FcLayer {
  std::string name;
  std::shared_ptr<const ConvShape> conv;  // set for a conv2d's im2col GEMM
  int M = 0, K = 0, N = 0;
  contract::Prec prec = contract::kPrecInt8;
  std::vector<uint32_t> bias_fp32;                // FP8: [N] FP32 bits, or empty for +0.0
  contract::OutFmt out_fmt = contract::kOutInt8;  // FP8: kOutFp32, kOutBf16, kOutFp8E4M3/E5M2
  uint32_t out_scale = 0x3F800000;                // FP8: FP32 bits of the output scale (1.0f)
  bool saturate = false;                          // FP8 outputs: overflow to the largest finite
  std::vector<int8_t> input;                      // [M][K] row-major
  std::vector<int8_t> weights;                    // [N][K] row-major (TFLite filter layout)
  std::vector<int32_t> bias;                      // [N], or empty for zeros
  int32_t input_zero_point = 0;
  int32_t output_multiplier = 0;
  int output_shift = 0;  // TFLite convention: > 0 shifts left
  // Per-channel requantisation: N multipliers and N shifts (same conventions), which then replace
  // output_multiplier/output_shift. Empty: per-tensor.
  std::vector<int32_t> channel_multiplier;
  std::vector<int32_t> channel_shift;
  int32_t output_zero_point = 0;
  int32_t act_min = -128;
  int32_t act_max = 127;
  std::vector<int8_t> expected;  // [M][N] golden from an external source; empty if none
  // FP8 layers: the expected output elements, each an FP32 / bf16 / FP8 bit pattern widened to
  // 32 bits; empty if none.
  std::vector<uint32_t> expected_fp;
};

// The parameters of each plan (the tiler runs one plan per layer, chosen in driver.cpp; a
// Program holds the chosen plan's).
//
// Output-stationary, resident or streamed (plan "os", driver_os.cpp; also the unsplit tiling of
// the 2:4 plan).
struct OsParams {
  bool double_buffer = false;  // K chunks and act blocks alternate between scratchpad halves
  bool act_resident = false;   // an m tile's activations (all of K) are loaded once per block
  unsigned m_block = 1;        // m tiles per block (they share each n tile's weight load)
  // K slices (plan "gemv", driver_gemv.cpp): the array's rows form `slices` slices of
  // rows / slices output rows, each taking every slices-th K step (1: the plain os mapping).
  unsigned slices = 1;
};
// Output-stationary K-split (plan "os K-split", driver_split.cpp; also the 2:4 plan's split
// tiling): K chunks of k_chunk act words, partial sums added in the acc scratchpad, over blocks
// of m_block x n_block tiles that share each chunk's loads.
// Transposed (per-tensor only): the array computes out^T = W x^T, rows over N and cols over M,
// when that wastes fewer PE rows on padding. The weights are the act operand, the input the
// weight operand with its zero point folded into the bias; the bias is per array row, preloaded
// into the acc regions (row_bias_addr: int32 [N rounded up to rows][cols], the bias of n in
// every lane), and out_addr holds [N][M] (ReadOutput transposes it back).
struct SplitParams {
  unsigned m_block = 1, n_block = 1;
  uint64_t cycles = 0;  // the plan's cycle estimate (what chose it)
  bool transposed = false;
  uint64_t row_bias_addr = 0;
};
// Weight-stationary (plan "ws", driver_ws.cpp).
struct WsParams {
  unsigned m_tile_rows = 0;    // output rows per m tile (streamed per COMPUTE)
  bool double_buffer = false;  // loads alternate between scratchpad halves
  bool act_resident = false;   // an m tile's activations (all K blocks) are loaded once
  bool weights_once = false;   // an n tile's weights for all K blocks in one LOAD
};
// Weight-stationary K-split (plan "ws K-split", driver_ws_split.cpp): chunks of K blocks
// (k_chunk K steps) whose act LOAD serves n_block n tiles, m tiles of m_tile_rows.
struct WsSplitParams {
  unsigned m_tile_rows = 0, n_block = 1;
};
// Zero-skip (plan "zero-skip", driver_skip.cpp): weights are [n_group][K][step], groups of
// `group` n tiles (step = their cols bytes rounded up to the bus width); K is split into pieces
// of `piece` act words (one SCAN each), a piece's index list into chunks of at most `entries`
// entries (a third of the weight scratchpad each); acc_groups groups' acc regions and parameters
// fit the acc scratchpad at once.
struct SkipParams {
  unsigned group = 0, entries = 0, piece = 0, acc_groups = 0;
  bool double_buffer = false;  // act pieces alternate between the act halves
  // K slices (zero_skip + gemv_slices builds, int8, M <= rows / gemv_slices): S = gemv_slices,
  // SCANs pack the listed act lanes, gathers use the sliced layout, COMPUTEs take S entries a
  // step (driver_skip.cpp); 1 = off.
  unsigned slices = 1;
};
// 2:4 (plan "2:4", driver_24.cpp, sparsity.structured "2:4"): K is padded to Kp, a multiple of
// 8; activations are [m_tile][Kp][rows], weights compressed to [n_tile][Kp/2][cols] (two values
// per group of four K steps) with their positions at meta_addr, [n_tile][Kp/2][cols/4]. k_chunk
// counts act words (a multiple of 8); a chunk's weights and meta are k_chunk/2 words each. The
// tiling is the os plan's or the K-split plan's.
struct Params24 {
  uint64_t meta_addr = 0;
  std::variant<OsParams, SplitParams> tiling;
};
// Weight-stationary im2col (plan "ws im2col", driver_conv.cpp): the input stays NHWC in DRAM
// ([batch][in_h][in_w][cb * rows], channels past in_c the zero point) and COMPUTEs with the conv
// flag read each output pixel's input words from it in the act scratchpad. Work items are bands
// of band_rows output rows (all out_w columns) times n tiles, bands outer or (n_outer) n tiles
// outer; an image is held whole (image_resident) or group_rows output rows' input (one halo) at a
// time in an act half, split into bands of at most band_rows rows; an n tile's
// weights, [n_tile][ky][kx][cb][rows][cols], in chunks of chunk_taps taps (all resident when
// weights_resident).
struct ConvPlanParams {
  unsigned cb = 0, band_rows = 0, group_rows = 0, bands = 0, chunk_taps = 0;
  unsigned nc = 0;  // channel blocks per tap an n tile reads (cb; depthwise: its channels')
  bool image_resident = false, weights_resident = false, n_outer = false;
};
// Output-stationary im2col (plan "os im2col", driver_conv_os.cpp, docs/conv.md): the input is
// in DRAM as one plane per (image, channel) of in_h rows of `pitch` bytes (in_w, or in_w plus
// zero-point columns when the lanes' columns are not masked); an act word of a COMPUTE is `rows`
// consecutive output pixels' bytes of one channel at one tap. Bands of output rows; each band's
// planes are loaded once and every n tile runs over them.
struct OsConvPlanParams {
  unsigned pitch = 0, plane_words = 0;  // bytes per stored input row; act words per plane
  unsigned band_rows = 0, bands = 0;    // output rows per band (one may be shorter); per image
  unsigned chunk_taps = 0, chunks = 0;  // taps per weight chunk (a weight half), chunks per n tile
  bool xmask = false;                   // lanes' columns masked (pitch = in_w)
  bool act_double = false;              // two bands' planes fit: the next loads meanwhile
  bool weights_resident = false;        // every n tile's weights stay in the weight scratchpad
  // n tiles [0, resident_nt) keep their weights in the weight scratchpad (all of them when
  // weights_resident); the others' stream per band through two halves of the words after them.
  unsigned resident_nt = 0;
  // One band at a time (not act_double): the first and last n tile of a band compute each group
  // in two COMPUTEs over the channel halves [0, C/2) and [C/2, C) (the second adding in the acc
  // scratchpad), and the band's planes load as two LOADs of those halves, so the next band's
  // first half loads while the last n tile's last group computes the second (their weights are
  // stored half by half).
  bool split = false;
  // The shorter band (OH % band_rows rows) is the image's last, not its first (split bands of
  // one image: the last band's window ends at the plane's end, so its LOAD reads only its rows).
  bool remainder_last = false;
};
using PlanParams = std::variant<OsParams, SplitParams, WsParams, WsSplitParams, SkipParams,
                                Params24, ConvPlanParams, OsConvPlanParams>;

struct Program {
  std::vector<uint8_t> dram;  // the whole DRAM image, address 0 = dram[0]
  uint64_t cmd_base = 0;      // command list
  uint32_t cmd_count = 0;
  uint64_t act_addr = 0;     // activations (the plan's layout)
  uint64_t weight_addr = 0;  // weights (the plan's layout)
  uint64_t bias_addr = 0;    // bias, int32, [n_tile][cols]
  uint64_t quant_addr = 0;   // per-channel only: int32 [n_tile][multipliers cols, shifts cols]
  uint64_t out_addr = 0;     // output, int8 row-major [M][N] ([N][M] when transposed)
  contract::OutFmt out_fmt = contract::kOutInt8;  // FP8 layers: elements of OutFmtBytes bytes
  unsigned m_tiles = 0, n_tiles = 0;              // output tiles
  unsigned k_chunk = 0;  // K steps per chunk (zero-skip: index-list entries per chunk)
  bool overlap = true;   // DriverOptions::overlap
  std::string plan;      // the chosen plan's name
  PlanParams params;     // the chosen plan's parameters
  // Which plan ran, read from `params`: zero-skip, 2:4, K-split (os, 2:4 or ws) and transposed
  // (os K-split).
  bool zero_skip() const { return std::holds_alternative<SkipParams>(params); }
  bool structured() const { return std::holds_alternative<Params24>(params); }
  bool k_split() const {
    const Params24* p24 = std::get_if<Params24>(&params);
    return std::holds_alternative<SplitParams>(params) ||
           std::holds_alternative<WsSplitParams>(params) ||
           (p24 != nullptr && std::holds_alternative<SplitParams>(p24->tiling));
  }
  bool transposed() const {
    const SplitParams* split = std::get_if<SplitParams>(&params);
    return split != nullptr && split->transposed;
  }
  // K slices of the gemv plan (1 for every other plan): an FP8 layer's sum order depends on it.
  unsigned slices() const {
    if (const OsParams* os = std::get_if<OsParams>(&params)) return os->slices;
    if (const SkipParams* sp = std::get_if<SkipParams>(&params)) return sp->slices;
    return 1u;
  }
  std::vector<Command> cmds;  // the same commands as in dram at cmd_base
};

// Checks the layer and the parameters and builds the program. Throws std::invalid_argument with a
// one-line message for a layer the hardware cannot run (or inconsistent sizes).
struct DriverOptions {
  // false: a SYNC after every COMPUTE and STORE, so nothing overlaps (the reference point the
  // overlap regression test compares against).
  bool overlap = true;
  // On hardware with sparsity.zero_skip: the zero-skip tiler (SCAN, gather LOADs, indexed
  // COMPUTEs; falls back to the dense tiler when its buffers do not fit). false: the dense tiler.
  bool zero_skip = true;
  // The zero-skip tiler also for layers of more than one m tile (M > rows). By default those run
  // densely: a K step is skipped only when every row in flight is zero, and the weights are
  // gathered once per m tile, so batched layers gain little and lose weight reuse.
  bool zero_skip_batched = false;
  // On hardware with sparsity.structured "2:4" and a layer whose weights are 2:4 along K (at most
  // two non-zeros in every group of four K steps of every output channel): the 2:4 tiler
  // (compressed weights, meta LOADs, 2:4 COMPUTEs). false, or weights that are not 2:4: the dense
  // tiler.
  bool structured = true;
  // On weight-stationary hardware and a conv2d's GEMM: the im2col plan (input read from NHWC
  // once, im2col rows built on chip) when its estimate beats the GEMM plans'. false: im2col in
  // software (the GEMM plans).
  bool im2col = true;
  // With im2col: the im2col plan whenever its buffers fit, whatever the estimate (tests).
  bool im2col_always = false;
  // The memory system the tiler's timing estimates assume (plan_estimate.h): DRAM latency in
  // cycles and the share of the bus's beats per cycle (the harness passes its --mem-latency and
  // --bw-cap; firmware, its platform's).
  uint64_t mem_latency = 100;
  double bw_cap = 1.0;
};
Program BuildFcProgram(const HwParams& hw, const FcLayer& layer, const DriverOptions& opts = {});
// Whether BuildFcProgram runs this conv GEMM (FcLayer::conv set) on the on-chip im2col plan.
bool Im2colRuns(const HwParams& hw, const FcLayer& layer, const DriverOptions& opts = {});

// The int8 [M][N] output region of `dram` (an image laid out by `prog`).
std::vector<int8_t> ReadOutput(const Program& prog, const std::vector<uint8_t>& dram, int M, int N);

// Bytes per output element of `fmt`: 1 (int8, fp8), 2 (bf16), 4 (fp32).
unsigned OutFmtBytes(contract::OutFmt fmt);
// An FP8 layer's [M][N] output elements (row-major, little-endian, OutFmtBytes(prog.out_fmt)
// bytes each at out_addr), each widened to 32 bits.
std::vector<uint32_t> ReadOutputFp(const Program& prog, const std::vector<uint8_t>& dram, int M,
                                   int N);

}  // namespace salsa
