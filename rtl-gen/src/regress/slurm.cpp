// `salsa regress --slurm`: the array and collect scripts.
#include "regress/slurm.h"

#include <sstream>

#include "regress/runner.h"

namespace salsa::regress {

namespace {

std::string Command(const SlurmJob& job, const std::string& last) {
  std::vector<std::string> argv = {job.salsa, "regress", job.list, "--out", job.out};
  argv.insert(argv.end(), job.flags.begin(), job.flags.end());
  return ShellJoin(argv) + " " + last;
}

}  // namespace

std::string SlurmTime(int timeout_s) {
  // The run, its traced re-run on failure, and a minute of slack, rounded up to minutes.
  const int minutes = (2 * timeout_s + 60 + 59) / 60;
  return std::to_string(minutes);
}

std::string ArrayScript(const SlurmJob& job) {
  std::ostringstream s;
  s << "#!/bin/bash\n";
  s << "# salsa regress --slurm: one task per run of " << job.list << " (" << job.runs
    << " runs)\n";
  s << "#SBATCH --job-name=salsa-regress-" << job.suite << "\n";
  s << "#SBATCH --array=0-" << (job.runs == 0 ? 0 : job.runs - 1) << "%" << job.jobs << "\n";
  s << "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  s << "#SBATCH --time=" << SlurmTime(job.timeout_s) << "\n";
  s << "#SBATCH --output=" << job.out << "/slurm/%A_%a.out\n";
  s << "exec " << Command(job, "--run-index \"$SLURM_ARRAY_TASK_ID\"") << "\n";
  return s.str();
}

std::string CollectScript(const SlurmJob& job) {
  std::ostringstream s;
  s << "#!/bin/bash\n";
  s << "# salsa regress --slurm: junit.xml, summary.json and report.md once the array is done\n";
  s << "#SBATCH --job-name=salsa-regress-" << job.suite << "-collect\n";
  s << "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n#SBATCH --time=10\n";
  s << "#SBATCH --output=" << job.out << "/slurm/collect_%j.out\n";
  s << "exec " << Command(job, "--collect") << "\n";
  return s.str();
}

std::string ParseJobId(const std::string& parsable) {
  std::string id;
  for (char c : parsable) {
    if (c >= '0' && c <= '9') {
      id += c;
    } else {
      break;
    }
  }
  return id;
}

}  // namespace salsa::regress
