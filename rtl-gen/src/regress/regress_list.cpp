// `salsa regress` test lists: parsing, validation and expansion (regress_list.h).
#include "regress/regress_list.h"

#include <filesystem>
#include <regex>
#include <set>

#include "salsa/file_read.h"
#include "salsa/yaml_diag.h"

namespace salsa::regress {
namespace fs = std::filesystem;
namespace yd = salsa::yaml_diag;

namespace {

using Reporter = yd::Reporter<ListError>;

const std::vector<std::string> kListKeys = {"suite", "timeout_s", "tests"};
const std::vector<std::string> kTestKeys = {"name", "configs", "generator", "seeds",
                                            "args", "equiv",   "timeout_s"};
constexpr int kMaxTimeout = 86400;
constexpr uint64_t kMaxSeedCount = 10000;

yd::Entries EntriesOf(const Reporter& rep, const YAML::Node& map,
                      const std::vector<std::string>& accepted, const std::string& where) {
  yd::Entries out;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      rep.Fail(key.Mark(), where, "a key is " + yd::Describe(key, false), yd::Join(accepted));
    }
    const std::string name = key.Scalar();
    if (std::find(accepted.begin(), accepted.end(), name) == accepted.end()) {
      rep.Fail(key.Mark(), where.empty() ? name : where + "." + name,
               "unknown key" + yd::DidYouMean(name, accepted), yd::Join(accepted));
    }
    if (const yd::Entry* first = yd::Find(out, name))
      rep.FailDuplicateKey(key.Mark(), name, *first);
    out.push_back({name, yd::Entry{key, it->second}});
  }
  return out;
}

std::string String(const Reporter& rep, const yd::Entry& e, const std::string& key,
                   const std::string& accepted) {
  if (!e.value.IsScalar() || e.value.Scalar().empty()) {
    rep.Fail(e.ValueMark(), key, "expected a string, got " + yd::Describe(e.value, false),
             accepted);
  }
  return e.value.Scalar();
}

uint64_t Integer(const Reporter& rep, const YAML::Node& v, const YAML::Mark& mark,
                 const std::string& key, uint64_t lo, uint64_t hi) {
  const std::string accepted = "an integer " + std::to_string(lo) + ".." + std::to_string(hi);
  if (!v.IsScalar() || v.Tag() == "!" || !yd::IsDigits(v.Scalar()) || v.Scalar().size() > 18) {
    rep.Fail(mark, key, "expected an integer, got " + yd::Describe(v, true), accepted);
  }
  const uint64_t n = std::stoull(v.Scalar());
  if (n < lo || n > hi) rep.Fail(mark, key, std::to_string(n) + " is out of range", accepted);
  return n;
}

const char* kRunsAccepted =
    "at most 1000000 runs in a list (configs x seeds, summed over the tests)";
const char* kNameAccepted = "lower-case letters, digits and _ (e.g. fc_small)";
const char* kConfigsAccepted =
    "a non-empty list of preset names (configs/<name>.yaml), config paths (relative to the "
    "list) or random";

TestSpec ParseTest(const Reporter& rep, const YAML::Node& node, size_t index) {
  const std::string where = "tests[" + std::to_string(index) + "]";
  if (!node.IsMap()) {
    rep.Fail(node.Mark(), where, "expected a map, got " + yd::Describe(node, false),
             "a map with keys " + yd::Join(kTestKeys));
  }
  const yd::Entries entries = EntriesOf(rep, node, kTestKeys, where);
  TestSpec t;
  const yd::Entry* name = yd::Find(entries, "name");
  if (name == nullptr) {
    rep.Fail(node.Mark(), where + ".name", "missing", kNameAccepted);
  }
  t.name = String(rep, *name, where + ".name", kNameAccepted);
  static const std::regex kName("^[a-z0-9_]{1,48}$");
  if (!std::regex_match(t.name, kName)) {
    rep.Fail(name->ValueMark(), where + ".name", yd::Quote(t.name) + " is not a test name",
             kNameAccepted);
  }
  const std::string key = "tests." + t.name;
  const yd::Entry* configs = yd::Find(entries, "configs");
  if (configs == nullptr) rep.Fail(node.Mark(), key + ".configs", "missing", kConfigsAccepted);
  if (!configs->value.IsSequence() || configs->value.size() == 0) {
    rep.Fail(configs->ValueMark(), key + ".configs",
             "expected a list, got " + yd::Describe(configs->value, false), kConfigsAccepted);
  }
  std::set<std::string> seen;
  for (const YAML::Node& c : configs->value) {
    if (!c.IsScalar() || c.Scalar().empty()) {
      rep.Fail(c.Mark(), key + ".configs", "an entry is " + yd::Describe(c, false),
               kConfigsAccepted);
    }
    if (!seen.insert(c.Scalar()).second) {
      rep.Fail(c.Mark(), key + ".configs", yd::Quote(c.Scalar()) + " is listed twice",
               "each config once");
    }
    t.configs.push_back(c.Scalar());
  }
  const yd::Entry* gen = yd::Find(entries, "generator");
  const yd::Entry* args = yd::Find(entries, "args");
  const yd::Entry* equiv = yd::Find(entries, "equiv");
  const std::string gen_accepted = yd::Join(GeneratorNames());
  const int kinds = (gen != nullptr) + (args != nullptr) + (equiv != nullptr);
  if (kinds != 1) {
    rep.Fail(node.Mark(), key,
             kinds == 0 ? "none of generator, args and equiv" : "two kinds of run",
             "exactly one of generator (" + gen_accepted +
                 "), args (a harness command) and equiv (salsa equiv arguments)");
  }
  if (equiv != nullptr) {
    t.equiv = String(rep, *equiv, key + ".equiv", "the salsa equiv arguments as one string");
    args = equiv;  // no seeds, like a fixed harness command
  } else if (gen != nullptr) {
    t.generator = String(rep, *gen, key + ".generator", gen_accepted);
    const auto& names = GeneratorNames();
    if (std::find(names.begin(), names.end(), t.generator) == names.end()) {
      rep.Fail(gen->ValueMark(), key + ".generator", "unknown generator " + yd::Quote(t.generator),
               gen_accepted);
    }
  } else if (args != nullptr) {
    t.args = String(rep, *args, key + ".args", "the harness arguments as one string");
    for (const char* flag : {"--json", "--trace", "--coverage-out"}) {
      if (t.args.find(flag) != std::string::npos) {
        rep.Fail(args->ValueMark(), key + ".args", std::string(flag) + " is added by salsa regress",
                 "harness arguments without --json, --trace, --coverage-out");
      }
    }
  }
  const std::string seeds_accepted =
      "a count 1.." + std::to_string(kMaxSeedCount) + " (seeds 1..N) or a list of seeds 1..2^62";
  if (const yd::Entry* s = yd::Find(entries, "seeds")) {
    if (args != nullptr) {
      rep.Fail(s->key.Mark(), key + ".seeds", "a fixed-args test has no seeds",
               "seeds with a generator (put --seed in args)");
    }
    if (s->value.IsSequence()) {
      if (s->value.size() == 0)
        rep.Fail(s->ValueMark(), key + ".seeds", "empty list", seeds_accepted);
      std::set<uint64_t> uniq;
      for (const YAML::Node& v : s->value) {
        const uint64_t seed = Integer(rep, v, v.Mark(), key + ".seeds", 1, uint64_t{1} << 62);
        if (!uniq.insert(seed).second) {
          rep.Fail(v.Mark(), key + ".seeds", "seed " + std::to_string(seed) + " is listed twice",
                   "each seed once");
        }
        t.seeds.push_back(seed);
      }
    } else {
      const uint64_t n = Integer(rep, s->value, s->ValueMark(), key + ".seeds", 1, kMaxSeedCount);
      for (uint64_t i = 1; i <= n; ++i) t.seeds.push_back(i);
    }
  } else {
    t.seeds = {args != nullptr ? 0u : 1u};
  }
  if (const yd::Entry* to = yd::Find(entries, "timeout_s")) {
    t.timeout_s = static_cast<int>(
        Integer(rep, to->value, to->ValueMark(), key + ".timeout_s", 1, kMaxTimeout));
  }
  return t;
}

}  // namespace

const std::vector<std::string>& GeneratorNames() {
  static const std::vector<std::string> kNames = {"fc",    "layer", "timing",
                                                  "fault", "reset", "mixed"};
  return kNames;
}

RegressList ParseRegressList(const std::string& text, const std::string& path) {
  const Reporter rep(path);
  const std::string accepted = "a map with keys " + yd::Join(kListKeys);
  const YAML::Node root = yd::LoadSingleMap(rep, text, accepted, true);
  const yd::Entries entries = EntriesOf(rep, root, kListKeys, "");
  RegressList list;
  list.path = path;
  if (const yd::Entry* s = yd::Find(entries, "suite")) {
    list.suite = String(rep, *s, "suite", "a name");
  } else {
    list.suite = fs::path(path).stem().string();
  }
  if (const yd::Entry* to = yd::Find(entries, "timeout_s")) {
    list.timeout_s =
        static_cast<int>(Integer(rep, to->value, to->ValueMark(), "timeout_s", 1, kMaxTimeout));
  }
  const yd::Entry* tests = yd::Find(entries, "tests");
  if (tests == nullptr) rep.Fail(root.Mark(), "tests", "missing", "a non-empty list of tests");
  if (!tests->value.IsSequence() || tests->value.size() == 0) {
    rep.Fail(tests->ValueMark(), "tests",
             "expected a non-empty list, got " + yd::Describe(tests->value, false),
             "a non-empty list of tests");
  }
  std::set<std::string> names;
  size_t i = 0;
  uint64_t runs = 0;
  for (const YAML::Node& node : tests->value) {
    TestSpec t = ParseTest(rep, node, i++);
    if (!names.insert(t.name).second) {
      rep.Fail(node.Mark(), "tests." + t.name, "duplicate test name", "unique test names");
    }
    runs += static_cast<uint64_t>(t.configs.size()) * t.seeds.size();
    if (runs > kMaxRuns) {
      rep.Fail(node.Mark(), "tests." + t.name,
               "the list has " + std::to_string(runs) + " runs up to this test (" +
                   std::to_string(t.configs.size()) + " configs x " +
                   std::to_string(t.seeds.size()) + " seeds here)",
               kRunsAccepted);
    }
    list.tests.push_back(std::move(t));
  }
  return list;
}

RegressList LoadRegressList(const std::string& path) {
  std::string text;
  const std::string problem = ReadRegularFile(path, kMaxYamlFileBytes, &text);
  if (!problem.empty()) {
    throw ListError(yd::OneLine(path + ":1:1: " + yd::kDocumentKey +
                                ": cannot read the file: " + problem +
                                "; accepted: smoke, nightly or a readable test list YAML"));
  }
  return ParseRegressList(text, path);
}

std::string RunSpec::ConfigLabel() const {
  if (config.find('/') == std::string::npos && config.find(".yaml") == std::string::npos) {
    return config;
  }
  return fs::path(config).stem().string();
}

std::string RunSpec::Id() const { return test + "/" + ConfigLabel() + "/s" + std::to_string(seed); }

std::vector<RunSpec> Expand(const RegressList& list, const ExpandOptions& opts) {
  std::regex filter;
  if (!opts.filter.empty()) {
    try {
      filter = std::regex(opts.filter);
    } catch (const std::regex_error& e) {
      throw ListError("--filter " + yd::Quote(opts.filter) + ": not a regular expression (" +
                      e.what() +
                      "); accepted: an ECMAScript regex matched against "
                      "<test>/<config>/s<seed>");
    }
  }
  // Count first: a list within kMaxRuns can still expand past it with --seeds and `random`.
  uint64_t total = 0;
  for (const TestSpec& t : list.tests) {
    uint64_t configs = 0;
    for (const std::string& c : t.configs) {
      configs += c == kRandomConfigs ? opts.random_configs.size() : 1;
    }
    const uint64_t seeds = !t.generator.empty() && opts.seeds > 0
                               ? static_cast<uint64_t>(opts.seeds)
                               : static_cast<uint64_t>(t.seeds.size());
    total += configs * seeds;
    if (total > kMaxRuns) {
      throw ListError(list.path + ": tests." + t.name + ": the list and flags make " +
                      std::to_string(total) + " runs up to this test (" + std::to_string(configs) +
                      " configs x " + std::to_string(seeds) +
                      " seeds here); accepted: at most 1000000 runs before --filter (fewer "
                      "configs or seeds, or a smaller --seeds or --random-configs)");
    }
  }
  std::vector<RunSpec> runs;
  for (const TestSpec& t : list.tests) {
    std::vector<std::string> configs;
    for (const std::string& c : t.configs) {
      if (c == kRandomConfigs) {
        configs.insert(configs.end(), opts.random_configs.begin(), opts.random_configs.end());
      } else {
        configs.push_back(c);
      }
    }
    std::vector<uint64_t> seeds = t.seeds;
    if (!t.generator.empty()) {
      if (opts.seeds > 0) {
        seeds.clear();
        for (int i = 1; i <= opts.seeds; ++i) seeds.push_back(static_cast<uint64_t>(i));
      }
      for (uint64_t& s : seeds) s += opts.seed_base;
    }
    for (const std::string& c : configs) {
      for (uint64_t seed : seeds) {
        RunSpec r;
        r.test = t.name;
        r.config = c;
        r.generator = t.generator;
        r.args = t.args;
        r.equiv = t.equiv;
        r.seed = seed;
        r.timeout_s = opts.timeout_s > 0 ? opts.timeout_s
                      : t.timeout_s > 0  ? t.timeout_s
                                         : list.timeout_s;
        if (!opts.filter.empty() && !std::regex_search(r.Id(), filter)) continue;
        runs.push_back(std::move(r));
      }
    }
  }
  return runs;
}

}  // namespace salsa::regress
