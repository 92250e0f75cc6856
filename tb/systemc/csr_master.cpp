// AXI4-Lite CSR master.
#include "csr_master.h"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace salsa::sc {
namespace {

// The C++ harness's messages (tb/harness/axi_port.cpp).
std::string Where(const char* what, uint32_t addr) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "CSR %s at 0x%03x", what, addr);
  return buf;
}

void CheckTimeout(unsigned n, const char* what, uint32_t addr) {
  if (n >= CsrMaster::kTimeout) {
    throw std::runtime_error(Where(what, addr) + " timed out after " +
                             std::to_string(CsrMaster::kTimeout) + " cycles");
  }
}

void CheckResp(unsigned resp, const char* what, uint32_t addr) {
  if (resp == 0) return;
  throw std::runtime_error(Where(what, addr) + " answered " +
                           (resp == 2   ? "SLVERR"
                            : resp == 3 ? "DECERR"
                                        : "EXOKAY"));
}

}  // namespace

// clang-format off
CsrMaster::CsrMaster(sc_core::sc_module_name name)
    : sc_core::sc_module(name), clk("clk")
#define SALSA_AXIL_NAME(p) , p("s_axil_" #p)
      SALSA_AXIL_MASTER_PINS(SALSA_AXIL_NAME) SALSA_AXIL_SLAVE_PINS(SALSA_AXIL_NAME)
#undef SALSA_AXIL_NAME
{}
// clang-format on

void CsrMaster::Idle() {
  awaddr.write(0);
  awprot.write(0);
  awvalid.write(false);
  wdata.write(0);
  wstrb.write(0);
  wvalid.write(false);
  bready.write(false);
  araddr.write(0);
  arprot.write(0);
  arvalid.write(false);
  rready.write(false);
}

void CsrMaster::Write(uint32_t addr, uint32_t data) {
  awaddr.write(addr);
  awprot.write(0);
  awvalid.write(true);
  wdata.write(data);
  wstrb.write(0xF);
  wvalid.write(true);
  bready.write(false);
  bool aw_pending = true, w_pending = true;
  for (unsigned n = 0; aw_pending || w_pending; ++n) {
    CheckTimeout(n, "write", addr);
    Edge();
    if (aw_pending && awready.read()) aw_pending = false, awvalid.write(false);
    if (w_pending && wready.read()) w_pending = false, wvalid.write(false);
  }
  bready.write(true);
  for (unsigned n = 0;; ++n) {
    CheckTimeout(n, "write response", addr);
    Edge();
    if (bvalid.read()) break;
  }
  const unsigned resp = bresp.read();
  bready.write(false);
  wait(sc_core::SC_ZERO_TIME);
  CheckResp(resp, "write", addr);
}

uint32_t CsrMaster::Read(uint32_t addr) {
  araddr.write(addr);
  arprot.write(0);
  arvalid.write(true);
  rready.write(false);
  for (unsigned n = 0;; ++n) {
    CheckTimeout(n, "read", addr);
    Edge();
    if (arready.read()) break;
  }
  arvalid.write(false);
  rready.write(true);
  for (unsigned n = 0;; ++n) {
    CheckTimeout(n, "read data", addr);
    Edge();
    if (rvalid.read()) break;
  }
  const uint32_t data = rdata.read();
  const unsigned resp = rresp.read();
  rready.write(false);
  wait(sc_core::SC_ZERO_TIME);
  CheckResp(resp, "read", addr);
  return data;
}

}  // namespace salsa::sc
