// Verilator coverage across a regression (issue 15): merge the runs' coverage.dat files with
// verilator_coverage, export lcov info and render HTML with genhtml (Debian lcov).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace salsa::cli {

struct CoverageSummary {
  uint64_t points = 0;                      // coverage points in the merged data (line + toggle)
  uint64_t covered = 0;                     // of them hit at least once
  uint64_t lines_found = 0, lines_hit = 0;  // as genhtml/lcov count them in coverage.info (DA)
  // The points split by kind: line (Verilator's line and branch points) and toggle.
  uint64_t line_points = 0, line_covered = 0;
  uint64_t toggle_points = 0, toggle_covered = 0;
};

// Writes out_dir/coverage.dat (merged), out_dir/coverage.info (lcov) and out_dir/html/index.html.
// Throws std::runtime_error (one line, naming the tool and its log) when a tool fails.
CoverageSummary MergeCoverage(const std::vector<std::filesystem::path>& dat_files,
                              const std::filesystem::path& out_dir);

// The points of one module and kind ("line", "branch", "toggle") in a coverage .dat file.
struct CoverageGroup {
  std::string module, kind;
  uint64_t points = 0, covered = 0;
};
// Every (module, kind) of a .dat file, sorted by module then kind. Throws when it cannot be read.
std::vector<CoverageGroup> ReadCoveragePoints(const std::filesystem::path& dat);

// "coverage: C/P points (x%): line ..., toggle ...; lcov lines H/F (z%)"
std::string CoverageSummaryLine(const CoverageSummary& s);

// `salsa coverage DAT... -o DIR [--modules]`: MergeCoverage and the summary line.
struct CoverageOptions {
  std::vector<std::string> dat_files;
  std::string out_dir;
  bool modules = false;
};
void AddCoverageOptions(CLI::App* app, CoverageOptions* opts);
int Coverage(const CoverageOptions& opts);

}  // namespace salsa::cli
