// `salsa regress` test lists (docs/regress.md): the YAML list of tests (configs x generator x
// seeds, or a fixed harness command) and its expansion into runs.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace salsa::regress {

// Bad list or bad flags. what() is one line:
//   "<file>:<line>:<col>: <key>: <problem>; accepted: <what is accepted>"
class ListError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The constrained-random generators (random_layer.h), in the order docs/regress.md lists them.
const std::vector<std::string>& GeneratorNames();  // fc, layer, timing, fault, mixed

// The `configs` entry that stands for the --random-configs N configs.
inline constexpr const char* kRandomConfigs = "random";

// The most runs a list may have, configs x seeds summed over its tests (ParseRegressList, with
// `random` as one config) and as Expand would make them before --filter (with --seeds and
// --random-configs): a list of a few KiB could otherwise ask for billions (docs/reliability.md).
inline constexpr uint64_t kMaxRuns = 1000000;

struct TestSpec {
  std::string name;                  // [a-z0-9_]+, unique in the list
  std::vector<std::string> configs;  // preset names, config paths, or "random"
  std::string generator;             // one of GeneratorNames(); empty with `args`
  std::string args;                  // a fixed harness command (generator runs: empty)
  std::string equiv;                 // or `salsa equiv` arguments ({config}: the config's label)
  std::vector<uint64_t> seeds;       // generator runs: the seeds (default {1}); args runs: {0}
  int timeout_s = 0;                 // 0: the list's timeout_s
};

struct RegressList {
  std::string path;  // as given (messages)
  std::string suite;
  int timeout_s = 120;
  std::vector<TestSpec> tests;
};

// Parses and validates a list; `path` is used in messages only. Throws ListError.
RegressList ParseRegressList(const std::string& text, const std::string& path);
// Reads the file, then ParseRegressList. A missing file is a ListError.
RegressList LoadRegressList(const std::string& path);

// One run of the expanded list.
struct RunSpec {
  std::string test;
  std::string config;     // the `configs` entry: preset name or path as written, or rand_<seed>
  std::string generator;  // empty for a fixed-args run
  std::string args;       // the fixed args
  std::string equiv;      // the `salsa equiv` args (an equivalence run: no harness)
  uint64_t seed = 0;      // 0 for a fixed-args or equivalence run
  int timeout_s = 0;
  // "<test>/<config label>/s<seed>": the run's directory under <out>/runs and its name in the
  // reports. The label is the preset name, or the config file's stem.
  std::string Id() const;
  std::string ConfigLabel() const;
};

struct ExpandOptions {
  int seeds = 0;                            // > 0: seeds 1..N for every generator test (--seeds)
  uint64_t seed_base = 0;                   // added to every generator seed (--seed-base)
  int timeout_s = 0;                        // > 0: every run's timeout (--timeout)
  std::vector<std::string> random_configs;  // what `random` expands to: rand_<seed> names
  std::string filter;                       // ECMAScript regex searched in Id(); empty: every run
};

// Every (test, config, seed), in list order. Throws ListError for a bad --filter regex, or when
// the list and options make more than kMaxRuns runs before the filter (nothing expanded).
std::vector<RunSpec> Expand(const RegressList& list, const ExpandOptions& opts);

}  // namespace salsa::regress
