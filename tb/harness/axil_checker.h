// An AXI4-Lite protocol checker on the model's CSR port (s_axil_*), a hook beside the CSR master:
// it samples both sides before each rising edge and records every violation of the rules below
// (docs/reliability.md). The C++ harness runs it in every test.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "axi_port.h"

namespace salsa::harness {

template <class Top>
class AxiLiteChecker : public SimHook {
 public:
  static constexpr size_t kKept = 16;  // violations kept (all are counted)

  explicit AxiLiteChecker(Top* top) : t_(top) {}

  // Reset drops every transaction on the port (both sides are reset together).
  void OnReset() override { s_ = {}; }

  void BeforeRise() override {
    ++cycle_;
    Sample now;
    now.awvalid = t_->s_axil_awvalid, now.awready = t_->s_axil_awready;
    now.awaddr = t_->s_axil_awaddr;
    now.wvalid = t_->s_axil_wvalid, now.wready = t_->s_axil_wready;
    now.wdata = t_->s_axil_wdata, now.wstrb = t_->s_axil_wstrb;
    now.bvalid = t_->s_axil_bvalid, now.bready = t_->s_axil_bready, now.bresp = t_->s_axil_bresp;
    now.arvalid = t_->s_axil_arvalid, now.arready = t_->s_axil_arready;
    now.araddr = t_->s_axil_araddr;
    now.rvalid = t_->s_axil_rvalid, now.rready = t_->s_axil_rready;
    now.rdata = t_->s_axil_rdata, now.rresp = t_->s_axil_rresp;
    const Sample& p = s_.prev;
    // A VALID offered and not taken at the last edge stays, with its payload.
    if (s_.have_prev) {
      if (p.awvalid && !p.awready && (!now.awvalid || now.awaddr != p.awaddr))
        Flag("AWVALID dropped or AWADDR changed before AWREADY (master)");
      if (p.wvalid && !p.wready && (!now.wvalid || now.wdata != p.wdata || now.wstrb != p.wstrb))
        Flag("WVALID dropped or WDATA/WSTRB changed before WREADY (master)");
      if (p.arvalid && !p.arready && (!now.arvalid || now.araddr != p.araddr))
        Flag("ARVALID dropped or ARADDR changed before ARREADY (master)");
      if (p.bvalid && !p.bready && (!now.bvalid || now.bresp != p.bresp))
        Flag("BVALID dropped or BRESP changed before BREADY (slave)");
      if (p.rvalid && !p.rready && (!now.rvalid || now.rdata != p.rdata || now.rresp != p.rresp))
        Flag("RVALID dropped or RDATA/RRESP changed before RREADY (slave)");
    }
    // A response only for a request made: a new B needs an AW and a W accepted and not yet
    // answered, a new R an AR.
    const bool b_new = now.bvalid && !(s_.have_prev && p.bvalid && !p.bready);
    const bool r_new = now.rvalid && !(s_.have_prev && p.rvalid && !p.rready);
    if (b_new && (s_.aw_done <= s_.b_done || s_.w_done <= s_.b_done))
      Flag("BVALID with no write address and data accepted to answer (slave)");
    if (r_new && s_.ar_done <= s_.r_done) Flag("RVALID with no read address accepted (slave)");
    // This edge's handshakes.
    s_.aw_done += now.awvalid && now.awready;
    s_.w_done += now.wvalid && now.wready;
    s_.b_done += now.bvalid && now.bready;
    s_.ar_done += now.arvalid && now.arready;
    s_.r_done += now.rvalid && now.rready;
    s_.prev = now;
    s_.have_prev = true;
  }

  const std::vector<std::string>& violations() const { return violations_; }
  uint64_t count() const { return count_; }
  void Clear() {
    violations_.clear();
    count_ = 0;
  }

 private:
  struct Sample {
    bool awvalid = false, awready = false, wvalid = false, wready = false, bvalid = false,
         bready = false, arvalid = false, arready = false, rvalid = false, rready = false;
    uint64_t awaddr = 0, araddr = 0;
    uint32_t wdata = 0, rdata = 0;
    unsigned wstrb = 0, bresp = 0, rresp = 0;
  };
  struct State {
    Sample prev;
    bool have_prev = false;
    uint64_t aw_done = 0, w_done = 0, b_done = 0, ar_done = 0, r_done = 0;
  };
  void Flag(const std::string& what) {
    ++count_;
    if (violations_.size() < kKept) {
      violations_.push_back("s_axil: " + what + " at cycle " + std::to_string(cycle_));
    }
  }

  Top* t_;
  State s_;
  uint64_t cycle_ = 0, count_ = 0;
  std::vector<std::string> violations_;
};

}  // namespace salsa::harness
