#include "bench/bench_layers.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <vector>

#include "salsa/npy.h"

namespace salsa::bench {

std::string WriteConvLayer(const std::string& dir, const BenchCase& c, uint64_t seed) {
  if (!c.conv || c.conv_h < 1 || c.conv_w < 1 || c.conv_c < 1 || c.conv_out < 1 || c.conv_k < 1) {
    throw std::invalid_argument("WriteConvLayer: '" + c.name + "' is not a valid conv case");
  }
  namespace fs = std::filesystem;
  const fs::path d(dir);
  std::mt19937_64 rng(seed);
  const int64_t H = c.conv_h, W = c.conv_w, C = c.conv_c, O = c.conv_out, k = c.conv_k;

  // Post-ReLU-like input: zero point -128, half the activations at it, the rest uniform above.
  std::vector<int8_t> x(static_cast<size_t>(H * W * C));
  std::bernoulli_distribution zero(0.5);
  std::uniform_int_distribution<int> pos(-127, 127);
  for (auto& v : x) v = static_cast<int8_t>(zero(rng) ? -128 : pos(rng));
  std::vector<int8_t> w(static_cast<size_t>(O * k * k * C));
  std::uniform_int_distribution<int> wd(-127, 127);
  for (auto& v : w) v = static_cast<int8_t>(wd(rng));
  std::vector<int32_t> b(static_cast<size_t>(O));
  std::uniform_int_distribution<int32_t> bd(-20000, 20000);
  for (auto& v : b) v = bd(rng);

  const std::string stem = c.name;
  WriteNpy((d / (stem + "_x.npy")).string(), NpyArray::FromInt8({1, H, W, C}, x));
  WriteNpy((d / (stem + "_w.npy")).string(), NpyArray::FromInt8({O, k, k, C}, w));
  WriteNpy((d / (stem + "_b.npy")).string(), NpyArray::FromInt32({O}, b));

  // Accumulator spread: about half the K = k*k*C taps are nonzero, |x - zp| ~ 148 rms, |w| ~ 73
  // rms. Scale it to ~48 output units rms around the output zero point.
  const double acc_rms = std::sqrt(0.5 * static_cast<double>(k * k * C)) * 148.0 * 73.0;
  const double input_scale = 0.05, weight_scale = 0.01;
  const double output_scale = input_scale * weight_scale * acc_rms / 48.0;
  char scales[160];
  std::snprintf(scales, sizeof scales,
                "input_scale: %.6g\nweight_scale: %.6g\noutput_scale: %.6g\n", input_scale,
                weight_scale, output_scale);

  const fs::path yaml = d / (stem + ".yaml");
  const fs::path tmp = d / (stem + ".yaml.tmp");
  {
    std::ofstream f(tmp);
    f << "# written by salsa bench (seed " << seed << ")\n"
      << "op: conv2d\nname: " << stem << "\ninput: " << stem << "_x.npy\nweights: " << stem
      << "_w.npy\nbias: " << stem << "_b.npy\nstride: 1\npadding: same\n"
      << "input_zero_point: -128\noutput_zero_point: -128\nact_min: -128\nact_max: 127\n"
      << scales;
    if (!f) throw std::invalid_argument("cannot write " + tmp.string());
  }
  fs::rename(tmp, yaml);
  return yaml.string();
}

}  // namespace salsa::bench
