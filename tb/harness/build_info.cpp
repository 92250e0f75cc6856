// This build's config facts (build_info.h), from its salsa_params.h; compiled per variant.
#include "build_info.h"

#include <iterator>

#include "salsa_params.h"

// salsa_params.h of a build beyond int8 defines kPrecisionMask (a K-slice build kGemvSlices, a
// build of several AXI ports kAxiPorts);
// other headers have none, and qualified lookup then falls back to these defaults through the
// using-directive.
namespace salsa_params_default {
constexpr unsigned kPrecisionMask = 1u << salsa::contract::kPrecInt8;
constexpr unsigned kGemvSlices = 1;
constexpr unsigned kAxiPorts = 1;
constexpr unsigned kAxiTimeoutCycles = 0;
constexpr bool kSramEcc = false;
constexpr const char* kEccScratchpads[] = {""};
}  // namespace salsa_params_default
namespace salsa_params {
using namespace salsa_params_default;  // NOLINT(google-build-using-namespace)
}  // namespace salsa_params

namespace salsa::harness {

namespace {

salsa::HwParams Params() {
  salsa::HwParams hw;
  hw.rows = salsa_params::kRows;
  hw.cols = salsa_params::kCols;
  hw.bus_bytes = salsa_params::kBusBytes;
  hw.addr_bits = salsa_params::kAddrBits;
  hw.max_burst = salsa_params::kMaxBurst;
  hw.max_outstanding = salsa_params::kMaxOutstanding;
  hw.act_words = salsa_params::kActWords;
  hw.weight_words = salsa_params::kWeightWords;
  hw.acc_words = salsa_params::kAccWords;
  hw.weight_stationary = salsa_params::kWeightStationary;
  hw.zero_skip = salsa_params::kZeroSkip;
  hw.structured24 = salsa_params::kStructured24;
  hw.precision_mask = salsa_params::kPrecisionMask;
  hw.gemv_slices = salsa_params::kGemvSlices;
  hw.ports = salsa_params::kAxiPorts;
  return hw;
}

}  // namespace

// verilate() defines VM_TRACE_FST and VM_COVERAGE for every source of the harness target.
#if defined(VM_TRACE_FST) && VM_TRACE_FST
constexpr bool kTraceFst = true;
#else
constexpr bool kTraceFst = false;
#endif
#if defined(VM_COVERAGE) && VM_COVERAGE
constexpr bool kCoverage = true;
#else
constexpr bool kCoverage = false;
#endif

const BuildInfo kBuildInfo = {salsa_params::kName,
                              salsa_params::kConfigHash,
                              salsa_params::kGating,
                              kTraceFst,
                              kCoverage,
                              salsa_params::kAxiTimeoutCycles,
                              salsa_params::kSramEcc,
                              salsa_params::kEccScratchpads,
                              salsa_params::kSramEcc ? std::size(salsa_params::kEccScratchpads) : 0,
                              Params()};

}  // namespace salsa::harness
