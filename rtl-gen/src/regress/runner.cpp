// `salsa regress` runner: processes with timeouts, the worker pool and the progress line.
#include "regress/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <mutex>
#include <thread>

extern char** environ;

namespace salsa::regress {

namespace {

std::atomic<int> g_stop{0};  // lock-free: written by the signal handler

extern "C" void OnStopSignal(int sig) { g_stop.store(sig); }

}  // namespace

void InstallStopHandlers() {
  struct sigaction sa = {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

int StopSignal() { return g_stop.load(); }

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& stdout_file,
                         const std::string& stderr_file, double timeout_s) {
  ProcessResult r;
  if (StopSignal() != 0) {
    r.interrupted = true;
    return r;
  }
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group: a timeout kills the harness and children
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = -1;
  const int err = posix_spawn(&pid, cargv[0], &actions, &attr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  if (err != 0) {
    if (FILE* f = std::fopen(stderr_file.c_str(), "w")) {
      std::fprintf(f, "salsa regress: cannot start %s: %s\n", cargv[0], std::strerror(err));
      std::fclose(f);
    }
    r.exit_code = 127;
    return r;
  }
  int status = 0;
  for (;;) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) break;
    if (StopSignal() != 0) {
      r.interrupted = true;
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    if (elapsed() > timeout_s) {
      r.timed_out = true;
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  r.seconds = elapsed();
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.exit_code = 128 + WTERMSIG(status);
  }
  return r;
}

void ParallelFor(size_t n, int jobs, const std::function<void(size_t)>& task,
                 const std::function<void(size_t)>& done) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  auto worker = [&] {
    for (size_t i = next++; i < n && StopSignal() == 0; i = next++) {
      task(i);
      std::lock_guard<std::mutex> lock(mu);
      done(i);
    }
  };
  std::vector<std::thread> threads;
  const size_t count = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(jobs), n));
  for (size_t t = 0; t < count; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
}

Progress::Progress(size_t total) : total_(total), tty_(isatty(2) != 0) {}

void Progress::Finished(const std::string& status, const std::string& name) {
  ++done_;
  if (status == "pass") {
    ++pass_;
  } else if (status == "timeout") {
    ++timeout_;
  } else {
    ++fail_;
  }
  const int width = static_cast<int>(std::to_string(total_).size());
  char head[96];
  std::snprintf(head, sizeof head, "[%*zu/%zu] pass %zu fail %zu timeout %zu  ", width, done_,
                total_, pass_, fail_, timeout_);
  if (tty_) {
    std::string line = head + name;
    if (line.size() > 100) line.resize(100);
    std::cerr << "\r\033[K" << line << std::flush;
  } else {
    std::cerr << head << name << " " << status << "\n";
  }
}

void Progress::End() {
  if (tty_ && done_ > 0) std::cerr << "\n";
}

std::string ShellQuote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789_-+=./:,%@") == std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ShellJoin(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    out += ShellQuote(a);
  }
  return out;
}

}  // namespace salsa::regress
