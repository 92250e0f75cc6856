// AXI glue for a Verilated salsa_top (templated on the model): clock/reset controller with hooks,
// AXI4 master port against the C++ DRAM model, and blocking AXI4-Lite CSR accesses.
//
// Nothing here depends on a configuration, the harness options or its report: the bus width is a
// constructor argument and the model type a template parameter, so block tests and other harnesses
// can reuse it with their own Vsalsa_top. A model needs clk_i, rst_ni, eval() (and trace() when
// verilated with --trace-fst), the m_axi_* ports (or those named by an AxiPortIo) for AxiMemPort
// and the s_axil_* ports for CsrPort.
#pragma once

// Verilator's headers are not -Wextra clean; keep their warnings out of the harness build.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <verilated.h>
#if defined(VM_TRACE_FST) && VM_TRACE_FST
#include <verilated_fst_c.h>
#define SALSA_HAVE_FST 1
#else
#define SALSA_HAVE_FST 0
#endif
#pragma GCC diagnostic pop

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "salsa/axi_dram.h"
#include "salsa/hw_contract.h"

namespace salsa::harness {

// ---------------------------------------------------------------------------------------------
// Byte copies between AXI data ports and byte vectors. A 64-bit bus is a QData, a wider one a
// VlWide<N> of 32-bit words; byte i is bits 8i+7:8i.

inline void PortToBytes(QData v, unsigned n, uint8_t* out) {
  for (unsigned i = 0; i < n && i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void PortToBytes(IData v, unsigned n, uint8_t* out) {
  PortToBytes(static_cast<QData>(v), n, out);
}
template <std::size_t N>
void PortToBytes(const VlWide<N>& v, unsigned n, uint8_t* out) {
  for (unsigned i = 0; i < n && i < 4 * N; ++i)
    out[i] = static_cast<uint8_t>(v[i / 4] >> (8 * (i % 4)));
}

inline void BytesToPort(const uint8_t* in, unsigned n, QData& p) {
  p = 0;
  for (unsigned i = 0; i < n && i < 8; ++i) p |= static_cast<QData>(in[i]) << (8 * i);
}
inline void BytesToPort(const uint8_t* in, unsigned n, IData& p) {
  QData q = 0;
  BytesToPort(in, n, q);
  p = static_cast<IData>(q);
}
template <std::size_t N>
void BytesToPort(const uint8_t* in, unsigned n, VlWide<N>& p) {
  for (std::size_t w = 0; w < N; ++w) p[w] = 0;
  for (unsigned i = 0; i < n && i < 4 * N; ++i)
    p[i / 4] |= static_cast<EData>(in[i]) << (8 * (i % 4));
}

// One AXI4 master port of the model, named <prefix>araddr, ...: how to sample its outputs as the
// DRAM model takes them, and how to drive the DRAM model's outputs onto its inputs.
template <class Top>
struct AxiPortIo {
  AxiMasterOut (*sample)(Top& t, unsigned bus_bytes);
  void (*drive)(Top& t, const AxiSlaveOut& s, unsigned bus_bytes);
};

// The AxiPortIo<Top> of the ports named prefix## (m_axi_, m_axi0_, ...).
#define SALSA_AXI_PORT_IO(Top, prefix)                                             \
  (::salsa::harness::AxiPortIo<Top>{                                               \
      [](Top& t, unsigned bus_bytes) {                                             \
        ::salsa::AxiMasterOut m;                                                   \
        m.arvalid = t.prefix##arvalid;                                             \
        m.araddr = t.prefix##araddr;                                               \
        m.arlen = t.prefix##arlen;                                                 \
        m.arsize = t.prefix##arsize;                                               \
        m.arburst = t.prefix##arburst;                                             \
        m.arid = t.prefix##arid;                                                   \
        m.rready = t.prefix##rready;                                               \
        m.awvalid = t.prefix##awvalid;                                             \
        m.awaddr = t.prefix##awaddr;                                               \
        m.awlen = t.prefix##awlen;                                                 \
        m.awsize = t.prefix##awsize;                                               \
        m.awburst = t.prefix##awburst;                                             \
        m.awid = t.prefix##awid;                                                   \
        m.wvalid = t.prefix##wvalid;                                               \
        m.wdata.assign(bus_bytes, 0);                                              \
        ::salsa::harness::PortToBytes(t.prefix##wdata, bus_bytes, m.wdata.data()); \
        m.wstrb = t.prefix##wstrb;                                                 \
        m.wlast = t.prefix##wlast;                                                 \
        m.bready = t.prefix##bready;                                               \
        return m;                                                                  \
      },                                                                           \
      [](Top& t, const ::salsa::AxiSlaveOut& s, unsigned bus_bytes) {              \
        t.prefix##arready = s.arready;                                             \
        t.prefix##rvalid = s.rvalid;                                               \
        ::salsa::harness::BytesToPort(s.rdata.data(), bus_bytes, t.prefix##rdata); \
        t.prefix##rresp = s.rresp;                                                 \
        t.prefix##rlast = s.rlast;                                                 \
        t.prefix##rid = s.rid;                                                     \
        t.prefix##awready = s.awready;                                             \
        t.prefix##wready = s.wready;                                               \
        t.prefix##bvalid = s.bvalid;                                               \
        t.prefix##bresp = s.bresp;                                                 \
        t.prefix##bid = s.bid;                                                     \
      }})

// ---------------------------------------------------------------------------------------------
// Simulation control (after OpenTitan's verilator_sim_ctrl): clock, reset, optional FST trace,
// and hooks that drive and sample the ports around each rising edge.

class SimHook {
 public:
  virtual ~SimHook() = default;
  // Before reset is asserted: drive the idle values of the inputs.
  virtual void OnReset() {}
  // Clock low and settled, just before the rising edge: sample the outputs.
  virtual void BeforeRise() {}
  // Clock high and settled, just after the rising edge: act and drive the next inputs.
  virtual void AfterRise(bool /*in_reset*/) {}
};

template <class Top>
class SimCtrl {
 public:
  static constexpr bool kHaveTrace = SALSA_HAVE_FST;

  SimCtrl(VerilatedContext* ctx, Top* top) : ctx_(ctx), top_(top) {}
  SimCtrl(const SimCtrl&) = delete;
  SimCtrl& operator=(const SimCtrl&) = delete;
  ~SimCtrl() { CloseTrace(); }

  // Hooks run in the order added; they must outlive the controller's use.
  void AddHook(SimHook* hook) { hooks_.push_back(hook); }

  // Returns false when this build has no FST support.
  bool OpenTrace(const std::string& path) {
#if SALSA_HAVE_FST
    trace_ = std::make_unique<VerilatedFstC>();
    top_->trace(trace_.get(), 99);
    trace_->open(path.c_str());
    return trace_->isOpen();
#else
    (void)path;
    return false;
#endif
  }

  void CloseTrace() {
#if SALSA_HAVE_FST
    if (trace_) trace_->close();
    trace_.reset();
#endif
  }

  // Asynchronous active-low reset, held for `cycles` clock cycles.
  void Reset(unsigned cycles) {
    top_->clk_i = 0;
    top_->rst_ni = 1;
    for (SimHook* h : hooks_) h->OnReset();
    top_->eval();
    top_->rst_ni = 0;  // falling edge: asynchronous reset
    top_->eval();
    in_reset_ = true;
    for (unsigned i = 0; i < cycles; ++i) Tick();
    top_->rst_ni = 1;
    in_reset_ = false;
    // salsa_top's reset synchroniser releases its internal reset two edges later.
    for (unsigned i = 0; i < 4; ++i) Tick();
  }

  // One clock cycle: settle with clk low, let the hooks sample, rising edge, let the hooks act
  // and drive the next inputs, settle with clk low again.
  void Tick() {
    top_->clk_i = 0;
    top_->eval();
    Dump();
    for (SimHook* h : hooks_) h->BeforeRise();
    ctx_->timeInc(1);
    top_->clk_i = 1;
    top_->eval();
    Dump();
    for (SimHook* h : hooks_) h->AfterRise(in_reset_);
    ctx_->timeInc(1);
    top_->clk_i = 0;
    top_->eval();
    ++cycles_;
  }

  uint64_t cycles() const { return cycles_; }
  Top& top() { return *top_; }
  VerilatedContext* context() { return ctx_; }

 private:
  void Dump() {
#if SALSA_HAVE_FST
    if (trace_) trace_->dump(ctx_->time());
#endif
  }

  VerilatedContext* ctx_;
  Top* top_;
  std::vector<SimHook*> hooks_;
  bool in_reset_ = false;
  uint64_t cycles_ = 0;
#if SALSA_HAVE_FST
  std::unique_ptr<VerilatedFstC> trace_;
#endif
};

// One of the model's AXI4 master ports against a DRAM model: samples the master before each
// rising edge, lets the DRAM perform the handshakes after it (not while reset is held) and drives
// its outputs. Without a DRAM attached the port does nothing.
template <class Top>
class AxiMemPort : public SimHook {
 public:
  AxiMemPort(Top* top, unsigned bus_bytes, AxiPortIo<Top> io = SALSA_AXI_PORT_IO(Top, m_axi_))
      : top_(top), bus_bytes_(bus_bytes), io_(io) {}
  void set_dram(AxiDram* dram) { dram_ = dram; }

  void OnReset() override {
    if (dram_) io_.drive(*top_, dram_->outputs(), bus_bytes_);
  }
  void BeforeRise() override {
    if (dram_) m_ = io_.sample(*top_, bus_bytes_);
  }
  void AfterRise(bool in_reset) override {
    if (!dram_) return;
    if (!in_reset) dram_->Tick(m_);
    io_.drive(*top_, dram_->outputs(), bus_bytes_);
  }

 private:
  Top* top_;
  unsigned bus_bytes_;
  AxiPortIo<Top> io_;
  AxiDram* dram_ = nullptr;
  AxiMasterOut m_;
};

// ---------------------------------------------------------------------------------------------
// Blocking AXI4-Lite accesses to the CSRs; each toggles the clock until it completes and throws
// std::runtime_error on an error response or after kTimeout cycles without a handshake. Add it to
// the controller as a hook so that reset idles the s_axil_* inputs.

namespace detail {
// Throws "CSR <what> at 0x<addr> timed out after <limit> cycles" once n reaches limit.
void CheckCsrTimeout(unsigned n, unsigned limit, const char* what, uint32_t addr);
// Throws "CSR <what> at 0x<addr> answered SLVERR|DECERR|EXOKAY".
[[noreturn]] void ThrowCsrResp(const char* what, uint32_t addr, unsigned resp);
}  // namespace detail

template <class Top>
class CsrPort : public SimHook {
 public:
  static constexpr unsigned kTimeout = 1000;

  explicit CsrPort(SimCtrl<Top>& sim) : sim_(sim), t_(sim.top()) {}

  void OnReset() override {
    t_.s_axil_awaddr = 0;
    t_.s_axil_awprot = 0;
    t_.s_axil_awvalid = 0;
    t_.s_axil_wdata = 0;
    t_.s_axil_wstrb = 0;
    t_.s_axil_wvalid = 0;
    t_.s_axil_bready = 0;
    t_.s_axil_araddr = 0;
    t_.s_axil_arprot = 0;
    t_.s_axil_arvalid = 0;
    t_.s_axil_rready = 0;
  }

  void Write(uint32_t addr, uint32_t data) {
    t_.s_axil_awaddr = addr;
    t_.s_axil_awprot = 0;
    t_.s_axil_awvalid = 1;
    t_.s_axil_wdata = data;
    t_.s_axil_wstrb = 0xF;
    t_.s_axil_wvalid = 1;
    t_.s_axil_bready = 0;
    bool aw_done = false, w_done = false;
    for (unsigned n = 0; !(aw_done && w_done); ++n) {
      detail::CheckCsrTimeout(n, kTimeout, "write", addr);
      t_.eval();
      const bool aw_hs = t_.s_axil_awvalid && t_.s_axil_awready;
      const bool w_hs = t_.s_axil_wvalid && t_.s_axil_wready;
      sim_.Tick();
      if (aw_hs) aw_done = true, t_.s_axil_awvalid = 0;
      if (w_hs) w_done = true, t_.s_axil_wvalid = 0;
    }
    // BREADY waits 2 cycles for the acknowledge of STATUS after a run; the setup writes do not
    // wait (their timing is shared with the SystemC harness's, whose cycle counts must match).
    unsigned stall = addr == salsa::contract::CsrAddr("STATUS") ? 2 : 0;
    unsigned resp = 0;
    Await("write response", addr, [&] {
      if (!t_.s_axil_bvalid) return false;
      if (stall != 0) return --stall, false;
      t_.s_axil_bready = 1;
      resp = t_.s_axil_bresp;
      return true;
    });
    t_.s_axil_bready = 0;
    if (resp != 0) detail::ThrowCsrResp("write", addr, resp);
  }

  uint32_t Read(uint32_t addr) {
    t_.s_axil_araddr = addr;
    t_.s_axil_arprot = 0;
    t_.s_axil_arvalid = 1;
    t_.s_axil_rready = 0;
    Await("read", addr, [&] { return t_.s_axil_arready != 0; });
    t_.s_axil_arvalid = 0;
    // RREADY held low for a few cycles of RVALID, so that the checker sees the slave stalled.
    unsigned stall = Stall(addr);
    uint32_t data = 0;
    unsigned resp = 0;
    Await("read data", addr, [&] {
      if (!t_.s_axil_rvalid) return false;
      if (stall != 0) return --stall, false;
      t_.s_axil_rready = 1;
      data = t_.s_axil_rdata;
      resp = t_.s_axil_rresp;
      return true;
    });
    t_.s_axil_rready = 0;
    if (resp != 0) detail::ThrowCsrResp("read", addr, resp);
    return data;
  }

  uint64_t Read64(uint32_t addr) {
    const uint64_t lo = Read(addr);
    return lo | (static_cast<uint64_t>(Read(addr + 4)) << 32);
  }

 private:
  // Toggles the clock until `handshake()`, called after eval() before each edge (it may sample
  // the outputs too), returns true; `what` names the wait in the timeout error.
  template <class Handshake>
  void Await(const char* what, uint32_t addr, Handshake handshake) {
    for (unsigned n = 0;; ++n) {
      detail::CheckCsrTimeout(n, kTimeout, what, addr);
      t_.eval();
      const bool done = handshake();
      sim_.Tick();
      if (done) return;
    }
  }

  // 0 to 3 cycles of a read response held by the master (AXI4-Lite lets it wait), by register,
  // so that a setup sequence always takes the same cycles (HW_ID, the setup's one read: 0).
  static unsigned Stall(uint32_t addr) { return (addr >> 2) % 4; }

  SimCtrl<Top>& sim_;
  Top& t_;
};

}  // namespace salsa::harness
