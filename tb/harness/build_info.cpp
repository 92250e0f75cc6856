// This build's config facts for options.cpp (options.h, BuildInfo), from its salsa_params.h.
#include "options.h"
#include "salsa_params.h"

namespace salsa::harness {

const BuildInfo kBuildInfo = {salsa_params::kName, salsa_params::kZeroSkip,
                              salsa_params::kStructured24};

}  // namespace salsa::harness
