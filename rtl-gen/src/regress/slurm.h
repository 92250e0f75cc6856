// `salsa regress --slurm` (docs/regress.md, Slurm): the job-array script over the expanded list,
// the collect script that runs after it, and their submission with sbatch.
#pragma once

#include <string>
#include <vector>

namespace salsa::regress {

struct SlurmJob {
  std::string salsa;  // absolute path of the salsa executable
  std::string list;   // absolute list path
  std::string out;    // absolute --out
  std::string suite;
  std::vector<std::string> flags;  // the expansion flags every task repeats (--seeds, ...)
  size_t runs = 0;
  int jobs = 1;       // at most this many array tasks at once (%N)
  int timeout_s = 0;  // the longest per-run timeout
};

// regress.sbatch: a job array, task i runs `salsa regress LIST --out OUT FLAGS --run-index i`.
std::string ArrayScript(const SlurmJob& job);
// collect.sbatch: `salsa regress LIST --out OUT FLAGS --collect` (junit, summary, report).
std::string CollectScript(const SlurmJob& job);
// Slurm's --time value (minutes, at least 1) for a task that runs one harness with this timeout,
// plus the re-run with tracing on failure.
std::string SlurmTime(int timeout_s);

// The job id in `sbatch --parsable` output ("123" or "123;cluster"); empty if there is none.
std::string ParseJobId(const std::string& parsable);

}  // namespace salsa::regress
