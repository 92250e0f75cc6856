// Fully connected layers for tests and the harness: seeded random ones, and TFLite Micro vectors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "salsa/driver.h"
#include "salsa/reference.h"

namespace salsa {

// A random layer from std::mt19937_64(seed): int8 data with the extremes -128/127 present and a
// share of activations equal to the input zero point, bias on the scale of the accumulators, and a
// per-tensor output scale chosen from the accumulator range (QuantizeMultiplier) so the outputs
// span the int8 range with a few percent clipped at each end. Throws std::invalid_argument for
// sizes < 1.
enum class FcData {
  kRandom,     // as above
  kExtremes,   // activations, weights and the input zero point all -128 or 127; bias +-2^24
  kUnitScale,  // |x - zp| <= 1, |w| <= 1, small bias, real output multiplier exactly 1: every
               // accumulator unit shows in the output (catches off-by-one accumulation errors)
};
FcLayer MakeRandomFc(int M, int K, int N, uint64_t seed, FcData data = FcData::kRandom);

// ---------------------------------------------------------------------------------------------
// Low precision (issue 14; layer_gen_lowp.cpp). All draws are raw std::mt19937_64(seed) output,
// so a seed gives the same layer on every platform.

// A W4A8 layer: MakeRandomFc(M, K, N, seed, data) with prec kPrecInt4w and weights in -8..7
// (kRandom: -8 and 7 each about 5% of them, the rest uniform; kExtremes: only -8 and 7;
// kUnitScale: unchanged, |w| <= 1); a kRandom layer's bias and output scale are then chosen again
// from the new accumulators (ChooseRandomOutputQuant).
FcLayer MakeRandomInt4Fc(int M, int K, int N, uint64_t seed, FcData data = FcData::kRandom);

// What an FP8 layer's codes look like.
enum class Fp8Data {
  // Finite codes only: about 25% +-0 (0x00 / 0x80, the gate's zero), 10% subnormals, 60% values
  // of magnitude 2^-4 .. 2^4 (rounding and cancellation in the sums), 5% any finite code (up to
  // the largest finite value).
  kRandom,
  // The format's corners: +-largest finite, +-smallest subnormal and normal, +-0, and about 2%
  // NaN codes (E5M2 also +-inf), which the FP datapath must propagate as the reference does.
  kExtremes,
};
// An FP8 layer (prec kPrecFp8E4M3 or kPrecFp8E5M2) with input and weights of `data`, a float32
// bias (each the value of a finite code of the format, some -0.0) in half the seeds, and a seeded
// output: out_fmt uniform over float32, bfloat16, fp8_e4m3, fp8_e5m2; out_scale 1.0 in half the
// seeds, else +-2^e (e in -8..8) or a random float32 of that range; saturate on in half. Callers
// may overwrite out_fmt, out_scale and saturate. Throws std::invalid_argument for sizes < 1 or a
// prec that is not FP8.
FcLayer MakeRandomFp8Fc(int M, int K, int N, uint64_t seed, contract::Prec prec,
                        Fp8Data data = Fp8Data::kRandom);

// Reads one tflite-micro-fc JSON vector (see tests/data/tflite-micro-fc/README.md). Throws
// std::invalid_argument (one line naming the file) for an unreadable or malformed file, a nonzero
// weights zero point, which this hardware does not run. Per-channel vectors fill
// channel_multiplier/channel_shift.
FcLayer LoadTfliteVector(const std::string& json_path);
// The same on the file's text (`path` names it in messages); LoadTfliteVector reads at most
// kMaxVectorFileBytes (16 MiB) of a regular file and calls this.
FcLayer ParseTfliteVector(const std::string& text, const std::string& path);

// Turns a per-tensor layer into a per-channel one: channel n's real scale is the layer's times a
// seeded factor in [0.5, 2], converted with QuantizeMultiplier.
void MakePerChannel(FcLayer* layer, uint64_t seed);

// The quantisation of `layer` (per-tensor or per-channel) in the reference's terms.
ref::FcQuant RefQuant(const FcLayer& layer);

// salsa::ref::FullyConnected of `layer`: the bit-exact expected output, [M][N] (int8 and
// int4w layers).
std::vector<int8_t> ReferenceOutput(const FcLayer& layer);

// ---------------------------------------------------------------------------------------------
// Sparsity (issue 5). A zero activation is a *real* zero: the code equal to the input zero point
// (d = x - zero point = 0), not the code 0.

enum class SparsityPattern {
  kUniform,    // exactly round(z*M*K) zeros at positions picked by a seeded shuffle
  kClustered,  // the same count, in runs along K, and whole K columns zero in every row
  kRelu,       // input zero point -128; the other activations a quantised half-normal (ReLU of a
               // gaussian), exactly round(z*M*K) of them at -128
};
const char* SparsityPatternName(SparsityPattern p);  // "uniform", "clustered", "relu"
// "uniform", "clustered" or "relu"; false for anything else.
bool ParseSparsityPattern(const std::string& name, SparsityPattern* p);

// Rewrites layer->input (and, for kRelu, input_zero_point) so that exactly round(z*M*K)
// activations equal the input zero point and all others differ from it. Positions and values
// come from std::mt19937_64(seed) (portable: raw engine output only). Activations that stay
// non-zero keep their value unless it was the zero point; those are replaced by a seeded pick
// among the layer's other non-zero values (so --extremes and --unit-scale data keep their kind).
// The bias and output quantisation are not changed (see ChooseRandomOutputQuant). Throws
// std::invalid_argument for z outside [0, 1] (or NaN) or an empty layer.
void ApplyActivationSparsity(FcLayer* layer, double z, SparsityPattern pattern, uint64_t seed);

// kClustered's all-zero K columns: the number of K indices at which every row of the input is
// at the zero point (the K steps a zero-skipping array need not run).
int CountZeroColumns(const FcLayer& layer);

// Re-draws the bias and the per-tensor output quantisation of a kRandom layer from its current
// tensors, the way MakeRandomFc chooses them (outputs spread over the int8 range), e.g. after
// ApplyActivationSparsity or Prune2of4 changed the accumulators. Clears any per-channel
// quantisation. Deterministic in (tensors, seed).
void ChooseRandomOutputQuant(FcLayer* layer, uint64_t seed);

// 2:4 structured sparsity along K: in every group of 4 consecutive K values of a weight row
// (k = 4g .. 4g+3; the last group of a K that is not a multiple of 4 is partial) at most 2 are
// non-zero.
//
// Prune2of4 keeps the 2 of largest |w| in every group (ties: the lower k) and sets the others to
// 0. |-128| = 128 is the largest magnitude.
void Prune2of4(FcLayer* layer);
void Prune2of4(std::vector<int8_t>* weights, int64_t N, int64_t K);
bool Is2of4(const std::vector<int8_t>& weights, int64_t N, int64_t K);

// The compressed layout (docs/layers.md, weights_format: 2of4): per row, 2 values per group,
// [N][Compressed2of4Cols(K)] int8, and beside each value its position inside its group (0..3,
// the two positions of a group strictly increasing), [N][Compressed2of4Cols(K)] uint8. Position
// slots that fall beyond K in a partial last group are padding and must hold the value 0.
int64_t Compressed2of4Cols(int64_t K);  // ceil(K / 4) * 2

struct Compressed2of4 {
  std::vector<int8_t> values;  // [N][Compressed2of4Cols(K)]
  std::vector<uint8_t> meta;   // [N][Compressed2of4Cols(K)], each 0..3
};

// Compresses a dense [N][K] tensor that is 2:4 (throws std::invalid_argument if not, naming the
// row and group). A group's non-zero values keep their positions; a group with fewer than 2
// non-zeros is filled with zeros at its lowest free positions.
Compressed2of4 Compress2of4(const std::vector<int8_t>& dense, int64_t N, int64_t K);

// The first problem of a compressed tensor (empty `what` if there is none). `index` is the flat
// element index into values/meta it concerns (row index / cols, column index % cols), `in_values`
// tells which of the two tensors is at fault. Problems: sizes that are not N * cols, a position
// > 3, the two positions of a group not strictly increasing, a non-zero value at a position beyond
// K (in the padding of a partial last group).
struct Problem2of4 {
  std::string what;
  int64_t index = -1;
  bool in_values = false;
};
Problem2of4 Check2of4(const Compressed2of4& c, int64_t N, int64_t K);

// Dense [N][K] (zeros elsewhere). Throws std::invalid_argument with Check2of4's problem.
std::vector<int8_t> Decompress2of4(const Compressed2of4& c, int64_t N, int64_t K);

}  // namespace salsa
