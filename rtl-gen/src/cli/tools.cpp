// External tools (tools.h).
#include "cli/tools.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "cli/bench_io.h"

namespace salsa::cli {

std::string FindInPath(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    const std::string p = dir + "/" + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

std::string Tool(const std::string& given, const std::string& name, const std::string& package) {
  const std::string p = FindInPath(given.empty() ? name : given);
  if (p.empty())
    throw std::runtime_error(
        (given.empty() ? name + ": not found in PATH" : given + ": not an executable") +
        "; accepted: an executable " + name + " (Debian package " + package +
        ", installed by scripts/install-deps) in PATH or given with --" +
        (name == "yosys" ? "yosys" : "nextpnr"));
  return p;
}

std::string ErrorLine(const std::string& log) {
  std::stringstream ss(log);
  std::string line;
  while (std::getline(ss, line))
    if (line.rfind("ERROR", 0) == 0) return line;
  const std::string last = LastLine(log);
  return last.empty() ? "(no message)" : last;
}

std::vector<std::string> FileList(const fs::path& dir, const std::string& flag,
                                  const std::string& list) {
  const std::string f = ReadAll(dir / list);
  if (f.empty())
    throw std::runtime_error(flag + ": " + dir.string() + "/" + list +
                             ": missing or empty; "
                             "accepted: a directory written by 'salsa gen'");
  std::vector<std::string> files;
  std::stringstream ss(f);
  std::string line;
  while (std::getline(ss, line))
    if (!line.empty() && line.rfind("//", 0) != 0) files.push_back(line);
  return files;
}

}  // namespace salsa::cli
