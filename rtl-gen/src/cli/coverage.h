// Verilator coverage across a regression (issue 15): merge the runs' coverage.dat files with
// verilator_coverage, export lcov info and render HTML with genhtml (Debian lcov).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace salsa::cli {

struct CoverageSummary {
  uint64_t points = 0;   // coverage points in the merged data (line + toggle)
  uint64_t covered = 0;  // of them hit at least once
  uint64_t lines_found = 0, lines_hit = 0;  // as genhtml/lcov count them in coverage.info
};

// Writes out_dir/coverage.dat (merged), out_dir/coverage.info (lcov) and out_dir/html/index.html.
// Throws std::runtime_error (one line, naming the tool and its log) when a tool fails.
CoverageSummary MergeCoverage(const std::vector<std::filesystem::path>& dat_files,
                              const std::filesystem::path& out_dir);

}  // namespace salsa::cli
