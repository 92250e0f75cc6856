// Unit tests of the cycle-based AXI4 DRAM model.
#include "salsa/axi_dram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <numeric>
#include <utility>

namespace salsa {
namespace {

struct Ar {
  uint64_t addr;
  unsigned len;
};
struct W {
  std::vector<uint8_t> data;
  uint64_t strb;
  bool last;
};

// A simple in-order master: issues queued AR/AW/W as fast as the slave takes them, always ready for
// R and B, and records the edge of every handshake.
class TestMaster {
 public:
  TestMaster(AxiDram& dram, unsigned bus_bytes) : dram_(dram), bus_bytes_(bus_bytes) {}

  void Read(uint64_t addr, unsigned len) { ars_.push_back({addr, len}); }
  // A master that (illegally, AXI A3.3.1) raises WVALID only after its AW handshake.
  void set_w_after_aw(bool v) { w_after_aw_ = v; }

  void Write(uint64_t addr, std::vector<W> beats) {
    aws_.push_back({addr, static_cast<unsigned>(beats.size() - 1)});
    for (auto& b : beats) ws_.push_back(std::move(b));
  }

  void Step() {
    AxiMasterOut m;
    m.arsize = m.awsize = Log2(bus_bytes_);
    m.rready = m.bready = true;
    if (!ars_.empty()) {
      m.arvalid = true;
      m.araddr = ars_.front().addr;
      m.arlen = ars_.front().len;
    }
    if (!aws_.empty()) {
      m.awvalid = true;
      m.awaddr = aws_.front().addr;
      m.awlen = aws_.front().len;
    }
    m.wdata.assign(bus_bytes_, 0);
    if (!ws_.empty() && (!w_after_aw_ || aw_hs_ > w_bursts_)) {
      m.wvalid = true;
      m.wdata = ws_.front().data;
      m.wstrb = ws_.front().strb;
      m.wlast = ws_.front().last;
    }
    const AxiSlaveOut s = dram_.outputs();
    if (m.arvalid && s.arready) {
      ar_edges.push_back(edge);
      ars_.pop_front();
    }
    if (m.awvalid && s.awready) {
      aws_.pop_front();
      ++aw_hs_;
    }
    if (m.wvalid && s.wready) {
      if (ws_.front().last) ++w_bursts_;
      ws_.pop_front();
    }
    if (s.rvalid) {
      r_edges.push_back(edge);
      rdata.push_back(s.rdata);
      rresp.push_back(s.rresp);
      rlast.push_back(s.rlast);
    }
    if (s.bvalid) {
      b_edges.push_back(edge);
      bresp.push_back(s.bresp);
    }
    trace.push_back(s.arready | s.rvalid << 1 | s.awready << 2 | s.wready << 3 | s.bvalid << 4);
    dram_.Tick(m);
    ++edge;
  }
  void Run(unsigned cycles) {
    for (unsigned i = 0; i < cycles; ++i) Step();
  }

  uint64_t edge = 0;
  std::vector<uint64_t> ar_edges, r_edges, b_edges;
  std::vector<std::vector<uint8_t>> rdata;
  std::vector<unsigned> rresp, bresp;
  std::vector<bool> rlast;
  std::vector<unsigned> trace;

 private:
  static unsigned Log2(unsigned x) {
    unsigned l = 0;
    while ((1u << l) < x) ++l;
    return l;
  }
  AxiDram& dram_;
  unsigned bus_bytes_;
  bool w_after_aw_ = false;
  unsigned aw_hs_ = 0, w_bursts_ = 0;
  std::deque<Ar> ars_, aws_;
  std::deque<W> ws_;
};

std::vector<uint8_t> Pattern(size_t n) {
  std::vector<uint8_t> mem(n);
  for (size_t i = 0; i < n; ++i) mem[i] = static_cast<uint8_t>(i * 7 + (i >> 8));
  return mem;
}

TEST(AxiDramTest, SingleReadLatency) {
  for (unsigned latency : {1u, 5u, 20u}) {
    auto mem = Pattern(8192);
    AxiDram::Options o;
    o.read_latency = latency;
    AxiDram dram(mem, 16, o);
    TestMaster m(dram, 16);
    m.Read(0x110, 0);
    m.Run(latency + 10);
    ASSERT_EQ(m.ar_edges.size(), 1u);
    ASSERT_EQ(m.r_edges.size(), 1u);
    EXPECT_EQ(m.r_edges[0] - m.ar_edges[0], latency) << "latency " << latency;
    EXPECT_TRUE(m.rlast[0]);
    EXPECT_EQ(m.rresp[0], kAxiOkay);
    EXPECT_EQ(m.rdata[0], std::vector<uint8_t>(mem.begin() + 0x110, mem.begin() + 0x120));
    EXPECT_TRUE(dram.violations().empty());
  }
}

// Four 16-beat bursts issued back to back: beats after the first arrive one per cycle.
uint64_t StreamCycles(double bandwidth, AxiDram::Stats* stats) {
  auto mem = Pattern(16384);
  AxiDram::Options o;
  o.bandwidth = bandwidth;
  AxiDram dram(mem, 16, o);
  TestMaster m(dram, 16);
  for (unsigned b = 0; b < 4; ++b) m.Read(0x1000 + b * 256, 15);
  m.Run(400);
  EXPECT_EQ(m.r_edges.size(), 64u);
  for (size_t i = 0; i < m.rdata.size(); ++i) {
    EXPECT_EQ(m.rdata[i],
              std::vector<uint8_t>(mem.begin() + 0x1000 + 16 * i, mem.begin() + 0x1010 + 16 * i));
    EXPECT_EQ(m.rlast[i], i % 16 == 15);
  }
  EXPECT_TRUE(dram.violations().empty());
  *stats = dram.stats();
  return m.r_edges.back() - m.r_edges.front() + 1;
}

TEST(AxiDramTest, BackToBackBurstsOneBeatPerCycle) {
  AxiDram::Stats stats;
  EXPECT_EQ(StreamCycles(1.0, &stats), 64u);
  EXPECT_EQ(stats.read_beats, 64u);
  EXPECT_EQ(stats.read_bursts, 4u);
  EXPECT_GE(stats.max_reads_in_flight, 2u);
}

TEST(AxiDramTest, BandwidthCapHalvesThroughput) {
  AxiDram::Stats stats;
  const uint64_t cycles = StreamCycles(0.5, &stats);
  EXPECT_GE(cycles, 126u);
  EXPECT_LE(cycles, 128u);
}

TEST(AxiDramTest, WriteStrobesAndResponse) {
  auto mem = Pattern(8192);
  const auto before = mem;
  AxiDram::Options o;
  o.write_latency = 7;
  AxiDram dram(mem, 16, o);
  TestMaster m(dram, 16);
  std::vector<uint8_t> a(16), b(16);
  std::iota(a.begin(), a.end(), 0xA0);
  std::iota(b.begin(), b.end(), 0xC0);
  m.Write(0x200, {{a, 0x00FF, false}, {b, 0xF0F0, true}});
  m.Run(30);
  ASSERT_EQ(m.bresp.size(), 1u);
  EXPECT_EQ(m.bresp[0], kAxiOkay);
  EXPECT_EQ(m.b_edges[0], 1u + 7u);  // last W beat at edge 1, B handshake write_latency later
  for (unsigned i = 0; i < 16; ++i) {
    EXPECT_EQ(mem[0x200 + i], i < 8 ? a[i] : before[0x200 + i]) << i;
    EXPECT_EQ(mem[0x210 + i], ((0xF0F0 >> i) & 1) ? b[i] : before[0x210 + i]) << i;
  }
  EXPECT_EQ(dram.stats().write_beats, 2u);
  EXPECT_EQ(dram.stats().write_bursts, 1u);
  EXPECT_TRUE(dram.violations().empty());
}

TEST(AxiDramTest, WlastMismatchIsFlagged) {
  auto mem = Pattern(8192);
  AxiDram dram(mem, 16);
  TestMaster m(dram, 16);
  m.Write(0x200,
          {{std::vector<uint8_t>(16), 0xFFFF, true}, {std::vector<uint8_t>(16), 0xFFFF, true}});
  m.Run(40);
  ASSERT_FALSE(dram.violations().empty());
  EXPECT_NE(dram.violations()[0].find("wlast"), std::string::npos) << dram.violations()[0];
}

TEST(AxiDramTest, FourKbCrossingIsFlagged) {
  auto mem = Pattern(16384);
  AxiDram dram(mem, 16);
  TestMaster m(dram, 16);
  m.Read(0xFF0, 1);  // 0xFF0..0x100F
  m.Run(40);
  ASSERT_EQ(dram.violations().size(), 1u);
  EXPECT_NE(dram.violations()[0].find("4 KB"), std::string::npos) << dram.violations()[0];
}

TEST(AxiDramTest, OutsideMemoryIsFlaggedAndAnswersDecErr) {
  auto mem = Pattern(4096);
  AxiDram dram(mem, 16);
  TestMaster m(dram, 16);
  m.Read(0x1000, 0);
  m.Run(40);
  ASSERT_EQ(m.rresp.size(), 1u);
  EXPECT_EQ(m.rresp[0], kAxiDecErr);
  ASSERT_FALSE(dram.violations().empty());
  EXPECT_NE(dram.violations()[0].find("outside memory"), std::string::npos);
}

TEST(AxiDramTest, ValidDroppedBeforeReadyIsFlagged) {
  auto mem = Pattern(4096);
  AxiDram::Options o;
  o.max_queued_reads = 0;  // arready never rises
  AxiDram dram(mem, 16, o);
  AxiMasterOut m;
  m.arsize = 4;
  m.arvalid = true;
  m.araddr = 0x40;
  dram.Tick(m);
  m.araddr = 0x80;  // payload change while waiting
  dram.Tick(m);
  m.arvalid = false;  // drop
  dram.Tick(m);
  ASSERT_EQ(dram.violations().size(), 2u);
  EXPECT_NE(dram.violations()[0].find("payload changed"), std::string::npos);
  EXPECT_NE(dram.violations()[1].find("dropped"), std::string::npos);
}

TEST(AxiDramTest, SlvErrRange) {
  auto mem = Pattern(16384);
  const auto before = mem;
  AxiDram::Options o;
  o.error_lo = 0x2000;
  o.error_hi = 0x3000;
  AxiDram dram(mem, 16, o);
  TestMaster m(dram, 16);
  m.Read(0x1000, 3);  // fine
  m.Read(0x2FF0, 0);  // inside the range
  m.Write(0x2100, {{std::vector<uint8_t>(16, 0xEE), 0xFFFF, true}});
  m.Run(80);
  ASSERT_EQ(m.rresp.size(), 5u);
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(m.rresp[i], kAxiOkay);
  EXPECT_EQ(m.rresp[4], kAxiSlvErr);
  ASSERT_EQ(m.bresp.size(), 1u);
  EXPECT_EQ(m.bresp[0], kAxiSlvErr);
  EXPECT_EQ(mem, before);  // an erroring write changes nothing
  EXPECT_TRUE(dram.violations().empty());
}

// The master's axi.max_outstanding: one burst more in flight is a violation.
TEST(AxiDramTest, MoreBurstsInFlightThanAllowedIsFlagged) {
  for (unsigned limit : {2u, 3u}) {
    auto mem = Pattern(16384);
    AxiDram::Options o;
    o.read_latency = 50;
    o.max_in_flight = limit;
    AxiDram dram(mem, 16, o);
    TestMaster m(dram, 16);
    for (unsigned i = 0; i < 3; ++i) m.Read(0x100 * i, 0);
    m.Run(100);
    EXPECT_EQ(m.r_edges.size(), 3u);
    EXPECT_EQ(dram.violations().size(), limit == 2 ? 1u : 0u) << "limit " << limit;
    if (limit == 2) {
      EXPECT_NE(
          dram.violations()[0].find("AR: 3 bursts in flight, more than the master's limit of 2"),
          std::string::npos)
          << dram.violations()[0];
    }
  }
}

// --reset-at P%: after RestartRandom the model's READY pattern (backpressure, strict stalls)
// replays the first run's exactly.
TEST(AxiDramTest, RestartRandomReplaysTheTiming) {
  auto mem = Pattern(4096);
  AxiDram::Options o;
  o.backpressure = 0.4;
  o.strict = true;
  o.seed = 77;
  AxiDram dram(mem, 16, o);
  auto pattern = [&dram] {
    std::string p;
    for (int i = 0; i < 500; ++i) {
      dram.Tick(AxiMasterOut{});
      p += dram.outputs().arready ? '1' : '0';
      p += dram.outputs().awready ? '1' : '0';
      p += dram.outputs().wready ? '1' : '0';
    }
    return p;
  };
  const std::string first = pattern();
  EXPECT_NE(first.find('0'), std::string::npos);  // some backpressure to replay
  dram.RestartRandom();
  EXPECT_EQ(pattern(), first);
}

// --reset-at: the slave side of a bus reset drops what it accepted and serves the next master
// as a fresh model would, with no violation from the dropped bursts.
TEST(AxiDramTest, ResetProtocolDropsInFlightTransactions) {
  auto mem = Pattern(16384);
  AxiDram::Options o;
  o.read_latency = 20;
  o.write_latency = 20;
  AxiDram dram(mem, 16, o);
  {
    TestMaster m(dram, 16);
    m.Read(0x0, 15);
    m.Write(0x400, {{std::vector<uint8_t>(16, 0xAB), 0xFFFF, true}});  // its B not yet sent
    m.Run(8);
    EXPECT_TRUE(dram.busy());
  }
  dram.ResetProtocol();
  dram.ClearStats();
  EXPECT_FALSE(dram.busy());
  EXPECT_FALSE(dram.outputs().rvalid);
  EXPECT_FALSE(dram.outputs().bvalid);
  TestMaster m(dram, 16);
  m.Read(0x100, 1);
  m.Write(0x800, {{std::vector<uint8_t>(16, 1), 0xFFFF, true}});
  m.Run(100);
  EXPECT_EQ(m.r_edges.size(), 2u);
  EXPECT_EQ(m.bresp.size(), 1u);
  EXPECT_EQ(dram.stats().read_beats, 2u);
  EXPECT_EQ(mem[0x800], 1);
  EXPECT_TRUE(dram.violations().empty()) << dram.violations().front();
  EXPECT_FALSE(dram.busy());
}

// --fault no-response-*: after the given beats the slave stops answering on that side, without
// a protocol violation of its own, and the other side keeps working.
TEST(AxiDramTest, DeadSlaveStopsAfterTheGivenBeats) {
  auto mem = Pattern(16384);
  AxiDram::Options o;
  o.read_latency = 3;
  o.write_latency = 3;
  o.dead_reads_after = 6;
  AxiDram dram(mem, 16, o);
  TestMaster m(dram, 16);
  m.Read(0x0, 3);    // 4 beats
  m.Read(0x100, 3);  // 2 of 4 beats, then silence
  m.Read(0x200, 0);  // accepted before the silence, never answered
  m.Write(0x400, {{std::vector<uint8_t>(16, 0xAB), 0xFFFF, true}});
  m.Run(500);
  m.Read(0x300, 0);  // offered after the silence: never accepted
  m.Run(100);
  EXPECT_EQ(m.r_edges.size(), 6u);
  EXPECT_EQ(m.ar_edges.size(), 3u);
  EXPECT_EQ(m.bresp.size(), 1u);  // writes still answered
  EXPECT_TRUE(dram.busy());
  EXPECT_TRUE(dram.violations().empty());

  AxiDram::Options w = o;
  w.dead_reads_after = UINT64_MAX;
  w.dead_writes_after = 1;
  auto mem2 = Pattern(16384);
  AxiDram dram2(mem2, 16, w);
  TestMaster m2(dram2, 16);
  m2.Write(0x400, {{std::vector<uint8_t>(16, 1), 0xFFFF, false},
                   {std::vector<uint8_t>(16, 2), 0xFFFF, true}});
  m2.Read(0x0, 1);
  m2.Run(500);
  EXPECT_TRUE(m2.bresp.empty());     // the second W beat and the B never come
  EXPECT_EQ(m2.r_edges.size(), 2u);  // reads still answered
  EXPECT_EQ(dram2.stats().write_beats, 1u);
  EXPECT_TRUE(dram2.violations().empty());
}

std::vector<unsigned> BackpressureTrace(uint64_t seed, std::vector<std::vector<uint8_t>>* data) {
  auto mem = Pattern(16384);
  AxiDram::Options o;
  o.backpressure = 0.4;
  o.seed = seed;
  o.read_latency = 3;
  AxiDram dram(mem, 8, o);
  TestMaster m(dram, 8);
  for (unsigned b = 0; b < 6; ++b) m.Read(0x800 + b * 64, 7);
  for (unsigned b = 0; b < 3; ++b) {
    m.Write(0x3000 + b * 16, {{std::vector<uint8_t>(8, b), 0xFF, false},
                              {std::vector<uint8_t>(8, b + 1), 0x0F, true}});
  }
  m.Run(400);
  EXPECT_EQ(m.rdata.size(), 48u);
  EXPECT_EQ(m.bresp.size(), 3u);
  EXPECT_TRUE(dram.violations().empty());
  for (size_t i = 0; i < m.rdata.size(); ++i) {
    EXPECT_EQ(m.rdata[i],
              std::vector<uint8_t>(mem.begin() + 0x800 + 8 * i, mem.begin() + 0x808 + 8 * i));
  }
  *data = m.rdata;
  return m.trace;
}

TEST(AxiDramTest, DeterministicForSeed) {
  std::vector<std::vector<uint8_t>> d1, d2, d3;
  const auto t1 = BackpressureTrace(7, &d1);
  const auto t2 = BackpressureTrace(7, &d2);
  const auto t3 = BackpressureTrace(8, &d3);
  EXPECT_EQ(t1, t2);
  EXPECT_EQ(d1, d2);
  EXPECT_NE(t1, t3);
  EXPECT_EQ(d1, d3);  // timing differs, data does not
}

// --axi-strict: AWREADY only while AWVALID and WVALID are both pending, so a master that waits
// for AWREADY before WVALID never gets it (the write DMA's old deadlock)...
TEST(AxiDramTest, StrictAwReadyWaitsForWvalid) {
  auto mem = Pattern(8192);
  AxiDram::Options o;
  o.strict = true;
  AxiDram dram(mem, 16, o);
  TestMaster m(dram, 16);
  m.set_w_after_aw(true);
  m.Write(0x200, {{std::vector<uint8_t>(16, 1), 0xFFFF, true}});
  m.Run(2000);
  EXPECT_EQ(dram.stats().write_bursts, 0u);
  EXPECT_TRUE(m.bresp.empty());
}

// ...while a master that drives AW and W independently completes every write, through long stalls
// on every channel, with W beats sometimes accepted ahead of their AW.
TEST(AxiDramTest, StrictSlaveServesAnIndependentMaster) {
  auto mem = Pattern(65536);
  AxiDram::Options o;
  o.strict = true;
  o.seed = 5;
  AxiDram dram(mem, 16, o);
  TestMaster m(dram, 16);
  constexpr unsigned kBursts = 40;
  for (unsigned i = 0; i < kBursts; ++i) {
    std::vector<W> beats;
    for (unsigned b = 0; b < 1 + i % 4; ++b) {
      beats.push_back({std::vector<uint8_t>(16, static_cast<uint8_t>(i)), 0xFFFF, b == i % 4});
    }
    m.Write(0x1000 + 0x100 * i, beats);
    m.Read(0x1000 + 0x100 * i, i % 4);
  }
  m.Run(20000);
  EXPECT_EQ(m.bresp.size(), kBursts);
  EXPECT_EQ(dram.stats().read_bursts, kBursts);
  for (unsigned i = 0; i < kBursts; ++i) EXPECT_EQ(mem[0x1000 + 0x100 * i], i) << i;
  EXPECT_TRUE(dram.violations().empty());
  // Long stalls: some ready was low for more than 16 cycles in a row.
  unsigned run = 0, longest = 0;
  for (unsigned t : m.trace) {
    run = (t & 1u) ? 0 : run + 1;  // arready
    longest = std::max(longest, run);
  }
  EXPECT_GT(longest, 16u);
}

// Bytes kept elsewhere (AxiDramBytes, as the SystemC harness's TLM target): the same handshakes
// and data as over a vector, each read beat fetched once and each write beat with its strobes.
class VectorBytes : public AxiDramBytes {
 public:
  explicit VectorBytes(std::vector<uint8_t> mem) : mem(std::move(mem)) {}
  void ReadBeat(uint64_t addr, uint8_t* out, unsigned n) override {
    ++reads;
    std::copy(mem.begin() + addr, mem.begin() + addr + n, out);
  }
  void WriteBeat(uint64_t addr, const uint8_t* data, uint64_t enable, unsigned n) override {
    ++writes;
    for (unsigned i = 0; i < n; ++i) {
      if ((enable >> i) & 1u) mem[addr + i] = data[i];
    }
  }
  std::vector<uint8_t> mem;
  unsigned reads = 0, writes = 0;
};

TEST(AxiDramTest, ExternalBytesBehaveAsTheVector) {
  AxiDram::Options o;
  o.read_latency = 9;
  o.write_latency = 5;
  o.backpressure = 0.3;
  o.strict = true;
  o.seed = 42;
  auto mem = Pattern(8192);
  VectorBytes bytes(mem);
  AxiDram a(mem, 16, o);
  AxiDram b(bytes, bytes.mem.size(), 16, o);
  TestMaster ma(a, 16), mb(b, 16);
  std::vector<uint8_t> d(16);
  std::iota(d.begin(), d.end(), 0x30);
  for (TestMaster* m : {&ma, &mb}) {
    m->Read(0x100, 3);
    m->Write(0x140, {{d, 0x0FF0, false}, {d, 0xFFFF, true}});
    m->Read(0x140, 1);
    m->Run(600);
  }
  EXPECT_EQ(ma.trace, mb.trace);
  EXPECT_EQ(ma.rdata, mb.rdata);
  EXPECT_EQ(ma.r_edges, mb.r_edges);
  EXPECT_EQ(ma.b_edges, mb.b_edges);
  EXPECT_EQ(mem, bytes.mem);
  EXPECT_EQ(bytes.reads, 6u);
  EXPECT_EQ(bytes.writes, 2u);
}

}  // namespace
}  // namespace salsa
