// Constrained-random runs for `salsa regress`: fc, layer, timing, fault and mixed generators.
#include "regress/random_layer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <sstream>
#include <stdexcept>

#include "salsa/npy.h"

namespace salsa::regress {

namespace {

using Rng = std::mt19937_64;

// Uniform integer in [lo, hi].
int64_t Uniform(Rng& rng, int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
}
bool Chance(Rng& rng, double p) { return static_cast<double>(rng() >> 11) * 0x1.0p-53 < p; }
template <typename T>
const T& Pick(Rng& rng, const std::vector<T>& v) {
  return v[rng() % v.size()];
}

std::string Num(double d) {
  std::ostringstream os;
  os << d;
  return os.str();
}

// The precisions the config builds, by their harness --precision names.
std::vector<std::string> BuiltPrecisions(const Config& cfg) {
  std::vector<std::string> out = {"int8"};
  if (cfg.Has(Precision::kInt4w)) out.push_back("w4a8");
  if (cfg.Has(Precision::kFp8E4M3)) out.push_back("fp8_e4m3");
  if (cfg.Has(Precision::kFp8E5M2)) out.push_back("fp8_e5m2");
  return out;
}

struct Shape {
  int64_t M = 1, K = 1, N = 1;
};

// M x K x N within the MAC budget (scaled by `budget_scale`): decode GEMVs (M = 1), odd sizes,
// K over several chunks and sometimes past the K-split threshold.
Shape DrawShape(Rng& rng, const Config& cfg, double budget_scale) {
  const int64_t rows = cfg.rows, cols = cfg.cols;
  const int64_t kmax = KSplitThreshold(cfg);
  Shape s;
  const double r = static_cast<double>(rng() % 1000) / 1000.0;
  if (r < 0.2) {  // decode: one row of activations
    s.M = 1;
    s.K = Uniform(rng, 1, std::min<int64_t>(kmax, 2500));
    s.N = Uniform(rng, 1, 6 * cols + 5);
  } else if (r < 0.3) {  // K past the act scratchpad: the K-split plan
    s.M = Uniform(rng, 1, 2 * rows + 3);
    s.K = Uniform(rng, kmax + 1, kmax + kmax / 8 + 1);
    s.N = Uniform(rng, 1, 2 * cols + 3);
  } else if (r < 0.5) {  // tiny and odd
    s.M = Uniform(rng, 1, rows + 3);
    s.K = Uniform(rng, 1, 40);
    s.N = Uniform(rng, 1, cols + 3);
  } else {  // general: several tiles, K over several chunks
    s.M = Uniform(rng, 1, 4 * rows + 7);
    s.K = Uniform(rng, 1, std::min<int64_t>(kmax, 1500));
    s.N = Uniform(rng, 1, 4 * cols + 7);
  }
  const auto budget = static_cast<int64_t>(static_cast<double>(MacBudget(cfg)) * budget_scale);
  while (s.M * s.K * s.N > budget && (s.M > 1 || s.N > 1)) {
    if (s.M >= s.N) {
      s.M = (s.M + 1) / 2;
    } else {
      s.N = (s.N + 1) / 2;
    }
  }
  return s;
}

std::string ShapeArg(const Shape& s) {
  return std::to_string(s.M) + "x" + std::to_string(s.K) + "x" + std::to_string(s.N);
}

// The fc generator's arguments: shape, precision and value distribution.
std::vector<std::string> FcArgs(Rng& rng, const Config& cfg, uint64_t seed, double budget_scale) {
  const Shape s = DrawShape(rng, cfg, budget_scale);
  std::vector<std::string> a = {"--shape", ShapeArg(s), "--seed", std::to_string(seed)};
  const std::vector<std::string> precs = BuiltPrecisions(cfg);
  // int8 in about half the seeds even when other precisions are built.
  const std::string prec =
      precs.size() == 1 || Chance(rng, 0.5) ? "int8" : precs[1 + rng() % (precs.size() - 1)];
  if (prec != "int8") a.insert(a.end(), {"--precision", prec});
  if (prec.rfind("fp8_", 0) == 0) {
    if (Chance(rng, 0.25)) a.push_back("--extremes");
    if (Chance(rng, 0.6)) {
      a.insert(a.end(),
               {"--output-dtype", Pick(rng, std::vector<std::string>{"float32", "bfloat16",
                                                                     "fp8_e4m3", "fp8_e5m2"})});
    }
    if (Chance(rng, 0.5)) {
      a.insert(a.end(),
               {"--output-scale",
                Pick(rng, std::vector<std::string>{"0.125", "1", "4", "64", "4096", "-0.5"})});
    }
    if (Chance(rng, 0.5)) a.insert(a.end(), {"--saturate", Chance(rng, 0.5) ? "on" : "off"});
  } else {
    const bool extremes = Chance(rng, 0.15);
    const bool unit = !extremes && Chance(rng, 0.15);
    if (extremes) a.push_back("--extremes");
    if (unit) a.push_back("--unit-scale");
    if (Chance(rng, 0.3)) a.push_back("--per-channel");
    const bool weights24 = prec == "int8" && Chance(rng, cfg.structured24 ? 0.5 : 0.15);
    if (weights24) a.push_back("--weights-2of4");
    if (Chance(rng, cfg.zero_skip ? 0.6 : 0.3)) {
      a.insert(a.end(), {"--sparsity", Pick(rng, std::vector<std::string>{"0", "0.25", "0.5",
                                                                          "0.75", "0.9", "1"})});
      std::vector<std::string> patterns = {"uniform", "clustered"};
      if (!extremes && !unit) patterns.push_back("relu");
      if (Chance(rng, 0.7)) a.insert(a.end(), {"--sparsity-pattern", Pick(rng, patterns)});
    }
    if (cfg.structured24 && weights24 && Chance(rng, 0.25))
      a.insert(a.end(), {"--structured", "off"});
  }
  if (cfg.zero_skip && Chance(rng, 0.3))
    a.insert(a.end(), {"--zero-skip", Chance(rng, 0.5) ? "on" : "off"});
  if (Chance(rng, 0.08)) a.push_back("--no-overlap");
  return a;
}

std::vector<std::string> TimingArgs(Rng& rng) {
  std::vector<std::string> a = {"--mem-latency", std::to_string(Uniform(rng, 0, 300))};
  if (Chance(rng, 0.5)) {
    a.insert(a.end(),
             {"--bw-cap", Pick(rng, std::vector<std::string>{"1", "0.75", "0.5", "0.25"})});
  }
  if (Chance(rng, 0.6))
    a.insert(a.end(), {"--backpressure", Num(static_cast<double>(Uniform(rng, 1, 50)) / 100.0)});
  if (Chance(rng, 0.5)) a.push_back("--axi-strict");
  return a;
}

std::vector<std::string> FaultArgs(Rng& rng, const Config& cfg, uint64_t seed) {
  const std::string fault =
      Pick(rng, std::vector<std::string>{"read", "write", "opcode", "range", "field"});
  // A small layer of a few tiles: the fault stops it early anyway.
  const int64_t M = Uniform(rng, 2, std::min<int64_t>(32, 2 * cfg.rows + 4));
  const int64_t K = Uniform(rng, 16, 300);
  const int64_t N = Uniform(rng, 2, std::min<int64_t>(32, 2 * cfg.cols + 4));
  std::vector<std::string> a = {
      "--shape", std::to_string(M) + "x" + std::to_string(K) + "x" + std::to_string(N),
      "--seed",  std::to_string(seed),
      "--fault", fault};
  if (Chance(rng, 0.3)) a.insert(a.end(), {"--mem-latency", std::to_string(Uniform(rng, 0, 200))});
  return a;
}

// A small fc layer (a fifth of the budget: it runs up to three times), DRAM timing in half the
// seeds, and a reset (two thirds) or an abort at a random point of it, given as a percentage of
// its cycles (the harness measures them with a first run), so that the points cover every phase.
std::vector<std::string> ResetArgs(Rng& rng, const Config& cfg, uint64_t seed) {
  std::vector<std::string> a = FcArgs(rng, cfg, seed, 0.2);
  if (Chance(rng, 0.5)) {
    const std::vector<std::string> t = TimingArgs(rng);
    a.insert(a.end(), t.begin(), t.end());
  }
  const int64_t permille = Uniform(rng, 1, 999);
  const std::string at = std::to_string(permille / 10) + "." + std::to_string(permille % 10) + "%";
  a.insert(a.end(), {Chance(rng, 2.0 / 3.0) ? "--reset-at" : "--abort-at", at});
  return a;
}

// ---- the layer generator: a layer file and its .npy tensors ---------------------------------

std::vector<int8_t> RandomInt8(Rng& rng, int64_t n) {
  std::vector<int8_t> v(static_cast<size_t>(n));
  for (auto& b : v) b = static_cast<int8_t>(rng());
  return v;
}

// Finite FP8 codes (no NaN/inf), a quarter of them +-0.
std::vector<uint8_t> RandomFp8(Rng& rng, int64_t n, bool e5m2) {
  std::vector<uint8_t> v(static_cast<size_t>(n));
  for (auto& b : v) {
    uint8_t c;
    do {
      c = static_cast<uint8_t>(rng());
    } while (e5m2 ? (c & 0x7C) == 0x7C : (c & 0x7F) == 0x7F);
    b = Chance(rng, 0.25) ? static_cast<uint8_t>(c & 0x80) : c;
  }
  return v;
}

std::vector<int32_t> RandomBias(Rng& rng, int64_t n) {
  std::vector<int32_t> v(static_cast<size_t>(n));
  for (auto& b : v) b = static_cast<int32_t>(Uniform(rng, -40000, 40000));
  return v;
}

// float32 biases of small magnitude (bit patterns).
std::vector<uint32_t> RandomFloatBias(Rng& rng, int64_t n) {
  std::vector<uint32_t> v(static_cast<size_t>(n));
  for (auto& b : v) {
    const float f = static_cast<float>(Uniform(rng, -4000, 4000)) / 64.0f;
    std::memcpy(&b, &f, 4);
  }
  return v;
}

// Collects a tensor file of the run (the bytes of its .npy).
struct LayerWriter {
  GeneratedRun* run;
  void Add(const std::string& name, const NpyArray& a) {
    run->files.push_back({name, SerializeNpy(a, name)});
  }
};

// int8 requantisation keys: per-tensor or per-channel multipliers and shifts, a shift that keeps
// outputs mostly inside int8 for the reduction length `k`.
std::string Int8Quant(Rng& rng, int64_t channels, int64_t k) {
  std::ostringstream y;
  y << "input_zero_point: " << Uniform(rng, -128, 127) << "\n";
  y << "output_zero_point: " << Uniform(rng, -20, 20) << "\n";
  if (Chance(rng, 0.2)) y << "act_min: " << Uniform(rng, -128, 0) << "\n";
  const int base =
      8 + static_cast<int>(std::log2(static_cast<double>(std::max<int64_t>(k, 1)))) / 2;
  const int64_t count = Chance(rng, 0.4) ? channels : 1;
  std::string mult, shift;
  for (int64_t c = 0; c < count; ++c) {
    mult +=
        (c ? ", " : "") + std::to_string(Uniform(rng, int64_t{1} << 30, (int64_t{1} << 31) - 1));
    shift += (c ? ", " : "") + std::to_string(-base - Uniform(rng, 0, 3));
  }
  y << "output_multiplier: [" << mult << "]\noutput_shift: [" << shift << "]\n";
  return y.str();
}

std::string FpKeys(Rng& rng, const std::string& dtype) {
  std::ostringstream y;
  y << "dtype: " << dtype << "\n";
  y << "output_dtype: "
    << Pick(rng, std::vector<std::string>{"float32", "bfloat16", "fp8_e4m3", "fp8_e5m2"}) << "\n";
  if (Chance(rng, 0.5))
    y << "output_scale: " << Pick(rng, std::vector<std::string>{"0.125", "2", "0.015625"}) << "\n";
  if (Chance(rng, 0.5)) y << "saturate: " << (Chance(rng, 0.5) ? "true" : "false") << "\n";
  return y.str();
}

void LayerFiles(Rng& rng, const Config& cfg, uint64_t seed, GeneratedRun* run,
                const std::string& dir) {
  LayerWriter w{run};
  std::vector<std::string> dtypes = {"int8"};
  if (cfg.Has(Precision::kFp8E4M3)) dtypes.push_back("fp8_e4m3");
  if (cfg.Has(Precision::kFp8E5M2)) dtypes.push_back("fp8_e5m2");
  const std::string dtype =
      dtypes.size() == 1 || Chance(rng, 0.5) ? "int8" : dtypes[1 + rng() % (dtypes.size() - 1)];
  const bool fp = dtype != "int8";
  const bool e5m2 = dtype == "fp8_e5m2";
  auto acts = [&](const std::string& name, std::vector<int64_t> shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    if (fp) {
      w.Add(name, NpyArray::FromUint8(std::move(shape), RandomFp8(rng, n, e5m2)));
    } else {
      w.Add(name, NpyArray::FromInt8(std::move(shape), RandomInt8(rng, n)));
    }
  };
  auto bias = [&](int64_t c) {
    if (fp) {
      w.Add("b.npy", NpyArray::FromFloat32Bits({c}, RandomFloatBias(rng, c)));
    } else {
      w.Add("b.npy", NpyArray::FromInt32({c}, RandomBias(rng, c)));
    }
  };
  const std::string op = Pick(
      rng, std::vector<std::string>{"fully_connected", "matmul", "conv2d", "depthwise_conv2d"});
  std::ostringstream y;
  y << "op: " << op << "\nname: random_" << op << "\n";
  int64_t channels = 1, k = 1;
  if (op == "fully_connected") {
    const Shape s = DrawShape(rng, cfg, 0.5);
    channels = s.N;
    k = s.K;
    acts("x.npy", {s.M, s.K});
    const bool int4 = !fp && cfg.Has(Precision::kInt4w) && Chance(rng, 0.4);
    if (int4) {
      std::vector<int8_t> packed = RandomInt8(rng, s.N * ((s.K + 1) / 2));
      if (s.K % 2 == 1) {
        for (int64_t n = 0; n < s.N; ++n) {
          auto& b = packed[static_cast<size_t>(n * ((s.K + 1) / 2) + (s.K + 1) / 2 - 1)];
          b = static_cast<int8_t>(b & 0x0F);
        }
      }
      w.Add("w.npy", NpyArray::FromInt8({s.N, (s.K + 1) / 2}, packed));
      y << "weights_dtype: int4\n";
    } else {
      acts("w.npy", {s.N, s.K});
    }
    y << "input: x.npy\nweights: w.npy\n";
    if (Chance(rng, 0.7)) {
      bias(s.N);
      y << "bias: b.npy\n";
    }
  } else if (op == "matmul") {
    const int batches = static_cast<int>(Uniform(rng, 0, 2));
    std::vector<int64_t> lead;
    for (int i = 0; i < batches; ++i) lead.push_back(Uniform(rng, 1, 3));
    const int64_t M = Uniform(rng, 1, 3 * cfg.rows + 3), K = Uniform(rng, 1, 200),
                  N = Uniform(rng, 1, 3 * cfg.cols + 3);
    std::vector<int64_t> sa = lead, sb = lead;
    sa.insert(sa.end(), {M, K});
    sb.insert(sb.end(), {K, N});
    acts("a.npy", sa);
    acts("b_mat.npy", sb);
    channels = N;
    k = K;
    y << "a: a.npy\nb: b_mat.npy\n";
  } else {
    const bool dw = op == "depthwise_conv2d";
    int64_t batch = Uniform(rng, 1, 2), H = Uniform(rng, 3, 12), W = Uniform(rng, 3, 12),
            C = Uniform(rng, 1, dw ? 8 : 12);
    int64_t KH = Uniform(rng, 1, 3), KW = Uniform(rng, 1, 3);
    // A fifth of the conv2d layers are deep: K = KH * KW * C between a quarter of the act
    // scratchpad's words and all of them, over 8-24 pixels a side (several bands of the on-chip
    // im2col plan, the second in the act scratchpad's upper half), so that a COMPUTE's act range
    // (its extent) and K differ past the act half (a zero-skip build once checked K there). Few
    // output channels keep them within the MAC budget.
    const bool deep = !dw && Chance(rng, 0.2);
    int64_t deep_channels = 0;
    if (deep) {
      KH = Uniform(rng, 3, 5);
      KW = Uniform(rng, 3, 5);
      const int64_t words = static_cast<int64_t>(cfg.act.Words());
      C = std::clamp<int64_t>(Uniform(rng, words / 4, words) / (KH * KW), 1, 4095);
      batch = 1;
      H = Uniform(rng, std::max<int64_t>(KH, 8), 24);
      W = Uniform(rng, std::max<int64_t>(KW, 8), 24);
      deep_channels = Uniform(rng, 1, cfg.cols);
      // At most the MAC budget (every input pixel an output one at most): rows of H, then
      // columns of W, then channels are dropped.
      const auto macs = [&] { return uint64_t(H * W * deep_channels * KH * KW * C); };
      while (macs() > MacBudget(cfg) && (H > KH || W > KW)) (H > KH ? H : W) -= 1;
      while (macs() > MacBudget(cfg) && C > 1) --C;
    }
    const int64_t sh = Uniform(rng, 1, 2), sw = Uniform(rng, 1, 2);
    int64_t dh = Uniform(rng, 1, 2), dwl = Uniform(rng, 1, 2);
    const bool same = Chance(rng, 0.5);
    if (!same) {  // VALID needs the dilated kernel inside the input
      if (dh * (KH - 1) + 1 > H) dh = 1;
      if (dwl * (KW - 1) + 1 > W) dwl = 1;
    }
    acts("x.npy", {batch, H, W, C});
    if (dw) {
      const int64_t m = Uniform(rng, 1, 3);
      channels = C * m;
      k = KH * KW;
      acts("w.npy", {1, KH, KW, channels});
      y << "depth_multiplier: " << m << "\n";
    } else {
      channels = deep ? deep_channels : Uniform(rng, 1, 3 * cfg.cols + 1);
      k = KH * KW * C;
      acts("w.npy", {channels, KH, KW, C});
    }
    y << "input: x.npy\nweights: w.npy\n";
    y << "stride: [" << sh << ", " << sw << "]\ndilation: [" << dh << ", " << dwl << "]\n";
    y << "padding: " << (same ? "same" : "valid") << "\n";
    if (Chance(rng, 0.7)) {
      bias(channels);
      y << "bias: b.npy\n";
    }
  }
  y << (fp ? FpKeys(rng, dtype) : Int8Quant(rng, channels, k));
  const std::string text = y.str();
  run->files.push_back({"layer.yaml", std::vector<uint8_t>(text.begin(), text.end())});
  run->args = {"--layer", dir + "/layer.yaml", "--seed", std::to_string(seed)};
  // Builds with on-chip im2col (ws, and os without 2:4): an int8 conv2d on the
  // im2col plan (forced in half the seeds, so that the small random layers the estimate would
  // give the GEMM plans run it too; os: stride-1 ones), or in software.
  const bool im2col = cfg.dataflow == Dataflow::kWeightStationary || cfg.OsConv();
  if (op == "conv2d" && !fp && im2col && Chance(rng, 0.7)) {
    run->args.insert(run->args.end(), {"--im2col", Chance(rng, 0.7) ? "always" : "off"});
  }
}

}  // namespace

uint64_t MacBudget(const Config& cfg) { return uint64_t{cfg.rows} * cfg.cols * 150000; }

int KSplitThreshold(const Config& cfg) { return static_cast<int>(cfg.act.Words()); }

GeneratedRun GenerateRun(const Config& cfg, const std::string& generator, uint64_t seed,
                         const std::string& run_dir) {
  Rng rng(seed);
  GeneratedRun run;
  run.generator = generator;
  if (generator == "mixed") {
    run.generator = Pick(rng, std::vector<std::string>{"fc", "layer", "timing", "fault"});
  }
  // Each generator starts at its own point of the seed's stream, so `fc` and `timing` of one seed
  // draw different layers.
  const std::vector<std::string> order = {"fc", "layer", "timing", "fault", "reset"};
  const auto pos = std::find(order.begin(), order.end(), run.generator);
  rng.discard(static_cast<unsigned long long>(pos - order.begin()) * 4096);
  if (run.generator == "fc") {
    run.args = FcArgs(rng, cfg, seed, 1.0);
  } else if (run.generator == "timing") {
    run.args = FcArgs(rng, cfg, seed, 0.4);
    const std::vector<std::string> t = TimingArgs(rng);
    run.args.insert(run.args.end(), t.begin(), t.end());
  } else if (run.generator == "fault") {
    run.args = FaultArgs(rng, cfg, seed);
  } else if (run.generator == "reset") {
    run.args = ResetArgs(rng, cfg, seed);
  } else if (run.generator == "layer") {
    LayerFiles(rng, cfg, seed, &run, run_dir);
    if (Chance(rng, 0.4)) {
      const std::vector<std::string> t = TimingArgs(rng);
      run.args.insert(run.args.end(), t.begin(), t.end());
    }
  } else {
    throw std::invalid_argument("unknown generator '" + generator + "'");
  }
  return run;
}

}  // namespace salsa::regress
