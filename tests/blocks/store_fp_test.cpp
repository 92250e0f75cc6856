// salsa_store_ctrl of an fp8 build (tests/configs/lowp_8x8.yaml, 8 columns, 32-bit addresses)
// against a model of its neighbours: the acc scratchpad (1-cycle read), the PPU (2-cycle latency,
// its packed row built here from the acc row) and the write DMA (request handshake with random
// backpressure). Checks, per STORE: the acc words read (FP STOREs: only the rows; int8: the bias
// word, per channel the two quant words, then the rows), the PPU operands (fmt, sat, scale),
// every write request (ceil(row_bytes / cols) per FP row: address row + q * cols, bytes
// min(cols, row_bytes - q * cols), the packed bytes [q * cols, q * cols + bytes)), the DRAM image
// they make, the last-request flag (on the STORE's final request only: the write DMA retires
// the STORE when that request's writes are answered), busy falling once that request is accepted,
// and the cycles of a STORE without backpressure. Built and run by
// tests/cli/store_fp_check.sh; prints the first mismatch and exits 1.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "Vsalsa_store_ctrl.h"
#include "verilated.h"

namespace {

constexpr unsigned kCols = 8;  // lowp_8x8
using Row = std::array<uint32_t, kCols>;
using Bytes = std::vector<uint8_t>;

struct Store {
  unsigned fmt = 0;  // contract OutFmt: 0 int8, 1 fp32, 2 bf16, 3 e4m3, 4 e5m2
  bool sat = false;
  unsigned acc_addr = 0, rows = 1, row_bytes = 1, bias_addr = 0, qaddr = 0;
  bool perch = false;
  uint32_t dram = 0, stride = 0, scale = 0;
  double backpressure = 0;  // probability that wr_req_ready_i is low in a cycle
};

struct Req {
  uint32_t addr;
  unsigned bytes;
  uint64_t data;
};

int failures = 0;
void Fail(const std::string& what) {
  std::printf("FAIL: %s\n", what.c_str());
  if (++failures >= 1) std::exit(1);  // the first mismatch is the one to read
}

// The PPU's packed row as the store controller sees it: element c little-endian at c * e (the
// model takes lane c of the acc row as the converted value, so the bytes trace back to lanes).
Bytes Pack(const Row& row, unsigned fmt) {
  Bytes p(4 * kCols, 0);
  const unsigned e = fmt == 1 ? 4 : fmt == 2 ? 2 : 1;
  for (unsigned c = 0; c < kCols; ++c)
    for (unsigned b = 0; b < e; ++b) p[c * e + b] = static_cast<uint8_t>(row[c] >> (8 * b));
  return p;
}

void SetWide(VlWide<8>& w, const Row& r) {
  for (unsigned i = 0; i < kCols; ++i) w[i] = r[i];
}
void SetWide(VlWide<8>& w, const Bytes& p) {
  for (unsigned i = 0; i < 8; ++i)
    w[i] = p[4 * i] | p[4 * i + 1] << 8 | p[4 * i + 2] << 16 |
           static_cast<uint32_t>(p[4 * i + 3]) << 24;
}

class Bench {
 public:
  Bench() : m_(new Vsalsa_store_ctrl), acc_(65536) {
    for (unsigned a = 0; a < acc_.size(); ++a)
      for (unsigned c = 0; c < kCols; ++c) acc_[a][c] = a * 0x01000193u ^ (c * 0x9E3779B9u);
    m_->clk_i = 0;
    m_->rst_ni = 0;
    m_->eval();
    m_->rst_ni = 1;
    m_->eval();
  }
  ~Bench() {
    m_->final();
    delete m_;
  }

  // Runs one STORE; returns the cycles from start_i to the first cycle busy_o is low again.
  unsigned Run(const Store& s, unsigned seed) {
    std::mt19937 rng(seed);
    std::bernoulli_distribution stall(s.backpressure);
    const std::string tag = "fmt " + std::to_string(s.fmt) + " rows " + std::to_string(s.rows) +
                            " row_bytes " + std::to_string(s.row_bytes) + " seed " +
                            std::to_string(seed) + ": ";
    std::vector<unsigned> reads;
    std::vector<Req> reqs;
    std::vector<Row> ppu_rows;  // the acc rows the PPU was given, in order
    unsigned cycles = 0;
    std::vector<bool> lasts;  // each accepted request's req_last flag
    bool started = false, done = false;
    for (unsigned t = 0; t < 100000 && !done; ++t) {
      const bool start = t == 0;
      m_->start_i = start;
      m_->acc_addr_i = s.acc_addr;
      m_->rows_i = s.rows;
      m_->bytes_i = s.row_bytes;
      m_->bias_addr_i = s.bias_addr;
      m_->dram_addr_i = s.dram;
      m_->stride_i = s.stride;
      m_->perch_i = s.perch;
      m_->qaddr_i = s.qaddr;
      m_->mult_i = s.scale;
      m_->shift_i = 0;
      m_->zp_i = 0;
      m_->min_i = 0x80;
      m_->max_i = 0x7f;
      m_->fmt_i = s.fmt;
      m_->sat_i = s.sat;
      SetWide(m_->acc_rdata_i, rdata_);
      m_->ppu_valid_i = pipe_[1].valid;
      SetWide(m_->ppu_out_i, pipe_[1].packed);
      m_->wr_req_ready_i = !stall(rng);
      m_->eval();
      if (started && !m_->busy_o) {
        done = true;
        cycles = t;
        break;
      }
      started |= start;
      if (m_->busy_o && t > 0 && (m_->ppu_fmt_o != s.fmt || m_->ppu_sat_o != s.sat))
        Fail(tag + "ppu_fmt_o/ppu_sat_o differ from the STORE's");
      if (m_->busy_o && t > 0 && s.fmt != 0 && m_->ppu_mult_o[kCols - 1] != s.scale)
        Fail(tag + "ppu_mult_o does not carry the scale");
      // Sample the outputs before the edge.
      const bool re = m_->acc_re_o;
      const unsigned raddr = m_->acc_raddr_o;
      if (re) reads.push_back(raddr);
      Stage in;
      if (m_->ppu_valid_o) {
        Row r;
        for (unsigned c = 0; c < kCols; ++c) r[c] = m_->acc_rdata_i[c];
        ppu_rows.push_back(r);
        in = {true, Pack(r, s.fmt)};
      }
      if (m_->wr_req_valid_o && m_->wr_req_ready_i) {
        reqs.push_back({m_->wr_req_addr_o, m_->wr_req_bytes_o, m_->wr_req_data_o});
        lasts.push_back(m_->wr_req_last_o != 0);
      }
      m_->clk_i = 1;
      m_->eval();
      if (re) rdata_ = acc_[raddr];
      pipe_[1] = pipe_[0];
      pipe_[0] = in;
      m_->clk_i = 0;
      m_->eval();
    }
    if (!done) Fail(tag + "busy_o never fell");
    for (size_t i = 0; i < lasts.size(); ++i)
      if (lasts[i] != (i + 1 == lasts.size()))
        Fail(tag + "request " + std::to_string(i) + " of " + std::to_string(lasts.size()) +
             (lasts[i] ? " carries req_last" : " (the last) lacks req_last"));

    // The acc words read: parameters (int8 only), then each row once.
    std::vector<unsigned> want;
    if (s.fmt == 0) {
      want.push_back(s.bias_addr);
      if (s.perch) want.insert(want.end(), {s.qaddr, s.qaddr + 1});
    }
    for (unsigned r = 0; r < s.rows; ++r) want.push_back(s.acc_addr + r);
    if (reads != want) Fail(tag + "acc reads differ from the expected words");
    if (ppu_rows.size() != s.rows) Fail(tag + "PPU rows " + std::to_string(ppu_rows.size()));

    // The write requests, in order, and the DRAM image they make.
    const unsigned per_row = (s.row_bytes + kCols - 1) / kCols;
    if (reqs.size() != s.rows * per_row)
      Fail(tag + std::to_string(reqs.size()) + " write requests, expected " +
           std::to_string(s.rows * per_row));
    std::map<uint32_t, uint8_t> dram;
    for (const Req& q : reqs)
      for (unsigned b = 0; b < q.bytes; ++b)
        dram[q.addr + b] = static_cast<uint8_t>(q.data >> 8 * b);
    for (unsigned r = 0; r < s.rows; ++r) {
      const Bytes p = Pack(acc_[s.acc_addr + r], s.fmt);
      const uint32_t row = s.dram + r * s.stride;
      for (unsigned q = 0; q < per_row; ++q) {
        const Req& got = reqs[r * per_row + q];
        const unsigned bytes = std::min(kCols, s.row_bytes - q * kCols);
        if (got.addr != row + q * kCols || got.bytes != bytes)
          Fail(tag + "row " + std::to_string(r) + " request " + std::to_string(q) + ": addr " +
               std::to_string(got.addr) + " bytes " + std::to_string(got.bytes) +
               ", expected addr " + std::to_string(row + q * kCols) + " bytes " +
               std::to_string(bytes));
      }
      for (unsigned i = 0; i < s.row_bytes; ++i) {
        auto it = dram.find(row + i);
        if (it == dram.end() || it->second != p[i])
          Fail(tag + "row " + std::to_string(r) + " byte " + std::to_string(i) + " wrong");
      }
    }
    if (dram.size() != static_cast<size_t>(s.rows) * s.row_bytes && s.stride >= s.row_bytes)
      Fail(tag + "bytes written outside the rows");
    return cycles;
  }

 private:
  struct Stage {
    bool valid = false;
    Bytes packed = Bytes(4 * kCols, 0);
  };
  Vsalsa_store_ctrl* m_;
  std::vector<Row> acc_;
  Row rdata_{};
  std::array<Stage, 2> pipe_;
};

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  Bench b;
  unsigned cases = 0;
  // Every format, row bytes from one element to a full row (partial last requests, several
  // requests per row), strides that are not multiples of cols, per-tensor and per-channel int8.
  const std::vector<std::pair<unsigned, std::vector<unsigned>>> formats = {
      {0, {1, 5, 8}},
      {1, {4, 8, 12, 20, 28, 32}},
      {2, {2, 8, 10, 16}},
      {3, {1, 7, 8}},
      {4, {3, 8}}};
  unsigned seed = 1;
  for (const auto& [fmt, sizes] : formats) {
    for (unsigned rb : sizes) {
      for (unsigned rows : {1u, 3u}) {
        for (double bp : {0.0, 0.5}) {
          Store s;
          s.fmt = fmt;
          s.sat = (seed & 1) != 0;
          s.rows = rows;
          s.row_bytes = rb;
          s.acc_addr = 17 + seed;
          s.bias_addr = 200;
          s.qaddr = 210;
          s.perch = fmt == 0 && rows == 3;
          s.dram = 0x1000 + 3 * seed;
          s.stride = 4 * kCols + 5;
          s.scale = 0x3F800000u + seed;
          s.backpressure = bp;
          const unsigned cyc = b.Run(s, seed++);
          ++cases;
          // Without backpressure, from start_i until busy_o falls: FP STOREs read no parameter
          // words and take 4 cycles per row plus one per write request; int8 ones 2 for the bias
          // (+4 per channel) and 5 per row, as before; both 1 more (the start). The STORE does
          // not wait for write responses (the write DMA retires it).
          const unsigned per_row = (rb + kCols - 1) / kCols;
          const unsigned want =
              fmt ? rows * (4 + per_row) + 1 : 2 + (s.perch ? 4 : 0) + rows * 5 + 1;
          if (bp == 0.0 && cyc != want)
            Fail("fmt " + std::to_string(fmt) + " rows " + std::to_string(rows) + " row_bytes " +
                 std::to_string(rb) + ": " + std::to_string(cyc) + " cycles, expected " +
                 std::to_string(want));
        }
      }
    }
  }
  std::printf("store_fp_test: %u STOREs passed (fp32, bf16, fp8_e4m3, fp8_e5m2 and int8)\n", cases);
  return 0;
}
