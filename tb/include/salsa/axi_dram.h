// Cycle-based AXI4 slave DRAM model, independent of Verilator.
//
// Call outputs() to get what the slave drives during the current cycle, and Tick() once per rising
// clock edge with the master's outputs sampled just before that edge. Tick performs the handshakes
// of the current cycle, then computes the outputs for the next cycle.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace salsa {

struct AxiMasterOut {
  // read address
  bool arvalid = false;
  uint64_t araddr = 0;
  unsigned arlen = 0;    // beats - 1
  unsigned arsize = 0;   // log2(bytes per beat)
  unsigned arburst = 1;  // 0 FIXED, 1 INCR, 2 WRAP
  unsigned arid = 0;
  // read data
  bool rready = false;
  // write address
  bool awvalid = false;
  uint64_t awaddr = 0;
  unsigned awlen = 0;
  unsigned awsize = 0;
  unsigned awburst = 1;
  unsigned awid = 0;
  // write data
  bool wvalid = false;
  std::vector<uint8_t> wdata;  // bus bytes, byte i = bits 8i+7:8i
  uint64_t wstrb = 0;          // bit i enables byte i
  bool wlast = false;
  // write response
  bool bready = false;
};

struct AxiSlaveOut {
  bool arready = false;
  bool rvalid = false;
  std::vector<uint8_t> rdata;  // bus bytes
  unsigned rresp = 0;          // 0 OKAY, 2 SLVERR, 3 DECERR
  bool rlast = false;
  unsigned rid = 0;
  bool awready = false;
  bool wready = false;
  bool bvalid = false;
  unsigned bresp = 0;
  unsigned bid = 0;
};

enum AxiResp : unsigned { kAxiOkay = 0, kAxiSlvErr = 2, kAxiDecErr = 3 };

// Where an AxiDram's bytes live when they are not a vector of the caller's: the SystemC harness
// keeps them in a TLM-2.0 target (tb/systemc/axi_pin_adapter.h). Addresses are inside the memory.
class AxiDramBytes {
 public:
  virtual ~AxiDramBytes() = default;
  // Reads the n bytes at addr into out; called when a read beat is first presented.
  virtual void ReadBeat(uint64_t addr, uint8_t* out, unsigned n) = 0;
  // Writes data[i] to addr + i for each set bit i of enable (i < n); called as a W beat drains.
  virtual void WriteBeat(uint64_t addr, const uint8_t* data, uint64_t enable, unsigned n) = 0;
};

class AxiDram {
 public:
  struct Options {
    unsigned read_latency = 20;   // cycles from the AR handshake to the first R handshake (>= 1)
    unsigned write_latency = 20;  // cycles from the last W beat (with its AW) to the B handshake
    double bandwidth = 1.0;       // beats per cycle per data channel, in (0, 1]
    double backpressure = 0.0;    // probability of dropping a ready / holding back a new valid
    uint64_t seed = 1;
    uint64_t error_lo = 0, error_hi = 0;  // [lo, hi) answers SLVERR (empty when lo >= hi)
    unsigned max_queued_reads = 64;       // AR requests accepted before arready stays low
    unsigned max_queued_writes = 64;      // AW requests likewise
    unsigned w_buffer_beats = 512;        // W beats accepted ahead of their AW
    size_t max_violations = 100;          // further violations are only counted
    // Bursts per direction the master may have in flight (AR to its last R beat, AW to its B):
    // more is a violation (the harness sets axi.max_outstanding). 0: unchecked.
    unsigned max_in_flight = 0;
    // Legal but unkind slave behaviour (salsa run --axi-strict): AWREADY only while AWVALID and
    // WVALID are both pending (or W beats for the burst are already buffered); W beats accepted
    // ahead of their AW on a random half of the bursts only; long random stalls of ARREADY,
    // AWREADY and WREADY and long gaps in RVALID and BVALID.
    bool strict = false;
    // A slave that stops answering (salsa run --fault no-response-read|write): once this many R
    // beats (W beats) have been transferred, ARREADY (AWREADY and WREADY) stays low and no
    // further R beat (B response) starts; a beat already offered is held until its handshake.
    uint64_t dead_reads_after = UINT64_MAX;
    uint64_t dead_writes_after = UINT64_MAX;
  };

  struct Stats {
    uint64_t read_beats = 0, write_beats = 0;
    uint64_t read_bursts = 0, write_bursts = 0;
    unsigned max_reads_in_flight = 0, max_writes_in_flight = 0;
    uint64_t violations = 0;  // total, including the ones not stored
  };

  AxiDram(std::vector<uint8_t>& mem, unsigned bus_bytes, Options opts);
  AxiDram(std::vector<uint8_t>& mem, unsigned bus_bytes) : AxiDram(mem, bus_bytes, Options{}) {}
  // The same timing and protocol over `size` bytes kept by `bytes` (which must outlive the model).
  AxiDram(AxiDramBytes& bytes, uint64_t size, unsigned bus_bytes, Options opts);

  const AxiSlaveOut& outputs() const { return out_; }
  void Tick(const AxiMasterOut& m);

  const std::vector<std::string>& violations() const { return violations_; }
  const Stats& stats() const { return stats_; }
  // Starts the statistics afresh (a layer started again after an abort or a reset).
  void ClearStats() { stats_ = Stats{}; }
  // The slave side of a bus reset: every accepted transaction and buffered W beat is dropped,
  // the outputs go idle; the memory, the random state and the cycle count stay.
  void ResetProtocol();
  // ResetProtocol, and the random state (backpressure, strict stalls) back to its seed: the next
  // run sees the same timing as the first (salsa run --reset-at P% measures the layer first).
  void RestartRandom();
  uint64_t cycle() const { return cycle_; }
  // True while any accepted transaction has not completed (R or B still to come).
  bool busy() const { return !reads_.empty() || !writes_.empty() || !bresps_.empty(); }
  // What is on the bus now (salsa run --reset-at names the phase a reset lands in).
  struct Activity {
    size_t reads = 0;   // read bursts accepted, data still to come
    size_t writes = 0;  // write bursts accepted (or with W beats ahead), response still to come
    bool read_mid_burst = false;       // a read burst with some of its beats sent, not all
    bool write_mid_burst = false;      // a write burst with some of its W beats taken, not all
    std::vector<uint64_t> read_addrs;  // the read bursts' start addresses
  };
  Activity activity() const;

 private:
  struct Burst {
    uint64_t addr = 0;
    unsigned len = 0;  // beats - 1
    unsigned id = 0;
    uint64_t ready_cycle = 0;  // first cycle a data beat / response may be presented
    unsigned beat = 0;         // next beat
    unsigned resp = kAxiOkay;
  };
  struct WBeat {
    std::vector<uint8_t> data;
    uint64_t strb = 0;
    bool last = false;
  };
  struct BResp {
    unsigned id = 0;
    unsigned resp = kAxiOkay;
    uint64_t ready_cycle = 0;
  };

  AxiDram(std::vector<uint8_t>* mem, AxiDramBytes* bytes, uint64_t size, unsigned bus_bytes,
          Options opts);
  void CheckStable(const AxiMasterOut& m);
  Burst AcceptAddress(const char* ch, uint64_t addr, unsigned len, unsigned size, unsigned burst,
                      unsigned id);
  void AcceptReadBeat();
  void DrainWrites();
  void ComputeOutputs(const AxiMasterOut& m, bool aw_hs, bool w_hs, bool r_hs, bool b_hs);
  bool Coin();  // true: go ahead (no backpressure this cycle)
  // Strict mode: true while channel `ch` (an index of stall_left_) is in a long stall.
  bool Stalled(unsigned ch);
  uint64_t BeatAddr(const Burst& b, unsigned beat) const;
  void Violation(const std::string& what);
  void CheckInFlight(const char* ch, size_t n);  // against opts_.max_in_flight

  std::vector<uint8_t>* mem_;  // null when bytes_ keeps the bytes
  AxiDramBytes* bytes_ = nullptr;
  uint64_t mem_size_;
  unsigned bus_bytes_;
  unsigned size_log2_;
  Options opts_;
  std::mt19937_64 rng_;
  uint64_t cycle_ = 0;
  AxiSlaveOut out_;
  AxiMasterOut pend_ar_, pend_aw_, pend_w_;  // payloads offered without a handshake
  bool ar_waiting_ = false, aw_waiting_ = false, w_waiting_ = false;
  std::deque<Burst> reads_;
  std::deque<Burst> writes_;  // AW accepted, W beats still to come
  std::deque<WBeat> wbuf_;
  std::deque<BResp> bresps_;
  double r_credit_ = 1.0, w_credit_ = 1.0;
  unsigned stall_left_[5] = {0, 0, 0, 0, 0};  // strict: AR, AW, W, R, B
  bool w_ahead_ = false;                      // strict: this burst's W may precede its AW
  std::vector<std::string> violations_;
  Stats stats_;
};

}  // namespace salsa
