// libFuzzer target: layer-file text -> ParseLayerSpec (docs/reliability.md), as if the file were in
// tests/fuzz/tensors/, whose small .npy tensors the seeds name (SALSA_FUZZ_TENSOR_DIR). A
// LayerSpecError with a one-line message is the only accepted failure; a layer that loads must
// report its output shape.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "salsa/layer_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = std::string(SALSA_FUZZ_TENSOR_DIR) + "/fuzz.yaml";
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const salsa::LayerSpec spec = salsa::ParseLayerSpec(text, path);
    (void)salsa::LayerOutputShape(spec);
  } catch (const salsa::LayerSpecError& e) {
    if (std::string(e.what()).find('\n') != std::string::npos) {
      std::fprintf(stderr, "LayerSpecError of more than one line: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}
