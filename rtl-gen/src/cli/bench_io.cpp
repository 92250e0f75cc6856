// salsa bench's process and file I/O (bench_io.h).
#include "cli/bench_io.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

extern char** environ;

namespace salsa::cli {

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ProcResult RunProcess(const std::vector<std::string>& args, const fs::path& tmp) {
  ProcResult r;
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const std::string err_path = (tmp / "harness.stderr").string();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    r.err = args[0] + ": cannot execute";
    return r;
  }
  char buf[65536];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = ReadAll(err_path);
  return r;
}

std::string LastLine(const std::string& s) {
  size_t end = s.find_last_not_of("\r\n");
  if (end == std::string::npos) return "";
  const size_t start = s.rfind('\n', end);
  return s.substr(start == std::string::npos ? 0 : start + 1,
                  end - (start == std::string::npos ? 0 : start + 1) + 1);
}

std::string FirstLine(const std::string& s) {
  const std::string t = s.substr(0, s.find('\n'));
  return t.empty() ? "(no message)" : t;
}

void WriteAllAtomically(const std::vector<std::pair<fs::path, std::string>>& files) {
  std::vector<fs::path> created_dirs;
  std::vector<fs::path> temps;
  auto cleanup = [&] {
    std::error_code ec;
    for (const auto& t : temps) fs::remove(t, ec);
    for (auto it = created_dirs.rbegin(); it != created_dirs.rend(); ++it) fs::remove(*it, ec);
  };
  try {
    for (const auto& [path, text] : files) {
      // Directories, outermost first.
      std::vector<fs::path> missing;
      for (fs::path d = path.parent_path(); !d.empty() && !fs::exists(d); d = d.parent_path()) {
        missing.push_back(d);
        if (d.parent_path() == d) break;
      }
      for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        fs::create_directory(*it);
        created_dirs.push_back(*it);
      }
      const fs::path tmp =
          path.parent_path() / ("." + path.filename().string() + ".tmp" + std::to_string(getpid()));
      temps.push_back(tmp);
      std::ofstream out(tmp, std::ios::binary);
      out << text;
      out.close();
      if (!out) throw std::runtime_error("cannot write " + tmp.string());
    }
    for (size_t i = 0; i < files.size(); ++i) fs::rename(temps[i], files[i].first);
  } catch (const std::exception& e) {
    cleanup();
    throw std::runtime_error(std::string("writing the results failed: ") + e.what());
  }
}

}  // namespace salsa::cli
