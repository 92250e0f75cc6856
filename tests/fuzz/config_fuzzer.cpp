// libFuzzer target: config text -> ParseConfig (docs/reliability.md). A ConfigError with a one-line
// message is the only accepted failure; a config that parses must have a canonical form that
// parses back to the same canonical form (docs/config.md, "Canonical form and hash").
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "salsa/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  salsa::Config cfg;
  try {
    cfg = salsa::ParseConfig(text, "fuzz.yaml");
  } catch (const salsa::ConfigError& e) {
    if (std::string(e.what()).find('\n') != std::string::npos) {
      std::fprintf(stderr, "ConfigError of more than one line: %s\n", e.what());
      std::abort();
    }
    return 0;
  }
  const std::string canonical = salsa::CanonicalConfig(cfg);
  try {
    const std::string again = salsa::CanonicalConfig(salsa::ParseConfig(canonical, "c.yaml"));
    if (again != canonical) {
      std::fprintf(stderr, "canonical form does not parse back to itself:\n%s---\n%s",
                   canonical.c_str(), again.c_str());
      std::abort();
    }
  } catch (const salsa::ConfigError& e) {
    std::fprintf(stderr, "canonical form rejected: %s\n%s", e.what(), canonical.c_str());
    std::abort();
  }
  return 0;
}
