// libFuzzer target: TFLite vector JSON -> ParseTfliteVector (docs/reliability.md). An
// std::invalid_argument with a one-line message is the only accepted failure; a vector that
// parses must have the sizes of its batches, in_features and out_features.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "fuzz_finding.h"
#include "salsa/layer_gen.h"

using salsa_fuzz::Finding;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  salsa::FcLayer l;
  try {
    l = salsa::ParseTfliteVector(text, "fuzz.json");
  } catch (const std::invalid_argument& e) {
    salsa_fuzz::RequireOneLine("error", e.what());
    return 0;
  }
  const size_t M = static_cast<size_t>(l.M), K = static_cast<size_t>(l.K);
  const size_t N = static_cast<size_t>(l.N);
  const bool per_channel = !l.channel_multiplier.empty() || !l.channel_shift.empty();
  if (l.M < 1 || l.K < 1 || l.N < 1 || l.input.size() != M * K || l.weights.size() != N * K ||
      (!l.bias.empty() && l.bias.size() != N) ||
      (per_channel && (l.channel_multiplier.size() != N || l.channel_shift.size() != N)) ||
      (!l.expected.empty() && l.expected.size() != M * N)) {
    Finding("vector sizes inconsistent with M = " + std::to_string(l.M) +
            ", K = " + std::to_string(l.K) + ", N = " + std::to_string(l.N));
  }
  return 0;
}
