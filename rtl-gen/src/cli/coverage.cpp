// Verilator coverage across runs: verilator_coverage merges the .dat files and exports lcov info,
// genhtml (Debian lcov) renders it; the counts come from the merged data and the info file.
#include "cli/coverage.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "salsa/file_read.h"

namespace salsa::cli {
namespace fs = std::filesystem;

namespace {

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `args` with stdout and stderr into `log`; throws naming the tool and the log on failure.
void RunTool(const std::vector<std::string>& args, const fs::path& log) {
  std::string cmd;
  for (const std::string& a : args) cmd += (cmd.empty() ? "" : " ") + ShellQuote(a);
  cmd += " > " + ShellQuote(log.string()) + " 2>&1";
  const int rc = std::system(cmd.c_str());
  const int code = rc == -1 ? -1 : WEXITSTATUS(rc);
  if (code != 0) {
    throw std::runtime_error(args[0] + " failed (exit " + std::to_string(code) + "); see " +
                             log.string());
  }
}

// A value of a coverage point's key ("page", "f", ...) in verilator_coverage's
// C '<\001key\002value...>' count lines.
std::string PointField(const std::string& point, const std::string& key) {
  const std::string tag = "\001" + key + "\002";
  size_t at = point.find(tag);
  if (at == std::string::npos && point.rfind(key + "\002", 0) == 0) {
    at = 0;
  } else if (at == std::string::npos) {
    return "";
  } else {
    ++at;
  }
  at += key.size() + 1;
  const size_t end = point.find('\001', at);
  return point.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

constexpr const char* kCoverageMagic = "# SystemC::Coverage";

// What salsa coverage accepts, for messages.
std::string CoverageAccepted() {
  return "accepted: a harness's --coverage-out file (Verilator coverage data, a regular file of "
         "at most " +
         std::to_string(kMaxCoverageFileBytes) + " bytes starting with '# SystemC::Coverage-3')";
}

// A coverage file salsa coverage was given: a regular file within the cap whose first bytes are
// Verilator's header (only those are read; verilator_coverage reads the rest). Throws one line.
void CheckCoverageInput(const fs::path& f) {
  std::string head;
  const std::string problem =
      ReadRegularFilePrefix(f.string(), kMaxCoverageFileBytes, std::strlen(kCoverageMagic), &head);
  if (!problem.empty()) {
    throw std::runtime_error(f.string() + ": cannot read coverage data: " + problem + "; " +
                             CoverageAccepted());
  }
  if (head != kCoverageMagic) {
    throw std::runtime_error(f.string() + ": not Verilator coverage data; " + CoverageAccepted());
  }
}

// The text of a file verilator_coverage wrote (its merged data, its lcov info), read through the
// same cap as its inputs.
std::string ReadToolOutput(const fs::path& f) {
  std::string text;
  const std::string problem = ReadRegularFile(f.string(), kMaxCoverageFileBytes, &text);
  if (!problem.empty()) throw std::runtime_error(f.string() + ": cannot read: " + problem);
  return text;
}

}  // namespace

std::vector<CoverageGroup> ReadCoveragePoints(const fs::path& dat) {
  std::istringstream in(ReadToolOutput(dat));
  std::map<std::pair<std::string, std::string>, CoverageGroup> groups;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("C '", 0) != 0) continue;
    const size_t close = line.rfind("' ");
    if (close == std::string::npos || close < 3) continue;
    const std::string point = line.substr(3, close - 3);
    const uint64_t count = std::strtoull(line.c_str() + close + 2, nullptr, 10);
    // page: v_line/<module>, v_branch/<module>, v_toggle/<module>.
    const std::string page = PointField(point, "page");
    const size_t slash = page.find('/');
    std::string kind = page.substr(0, slash);
    if (kind.rfind("v_", 0) == 0) kind = kind.substr(2);
    const std::string module = slash == std::string::npos ? "" : page.substr(slash + 1);
    CoverageGroup& g = groups[{module, kind}];
    g.module = module;
    g.kind = kind;
    ++g.points;
    if (count > 0) ++g.covered;
  }
  std::vector<CoverageGroup> out;
  for (auto& [key, g] : groups) out.push_back(g);
  return out;
}

CoverageSummary MergeCoverage(const std::vector<fs::path>& dat_files, const fs::path& out_dir) {
  if (dat_files.empty()) throw std::runtime_error("coverage: no .dat files to merge");
  for (const fs::path& f : dat_files) CheckCoverageInput(f);
  fs::create_directories(out_dir);
  const fs::path merged = out_dir / "coverage.dat";
  const fs::path info = out_dir / "coverage.info";
  const fs::path html = out_dir / "html";
  fs::remove_all(html);
  try {
    std::vector<std::string> merge = {"verilator_coverage", "--write", merged.string()};
    for (const fs::path& f : dat_files) merge.push_back(f.string());
    RunTool(merge, out_dir / "verilator_coverage.log");
    RunTool({"verilator_coverage", "--write-info", info.string(), merged.string()},
            out_dir / "verilator_coverage_info.log");
    // --ignore-errors source: a report even when a source file is gone (a cleaned cache).
    RunTool({"genhtml", "--quiet", "--ignore-errors", "source", "--output-directory", html.string(),
             "--title", "salsa RTL coverage", info.string()},
            out_dir / "genhtml.log");
  } catch (...) {
    // No partial report: only the tools' logs stay, for the error message to point at.
    for (const fs::path& p : {merged, info, html}) fs::remove_all(p);
    throw;
  }

  CoverageSummary s;
  for (const CoverageGroup& g : ReadCoveragePoints(merged)) {
    s.points += g.points;
    s.covered += g.covered;
    if (g.kind == "toggle") {
      s.toggle_points += g.points;
      s.toggle_covered += g.covered;
    } else {  // line and branch points: what --coverage-line gives
      s.line_points += g.points;
      s.line_covered += g.covered;
    }
  }
  // verilator_coverage writes no LF/LH summaries: count the DA:<line>,<hits> records as genhtml
  // does (every point folded onto its source line; a line is hit when any of its points is).
  std::istringstream in(ReadToolOutput(info));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("DA:", 0) != 0) continue;
    const size_t comma = line.find(',');
    if (comma == std::string::npos) continue;
    ++s.lines_found;
    if (std::strtoull(line.c_str() + comma + 1, nullptr, 10) > 0) ++s.lines_hit;
  }
  return s;
}

namespace {

std::string Percent(uint64_t a, uint64_t b) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", b ? 100.0 * static_cast<double>(a) / b : 0.0);
  return buf;
}

// "C/P (x%)", or "-" without points.
std::string Fraction(uint64_t covered, uint64_t points) {
  if (points == 0) return "-";
  return std::to_string(covered) + "/" + std::to_string(points) + " (" + Percent(covered, points) +
         ")";
}

}  // namespace

std::string CoverageSummaryLine(const CoverageSummary& s) {
  const auto& pct = Percent;
  std::ostringstream os;
  os << "coverage: " << s.covered << "/" << s.points << " points (" << pct(s.covered, s.points)
     << "): line " << s.line_covered << "/" << s.line_points << " ("
     << pct(s.line_covered, s.line_points) << "), toggle " << s.toggle_covered << "/"
     << s.toggle_points << " (" << pct(s.toggle_covered, s.toggle_points) << "); lcov lines "
     << s.lines_hit << "/" << s.lines_found << " (" << pct(s.lines_hit, s.lines_found) << ")";
  return os.str();
}

void AddCoverageOptions(CLI::App* app, CoverageOptions* opts) {
  // No CLI::ExistingFile: MergeCoverage checks each file with the message of every other input.
  app->add_option("dat", opts->dat_files, "coverage .dat files (harness --coverage-out)")
      ->required();
  app->add_option("-o,--out", opts->out_dir,
                  "output directory: coverage.dat (merged), coverage.info (lcov), html/")
      ->required();
  app->add_flag("--modules", opts->modules,
                "also print a Markdown table of line and toggle coverage per generated module");
}

int Coverage(const CoverageOptions& opts) {
  std::vector<fs::path> dats(opts.dat_files.begin(), opts.dat_files.end());
  const CoverageSummary s = MergeCoverage(dats, opts.out_dir);
  if (opts.modules) {
    // Per generated module, its parameterised variants (salsa_fifo__W43_D2, ...) together; line
    // counts Verilator's line and branch points.
    std::map<std::string, CoverageSummary> by_module;
    for (const CoverageGroup& g : ReadCoveragePoints(fs::path(opts.out_dir) / "coverage.dat")) {
      CoverageSummary& m = by_module[g.module.substr(0, g.module.find("__"))];
      (g.kind == "toggle" ? m.toggle_points : m.line_points) += g.points;
      (g.kind == "toggle" ? m.toggle_covered : m.line_covered) += g.covered;
    }
    std::cout << "| module | line | toggle |\n|---|---|---|\n";
    for (const auto& [name, m] : by_module) {
      std::cout << "| `" << name << "` | " << Fraction(m.line_covered, m.line_points) << " | "
                << Fraction(m.toggle_covered, m.toggle_points) << " |\n";
    }
  }
  std::cout << CoverageSummaryLine(s) << "; report "
            << (fs::path(opts.out_dir) / "html/index.html").string() << "\n";
  return 0;
}

}  // namespace salsa::cli
