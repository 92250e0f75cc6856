#include "cli/ref.h"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "salsa/layer_ref.h"
#include "salsa/layer_spec.h"
#include "salsa/npy.h"

namespace salsa::cli {

void AddRefOptions(CLI::App* app, RefOptions* opts) {
  app->add_option("--layer", opts->layer, "layer YAML file (docs/layers.md)")->required();
  app->add_option("--out", opts->out,
                  "write the output to this .npy file: int8, or for FP8 layers float32, uint16 "
                  "(bf16 codes) or uint8 (fp8 codes) per output_dtype");
  app->add_option("--expected", opts->expected,
                  "compare the output with this .npy file (the output's dtype and shape)");
  app->add_flag("--json", opts->json, "print one JSON object as the last line of stdout");
  app->add_flag("--quiet", opts->quiet, "print nothing but errors (and --json)");
  app->footer(
      "Exit status: 0 done (and equal to --expected), 1 differs from --expected, 2 bad input.");
}

namespace {

// The reference output of any layer as flat elements widened to 32 bits (int8 values
// sign-extended) with its shape and element type, and the --expected file's.
struct Output {
  std::vector<int64_t> shape;
  std::vector<uint32_t> data;
  NpyArray npy;
};

Output Reference(const LayerSpec& spec) {
  Output o;
  if (IsFp8(spec.dtype)) {
    const FpTensor y = ref::LayerReferenceFp(spec);
    o.shape = y.shape;
    o.data = y.data;
    o.npy = FpOutputToNpy(y, spec.out_fmt);
  } else {
    const Int8Tensor y = ref::LayerReference(spec);
    o.shape = y.shape;
    for (int8_t v : y.data) o.data.push_back(static_cast<uint32_t>(int32_t{v}));
    o.npy = NpyArray::FromInt8(y.shape, y.data);
  }
  return o;
}

std::vector<uint32_t> Expected(const LayerSpec& spec, const std::string& path) {
  if (IsFp8(spec.dtype)) return LoadExpectedOutputFp(path, spec.output_shape, spec.out_fmt).data;
  std::vector<uint32_t> out;
  for (int8_t v : LoadExpectedOutput(path, spec.output_shape).data) {
    out.push_back(static_cast<uint32_t>(int32_t{v}));
  }
  return out;
}

// An element for messages: the int8 value, or the FP bits.
std::string Element(const LayerSpec& spec, uint32_t v) {
  if (!IsFp8(spec.dtype)) return std::to_string(static_cast<int32_t>(v));
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

}  // namespace

int Ref(const RefOptions& opts) {
  LayerSpec spec;
  Output y;
  std::vector<uint32_t> expected;
  try {
    spec = LoadLayerSpec(opts.layer);
    if (!opts.expected.empty()) expected = Expected(spec, opts.expected);
    y = Reference(spec);
    if (!opts.out.empty()) WriteNpy(opts.out, y.npy);
  } catch (const std::exception& e) {  // LayerSpecError, NpyError, std::invalid_argument
    std::cerr << "salsa ref: " << e.what() << "\n";
    return 2;
  }
  const char* dtype = OutputDtypeName(spec.out_fmt);

  int64_t mismatches = 0, first = -1;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] != y.data[i]) {
      if (mismatches++ == 0) first = static_cast<int64_t>(i);
    }
  }
  if (!opts.quiet) {
    std::cout << "salsa ref: " << LayerOpName(spec.op) << " '" << spec.name << "' -> " << dtype
              << " " << ShapeString(y.shape);
    if (!opts.out.empty()) std::cout << " written to " << opts.out;
    std::cout << "\n";
    if (!opts.expected.empty()) {
      if (mismatches == 0) {
        std::cout << "salsa ref: equal to " << opts.expected << "\n";
      } else {
        const size_t f = static_cast<size_t>(first);
        std::cout << "salsa ref: " << mismatches << " of " << y.data.size()
                  << " elements differ from " << opts.expected << " (first at flat index " << f
                  << ": reference " << Element(spec, y.data[f]) << ", expected "
                  << Element(spec, expected[f]) << ")\n";
      }
    }
  }
  if (opts.json) {
    nlohmann::json j;
    j["command"] = "ref";
    j["layer"] = opts.layer;
    j["op"] = LayerOpName(spec.op);
    j["name"] = spec.name;
    j["dtype"] = LayerDtypeName(spec.dtype);
    j["output_dtype"] = dtype;
    j["output_shape"] = y.shape;
    j["out"] = opts.out.empty() ? nlohmann::json(nullptr) : nlohmann::json(opts.out);
    if (!opts.expected.empty()) {
      j["expected"] = opts.expected;
      j["mismatches"] = mismatches;
    }
    j["pass"] = mismatches == 0;
    std::cout << j.dump() << "\n";
  }
  return mismatches == 0 ? 0 : 1;
}

}  // namespace salsa::cli
