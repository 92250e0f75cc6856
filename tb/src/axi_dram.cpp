// Cycle-based AXI4 slave DRAM model.
#include "salsa/axi_dram.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <stdexcept>

namespace salsa {
namespace {

constexpr double kEps = 1e-9;

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

bool Overlaps(uint64_t a_lo, uint64_t a_hi, uint64_t b_lo, uint64_t b_hi) {
  return a_lo < b_hi && b_lo < a_hi;
}

bool SameAddress(const AxiMasterOut& a, const AxiMasterOut& b, bool read) {
  if (read) {
    return a.araddr == b.araddr && a.arlen == b.arlen && a.arsize == b.arsize &&
           a.arburst == b.arburst && a.arid == b.arid;
  }
  return a.awaddr == b.awaddr && a.awlen == b.awlen && a.awsize == b.awsize &&
         a.awburst == b.awburst && a.awid == b.awid;
}

}  // namespace

AxiDram::AxiDram(AxiDramBytes& bytes, uint64_t size, unsigned bus_bytes, Options opts)
    : AxiDram(nullptr, &bytes, size, bus_bytes, opts) {}

AxiDram::AxiDram(std::vector<uint8_t>& mem, unsigned bus_bytes, Options opts)
    : AxiDram(&mem, nullptr, mem.size(), bus_bytes, opts) {}

AxiDram::AxiDram(std::vector<uint8_t>* mem, AxiDramBytes* bytes, uint64_t size, unsigned bus_bytes,
                 Options opts)
    : mem_(mem),
      bytes_(bytes),
      mem_size_(size),
      bus_bytes_(bus_bytes),
      size_log2_(0),
      opts_(opts),
      rng_(opts.seed) {
  if (bus_bytes == 0 || bus_bytes > 64 || (bus_bytes & (bus_bytes - 1)) != 0) {
    throw std::invalid_argument("AxiDram: bus_bytes must be a power of two in 1..64");
  }
  if (!(opts_.bandwidth > 0.0 && opts_.bandwidth <= 1.0)) {
    throw std::invalid_argument("AxiDram: bandwidth must be in (0, 1] beats per cycle");
  }
  if (!(opts_.backpressure >= 0.0 && opts_.backpressure < 1.0)) {
    throw std::invalid_argument("AxiDram: backpressure must be in [0, 1)");
  }
  opts_.read_latency = std::max(1u, opts_.read_latency);
  opts_.write_latency = std::max(1u, opts_.write_latency);
  while ((1u << size_log2_) < bus_bytes_) ++size_log2_;
  out_.rdata.assign(bus_bytes_, 0);
  ComputeOutputs(AxiMasterOut{}, false, false, false, false);
}

void AxiDram::CheckInFlight(const char* ch, size_t n) {
  if (opts_.max_in_flight != 0 && n > opts_.max_in_flight) {
    Violation(std::string(ch) + ": " + std::to_string(n) +
              " bursts in flight, more than the master's limit of " +
              std::to_string(opts_.max_in_flight));
  }
}

void AxiDram::ResetProtocol() {
  reads_.clear();
  writes_.clear();
  wbuf_.clear();
  bresps_.clear();
  ar_waiting_ = aw_waiting_ = w_waiting_ = false;
  r_credit_ = w_credit_ = 1.0;
  std::fill(std::begin(stall_left_), std::end(stall_left_), 0u);
  w_ahead_ = false;
  out_ = AxiSlaveOut{};
  out_.rdata.assign(bus_bytes_, 0);
  ComputeOutputs(AxiMasterOut{}, false, false, false, false);
}

void AxiDram::RestartRandom() {
  rng_.seed(opts_.seed);  // as constructed: the seed, then ResetProtocol's idle outputs
  ResetProtocol();
}

bool AxiDram::Coin() {
  if (opts_.backpressure <= 0.0) return true;
  const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  return u >= opts_.backpressure;
}

bool AxiDram::Stalled(unsigned ch) {
  constexpr unsigned kStartOneIn = 24;  // a stall starts in about one cycle of 24 ...
  constexpr unsigned kMaxStall = 48;    // ... and lasts 1..48 cycles
  if (stall_left_[ch] > 0) {
    --stall_left_[ch];
    return true;
  }
  if (rng_() % kStartOneIn == 0) {
    stall_left_[ch] = static_cast<unsigned>(rng_() % kMaxStall);
    return true;
  }
  return false;
}

void AxiDram::Violation(const std::string& what) {
  ++stats_.violations;
  if (violations_.size() < opts_.max_violations) {
    violations_.push_back("cycle " + std::to_string(cycle_) + ": " + what);
  }
}

uint64_t AxiDram::BeatAddr(const Burst& b, unsigned beat) const {
  const uint64_t aligned = b.addr & ~static_cast<uint64_t>(bus_bytes_ - 1);
  return aligned + static_cast<uint64_t>(beat) * bus_bytes_;
}

void AxiDram::CheckStable(const AxiMasterOut& m) {
  if (ar_waiting_) {
    if (!m.arvalid) {
      Violation("AR: arvalid dropped before arready");
    } else if (!SameAddress(m, pend_ar_, true)) {
      Violation("AR: payload changed while arvalid and not arready");
    }
  }
  if (aw_waiting_) {
    if (!m.awvalid) {
      Violation("AW: awvalid dropped before awready");
    } else if (!SameAddress(m, pend_aw_, false)) {
      Violation("AW: payload changed while awvalid and not awready");
    }
  }
  if (w_waiting_) {
    if (!m.wvalid) {
      Violation("W: wvalid dropped before wready");
    } else if (m.wdata != pend_w_.wdata || m.wstrb != pend_w_.wstrb || m.wlast != pend_w_.wlast) {
      Violation("W: payload changed while wvalid and not wready");
    }
  }
}

AxiDram::Burst AxiDram::AcceptAddress(const char* ch, uint64_t addr, unsigned len, unsigned size,
                                      unsigned burst, unsigned id) {
  Burst b;
  b.addr = addr;
  b.len = std::min(len, 255u);
  b.id = id;
  const std::string where =
      std::string(ch) + " burst at " + Hex(addr) + " len " + std::to_string(len) + ": ";
  if (len > 255) Violation(where + "len > 255");
  if (size != size_log2_) {
    Violation(where + "size " + std::to_string(size) + " is not the bus width (" +
              std::to_string(size_log2_) + ")");
  }
  if (burst != 1) Violation(where + "burst type " + std::to_string(burst) + " is not INCR");
  const uint64_t hi = BeatAddr(b, b.len + 1);  // the burst touches bytes [addr, hi)
  if ((addr >> 12) != ((hi - 1) >> 12)) Violation(where + "crosses a 4 KB boundary");
  if (hi > mem_size_) {
    Violation(where + "outside memory (" + std::to_string(mem_size_) + " bytes)");
    b.resp = kAxiDecErr;
  } else if (opts_.error_lo < opts_.error_hi &&
             Overlaps(addr, hi, opts_.error_lo, opts_.error_hi)) {
    b.resp = kAxiSlvErr;
  }
  return b;
}

void AxiDram::AcceptReadBeat() {
  ++stats_.read_beats;
  r_credit_ -= 1.0;
  Burst& b = reads_.front();
  if (b.beat++ == b.len) reads_.pop_front();
}

AxiDram::Activity AxiDram::activity() const {
  Activity a;
  a.reads = reads_.size();
  a.writes = writes_.size() + bresps_.size() + (writes_.empty() && !wbuf_.empty() ? 1 : 0);
  a.read_mid_burst = !reads_.empty() && reads_.front().beat > 0;
  a.write_mid_burst =
      (!writes_.empty() && writes_.front().beat > 0) || (writes_.empty() && !wbuf_.empty());
  for (const Burst& b : reads_) a.read_addrs.push_back(b.addr);
  return a;
}

void AxiDram::DrainWrites() {
  while (!writes_.empty() && !wbuf_.empty()) {
    Burst& b = writes_.front();
    const WBeat& w = wbuf_.front();
    const uint64_t base = BeatAddr(b, b.beat);
    const bool last = b.beat == b.len;
    if (w.last != last) {
      Violation("W beat " + std::to_string(b.beat) + " of the burst at " + Hex(b.addr) + " len " +
                std::to_string(b.len) + ": wlast " + (w.last ? "set early" : "missing"));
    }
    uint64_t enable = 0;  // bytes_: the bytes to write
    for (unsigned i = 0; i < bus_bytes_ && i < w.data.size(); ++i) {
      const uint64_t a = base + i;
      if (!((w.strb >> i) & 1u) || a >= mem_size_) continue;
      if (opts_.error_lo < opts_.error_hi && a >= opts_.error_lo && a < opts_.error_hi) continue;
      if (bytes_) {
        enable |= uint64_t{1} << i;
      } else {
        (*mem_)[a] = w.data[i];
      }
    }
    if (enable != 0) {
      const uint64_t n = std::min<uint64_t>({bus_bytes_, w.data.size(), mem_size_ - base});
      bytes_->WriteBeat(base, w.data.data(), enable, static_cast<unsigned>(n));
    }
    wbuf_.pop_front();
    if (last) {
      bresps_.push_back(BResp{b.id, b.resp, cycle_ + opts_.write_latency});
      writes_.pop_front();
    } else {
      ++b.beat;
    }
  }
}

void AxiDram::Tick(const AxiMasterOut& m) {
  CheckStable(m);
  const bool ar_hs = m.arvalid && out_.arready;
  const bool r_hs = out_.rvalid && m.rready;
  const bool aw_hs = m.awvalid && out_.awready;
  const bool w_hs = m.wvalid && out_.wready;
  const bool b_hs = out_.bvalid && m.bready;

  if (r_hs) AcceptReadBeat();
  if (b_hs) bresps_.pop_front();
  if (ar_hs) {
    Burst b = AcceptAddress("AR", m.araddr, m.arlen, m.arsize, m.arburst, m.arid);
    b.ready_cycle = cycle_ + opts_.read_latency;
    reads_.push_back(b);
    ++stats_.read_bursts;
    stats_.max_reads_in_flight =
        std::max(stats_.max_reads_in_flight, static_cast<unsigned>(reads_.size()));
    CheckInFlight("AR", reads_.size());
  }
  if (aw_hs) {
    writes_.push_back(AcceptAddress("AW", m.awaddr, m.awlen, m.awsize, m.awburst, m.awid));
    ++stats_.write_bursts;
    stats_.max_writes_in_flight = std::max(stats_.max_writes_in_flight,
                                           static_cast<unsigned>(writes_.size() + bresps_.size()));
    CheckInFlight("AW", writes_.size() + bresps_.size());
  }
  if (w_hs) {
    if (m.wdata.size() != bus_bytes_) {
      Violation("W: wdata has " + std::to_string(m.wdata.size()) + " bytes, the bus " +
                std::to_string(bus_bytes_));
    }
    if (bus_bytes_ < 64 && (m.wstrb >> bus_bytes_) != 0) Violation("W: wstrb beyond the bus width");
    wbuf_.push_back(WBeat{m.wdata, m.wstrb, m.wlast});
    ++stats_.write_beats;
    w_credit_ -= 1.0;
    if (opts_.strict && m.wlast) w_ahead_ = (rng_() & 1u) != 0;
  }
  DrainWrites();

  ar_waiting_ = m.arvalid && !ar_hs;
  aw_waiting_ = m.awvalid && !aw_hs;
  w_waiting_ = m.wvalid && !w_hs;
  if (ar_waiting_ || aw_waiting_ || w_waiting_) pend_ar_ = pend_aw_ = pend_w_ = m;

  ++cycle_;
  r_credit_ = std::min(1.0, r_credit_ + opts_.bandwidth);
  w_credit_ = std::min(1.0, w_credit_ + opts_.bandwidth);
  ComputeOutputs(m, aw_hs, w_hs, r_hs, b_hs);
}

void AxiDram::ComputeOutputs(const AxiMasterOut& m, bool aw_hs, bool w_hs, bool r_hs, bool b_hs) {
  out_.arready = reads_.size() < opts_.max_queued_reads && Coin();
  out_.awready = writes_.size() < opts_.max_queued_writes && Coin();
  out_.wready = wbuf_.size() < opts_.w_buffer_beats && w_credit_ >= 1.0 - kEps && Coin();
  const bool r_dead = stats_.read_beats >= opts_.dead_reads_after;
  const bool w_dead = stats_.write_beats >= opts_.dead_writes_after;
  const bool r_gap = (opts_.strict && Stalled(3)) || r_dead;
  const bool b_gap = (opts_.strict && Stalled(4)) || w_dead;
  if (opts_.strict) {
    // The ready outputs are registered: a master output pending now (valid without its
    // handshake) is still offered next cycle, so "both pending" is "both high" then.
    const bool aw_pending = m.awvalid && !aw_hs, w_pending = m.wvalid && !w_hs;
    const bool w_buffered = writes_.empty() && !wbuf_.empty();  // W beats ahead of any AW
    out_.arready = out_.arready && !Stalled(0);
    out_.awready = out_.awready && !Stalled(1) && aw_pending && (w_pending || w_buffered);
    // A W beat with no accepted AW goes ahead only on the bursts w_ahead_ picks.
    out_.wready = out_.wready && !Stalled(2) && (!writes_.empty() || w_ahead_);
  }
  out_.arready = out_.arready && !r_dead;
  out_.awready = out_.awready && !w_dead;
  out_.wready = out_.wready && !w_dead;

  if (!(out_.rvalid && !r_hs)) {  // otherwise hold the beat until its handshake
    out_.rvalid = false;
    if (!reads_.empty() && cycle_ >= reads_.front().ready_cycle && r_credit_ >= 1.0 - kEps &&
        Coin() && !r_gap) {
      const Burst& b = reads_.front();
      const uint64_t base = BeatAddr(b, b.beat);
      if (bytes_) {
        std::fill(out_.rdata.begin(), out_.rdata.end(), uint8_t{0});
        if (base < mem_size_) {
          const uint64_t n = std::min<uint64_t>(bus_bytes_, mem_size_ - base);
          bytes_->ReadBeat(base, out_.rdata.data(), static_cast<unsigned>(n));
        }
      } else {
        for (unsigned i = 0; i < bus_bytes_; ++i) {
          out_.rdata[i] = base + i < mem_size_ ? (*mem_)[base + i] : 0;
        }
      }
      out_.rvalid = true;
      out_.rresp = b.resp;
      out_.rlast = b.beat == b.len;
      out_.rid = b.id;
    }
  }
  if (!(out_.bvalid && !b_hs)) {
    out_.bvalid = false;
    if (!bresps_.empty() && cycle_ >= bresps_.front().ready_cycle && Coin() && !b_gap) {
      out_.bvalid = true;
      out_.bresp = bresps_.front().resp;
      out_.bid = bresps_.front().id;
    }
  }
}

}  // namespace salsa
