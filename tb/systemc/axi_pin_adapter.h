// Pin-level AXI4 slave adapter between a Verilated SystemC salsa_top's m_axi_* pins and a TLM-2.0
// initiator socket.
//
// The adapter owns the m_axi_* signals (Connect binds the model's ports to them). On every rising
// clock edge out of reset it samples the master's pins, lets salsa::AxiDram perform that cycle's
// handshakes and drives the slave pins AxiDram computes for the next cycle: AR/AW/W beats accepted,
// R beats and B responses scheduled after the latency, --bw-cap, --backpressure and --axi-strict
// behaviour, outstanding limits and protocol checks are exactly those of the C++ harness's DRAM
// model, with the same random draws for the same seed. The bytes are not AxiDram's: each R beat,
// when first presented, is a TLM READ of its bytes, and each W beat, as it drains into the memory,
// a TLM WRITE with byte enables (the W strobes), both blocking transport to the target behind the
// socket. The latency AxiDram schedules is the one the target annotates (ProbeLatency).
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>
#include <type_traits>
#include <utility>
#include <vector>

#include "salsa/axi_dram.h"

namespace salsa::sc {

// The value type T of a Verilated SystemC port member (sc_in<T> / sc_out<T>).
template <class Port>
using PinType = typename std::remove_reference_t<Port>::data_type;

// Bus bytes from / to a pin value (uint32_t, uint64_t, or sc_bv<W> above 64 bits); byte i is
// bits 8i+7:8i.
inline void PinToBytes(uint64_t v, unsigned n, uint8_t* out) {
  for (unsigned i = 0; i < n && i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}
template <int W>
void PinToBytes(const sc_dt::sc_bv<W>& v, unsigned n, uint8_t* out) {
  for (unsigned i = 0; i < n && i < W / 8; ++i)
    out[i] = static_cast<uint8_t>(v.get_word(static_cast<int>(i / 4)) >> (8 * (i % 4)));
}
template <class T>
std::enable_if_t<std::is_integral_v<T>> BytesToPin(const uint8_t* in, unsigned n, T* v) {
  uint64_t q = 0;
  for (unsigned i = 0; i < n && i < 8; ++i) q |= static_cast<uint64_t>(in[i]) << (8 * i);
  *v = static_cast<T>(q);
}
template <int W>
void BytesToPin(const uint8_t* in, unsigned n, sc_dt::sc_bv<W>* v) {
  for (int w = 0; w < (W + 31) / 32; ++w) {
    uint32_t word = 0;
    for (unsigned b = 0; b < 4; ++b) {
      const unsigned i = 4 * static_cast<unsigned>(w) + b;
      if (i < n) word |= static_cast<uint32_t>(in[i]) << (8 * b);
    }
    v->set_word(w, word);
  }
}

// The TLM side of the adapter: AxiDram's bytes as blocking transport on `socket`.
class AxiTlmBridge : public sc_core::sc_module, public salsa::AxiDramBytes {
 public:
  tlm_utils::simple_initiator_socket<AxiTlmBridge> socket;

  void ReadBeat(uint64_t addr, uint8_t* out, unsigned n) override;
  void WriteBeat(uint64_t addr, const uint8_t* data, uint64_t enable, unsigned n) override;

  // The target's latency in clock cycles of `period` (rounded up, at least 1): the delay it
  // annotates on a one-byte read of `addr` (write: the byte read, written back unchanged).
  unsigned ProbeLatency(sc_core::sc_time period, bool write, uint64_t addr = 0);

  // TLM transactions issued, and the first one that did not answer TLM_OK_RESPONSE ("" if none).
  uint64_t transactions() const { return transactions_; }
  const std::string& error() const { return error_; }

 protected:
  explicit AxiTlmBridge(sc_core::sc_module_name name);

 private:
  sc_core::sc_time Transport(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, unsigned n,
                             const uint8_t* enable);

  tlm::tlm_generic_payload gp_;
  std::vector<uint8_t> enable_;
  uint64_t transactions_ = 0;
  std::string error_;
};

// clang-format off
// The m_axi_* pins of salsa_top: AXI4 master outputs ...
#define SALSA_AXI_MASTER_PINS(X)                                                     \
  X(awid) X(awaddr) X(awlen) X(awsize) X(awburst) X(awcache) X(awprot) X(awlock)     \
  X(awqos) X(awvalid) X(wdata) X(wstrb) X(wlast) X(wvalid) X(bready) X(arid)         \
  X(araddr) X(arlen) X(arsize) X(arburst) X(arcache) X(arprot) X(arlock) X(arqos)    \
  X(arvalid) X(rready)
// ... and its inputs, driven by the adapter.
#define SALSA_AXI_SLAVE_PINS(X)                                                      \
  X(awready) X(wready) X(bid) X(bresp) X(bvalid) X(arready) X(rid) X(rdata) X(rresp) \
  X(rlast) X(rvalid)
// clang-format on

template <class Top>
class AxiPinAdapter : public AxiTlmBridge {
 public:
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<bool> rst_n;  // the model's rst_ni: no handshakes while it is low

  // The pins, one signal each, of the model's port types.
#define SALSA_PIN_SIGNAL(p) sc_core::sc_signal<PinType<decltype(std::declval<Top&>().m_axi_##p)>> p;
  SALSA_AXI_MASTER_PINS(SALSA_PIN_SIGNAL)
  SALSA_AXI_SLAVE_PINS(SALSA_PIN_SIGNAL)
#undef SALSA_PIN_SIGNAL

  SC_HAS_PROCESS(AxiPinAdapter);
  AxiPinAdapter(sc_core::sc_module_name name, unsigned bus_bytes)
      // clang-format off
      : AxiTlmBridge(name), clk("clk"), rst_n("rst_n")
#define SALSA_PIN_NAME(p) , p("m_axi_" #p)
      SALSA_AXI_MASTER_PINS(SALSA_PIN_NAME) SALSA_AXI_SLAVE_PINS(SALSA_PIN_NAME)
#undef SALSA_PIN_NAME
      , bus_bytes_(bus_bytes) {
    // clang-format on
    SC_METHOD(Step);
    sensitive << clk.pos() << attach_;
    dont_initialize();
  }

  // Binds the model's m_axi_* ports to the adapter's signals.
  void Connect(Top& top) {
#define SALSA_PIN_BIND(p) top.m_axi_##p(p);
    SALSA_AXI_MASTER_PINS(SALSA_PIN_BIND)
    SALSA_AXI_SLAVE_PINS(SALSA_PIN_BIND)
#undef SALSA_PIN_BIND
  }

  // The timing and protocol model from now on (null: the adapter idles, the pins keep their
  // values). Build it over this adapter's bytes: AxiDram(adapter, size, bus_bytes, options). Its
  // outputs are driven a delta cycle later; attach before resetting the model.
  void Attach(salsa::AxiDram* dram) {
    dram_ = dram;
    attach_.notify(sc_core::SC_ZERO_TIME);
  }

 private:
  // A rising edge out of reset: the cycle's handshakes on the pins sampled before the edge (the
  // model's new outputs land in the next delta cycle), then the slave pins for the next cycle.
  void Step() {
    if (dram_ == nullptr) return;
    if (clk.posedge() && rst_n.read()) {
      Sample();
      dram_->Tick(m_);
    }
    Drive(dram_->outputs());
  }

  void Sample() {
    m_.arvalid = arvalid.read();
    m_.araddr = araddr.read();
    m_.arlen = arlen.read();
    m_.arsize = arsize.read();
    m_.arburst = arburst.read();
    m_.arid = arid.read();
    m_.rready = rready.read();
    m_.awvalid = awvalid.read();
    m_.awaddr = awaddr.read();
    m_.awlen = awlen.read();
    m_.awsize = awsize.read();
    m_.awburst = awburst.read();
    m_.awid = awid.read();
    m_.wvalid = wvalid.read();
    m_.wdata.assign(bus_bytes_, 0);
    PinToBytes(wdata.read(), bus_bytes_, m_.wdata.data());
    m_.wstrb = wstrb.read();
    m_.wlast = wlast.read();
    m_.bready = bready.read();
  }

  void Drive(const salsa::AxiSlaveOut& s) {
    arready.write(s.arready);
    rvalid.write(s.rvalid);
    BytesToPin(s.rdata.data(), bus_bytes_, &rdata_);
    rdata.write(rdata_);
    rresp.write(s.rresp);
    rlast.write(s.rlast);
    rid.write(s.rid);
    awready.write(s.awready);
    wready.write(s.wready);
    bvalid.write(s.bvalid);
    bresp.write(s.bresp);
    bid.write(s.bid);
  }

  unsigned bus_bytes_;
  salsa::AxiDram* dram_ = nullptr;
  sc_core::sc_event attach_;
  salsa::AxiMasterOut m_;
  PinType<decltype(std::declval<Top&>().m_axi_rdata)> rdata_;
};

}  // namespace salsa::sc
