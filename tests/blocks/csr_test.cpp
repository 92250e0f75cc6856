// Block test of salsa_csr (rtl/default/salsa_csr.v, axi.addr_bits 32) under Verilator: the
// AXI4-Lite responses (SLVERR for unmapped addresses, for writes to read-only registers and for
// CMD_BASE_HI bits above the address width), the counter snapshot that keeps a low-then-high read
// of a 64-bit counter from tearing, and the command base that reaches the sequencer. The model is
// verilated with --public-flat-rw so that a counter can be preset just below a 2^32 carry.
#include <gtest/gtest.h>
#include <verilated.h>

#include <cstdint>
#include <memory>
#include <string>

#include "Vcsr.h"
#include "Vcsr___024root.h"
#include "salsa/hw_contract.h"

namespace {

namespace k = salsa::contract;

constexpr unsigned kOkay = 0, kSlvErr = 2;

struct Resp {
  uint32_t data = 0;
  unsigned resp = 0;
};

class CsrSim {
 public:
  CsrSim() : ctx_(std::make_unique<VerilatedContext>()), top_(new Vcsr(ctx_.get())) {
    top_->rst_ni = 0;
    Tick();
    Tick();
    top_->rst_ni = 1;
    top_->eval();
  }
  ~CsrSim() { top_->final(); }

  Vcsr& top() { return *top_; }

  void Tick() {
    top_->clk_i = 0;
    top_->eval();
    top_->clk_i = 1;
    top_->eval();
  }

  Resp Write(uint32_t addr, uint32_t data) {
    top_->s_axil_awaddr = addr;
    top_->s_axil_awvalid = 1;
    top_->s_axil_wdata = data;
    top_->s_axil_wstrb = 0xF;
    top_->s_axil_wvalid = 1;
    top_->s_axil_bready = 1;
    for (unsigned n = 0; n < 16; ++n) {
      top_->eval();
      const bool hs = top_->s_axil_awready;  // AW and W are accepted together
      Tick();
      if (hs) break;
    }
    top_->s_axil_awvalid = 0;
    top_->s_axil_wvalid = 0;
    for (unsigned n = 0; n < 16; ++n) {
      top_->eval();
      if (top_->s_axil_bvalid) {
        const Resp r{0, top_->s_axil_bresp};
        Tick();
        top_->s_axil_bready = 0;
        return r;
      }
      Tick();
    }
    ADD_FAILURE() << "no write response for address " << addr;
    return {0, 99};
  }

  Resp Read(uint32_t addr) {
    top_->s_axil_araddr = addr;
    top_->s_axil_arvalid = 1;
    top_->s_axil_rready = 1;
    for (unsigned n = 0; n < 16; ++n) {
      top_->eval();
      const bool hs = top_->s_axil_arready;
      Tick();
      if (hs) break;
    }
    top_->s_axil_arvalid = 0;
    for (unsigned n = 0; n < 16; ++n) {
      top_->eval();
      if (top_->s_axil_rvalid) {
        const Resp r{top_->s_axil_rdata, top_->s_axil_rresp};
        Tick();
        top_->s_axil_rready = 0;
        return r;
      }
      Tick();
    }
    ADD_FAILURE() << "no read response for address " << addr;
    return {0, 99};
  }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vcsr> top_;
};

TEST(CsrBlock, MappedRegistersAnswerOkay) {
  CsrSim sim;
  for (const k::CsrReg& r : k::kCsrRegs) {
    // ECC_CORRECTED and ECC_STATUS exist in sram.ecc: secded builds only; this one has none.
    const bool ecc = std::string(r.name).rfind("ECC_", 0) == 0;
    EXPECT_EQ(sim.Read(r.addr).resp, ecc ? kSlvErr : kOkay) << "read of " << r.name;
  }
  for (unsigned i = 0; i < 2 * k::kNumCounters; ++i) {
    EXPECT_EQ(sim.Read(k::kCounterBase + 4 * i).resp, kOkay) << "read of counter word " << i;
  }
  EXPECT_EQ(sim.Write(k::CsrAddr("IRQ_EN"), 1).resp, kOkay);
  EXPECT_EQ(sim.Read(k::CsrAddr("IRQ_EN")).data, 1u);
  EXPECT_EQ(sim.Write(k::CsrAddr("CMD_COUNT"), 77).resp, kOkay);
  EXPECT_EQ(sim.Read(k::CsrAddr("CMD_COUNT")).data, 77u);
}

TEST(CsrBlock, UnmappedAddressesAnswerSlvErr) {
  CsrSim sim;
  const uint32_t past_counters = k::CounterAddr(k::kNumCounters);
  for (uint32_t addr : {0x02Cu, 0x03Cu, past_counters, 0x800u, 0xFFCu}) {
    const Resp rd = sim.Read(addr);
    EXPECT_EQ(rd.resp, kSlvErr) << "read of unmapped address " << addr;
    EXPECT_EQ(rd.data, 0u) << "read of unmapped address " << addr;
    EXPECT_EQ(sim.Write(addr, 0xDEADBEEF).resp, kSlvErr) << "write of unmapped address " << addr;
  }
}

TEST(CsrBlock, WritesToReadOnlyRegistersAnswerSlvErr) {
  CsrSim sim;
  const uint32_t hw_id = sim.Read(k::CsrAddr("HW_ID")).data;
  for (const char* name : {"ERR_CODE", "ERR_CMD", "HW_ID"}) {
    EXPECT_EQ(sim.Write(k::CsrAddr(name), 0x12345678).resp, kSlvErr) << "write of " << name;
  }
  EXPECT_EQ(sim.Write(k::CounterAddr(0), 5).resp, kSlvErr) << "write of a counter";
  EXPECT_EQ(sim.Read(k::CsrAddr("HW_ID")).data, hw_id);
}

// axi.addr_bits 32: CMD_BASE_HI has no bits; a non-zero write is refused, the fetch address is
// {HI, LO} truncated to 32 bits.
TEST(CsrBlock, CmdBaseHiBeyondTheAddressWidthIsRefused) {
  CsrSim sim;
  EXPECT_EQ(sim.Write(k::CsrAddr("CMD_BASE_LO"), 0x89ABCDE0).resp, kOkay);
  EXPECT_EQ(sim.Write(k::CsrAddr("CMD_BASE_HI"), 0).resp, kOkay);
  EXPECT_EQ(sim.Write(k::CsrAddr("CMD_BASE_HI"), 1).resp, kSlvErr);
  EXPECT_EQ(sim.Read(k::CsrAddr("CMD_BASE_HI")).data, 0u);
  EXPECT_EQ(sim.Read(k::CsrAddr("CMD_BASE_LO")).data, 0x89ABCDE0u);
  sim.top().eval();
  EXPECT_EQ(sim.top().cmd_base_o, 0x89ABCDE0ull);
}

// The cycles counter (counter 0) runs while busy_i; preset just below a carry into the high word,
// a low-then-high read must return one consistent 64-bit value even though the carry happens
// between the two reads.
TEST(CsrBlock, CounterReadsDoNotTear) {
  CsrSim sim;
  const unsigned c = k::CounterIndex("cycles");
  auto& cnt = sim.top().rootp->salsa_csr__DOT__cnt_q;
  cnt[2 * c] = 0xFFFFFFF0u;
  cnt[2 * c + 1] = 0;
  sim.top().busy_i = 1;
  const Resp lo = sim.Read(k::CounterAddr(c));
  for (unsigned i = 0; i < 64; ++i) sim.Tick();  // the low word wraps, the high word becomes 1
  const Resp hi = sim.Read(k::CounterAddr(c) + 4);
  EXPECT_EQ(lo.resp, kOkay);
  EXPECT_EQ(hi.resp, kOkay);
  EXPECT_GE(lo.data, 0xFFFFFFF0u);
  EXPECT_EQ(hi.data, 0u) << "torn read: low word " << lo.data << " with the new high word";
  ASSERT_EQ(cnt[2 * c + 1], 1u) << "the counter did not carry: the test proves nothing";
  // A fresh low-then-high read sees the carry.
  const Resp lo2 = sim.Read(k::CounterAddr(c));
  const Resp hi2 = sim.Read(k::CounterAddr(c) + 4);
  EXPECT_LT(lo2.data, 0x100u);
  EXPECT_EQ(hi2.data, 1u);
}

}  // namespace
