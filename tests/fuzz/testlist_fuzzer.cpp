// libFuzzer target: test-list text -> ParseRegressList, then Expand (docs/reliability.md). A
// ListError with a one-line message is the only accepted failure; a list that parses must expand
// (with one random config standing for `random`) to one run per test, config and seed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_finding.h"
#include "regress/regress_list.h"

using salsa_fuzz::Finding;

namespace {

void CheckOneLine(const salsa::regress::ListError& e) {
  salsa_fuzz::RequireOneLine("ListError", e.what());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace rg = salsa::regress;
  const std::string text(reinterpret_cast<const char*>(data), size);
  rg::RegressList list;
  try {
    list = rg::ParseRegressList(text, "fuzz.yaml");
  } catch (const rg::ListError& e) {
    CheckOneLine(e);
    return 0;
  }
  rg::ExpandOptions opts;
  opts.random_configs = {"rand_1"};
  std::vector<rg::RunSpec> runs;
  try {
    runs = rg::Expand(list, opts);
  } catch (const rg::ListError& e) {
    CheckOneLine(e);
    return 0;
  }
  size_t want = 0;
  for (const rg::TestSpec& t : list.tests) want += t.configs.size() * t.seeds.size();
  if (runs.size() != want) {
    Finding(std::to_string(runs.size()) + " runs, expected " + std::to_string(want));
  }
  return 0;
}
