// The end of a harness run (C++ or SystemC): totals, the layer's output assembled and compared
// with the reference (and --expected), --out, the text report unless --quiet, --json.
#pragma once

#include <vector>

#include "options.h"
#include "run_job.h"

namespace salsa::harness {

// Returns the exit code: kExitPass when every check passed, kExitFail otherwise.
int FinishRun(const Options& opts, const Setup& setup, const std::vector<JobResult>& results);

}  // namespace salsa::harness
