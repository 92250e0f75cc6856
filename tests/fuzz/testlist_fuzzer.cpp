// libFuzzer target: test-list text -> ParseRegressList, then Expand (docs/reliability.md). A
// ListError with a one-line message is the only accepted failure; a list that parses must expand
// (with one random config standing for `random`) to one run per test, config and seed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "regress/regress_list.h"

namespace {

[[noreturn]] void Finding(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::abort();
}

void CheckOneLine(const salsa::regress::ListError& e) {
  if (std::string(e.what()).find('\n') != std::string::npos) {
    Finding("ListError of more than one line: " + std::string(e.what()));
  }
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
