// salsa_dma_wr of rtl/default (16 columns, 128-bit bus, 16 bursts outstanding) against a model
// AXI4 write slave with random AWREADY / WREADY, B responses in order after a random delay and
// SLVERR on some bursts. Each STORE is a few rows, its last request marked req_last; the DMA must
// retire every STORE exactly once, in order, the cycle after its last burst's B response, with
// retire_err set exactly when one of its bursts had an error; and the DRAM image must be the rows
// written in order. Prints the first mismatch with the seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "Vdma_wr.h"
#include "verilated.h"

namespace {

constexpr unsigned kBus = 16;   // bytes per beat (axi.data_bits 128)
constexpr unsigned kCols = 16;  // a row is 1..cols bytes
constexpr unsigned kMaxOutstanding = 16;

struct Row {
  uint32_t addr;
  unsigned bytes;
  std::vector<uint8_t> data;
  bool last;
  unsigned store;
};

struct Burst {
  uint32_t addr = 0;
  unsigned len = 0;
  unsigned store = 0;
  bool aw = false;
  unsigned w_beats = 0;  // W beats received
  bool err = false;
};

struct Beat {
  std::vector<uint8_t> data;
  uint16_t strb;
};

class DmaWrBench {
 public:
  explicit DmaWrBench(unsigned seed) : rng_(seed), seed_(seed), m_(new Vdma_wr) {
    m_->clk_i = 0;
    m_->rst_ni = 0;
    m_->eval();
    m_->rst_ni = 1;
    m_->eval();
  }

  // STOREs of 1..5 rows at random addresses (some straddling a beat or a 4 KB boundary).
  void MakeStores(unsigned stores, double err_share) {
    std::uniform_int_distribution<unsigned> nrows(1, 5), bytes(1, kCols), byte(0, 255);
    std::bernoulli_distribution faulty(err_share), near4k(0.2);
    for (unsigned s = 0; s < stores; ++s) {
      const unsigned n = nrows(rng_);
      faulty_.push_back(faulty(rng_));
      for (unsigned r = 0; r < n; ++r) {
        Row row;
        row.bytes = bytes(rng_);
        row.addr = near4k(rng_) ? 4096 * (1 + rng_() % 15) - 1 - rng_() % kCols
                                : static_cast<uint32_t>(rng_() % 65000);
        for (unsigned b = 0; b < row.bytes; ++b)
          row.data.push_back(static_cast<uint8_t>(byte(rng_)));
        row.last = r + 1 == n;
        row.store = s;
        rows_.push_back(row);
      }
    }
  }

  void Run() {
    std::bernoulli_distribution aw_ready(0.7), w_ready(0.7), burst_err(0.5);
    std::uniform_int_distribution<unsigned> b_delay(0, 30);
    size_t next_row = 0;
    unsigned open_store = 0;                          // the STORE of the request the DMA holds
    std::deque<std::pair<uint64_t, size_t>> b_queue;  // (earliest cycle, burst), in AW order
    size_t b_next = 0;                                // next burst to answer
    uint64_t last_b = 0;
    for (uint64_t t = 0; t < 2000000; ++t) {
      // Inputs for this cycle.
      const bool offer = next_row < rows_.size();
      m_->req_valid_i = offer;
      if (offer) {
        const Row& r = rows_[next_row];
        m_->req_addr_i = r.addr;
        m_->req_bytes_i = r.bytes;
        for (unsigned w = 0; w < 4; ++w) {
          uint32_t v = 0;
          for (unsigned b = 0; b < 4; ++b) {
            const unsigned i = 4 * w + b;
            if (i < r.bytes) v |= static_cast<uint32_t>(r.data[i]) << (8 * b);
          }
          m_->req_data_i[w] = v;
        }
        m_->req_last_i = r.last;
      }
      m_->m_axi_awready = aw_ready(rng_);
      m_->m_axi_wready = w_ready(rng_);
      const bool b_now = b_next < bursts_.size() && !b_queue.empty() &&
                         b_queue.front().first <= t && b_queue.front().second == b_next;
      m_->m_axi_bvalid = b_now;
      m_->m_axi_bresp = b_now && bursts_[b_next].err ? 2 : 0;
      m_->m_axi_bid = 0;
      m_->eval();

      // Outputs before the edge.
      if (m_->retire_o) retires_.push_back({t, m_->retire_err_o != 0});
      const bool req_fire = offer && m_->req_ready_o;
      if (m_->m_axi_awvalid && m_->m_axi_awready) {
        ASSERT_LT(outstanding_, kMaxOutstanding) << "AW beyond max_outstanding, seed " << seed_;
        Burst& bu = BurstAt(aw_count_++);
        bu.aw = true;
        bu.addr = m_->m_axi_awaddr;
        bu.len = m_->m_axi_awlen + 1u;
        bu.store = open_store;
        bu.err = faulty_[open_store] && burst_err(rng_);
        ++outstanding_;
      }
      if (m_->m_axi_wvalid && m_->m_axi_wready) {
        Beat bt;
        for (unsigned w = 0; w < 4; ++w)
          for (unsigned b = 0; b < 4; ++b)
            bt.data.push_back(static_cast<uint8_t>(m_->m_axi_wdata[w] >> (8 * b)));
        bt.strb = static_cast<uint16_t>(m_->m_axi_wstrb);
        ++BurstAt(w_burst_).w_beats;
        beats_[w_burst_].push_back(bt);
        if (m_->m_axi_wlast) ++w_burst_;
      }
      if (b_now) {
        burst_b_cycle_[b_next] = t;
        b_queue.pop_front();
        ++b_next;
        --outstanding_;
      }
      // A burst with its AW and all its W beats is answered after a random delay, in order.
      while (scheduled_ < bursts_.size() && bursts_[scheduled_].aw && scheduled_ < w_burst_) {
        last_b = std::max(last_b + 1, t + 1 + b_delay(rng_));
        b_queue.push_back({last_b, scheduled_++});
      }
      if (req_fire) {
        open_store = rows_[next_row].store;
        ++next_row;
      }
      m_->clk_i = 1;
      m_->eval();
      m_->clk_i = 0;
      m_->eval();
      // Done: every row accepted and sent (no burst open), every burst answered.
      if (next_row == rows_.size() && m_->req_ready_o && aw_count_ == bursts_.size() &&
          b_next == bursts_.size() && t > last_b + 4)
        break;
    }
  }

  void Check() {
    const std::string tag = " (seed " + std::to_string(seed_) + ")";
    // Retires: one per STORE, in order, the cycle after its last burst's B, with the OR of errors.
    std::map<unsigned, uint64_t> last_b;
    std::map<unsigned, bool> err;
    for (size_t i = 0; i < bursts_.size(); ++i) {
      last_b[bursts_[i].store] = std::max(last_b[bursts_[i].store], burst_b_cycle_[i]);
      err[bursts_[i].store] = err[bursts_[i].store] || bursts_[i].err;
    }
    ASSERT_EQ(retires_.size(), faulty_.size()) << "retire pulses" << tag;
    for (unsigned s = 0; s < retires_.size(); ++s) {
      ASSERT_EQ(retires_[s].first, last_b[s] + 1) << "STORE " << s << " retired late/early" << tag;
      ASSERT_EQ(retires_[s].second, err[s]) << "STORE " << s << " retire_err" << tag;
    }
    // The DRAM image: the rows in order against the W beats at their bursts' addresses.
    std::map<uint32_t, uint8_t> want, got;
    for (const Row& r : rows_)
      for (unsigned b = 0; b < r.bytes; ++b) want[r.addr + b] = r.data[b];
    for (size_t i = 0; i < bursts_.size(); ++i) {
      ASSERT_EQ(beats_[i].size(), bursts_[i].len) << "burst " << i << " W beats" << tag;
      for (unsigned k = 0; k < bursts_[i].len; ++k)
        for (unsigned b = 0; b < kBus; ++b)
          if (beats_[i][k].strb >> b & 1)
            got[bursts_[i].addr + k * kBus + b] = beats_[i][k].data[b];
    }
    ASSERT_EQ(got.size(), want.size()) << "bytes written" << tag;
    for (const auto& [a, v] : want) ASSERT_EQ(got[a], v) << "byte at " << a << tag;
  }

  size_t Stores() const { return faulty_.size(); }

 private:
  Burst& BurstAt(size_t i) {
    if (bursts_.size() <= i)
      bursts_.resize(i + 1), beats_.resize(i + 1), burst_b_cycle_.resize(i + 1);
    return bursts_[i];
  }

  std::mt19937 rng_;
  unsigned seed_;
  std::unique_ptr<Vdma_wr> m_;
  std::vector<Row> rows_;
  std::vector<bool> faulty_;
  std::vector<Burst> bursts_;
  std::vector<std::vector<Beat>> beats_;
  std::vector<uint64_t> burst_b_cycle_;
  std::vector<std::pair<uint64_t, bool>> retires_;
  size_t aw_count_ = 0, w_burst_ = 0, scheduled_ = 0;
  unsigned outstanding_ = 0;
};

TEST(DmaWrTest, RetiresEachStoreOnceInOrderWithItsErrors) {
  for (unsigned seed = 1; seed <= 8; ++seed) {
    DmaWrBench b(seed);
    b.MakeStores(150, seed % 2 ? 0.3 : 0.0);
    b.Run();
    b.Check();
    if (HasFatalFailure()) return;
  }
}

}  // namespace
