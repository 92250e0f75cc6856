// `salsa regress` runner: harness processes in parallel, each in its own process group, killed
// (the whole group) on timeout; a progress line on stderr.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace salsa::regress {

struct ProcessResult {
  bool timed_out = false;
  bool interrupted = false;  // stopped because salsa regress got SIGINT, SIGTERM or SIGHUP
  int exit_code = -1;        // the exit status; 128 + signal when killed by a signal
  double seconds = 0;
};

// Runs argv[0] (an absolute path) with argv, stdout and stderr to the given files, in a new
// process group. After `timeout_s` seconds the group is killed (SIGKILL). A program that cannot
// be started gives exit code 127 (its error in the stderr file).
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& stdout_file,
                         const std::string& stderr_file, double timeout_s);

// SIGINT, SIGTERM and SIGHUP set a flag instead of ending salsa regress at once (the runs are in
// process groups of their own, so a terminal's Ctrl-C does not reach them): RunProcess then kills
// the group it started and returns (interrupted), and ParallelFor starts no further task.
// StopSignal() is the signal received (0: none).
void InstallStopHandlers();
int StopSignal();

// Calls task(i) for i in [0, n) on `jobs` threads; done(i) is called under a lock after each.
// Once StopSignal() is set no further task starts.
void ParallelFor(size_t n, int jobs, const std::function<void(size_t)>& task,
                 const std::function<void(size_t)>& done);

// "[ 12/40] pass 11 fail 1 timeout 0  <current>" on stderr: `\r`-updated on a terminal, one line
// per call otherwise.
class Progress {
 public:
  explicit Progress(size_t total);
  void Finished(const std::string& status, const std::string& name);
  void End();  // the final newline on a terminal

 private:
  size_t total_, done_ = 0, pass_ = 0, fail_ = 0, timeout_ = 0;
  bool tty_;
};

// The shell quoting of one argument ('...' when needed).
std::string ShellQuote(const std::string& arg);
std::string ShellJoin(const std::vector<std::string>& argv);

}  // namespace salsa::regress
