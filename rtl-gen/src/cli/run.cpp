#include "cli/run.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "salsa/config.h"
#include "salsa/generator.h"
#include "salsa_default_config.h"

namespace salsa::cli {
namespace fs = std::filesystem;

namespace {

fs::path CacheRoot() {
  if (const char* d = std::getenv("SALSA_CACHE_DIR"); d != nullptr && *d != 0) return d;
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d != nullptr && *d != 0) {
    return fs::path(d) / "salsa";
  }
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != 0) {
    return fs::path(h) / ".cache" / "salsa";
  }
  return fs::temp_directory_path() / "salsa-cache";
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The harness of a preset built in this build tree, if `cfg` is exactly that preset.
fs::path PrebuiltHarness(const Config& cfg) {
  fs::path exe = fs::path(SALSA_BINARY_DIR) / "tests" / ("harness_" + cfg.name);
  fs::path params = fs::path(SALSA_SOURCE_DIR) / "rtl" / cfg.name / "salsa_params.h";
  if (!fs::exists(exe) || !fs::exists(params)) return {};
  if (ReadFile(params).find("kConfigHash = \"" + ConfigHash(cfg) + "\"") == std::string::npos) {
    return {};
  }
  return exe;
}

int Shell(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return rc == -1 ? -1 : WEXITSTATUS(rc);
}

// True when `dir` holds exactly the files named in `files`, with their bytes when `bytes`.
bool Holds(const fs::path& dir, const std::vector<GeneratedFile>& files, bool bytes) {
  std::error_code ec;
  size_t on_disk = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) ++on_disk;
  }
  if (ec || on_disk != files.size()) return false;
  for (const GeneratedFile& f : files) {
    if (!fs::exists(dir / f.name, ec) || (bytes && ReadFile(dir / f.name) != f.text)) return false;
  }
  return true;
}

// With ccache on PATH, the cached builds share objects through it: the Verilator runtime
// (verilated*.cpp) compiles the same for every variant. CCACHE_BASEDIR makes the paths inside the
// cache relative, so that the variants' command lines match. Empty without ccache.
std::string CcachePrefix(const fs::path& root) {
  if (Shell("command -v ccache > /dev/null 2>&1") != 0) return {};
  return "CCACHE_BASEDIR='" + fs::absolute(root).string() + "' ";
}

// Generates the config's RTL into the cache and builds its harness there (once per config hash;
// coverage builds in their own directory, <name>-<hash>-cov).
// An exclusive lock on <dir>.lock for as long as it lives, so that two processes (parallel
// `salsa regress` runs, Slurm tasks sharing the cache, two shells) never build one cache
// directory at the same time: the second waits, then finds the harness built.
class CacheLock {
 public:
  explicit CacheLock(const fs::path& dir) {
    fs::create_directories(dir.parent_path());
    const std::string path = dir.string() + ".lock";
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error(path + ": cannot open the cache lock");
    if (flock(fd_, LOCK_EX) != 0) {
      close(fd_);
      throw std::runtime_error(path + ": cannot lock the cache");
    }
  }
  ~CacheLock() { close(fd_); }
  CacheLock(const CacheLock&) = delete;
  CacheLock& operator=(const CacheLock&) = delete;

 private:
  int fd_ = -1;
};

// The cached harness of `cfg` under `root`. With `use_ccache` false (and ccache disabled for
// every compiler call) nothing comes from an earlier build: a cold build.
fs::path CachedHarnessIn(const fs::path& root, const Config& cfg, HarnessKind kind,
                         bool use_ccache) {
  const bool cov = kind == HarnessKind::kCoverage;
  fs::path dir = root / (cfg.name + "-" + ConfigHash(cfg) + (cov ? "-cov" : ""));
  const CacheLock lock(dir);
  fs::path exe = dir / "build" / "harness";
  const std::string log = (dir / "build.log").string();
  const std::string ccache = use_ccache ? CcachePrefix(root) : "CCACHE_DISABLE=1 ";
  const bool launcher = use_ccache && !ccache.empty();
  const std::string generator = Shell("command -v ninja > /dev/null 2>&1") == 0 ? " -G Ninja" : "";
  const std::vector<GeneratedFile> rtl = Generate(cfg, "salsa run (cache of " + cfg.name + ")");
  std::ostringstream cmakelists;
  cmakelists << "cmake_minimum_required(VERSION 3.18)\nproject(salsa_harness CXX)\n"
             << "set(CMAKE_CXX_STANDARD 17)\nset(CMAKE_CXX_STANDARD_REQUIRED ON)\n"
             << "include(" << SALSA_SOURCE_DIR << "/cmake/SalsaHarness.cmake)\n"
             << "salsa_add_harness(harness RTL_DIR ${CMAKE_CURRENT_SOURCE_DIR}/rtl TRACE"
             << (cov ? " COVERAGE" : "") << ")\n";
  // A directory another salsa source tree built (its CMakeLists.txt includes that tree's
  // SalsaHarness.cmake, which may be gone) is rebuilt from scratch by this one.
  if (fs::exists(dir) && ReadFile(dir / "CMakeLists.txt") != cmakelists.str()) {
    std::cerr << "salsa run: " << dir.string()
              << " was built by another salsa source tree; rebuilding it\n";
    fs::remove_all(dir);
  }
  // RTL whose set of files changed (a module added or removed by a newer generator) is rebuilt
  // from scratch: Verilator's CMake build of the old directory keeps the old source list.
  if (fs::exists(dir / "build" / "harness") && !Holds(dir / "rtl", rtl, /*bytes=*/false)) {
    std::cerr << "salsa run: the generator writes other RTL files for '" << cfg.name << "' than "
              << dir.string() << " holds; rebuilding it\n";
    fs::remove_all(dir);
  }
  // A harness built before: bring it up to date with this salsa (an incremental build, a no-op
  // when nothing changed), so an upgrade never runs stale code: the harness sources, and the RTL
  // when this generator writes other RTL for the config (the cache key is the config's hash).
  if (fs::exists(exe)) {
    if (!Holds(dir / "rtl", rtl, /*bytes=*/true)) WriteGenerated(rtl, (dir / "rtl").string());
    const std::string update =
        ccache + "cmake --build '" + (dir / "build").string() + "' -j2 > '" + log + "' 2>&1";
    if (Shell(update) != 0) throw std::runtime_error("updating the harness failed; see " + log);
    return exe;
  }
  std::cerr << "salsa run: building the Verilated " << (cov ? "coverage " : "") << "model of '"
            << cfg.name << "' in " << dir.string() << " (once per config)\n";
  fs::create_directories(dir);
  WriteGenerated(rtl, (dir / "rtl").string());
  std::ofstream(dir / "CMakeLists.txt") << cmakelists.str();
  const std::string cmd =
      ccache + "cmake -S '" + dir.string() + "' -B '" + (dir / "build").string() + "'" + generator +
      " -DCMAKE_BUILD_TYPE=Release -DSALSA_MODEL_LIBRARY='" + std::string(SALSA_MODEL_LIBRARY) +
      "' -DSALSA_HARNESS_LIBRARY='" + std::string(SALSA_HARNESS_LIBRARY) + "'" +
      (launcher ? " -DCMAKE_CXX_COMPILER_LAUNCHER=ccache" : "") + " > '" + log + "' 2>&1 && " +
      ccache + "cmake --build '" + (dir / "build").string() + "' -j2 >> '" + log + "' 2>&1";
  if (Shell(cmd) != 0 || !fs::exists(exe)) {
    throw std::runtime_error("building the harness failed; see " + log);
  }
  return exe;
}

fs::path CachedHarness(const Config& cfg, HarnessKind kind) {
  return CachedHarnessIn(CacheRoot(), cfg, kind, /*use_ccache=*/true);
}

}  // namespace

double TimeColdHarnessBuild(const Config& cfg, const fs::path& root) {
  const auto start = std::chrono::steady_clock::now();
  CachedHarnessIn(root, cfg, HarnessKind::kPlain, /*use_ccache=*/false);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

fs::path FindHarness(const Config& cfg, HarnessKind kind) {
  if (kind == HarnessKind::kCoverage) return CachedHarness(cfg, kind);
  fs::path exe = PrebuiltHarness(cfg);
  return exe.empty() ? CachedHarness(cfg, kind) : exe;
}

void AddRunOptions(CLI::App* app, RunOptions* opts) {
  app->add_option("--config", opts->config,
                  "config YAML (default: the embedded default preset, configs/default.yaml)");
  app->allow_extras();
  app->footer(
      "Other options go to the harness: --shape MxKxN, --seed S, --mem-latency N, --bw-cap F,\n"
      "--backpressure P, --axi-strict, --json, --trace FILE.fst, --timeout CYCLES, --vector "
      "FILE.json, --quiet,\n"
      "--precision int8|w4a8|fp8_e4m3|fp8_e5m2 (random layers of that precision; the config's\n"
      "precision list must build it, else exit 2), with FP8: --output-dtype\n"
      "float32|bfloat16|fp8_e4m3|fp8_e5m2, --output-scale F, --saturate on|off (default: chosen\n"
      "by the seed), --extremes (the format's corners, NaN/inf codes included),\n"
      "--coverage-out FILE.dat (runs the config's coverage build, cached apart; "
      "docs/coverage.md).\n"
      "Exit status: 0 pass, 1 mismatch or hardware error, 2 bad input.");
}

int Run(const RunOptions& opts, CLI::App* app) {
  Config cfg = opts.config.empty()
                   ? ParseConfig(kDefaultConfigYaml, "configs/default.yaml (embedded)")
                   : LoadConfig(opts.config);
  // --coverage-out FILE (a harness option): the coverage build of the config.
  HarnessKind kind = HarnessKind::kPlain;
  for (const auto& a : app->remaining()) {
    if (a == "--coverage-out" || a.rfind("--coverage-out=", 0) == 0) kind = HarnessKind::kCoverage;
  }
  const fs::path exe = FindHarness(cfg, kind);
  std::vector<std::string> args = {exe.string()};
  for (const auto& a : app->remaining()) args.push_back(a);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  execv(argv[0], argv.data());
  throw std::runtime_error(exe.string() + ": cannot execute");
}

}  // namespace salsa::cli
