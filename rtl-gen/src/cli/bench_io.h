// salsa bench's process and file I/O: a scratch directory, running a harness with its output
// captured, and writing the result files all or nothing.
#pragma once

#include <cstdlib>  // mkdtemp
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace salsa::cli {
namespace fs = std::filesystem;

// A temporary directory, removed with everything in it when this goes out of scope.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "salsa-bench") {
    std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("cannot create a temp dir");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct ProcResult {
  int status = -1;  // exit status, or -1 when killed / not started
  std::string out;  // stdout
  std::string err;  // stderr
};

// The whole of a file ("" when it cannot be read).
std::string ReadAll(const fs::path& p);

// Runs argv[0] with argv; stdout through a pipe, stderr through a file in `tmp`.
ProcResult RunProcess(const std::vector<std::string>& args, const fs::path& tmp);

// The last non-empty line of `s`; the first line of `s` ("(no message)" when empty).
std::string LastLine(const std::string& s);
std::string FirstLine(const std::string& s);

// Writes every (path, text) through a temporary file in the same directory, then renames them all
// into place. On any failure nothing new is left behind: temporaries and directories this call
// created are removed.
void WriteAllAtomically(const std::vector<std::pair<fs::path, std::string>>& files);

}  // namespace salsa::cli
