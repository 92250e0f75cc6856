#include "cli/ref.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "salsa/layer_ref.h"
#include "salsa/layer_spec.h"
#include "salsa/npy.h"

namespace salsa::cli {

void AddRefOptions(CLI::App* app, RefOptions* opts) {
  app->add_option("--layer", opts->layer, "layer YAML file (docs/layers.md)")->required();
  app->add_option("--out", opts->out, "write the int8 output to this .npy file");
  app->add_option("--expected", opts->expected, "compare the output with this int8 .npy file");
  app->add_flag("--json", opts->json, "print one JSON object as the last line of stdout");
  app->add_flag("--quiet", opts->quiet, "print nothing but errors (and --json)");
  app->footer(
      "Exit status: 0 done (and equal to --expected), 1 differs from --expected, 2 bad input.");
}

int Ref(const RefOptions& opts) {
  LayerSpec spec;
  Int8Tensor expected, y;
  try {
    spec = LoadLayerSpec(opts.layer);
    if (!opts.expected.empty()) expected = LoadExpectedOutput(opts.expected, spec.output_shape);
    y = ref::LayerReference(spec);
    if (!opts.out.empty()) WriteNpy(opts.out, NpyArray::FromInt8(y.shape, y.data));
  } catch (const std::exception& e) {  // LayerSpecError, NpyError, std::invalid_argument
    std::cerr << "salsa ref: " << e.what() << "\n";
    return 2;
  }

  int64_t mismatches = 0, first = -1;
  for (size_t i = 0; i < expected.data.size(); ++i) {
    if (expected.data[i] != y.data[i]) {
      if (mismatches++ == 0) first = static_cast<int64_t>(i);
    }
  }
  if (!opts.quiet) {
    std::cout << "salsa ref: " << LayerOpName(spec.op) << " '" << spec.name << "' -> int8 "
              << ShapeString(y.shape);
    if (!opts.out.empty()) std::cout << " written to " << opts.out;
    std::cout << "\n";
    if (!opts.expected.empty()) {
      if (mismatches == 0) {
        std::cout << "salsa ref: equal to " << opts.expected << "\n";
      } else {
        const size_t f = static_cast<size_t>(first);
        std::cout << "salsa ref: " << mismatches << " of " << y.data.size()
                  << " elements differ from " << opts.expected << " (first at flat index " << f
                  << ": reference " << int(y.data[f]) << ", expected " << int(expected.data[f])
                  << ")\n";
      }
    }
  }
  if (opts.json) {
    nlohmann::json j;
    j["command"] = "ref";
    j["layer"] = opts.layer;
    j["op"] = LayerOpName(spec.op);
    j["name"] = spec.name;
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
