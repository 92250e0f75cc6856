// The end of a harness run, after the GEMMs ran on whichever model: the layer's output assembled
// and compared, --out, the text report, --json, and the exit code.
#include "finish_run.h"

#include <exception>
#include <string>

#include "json_report.h"
#include "report.h"
#include "salsa/layer_lower.h"
#include "salsa/npy.h"

namespace salsa::harness {

int FinishRun(const Options& opts, const Setup& setup, const std::vector<JobResult>& results) {
  const std::vector<Job>& jobs = setup.jobs;
  // Totals over the GEMMs; the layer's own output is assembled and compared in full.
  Totals t = SumResults(jobs, results);
  Outcome& total = t.r;
  if (opts.flip_bits != 0 && total.corrupted_reads == 0) {
    total.Fail("--flip-bits " + std::to_string(opts.flip_bits) +
               (opts.flip_double ? " --double" : "") + ": none of the " +
               std::to_string(total.flips_injected) +
               " corrupted words was read before being overwritten, so nothing was checked (try "
               "another --seed or more flips)");
  }
  const salsa::FcLayer& shown = jobs.front().fc;
  const bool fp8 = IsFp8Layer(shown);
  std::vector<int8_t> layer_out;
  std::vector<uint32_t> layer_out_fp;  // FP8 layers
  if (!opts.layer.empty() && results.size() == jobs.size() && total.error.empty()) {
    if (fp8) {
      std::vector<std::vector<uint32_t>> outs;
      for (const auto& jr : results) outs.push_back(jr.out_fp);
      layer_out_fp = salsa::AssembleOutputFp(setup.gemms, outs,
                                             static_cast<int64_t>(setup.layer_golden_fp.size()));
      CompareTensorFp("reference", shown.out_fmt, setup.layer_golden_fp, layer_out_fp, &total);
      if (!setup.layer_expected_fp.empty()) {
        CompareTensorFp(opts.expected, shown.out_fmt, setup.layer_expected_fp, layer_out_fp,
                        &total);
      }
    } else {
      std::vector<std::vector<int8_t>> outs;
      for (const auto& jr : results) outs.push_back(jr.out);
      layer_out =
          salsa::AssembleOutput(setup.gemms, outs, static_cast<int64_t>(setup.layer_golden.size()));
      CompareTensor("reference", setup.layer_golden, layer_out, &total);
      if (!setup.layer_expected.empty())
        CompareTensor(opts.expected, setup.layer_expected, layer_out, &total);
    }
  }
  if (!opts.out.empty()) {
    if (opts.layer.empty() && !results.empty()) {
      if (layer_out.empty()) layer_out = results[0].out;
      if (layer_out_fp.empty()) layer_out_fp = results[0].out_fp;
    }
    if (!layer_out.empty() || !layer_out_fp.empty()) {
      const std::vector<int64_t> shape =
          opts.layer.empty() ? std::vector<int64_t>{shown.M, shown.N} : setup.spec.output_shape;
      try {
        salsa::WriteNpy(opts.out, fp8 ? salsa::FpOutputToNpy({shape, layer_out_fp}, shown.out_fmt)
                                      : salsa::NpyArray::FromInt8(shape, layer_out));
      } catch (const std::exception& e) {
        total.Fail(std::string("--out ") + e.what());
      }
    }
  }

  if (!opts.quiet) {
    PrintReport(opts, shown, results.front().prog, t.stats, t.violations, total, jobs.size(),
                t.macs);
  }
  if (opts.json) {
    PrintJson(opts, shown, t.stats, total, jobs.size(), t.macs,
              MeasureRun(opts, jobs, results, setup.spec));
  }
  return total.error.empty() ? kExitPass : kExitFail;
}

}  // namespace salsa::harness
