// AXI glue for a Verilated salsa_top: the non-template parts (CSR access error messages).
#include "axi_port.h"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace salsa::harness::detail {
namespace {

std::string CsrWhere(const char* what, uint32_t addr) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "CSR %s at 0x%03x", what, addr);
  return buf;
}

std::string CsrRespName(unsigned r) { return r == 2 ? "SLVERR" : r == 3 ? "DECERR" : "EXOKAY"; }

}  // namespace

void CheckCsrTimeout(unsigned n, unsigned limit, const char* what, uint32_t addr) {
  if (n >= limit) {
    throw std::runtime_error(CsrWhere(what, addr) + " timed out after " + std::to_string(limit) +
                             " cycles");
  }
}

void ThrowCsrResp(const char* what, uint32_t addr, unsigned resp) {
  throw std::runtime_error(CsrWhere(what, addr) + " answered " + CsrRespName(resp));
}

}  // namespace salsa::harness::detail
