// `salsa ref`: the TFLite-exact reference output of a layer file, without RTL (docs/layers.md).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace salsa::cli {

struct RefOptions {
  std::string layer;     // layer YAML file
  std::string out;       // output .npy (int8); empty: not written
  std::string expected;  // .npy to compare with; empty: none
  bool json = false;     // one JSON object as the last line of stdout
  bool quiet = false;
};

void AddRefOptions(CLI::App* app, RefOptions* opts);

// Loads and checks the layer (and the expected file), computes the reference, writes --out, then
// compares with --expected. Returns 0 (done / match), 1 (differs from --expected) or 2 (bad input:
// a one-line message on stderr, nothing written).
int Ref(const RefOptions& opts);

}  // namespace salsa::cli
