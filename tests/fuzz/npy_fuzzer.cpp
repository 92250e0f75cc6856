// libFuzzer target: bytes -> ParseNpy (docs/reliability.md). An NpyError with a one-line message
// is the only accepted failure; an array that parses must give its elements and serialise back to
// an equal array.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_finding.h"
#include "salsa/npy.h"

using salsa_fuzz::Finding;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  salsa::NpyArray a;
  try {
    a = salsa::ParseNpy(bytes, "fuzz.npy");
  } catch (const salsa::NpyError& e) {
    salsa_fuzz::RequireOneLine("NpyError", e.what());
    return 0;
  }
  const int64_t n = a.NumElements();
  if (static_cast<uint64_t>(n) * a.ItemSize() != a.bytes.size()) {
    Finding("element count " + std::to_string(n) + " does not match " +
            std::to_string(a.bytes.size()) + " data bytes");
  }
  size_t got = 0;
  if (a.dtype == "i1") got = a.Int8().size();
  if (a.dtype == "u1") got = a.Uint8().size();
  if (a.dtype == "u2") got = a.Uint16().size();
  if (a.dtype == "i4") got = a.Int32().size();
  if (a.dtype == "f4") got = a.Float32Bits().size();
  if (got != static_cast<size_t>(n)) Finding("accessor of dtype " + a.dtype + " size mismatch");
  const salsa::NpyArray b = salsa::ParseNpy(salsa::SerializeNpy(a), "round-trip.npy");
  if (b.dtype != a.dtype || b.shape != a.shape || b.bytes != a.bytes) {
    Finding("serialised array does not read back equal");
  }
  return 0;
}
